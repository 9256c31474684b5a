"""The one finishing step of every write to stories: derived output made once, one change
recorded with the keys of every page it made stale, one announcement.

An editorial action (`actions.py`), a tag or place merge (`places.py`) and each import batch
(`importer/store.py`) run their writes inside `changing()`, noting what they changed on the
`Change` it yields. When the last write is done, still inside the writer's transaction, the
change is finished once:
- the derived output of every story it changed is made and stored (`derived.py`);
- the pages it made stale are named by surrogate keys (`articles/surrogate_keys.py`): each
  story's own, the search and news lists and its month's sitemap (which print its text and
  times), and, when a story moved (published, withdrawn, retagged, moved to another place or
  day), every list it left or joined (`articles.lists.filed_under`, remembered in
  `Article.list_keys`);
- those keys are recorded as one `PageChange`, numbered by `PageClock`, which every app server
  reads before it serves a kept page (`site/caching.py`), and handed to the purger of the
  shared caches once the transaction commits (`articles/purge.py`);
- `articles_changed` is sent once, for whoever listens.

Nested `changing()` blocks (an action that runs another) join the outermost one, so a write
is finished once however it is composed.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from ..lists import filed_under
from ..models import DERIVED_FIELDS, Article, PageChange, PageClock
from ..purge import purge_after_commit
from ..surrogate_keys import NEWS, SEARCH, month_of, story_key
from . import derived
from .signals import articles_changed

# A change is read by the app servers for this long: longer than any page is kept.
CHANGES_KEPT = timedelta(days=1)
PRUNE_EVERY = 100  # changes


@dataclass
class Change:
    """What one write changed, gathered while it runs."""

    # Stories whose text, state, placement or log changed: their output is made again.
    stories: set[int] = field(default_factory=set)
    # Stories created with their output and lists already stored (the importer's COPY):
    # only the lists they joined are named, in `joined_lists`.
    created: set[int] = field(default_factory=set)
    joined_lists: set[str] = field(default_factory=set)
    # Keys named directly: a deleted story's, a renamed tag's or place's.
    keys: set[str] = field(default_factory=set)
    # Instances the writer holds, given the output stored for them.
    held: list[Article] = field(default_factory=list)

    def story(self, *stories: int | Article) -> None:
        """Note stories (by id, or instances the writer holds) whose output is made again."""
        for story in stories:
            if isinstance(story, Article):
                self.held.append(story)
                story = story.pk
            self.stories.add(story)

    def finish(self) -> None:
        if not (self.stories or self.created or self.joined_lists or self.keys):
            return
        keys = set(self.keys) | set(self.joined_lists)
        keys.update(story_key(pk) for pk in self.created)
        if self.stories:
            stored = derived.store(self.stories)
            keys |= {SEARCH, NEWS} | _stale_lists(stored)
            by_pk = {article.pk: article for article in stored}
            for held in self.held:
                if held.pk in by_pk:
                    for name in DERIVED_FIELDS:
                        setattr(held, name, getattr(by_pk[held.pk], name))
        record_change(keys - {None})
        articles_changed.send(
            sender=Article, article_ids=sorted(self.stories), joined_lists=self.joined_lists
        )


_current: ContextVar[Change | None] = ContextVar("current_change", default=None)


def current() -> Change | None:
    """The change being gathered by the write running here, if any."""
    return _current.get()


@contextmanager
def changing():
    """Run a write in a transaction, and finish what it changed once, before it commits."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    change = Change()
    token = _current.set(change)
    try:
        with transaction.atomic():
            yield change
            change.finish()
    finally:
        _current.reset(token)


def _stale_lists(articles: Iterable[Article]) -> set[str]:
    """Each story's key and month, and the lists it left or joined, which it is now filed
    under (one query for their tags, and one write for those that moved)."""
    articles = list(articles)
    tags = Article.tags.through.objects.filter(article__in=articles).values_list(
        "article_id", "tag_id"
    )
    tag_ids: dict[int, list[int]] = {}
    for article_id, tag_id in tags:
        tag_ids.setdefault(article_id, []).append(tag_id)
    keys, moved = set(), []
    for article in articles:
        keys |= {story_key(article.pk), month_of(article)}
        filed = filed_under(article, tag_ids.get(article.pk, ()))
        was_filed = set(article.list_keys.split())
        if filed != was_filed:
            keys |= filed | was_filed
            article.list_keys = " ".join(sorted(filed))
            moved.append(article)
    Article.objects.bulk_update(moved, ["list_keys"], batch_size=500)
    return keys


def record_change(keys: set[str]) -> None:
    """Number the change and record its keys in the writer's transaction; purge at the commit.

    The clock's row lock makes concurrent writers take their numbers in the order they
    commit, so an app server that has read change N has seen every change up to N.
    """
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        seq = _next_seq()
        PageChange.objects.create(
            seq=seq,
            keys=" ".join(sorted(keys)),
            at=now,
            next_publication_at=next_publication(now),
        )
        if seq % PRUNE_EVERY == 0:
            PageChange.objects.filter(at__lt=now - CHANGES_KEPT).delete()
    purge_after_commit(keys, seq)


def _next_seq() -> int:
    """Raise the clock by one and return it: one statement, which creates the clock's row the
    first time and otherwise holds its lock until the writer commits."""
    table = connection.ops.quote_name(PageClock._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, seq) VALUES (1, 1)"
            f" ON CONFLICT (id) DO UPDATE SET seq = {table}.seq + 1 RETURNING seq"
        )
        return cursor.fetchone()[0]


def next_publication(now) -> datetime | None:
    """When the first embargo still to come lifts: a list may be kept until then, no longer."""
    return Article.objects.scheduled(now).aggregate(first=Min("published_at"))["first"]
