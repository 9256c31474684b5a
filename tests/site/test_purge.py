"""Invalidation by what a page shows: the keys each change names and each page carries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import purge
from articles.editorial.actions import publish_article, save_article, withdraw_article
from articles.models import Article, PageChange, PurgeNode
from tests.factories import ArticleFactory, DatelineFactory, TagFactory

pytestmark = pytest.mark.django_db


class RecordingPurger:
    """A purger that remembers what it was told to drop, for the tests."""

    purged: list[frozenset[str]] = []

    def purge(self, keys):
        self.purged.append(frozenset(keys))


class Node:
    def __init__(self, name: str):
        self.name = name

    def purge(self, keys):
        TwoNodes.sent[self.name].append(frozenset(keys))
        if self.name == "down":
            raise OSError("unreachable")


class TwoNodes:
    """Two cache nodes, the first unreachable."""

    sent: dict[str, list[frozenset[str]]] = {}

    def __init__(self):
        self.nodes = [Node("down"), Node("up")]


@pytest.fixture
def purged(settings):
    settings.PAGE_PURGER = "tests.site.test_purge.RecordingPurger"
    settings.PAGE_PURGE_REPEAT_SECONDS = 0
    RecordingPurger.purged = []
    return RecordingPurger.purged


def last_keys() -> set[str]:
    return set(PageChange.objects.order_by("-seq").first().keys.split())


def test_a_silent_fix_names_the_story_and_what_prints_its_text_only(editor):
    place, tag = DatelineFactory(), TagFactory()
    article = ArticleFactory(published=True, dateline=place, tags=[tag])
    article.refresh_from_db()
    article.body = "A typo fixed."

    save_article(article, by=editor, kind="silent_fix")

    day = timezone.localdate(article.published_at)
    assert last_keys() == {
        f"story-{article.pk}",
        "list-search",
        "list-news",
        f"list-month-{day:%Y-%m}",
    }


def test_a_withdrawal_names_every_list_the_story_leaves(editor):
    place, tag = DatelineFactory(), TagFactory()
    article = ArticleFactory(published=True, dateline=place, tags=[tag])
    article.refresh_from_db()

    withdraw_article(article, by=editor, reason="Could not be verified.")

    day = timezone.localdate(article.published_at)
    assert {
        f"story-{article.pk}",
        "list-latest",
        "list-sitemap",
        f"list-tag-{tag.pk}",
        f"list-place-{place.pk}",
        f"list-day-{day:%Y-%m-%d}",
    } <= last_keys()
    assert Article.objects.get(pk=article.pk).list_keys == ""


def test_a_move_to_another_place_names_both_places_lists(editor):
    old, new = DatelineFactory(), DatelineFactory()
    article = ArticleFactory(published=True, dateline=old)
    article.refresh_from_db()
    article.dateline = new

    save_article(article, by=editor, kind="silent_fix")

    assert {f"list-place-{old.pk}", f"list-place-{new.pk}"} <= last_keys()


def test_a_tag_renamed_names_its_pages_and_the_filter_forms():
    tag = TagFactory()
    tag.name = "Renamed"
    tag.save()

    assert last_keys() == {f"tag-{tag.pk}", f"list-tag-{tag.pk}", "list-latest", "list-search"}


def test_the_purger_is_told_after_the_commit_only(
    editor, purged, django_capture_on_commit_callbacks
):
    article = ArticleFactory(published=True)
    article.refresh_from_db()
    purged.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        withdraw_article(article, by=editor, reason="Wrong.")
    assert purged == []

    for callback in callbacks:
        callback()
    assert any(f"story-{article.pk}" in keys for keys in purged)


def test_a_failing_purger_never_fails_the_save(
    editor, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_PURGER = "articles.purge.VarnishPurger"
    settings.VARNISH_PURGE_URLS = ["http://127.0.0.1:9/"]  # nothing listens there
    settings.PAGE_PURGE_REPEAT_SECONDS = 0
    article = ArticleFactory(published=True)
    article.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_article(article, by=editor, reason="Wrong.")

    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHDRAWN


def test_the_varnish_purger_sends_only_well_formed_keys():
    assert list(purge.key_batches({"story-1", "list-latest", "bad key|.*"})) == [
        "list-latest story-1"
    ]


def test_purges_are_split_under_the_header_limit():
    keys = {f"story-{n}" for n in range(1000, 1700)}

    batches = list(purge.key_batches(keys, limit=4096))

    assert max(len(batch) for batch in batches) <= 4096
    assert len(batches) == 2
    assert {key for batch in batches for key in batch.split()} == keys


def test_each_node_is_purged_on_its_own_and_one_that_fails_is_marked_behind(
    editor, settings, django_capture_on_commit_callbacks, monkeypatch
):
    woken = []
    monkeypatch.setattr(purge.retries, "wake", lambda: woken.append(True))
    settings.PAGE_PURGER = "tests.site.test_purge.TwoNodes"
    settings.PAGE_PURGE_REPEAT_SECONDS = 0
    TwoNodes.sent = {"down": [], "up": []}
    article = ArticleFactory(published=True)
    article.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_article(article, by=editor, reason="Wrong.")

    assert any(f"story-{article.pk}" in keys for keys in TwoNodes.sent["up"])
    down, up = PurgeNode.objects.get(name="down"), PurgeNode.objects.get(name="up")
    assert down.failing_since is not None
    assert "unreachable" in down.last_error
    assert up.failing_since is None
    assert up.purged_through == PageChange.objects.order_by("-seq").first().seq
    assert down.purged_through < up.purged_through
    assert woken  # its retries are under way


def test_publishing_names_the_lists_the_story_joins(editor):
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    article.refresh_from_db()

    publish_article(article, by=editor)

    assert {"list-latest", f"list-tag-{tag.pk}"} <= last_keys()


def test_a_scheduled_story_bounds_the_next_change_s_embargo(editor):
    at = timezone.now() + timedelta(hours=2)
    article = ArticleFactory()
    article.refresh_from_db()

    publish_article(article, by=editor, at=at)

    assert PageChange.objects.order_by("-seq").first().next_publication_at == at
