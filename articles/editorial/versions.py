"""The version store: what a version of a story is, and the one optimistic write.

A version covers everything readers see: headline, slug, deck, byline, body, urgency,
slugline, dateline and tags. The same snapshot is what a `Revision` keeps, what the three-way
merge compares (`merge.py`), what the admin's version diff and conflict screen show and what
the public change history diffs, so none of them can leave a field out.
"""

from django.utils import timezone

from ..models import Article, Revision, Tag
from .errors import StaleArticleError
from .signals import articles_changed

# The story's own columns among them; the dateline and tags are stored by reference.
COLUMN_FIELDS = ("headline", "slug", "deck", "byline", "body", "urgency", "slugline")
VERSIONED_FIELDS = (*COLUMN_FIELDS, "dateline", "tags")


def article_snapshot(article: Article) -> dict:
    """The story's versioned values as stored: tags by name, sorted; the dateline by id."""
    stored = Article.objects.get(pk=article.pk)
    return {
        **{name: getattr(stored, name) for name in COLUMN_FIELDS},
        "dateline": stored.dateline_id,
        "tags": sorted(stored.tags.values_list("name", flat=True)),
    }


def revision_snapshot(revision: Revision) -> dict:
    return {
        **{name: getattr(revision, name) for name in COLUMN_FIELDS},
        "dateline": revision.dateline_id,
        "tags": revision.tag_names,
    }


def instance_values(article: Article, tags=None) -> dict:
    """The values an editor set on an instance (and `tags`, Tag objects or names; by default
    the story's stored tags)."""
    if tags is None:
        tags = article.tags.all() if article.pk is not None else []
    return {
        **{name: getattr(article, name) for name in COLUMN_FIELDS},
        "dateline": article.dateline_id,
        "tags": sorted(getattr(tag, "name", tag) for tag in tags),
    }


def column_values(values: dict) -> dict:
    """A snapshot as the story's own columns (tags are not one: see `set_tags`)."""
    columns = {name: values[name] for name in COLUMN_FIELDS}
    columns["slug"] = columns["slug"] or Article.slug_for(columns["headline"])
    columns["dateline_id"] = values["dateline"]
    return columns


def set_tags(article: Article, names) -> list[str]:
    """File the story under these tags (by name; a tag deleted meanwhile is dropped)."""
    tags = list(Tag.objects.filter(name__in=names))
    article.tags.set(tags)
    return sorted(tag.name for tag in tags)


def write_version(article: Article, expected_version: int, *, announce=True, **fields) -> None:
    """The optimistic update: raise the version only if nobody else did first.

    Every write to an existing story, the importer's included, goes through here. A caller
    writing many stories (the importer) passes `announce=False` and sends `articles_changed`
    once for all of them.
    """
    fields["modified_at"] = timezone.now()
    written = Article.objects.filter(pk=article.pk, version=expected_version).update(
        version=expected_version + 1, **fields
    )
    if not written:
        raise StaleArticleError(article.pk, expected_version)
    if announce:
        articles_changed.send(sender=Article, article_ids=[article.pk])
    for name, value in fields.items():
        setattr(article, name, value)
    article.version = expected_version + 1


def keep_revision(article: Article, values: dict, *, by, kind: str, update=None) -> Revision:
    """Keep the version the story is now at; `values` are its versioned values."""
    columns = column_values(values)
    return Revision.objects.create(
        article=article,
        number=article.version,
        **columns,
        tags="\n".join(values["tags"]),
        kind=kind,
        is_public=article.status == Article.Status.PUBLISHED,
        update=update,
        editor=by,
    )


def base_revision(article: Article, version: int | None) -> Revision | None:
    """The newest revision at or before `version`: the text the story had at that version."""
    if not version:
        return None
    return article.revisions.filter(number__lte=version).order_by("-number").first()
