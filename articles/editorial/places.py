"""Merging duplicate tags and datelines: the stories move over, nothing is lost.

A merge is a change to every story filed under the duplicates, so it lives with the other
writes to stories and is finished like them (`finishing.py`): one change for the merge.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import Article, Dateline, Tag, TagRedirect
from ..surrogate_keys import LATEST, SEARCH, place_key, place_list_key, tag_key, tag_list_key
from .finishing import changing


def merge_tags(keep: Tag, duplicates: list[Tag]) -> int:
    """Move the duplicates' stories to `keep`, delete them, and send their addresses to it.

    Returns the number of stories that gained `keep`. A story filed under both keeps one link.
    """
    with changing() as change:
        return _merge_tags(keep, [tag for tag in duplicates if tag.pk != keep.pk], change)


def _merge_tags(keep: Tag, duplicates: list[Tag], change) -> int:
    links = Article.tags.through.objects.filter(tag__in=duplicates)
    story_ids = list(links.values_list("article_id", flat=True).distinct())
    already = Article.tags.through.objects.filter(tag=keep, article=OuterRef("article"))
    links.filter(Exists(already)).delete()
    moved = links.update(tag=keep)
    TagRedirect.objects.filter(tag__in=duplicates).update(tag=keep)
    # A slug merged away once and later given to a new tag: its latest meaning wins.
    TagRedirect.objects.filter(old_slug__in=[tag.slug for tag in duplicates]).delete()
    TagRedirect.objects.bulk_create(
        [TagRedirect(old_slug=tag.slug, tag=keep) for tag in duplicates]
    )
    Tag.objects.filter(pk__in=[tag.pk for tag in duplicates]).delete()
    change.story(*story_ids)
    change.keys |= {LATEST, SEARCH}
    for tag in duplicates:
        change.keys |= {tag_key(tag.pk), tag_list_key(tag.pk)}
    return moved


def merge_datelines(keep: Dateline, duplicates: list[Dateline]) -> int:
    """File the duplicates' stories under `keep` and delete the duplicates.

    Returns the number of stories moved. Their versions do not move: the text an editor may
    be writing is unchanged, and only the spelling of the place is.
    """
    duplicates = [dateline for dateline in duplicates if dateline.pk != keep.pk]
    with changing() as change:
        stories = Article.objects.filter(dateline__in=duplicates)
        change.story(*stories.values_list("pk", flat=True))
        moved = stories.update(dateline=keep, modified_at=timezone.now())
        Dateline.objects.filter(pk__in=[dateline.pk for dateline in duplicates]).delete()
        change.keys |= {LATEST, SEARCH}
        for place in duplicates:
            change.keys |= {place_key(place.pk), place_list_key(place.pk)}
        return moved
