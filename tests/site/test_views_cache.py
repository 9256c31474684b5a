"""The page cache: kept pages are checked against the database's record of changes.

With the shared Redis cache that production uses, without it, and with a Redis that does not
answer; pages drop by what they show, never by one global switch."""

import os
from datetime import timedelta

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone

from articles.editorial.actions import save_article, withdraw_article
from articles.models import Article
from articles.site.caching import process_pages
from tests.factories import ArticleFactory, TagFactory
from tests.site.servers import port

pytestmark = pytest.mark.django_db

# A database of its own, since the tests clear it; TEST_REDIS_URL moves it for parallel runs.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def redis_is_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "newsroom-tests",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }


@pytest.fixture
def shared_cache():
    if not redis_is_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    with override_settings(CACHES=redis_cache(REDIS_URL), PAGE_CACHE_SHARED=True):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


def another_worker() -> None:
    """What a request landing on another worker sees: no copy of its own, nothing known."""
    process_pages.clear()


def test_pages_kept_in_redis_serve_another_worker_with_one_query(
    client, shared_cache, django_assert_num_queries
):
    article = ArticleFactory(published=True, headline="Kept in Redis")
    first = client.get(article.get_absolute_url())
    another_worker()
    process_pages.catch_up()

    with django_assert_num_queries(1):  # the record of changes; the page comes from Redis
        second = client.get(article.get_absolute_url())

    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Security-Policy"]


def test_a_kill_in_another_worker_drops_the_page_kept_in_redis(client, shared_cache, editor):
    article = ArticleFactory(published=True, headline="Soon withdrawn")
    assert client.get(article.get_absolute_url()).status_code == 200
    another_worker()

    withdraw_article(Article.objects.get(pk=article.pk), by=editor, reason="Not verified.")

    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "Soon withdrawn" not in client.get("/").text


def test_a_change_drops_only_the_pages_that_show_it(client, editor, django_assert_num_queries):
    changed = ArticleFactory(published=True, tags=[TagFactory(slug="changed")])
    untouched = ArticleFactory(published=True, tags=[TagFactory(slug="untouched")])
    for url in (changed.get_absolute_url(), untouched.get_absolute_url(), "/tags/untouched/"):
        client.get(url)
    changed.refresh_from_db()
    changed.body = "A silently fixed typo."

    save_article(changed, by=editor, kind="silent_fix")

    with django_assert_num_queries(1):  # still kept: only the record of changes is read
        client.get(untouched.get_absolute_url())
    with django_assert_num_queries(1):
        client.get("/tags/untouched/")
    assert "A silently fixed typo." in client.get(changed.get_absolute_url()).text


def test_pages_render_and_editors_save_while_redis_does_not_answer(client, editor):
    dead = f"redis://127.0.0.1:{port(40)}/0"  # nothing listens there
    article = ArticleFactory(published=True, headline="Still readable")
    with override_settings(CACHES=redis_cache(dead), PAGE_CACHE_SHARED=True):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get("/").status_code == 200

        withdraw_article(Article.objects.get(pk=article.pk), by=editor, reason="Not verified.")

        assert client.get(article.get_absolute_url()).status_code == 410
        assert "Still readable" not in client.get("/").text


def test_unknown_query_parameters_make_no_new_entries(client, shared_cache):
    ArticleFactory(published=True)
    client.get("/")
    kept = len(shared_cache._cache.get_client().keys("*"))

    responses = [client.get(f"/?cachebust={n}") for n in range(50)]

    assert len(shared_cache._cache.get_client().keys("*")) == kept
    assert len(process_pages.pages) == 1
    assert {r.content for r in responses} == {client.get("/").content}
    assert all("private" in r["Cache-Control"] for r in responses)


def test_a_list_is_kept_no_longer_than_the_next_embargo(client, editor, settings, time_machine):
    settings.CACHE_LIST_SECONDS = 600
    settings.PAGE_PURGER = "tests.site.test_purge.RecordingPurger"
    time_machine.move_to(timezone.now(), tick=False)
    ArticleFactory(published=True)
    ArticleFactory(
        scheduled=True, headline="Out on time", published_at=timezone.now() + timedelta(seconds=30)
    )

    before = client.get("/")
    assert "Out on time" not in before.text
    assert "s-maxage=30" in before["Cache-Control"]

    time_machine.shift(31)
    assert "Out on time" in client.get("/").text


def test_the_worker_copy_never_outlives_the_page_lifetime(client, time_machine, settings):
    settings.CACHE_STORY_SECONDS = 60
    time_machine.move_to(timezone.now(), tick=False)
    article = ArticleFactory(published=True, headline="Old words")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(headline="New words")  # no signal at all

    assert "Old words" in client.get(article.get_absolute_url()).text
    time_machine.shift(61)
    assert "New words" in client.get(article.get_absolute_url()).text


def test_a_save_drops_pages_even_before_its_transaction_commits(client):
    article = ArticleFactory(published=True, headline="Before")
    client.get(article.get_absolute_url())
    client.get("/")

    article.headline = "After"
    article.save()  # the test's transaction never commits

    assert "After" in client.get(article.get_absolute_url()).text
    assert "After" in client.get("/").text


def test_feeds_never_answer_304_to_a_reader_holding_a_withdrawn_story(client, editor):
    older = ArticleFactory(published=True, published_at=timezone.now() - timedelta(days=2))
    newest = ArticleFactory(published=True, headline="Withdrawn from the feed")
    held = client.get("/feeds/latest.rss")
    assert "Last-Modified" not in held

    withdraw_article(Article.objects.get(pk=newest.pk), by=editor, reason="Not verified.")
    since = (timezone.now() + timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    again = client.get("/feeds/latest.rss", headers={"if-modified-since": since})

    assert again.status_code == 200
    assert "Withdrawn from the feed" not in again.text
    assert older.headline in again.text
    stale = client.get("/feeds/latest.rss", headers={"if-none-match": held["ETag"]})
    assert stale.status_code == 200
