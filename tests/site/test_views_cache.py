"""The page cache: on the shared Redis cache that production uses, and each worker's copy."""

import os

import pytest
import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.test import override_settings
from django.utils import timezone

from articles.models import Article
from articles.site.caching import GENERATION_KEY
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# A database of its own, since the tests clear it; TEST_REDIS_URL moves it for parallel runs.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def redis_is_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def shared_cache():
    if not redis_is_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    config = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom-tests",
        }
    }
    with override_settings(CACHES=config):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


def test_pages_are_kept_in_redis_and_served_without_queries(
    client, shared_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    article = ArticleFactory(published=True, headline="Kept in Redis")
    first = client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())

    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert second["Content-Security-Policy"]

    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Changed in Redis"
        article.save()

    assert "Changed in Redis" in client.get(article.get_absolute_url()).text


def test_a_save_in_another_worker_shows_here_within_a_second(client, time_machine):
    """Each worker's copy re-reads the shared generation at most a second later."""
    time_machine.move_to(timezone.now(), tick=False)
    article = ArticleFactory(published=True, headline="Before the save")
    assert "Before the save" in client.get(article.get_absolute_url()).text

    Article.objects.filter(pk=article.pk).update(headline="After the save")
    cache.incr(GENERATION_KEY)  # what another worker's save does to the shared cache

    assert "Before the save" in client.get(article.get_absolute_url()).text
    time_machine.shift(settings.PAGE_CACHE_LOCAL_SECONDS + 0.1)
    assert "After the save" in client.get(article.get_absolute_url()).text


def test_the_worker_copy_never_outlives_the_shared_lifetime(client, time_machine, settings):
    settings.CACHE_STORY_SECONDS = 60
    time_machine.move_to(timezone.now(), tick=False)
    article = ArticleFactory(published=True, headline="Old words")
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(headline="New words")

    time_machine.shift(61)

    assert "New words" in client.get(article.get_absolute_url()).text


def test_a_save_invalidates_pages_even_before_its_transaction_commits(client):
    article = ArticleFactory(published=True, headline="Before")
    client.get(article.get_absolute_url())
    client.get("/")

    article.headline = "After"
    article.save()  # the test's transaction never commits

    assert "After" in client.get(article.get_absolute_url()).text
    assert "After" in client.get("/").text
