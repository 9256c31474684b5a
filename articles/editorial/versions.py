"""The version store: the one optimistic write, and the revisions that keep each version.

What a version covers is described once in `articles.content`; a `Revision` keeps all of it,
the three-way merge (`merge.py`) compares it, the admin's diff and conflict screens show it and
the public change history diffs it.
"""

from django.utils import timezone

from .. import content
from ..models import Article, Revision, Tag
from .errors import StaleArticleError


def set_tags(article: Article, names) -> list[str]:
    """File the story under these tags (by name; a tag deleted meanwhile is dropped)."""
    tags = list(Tag.objects.filter(name__in=names))
    article.tags.set(tags)
    return sorted(tag.name for tag in tags)


def write_version(article: Article, expected_version: int, **fields) -> None:
    """The optimistic update: raise the version only if nobody else did first.

    Every write to an existing story, the importer's included, goes through here; the action
    (or the importer's batch) that calls it finishes the change (`finishing.py`).
    """
    fields["modified_at"] = timezone.now()
    written = Article.objects.filter(pk=article.pk, version=expected_version).update(
        version=expected_version + 1, **fields
    )
    if not written:
        raise StaleArticleError(article.pk, expected_version)
    for name, value in fields.items():
        setattr(article, name, value)
    article.version = expected_version + 1


def keep_revision(article: Article, values: dict, *, by, kind: str, update=None) -> Revision:
    """Keep the version the story is now at; `values` are its versioned values."""
    return Revision.objects.create(
        article=article,
        number=article.version,
        **content.revision_columns(values),
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
