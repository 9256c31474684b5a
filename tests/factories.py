"""factory_boy factories with switches for the states tests talk about."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, Dateline, Revision, Tag, Update


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@newsroom.test")
    password = factory.django.Password("correct horse battery staple")


class DatelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dateline

    country = "India"
    region = "Maharashtra"
    city = factory.Sequence(lambda n: f"City {n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Tag {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A draft by default; `published=True`, `scheduled=True` or `withdrawn=True` for others."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
        )
        scheduled = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1)),
        )
        withdrawn = factory.Trait(
            status=Article.Status.WITHDRAWN,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
            withdrawal_reason="The story could not be verified.",
        )

    headline = factory.Sequence(lambda n: f"Story number {n} makes the news")
    deck = "A deck that tells the reader why it matters"
    body = "First paragraph of the story.\n\nSecond paragraph with more detail."
    dateline = factory.SubFactory(DatelineFactory)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Update

    article = factory.SubFactory(ArticleFactory, published=True)
    note = "Adds the latest figures from officials."


class RevisionFactory(factory.django.DjangoModelFactory):
    """A saved version of a story's text; public by default, as after a publication."""

    class Meta:
        model = Revision

    article = factory.SubFactory(ArticleFactory, published=True)
    number = factory.Sequence(lambda n: n + 1)
    headline = factory.LazyAttribute(lambda revision: revision.article.headline)
    deck = factory.LazyAttribute(lambda revision: revision.article.deck)
    body = factory.LazyAttribute(lambda revision: revision.article.body)
    kind = Revision.Kind.PUBLICATION
    is_public = True


def make_picture(data: bytes | None = None, name: str = "photo.jpg", **text):
    """A picture stored as an upload stores it (checks, renditions), in the current storages."""
    from django.core.files.base import ContentFile

    from articles.pictures.library import add_picture
    from tests.pictures.images import agency_jpeg

    text.setdefault("alt_text", "Rescuers lift a slab of concrete")
    return add_picture(ContentFile(data or agency_jpeg()), name, **text)
