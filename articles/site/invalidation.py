"""Which pages a change makes stale, named by surrogate keys, and the record every server reads.

Pages are tagged with the keys of what they show (`articles/surrogate_keys.py`). A change names
the keys it makes stale:
- a story: its own key, the search and news lists and its month's sitemap (which print its
  text and times), and, when it moves (published, withdrawn, retagged, moved to another place
  or day), every list it leaves or joins, remembered in `Article.list_keys`;
- a tag or a place: its key, its list, and the lists whose filter form names it;
- stories the importer created: the lists they join (it files them under `list_keys` itself).

`record_change` writes the keys to the database inside the writer's transaction
(`PageChange`, numbered by `PageClock`), which every app server reads before it serves a kept
page (`caching.py`), and hands them to the purger of the shared caches once it commits.

The editorial layer announces its writes (`articles_changed`), which model signals do not see
(optimistic UPDATEs, the importer's COPY); saves made through the ORM (a new story, datelines,
tags, update notes) are caught by model signals.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from ..editorial.signals import articles_changed
from ..models import Article, Dateline, PageChange, PageClock, Tag, Update
from ..surrogate_keys import (
    LATEST,
    NEWS,
    SEARCH,
    filed_lists,
    month_of,
    place_key,
    place_list_key,
    story_key,
    tag_key,
    tag_list_key,
)
from .purge import purge_after_commit

# A change is read by the app servers for this long: longer than any page is kept.
CHANGES_KEPT = timedelta(days=1)
PRUNE_EVERY = 100  # changes


def stories_changed(article_ids: Iterable[int], joined_lists: Iterable[str] = ()) -> None:
    """The stories changed: their pages and what prints them, and any list they left or joined.

    `joined_lists` are lists that new stories, already filed under them, joined.
    """
    ids = set(article_ids)
    keys = {SEARCH, NEWS} | {story_key(pk) for pk in ids} | set(joined_lists)
    moved = []
    for article in Article.objects.filter(pk__in=ids).prefetch_related("tags"):
        keys.add(month_of(article))
        filed = filed_lists(article, [tag.pk for tag in article.tags.all()])
        was_filed = set(article.list_keys.split())
        if filed != was_filed:
            keys |= filed | was_filed
            article.list_keys = " ".join(sorted(filed))
            moved.append(article)
    Article.objects.bulk_update(moved, ["list_keys"], batch_size=500)
    record_change(keys - {None})


def record_change(keys: set[str]) -> None:
    """Number the change and record its keys in the writer's transaction; purge at the commit.

    The clock's row lock makes concurrent writers take their numbers in the order they
    commit, so an app server that has read change N has seen every change up to N.
    """
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        clock = PageClock.objects.select_for_update().filter(pk=1).first() or PageClock(pk=1)
        clock.seq += 1
        clock.save()
        PageChange.objects.create(
            seq=clock.seq,
            keys=" ".join(sorted(keys)),
            at=now,
            next_publication_at=next_publication(now),
        )
        if clock.seq % PRUNE_EVERY == 0:
            PageChange.objects.filter(at__lt=now - CHANGES_KEPT).delete()
    purge_after_commit(keys, clock.seq)


def next_publication(now) -> datetime | None:
    """When the first embargo still to come lifts: a list may be kept until then, no longer."""
    return Article.objects.scheduled(now).aggregate(first=Min("published_at"))["first"]


def _on_articles_changed(article_ids, joined_lists=(), **kwargs) -> None:
    stories_changed(article_ids, joined_lists)


def _on_article_saved(instance, **kwargs) -> None:
    stories_changed([instance.pk])


def _on_article_deleted(instance, **kwargs) -> None:
    record_change({story_key(instance.pk), SEARCH, NEWS, *instance.list_keys.split()})


def _on_tags_changed(instance, action, reverse, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        stories_changed([instance.pk])
    else:
        stories_changed(pk_set or instance.articles.values_list("pk", flat=True))


def _on_tag_changed(instance, **kwargs) -> None:
    record_change({tag_key(instance.pk), tag_list_key(instance.pk), LATEST, SEARCH})


def _on_place_changed(instance, **kwargs) -> None:
    record_change({place_key(instance.pk), place_list_key(instance.pk), LATEST, SEARCH})


def _on_update_changed(instance, **kwargs) -> None:
    record_change({story_key(instance.article_id)})


def connect_signals() -> None:
    articles_changed.connect(_on_articles_changed, dispatch_uid="pages-stories-changed")
    post_save.connect(_on_article_saved, sender=Article, dispatch_uid="pages-article-saved")
    post_delete.connect(_on_article_deleted, sender=Article, dispatch_uid="pages-article-gone")
    m2m_changed.connect(_on_tags_changed, sender=Article.tags.through, dispatch_uid="pages-tags")
    for model, handler in ((Tag, _on_tag_changed), (Dateline, _on_place_changed)):
        post_save.connect(handler, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")
    post_save.connect(_on_update_changed, sender=Update, dispatch_uid="pages-update-saved")
    post_delete.connect(_on_update_changed, sender=Update, dispatch_uid="pages-update-gone")
