from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from articles.models import Article, Dateline, Tag
from tests.factories import ArticleFactory, DatelineFactory

NOW = datetime(2026, 5, 25, 6, 0, tzinfo=UTC)
PAST = NOW - timedelta(minutes=1)
FUTURE = NOW + timedelta(minutes=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize(
    ("status", "published_at", "public", "scheduled"),
    [
        (Article.Status.DRAFT, None, False, False),
        (Article.Status.DRAFT, PAST, False, False),
        (Article.Status.DRAFT, FUTURE, False, False),
        (Article.Status.PUBLISHED, PAST, True, False),
        (Article.Status.PUBLISHED, NOW, True, False),
        (Article.Status.PUBLISHED, FUTURE, False, True),
        (Article.Status.WITHDRAWN, PAST, False, False),
        (Article.Status.WITHDRAWN, FUTURE, False, False),
    ],
)
def test_published_rule_on_status_and_time_grid(status, published_at, public, scheduled):
    article = ArticleFactory(status=status, published_at=published_at)

    assert (article in Article.objects.published()) is public
    assert article.is_published is public
    assert (article in Article.objects.scheduled()) is scheduled
    assert article.is_scheduled is scheduled


def test_embargo_lifts_by_itself_when_its_time_comes():
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=FUTURE)

    with time_machine.travel(NOW, tick=False):
        assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(FUTURE, tick=False):
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert article.is_published


def test_published_at_a_given_time():
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=NOW)

    assert not Article.objects.published(at=PAST).filter(pk=article.pk).exists()
    assert Article.objects.published(at=FUTURE).filter(pk=article.pk).exists()


def test_drafts_and_withdrawn_querysets():
    draft = ArticleFactory()
    withdrawn = ArticleFactory(withdrawn=True)
    ArticleFactory(published=True)

    assert list(Article.objects.drafts()) == [draft]
    assert list(Article.objects.withdrawn()) == [withdrawn]


def test_last_changed_is_the_update_time_or_else_publication():
    fresh = ArticleFactory(published=True)
    updated = ArticleFactory(published=True)
    updated.updated_at = updated.published_at + timedelta(hours=2)
    updated.save()

    assert fresh.last_changed_at == fresh.published_at
    assert updated.last_changed_at == updated.updated_at


def test_latest_first_orders_by_publication_then_id():
    older = ArticleFactory(status=Article.Status.PUBLISHED, published_at=PAST)
    first_tie = ArticleFactory(status=Article.Status.PUBLISHED, published_at=NOW)
    second_tie = ArticleFactory(status=Article.Status.PUBLISHED, published_at=NOW)

    assert list(Article.objects.latest_first()) == [second_tie, first_tie, older]


def test_listing_data_costs_two_queries_for_any_number_of_stories(django_assert_num_queries):
    tags = [Tag.objects.create(name=name) for name in ("Politics", "Weather")]
    for _ in range(5):
        ArticleFactory(published=True, tags=tags)

    with django_assert_num_queries(2):
        rows = [
            (a.dateline.city, [t.name for t in a.tags.all()])
            for a in Article.objects.published().with_listing_data()
        ]
    assert len(rows) == 5


def test_slug_is_filled_from_the_headline_and_kept_when_given():
    assert ArticleFactory(headline="Floods cut off northern districts").slug == (
        "floods-cut-off-northern-districts"
    )
    assert ArticleFactory(headline="Anything", slug="chosen").slug == "chosen"


def test_paragraphs_split_on_blank_lines_and_normalise_space():
    article = Article(body="First  line\njoined.\n\n \n\nSecond\u00a0paragraph.\r\n\r\nThird.")

    assert article.paragraphs == ["First line joined.", "Second paragraph.", "Third."]


def test_absolute_url_carries_id_and_slug():
    article = ArticleFactory(headline="Port workers end strike")

    assert article.get_absolute_url() == f"/stories/{article.pk}/port-workers-end-strike/"


class TestDateline:
    @pytest.mark.parametrize(
        ("place", "expected"),
        [
            ({"country": "Lebanon", "city": "Beirut"}, "BEIRUT, Lebanon"),
            (
                {"country": "India", "region": "Maharashtra", "city": "Mumbai"},
                "MUMBAI, Maharashtra",
            ),
            ({"country": "India", "region": "Delhi"}, "DELHI, India"),
            ({"country": "Nepal"}, "NEPAL"),
        ],
    )
    def test_wire_style(self, place, expected):
        assert str(Dateline(**place)) == expected

    def test_wire_style_lets_listed_cities_stand_alone(self):
        beirut = Dateline(country="Lebanon", city="Beirut")
        mumbai = Dateline(country="India", region="Maharashtra", city="Mumbai")

        assert beirut.wire_style(standalone_cities=["BEIRUT"]) == "BEIRUT"
        assert mumbai.wire_style(standalone_cities=["Beirut"]) == "MUMBAI, Maharashtra"

    def test_one_row_per_place_whatever_the_case_or_spacing(self):
        first, created = Dateline.objects.get_or_create_place("India", "Maharashtra", "Mumbai")
        again, created_again = Dateline.objects.get_or_create_place(
            " india ", "MAHARASHTRA", "mumbai\u00a0"
        )

        assert created
        assert not created_again
        assert again == first
        assert Dateline.objects.count() == 1

    def test_spacing_is_normalised_on_save(self):
        dateline = DatelineFactory(country="  United\u00a0 States ", region="", city="New   York")

        assert (dateline.country, dateline.city) == ("United States", "New York")

    def test_database_refuses_a_second_row_for_the_same_place(self):
        Dateline.objects.create(country="Lebanon", city="Beirut")

        with pytest.raises(IntegrityError), transaction.atomic():
            Dateline.objects.create(country="LEBANON", city="beirut")

    def test_database_refuses_a_dateline_without_country(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Dateline.objects.create(country="", city="Nowhere")


def test_tag_slug_from_name():
    assert Tag.objects.create(name="Monsoon  session").slug == "monsoon-session"


class TestDatabaseConstraints:
    """Rules the database enforces itself, whatever code writes the row."""

    def test_updated_time_cannot_precede_publication(self):
        article = ArticleFactory(published=True)
        article.updated_at = article.published_at - timedelta(seconds=1)

        with pytest.raises(IntegrityError), transaction.atomic():
            article.save()

    def test_published_story_needs_a_publication_time(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)

    def test_status_must_be_known(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ArticleFactory(status="pending")

    def test_legacy_id_is_unique_when_set(self):
        ArticleFactory(legacy_id="386ae2120d209c35")
        ArticleFactory(legacy_id=None)
        ArticleFactory(legacy_id=None)

        with pytest.raises(IntegrityError), transaction.atomic():
            ArticleFactory(legacy_id="386ae2120d209c35")


def test_list_indexes_exist_in_the_database():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Article._meta.db_table)
    assert {"article_latest_published", "article_dateline_published"} <= set(constraints)
