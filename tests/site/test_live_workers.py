"""A kill reaches every reader at once: gunicorn with three workers, with Redis, without it,
and while Redis does not answer. The editor's withdrawal commits in this process; every
public surface is then asked, on new connections that land on any worker."""

import pytest
import redis
from django.test import override_settings
from django.utils import timezone

from articles.editorial.actions import withdraw_article
from articles.lists import day_url
from articles.models import Article
from articles.site.pages import place_urls
from tests.factories import ArticleFactory, TagFactory
from tests.site.servers import Gunicorn, Redis, fetch, port

pytestmark = pytest.mark.django_db(transaction=True)

HEADLINE = "Zebrafish escape the city aquarium"
ROUNDS = 6  # every surface this many times, so that each of the three workers serves it


def kept_story(headline: str = HEADLINE) -> tuple[Article, list[str]]:
    tag = TagFactory()
    article = ArticleFactory(published=True, headline=headline, tags=[tag])
    day = timezone.localdate(article.published_at)
    return article, [
        article.get_absolute_url(),
        article.get_short_url(),
        f"/api/ninjs/stories/{article.pk}/",
        "/api/ninjs/latest/",
        "/",
        f"/tags/{tag.slug}/",
        place_urls(article.dateline)["country"],
        day_url(day),
        "/search/?q=zebrafish",
        "/feeds/latest.rss",
        f"/feeds/tags/{tag.slug}.atom",
        "/sitemap-news.xml",
        f"/sitemaps/{day.year}-{day.month:02d}.xml",
    ]


def shows(article: Article, body: str) -> bool:
    return HEADLINE in body or f"/stories/{article.pk}/" in body


def responses_showing(base: str, article: Article, urls: list[str]) -> list[str]:
    return [
        url
        for _ in range(ROUNDS)
        for url in urls
        if shows(article, fetch(base + url, headers={"Accept-Encoding": "identity"})[2])
    ]


def warm(base: str, article: Article, urls: list[str]) -> None:
    shown = responses_showing(base, article, urls)
    assert [url for url in urls if shown.count(url) != ROUNDS] == []


def withdraw(article: Article, editor) -> None:
    article.refresh_from_db()
    withdraw_article(article, by=editor, reason="The story could not be verified.")


@pytest.fixture(scope="module")
def redis_server(django_db_setup):
    server = Redis(port(1))
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["without Redis", "with Redis"])
def site(request, django_db_setup):
    environment = {}
    if request.param == "with Redis":
        environment["REDIS_URL"] = request.getfixturevalue("redis_server").url
    server = Gunicorn(port(2 if environment else 3), workers=3, **environment)
    yield server
    server.stop()


def test_a_withdrawn_story_is_served_by_no_worker_once_the_kill_commits(site, editor):
    article, urls = kept_story()
    warm(site.url, article, urls)

    withdraw(article, editor)

    assert responses_showing(site.url, article, urls) == []
    status, _, body = fetch(site.url + article.get_absolute_url())
    assert status == 410
    assert "could not be verified" in body


def test_a_save_shows_in_every_worker_at_once(site, editor):
    from articles.editorial.actions import save_article

    article, urls = kept_story()
    warm(site.url, article, urls[:1])
    article.refresh_from_db()
    article.headline = "Zebrafish found in the harbour"

    save_article(article, by=editor, kind="update", note="They were found.")

    for _ in range(ROUNDS):
        assert "Zebrafish found in the harbour" in fetch(site.url + urls[0])[2]


@pytest.fixture
def pausable_redis(django_db_setup):
    server = Redis(port(4))
    yield server
    server.stop()


@pytest.fixture
def site_on_pausable_redis(pausable_redis):
    server = Gunicorn(port(5), workers=3, REDIS_URL=pausable_redis.url)
    yield server
    server.stop()


def test_nothing_withdrawn_while_redis_was_down_is_served_when_it_returns(
    pausable_redis, site_on_pausable_redis, editor
):
    site = site_on_pausable_redis
    article, urls = kept_story()
    warm(site.url, article, urls)
    kept = redis.Redis.from_url(pausable_redis.url).dbsize()
    assert kept >= len(urls) - 1  # every page but the short address, a redirect

    pausable_redis.pause()
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": pausable_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    with override_settings(CACHES=caches):
        withdraw(article, editor)  # the editor's withdrawal succeeds while Redis is down
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHDRAWN
    assert 500 not in [fetch(site.url + url)[0] for url in urls]
    assert responses_showing(site.url, article, urls) == []

    pausable_redis.resume()
    assert redis.Redis.from_url(pausable_redis.url).dbsize() >= kept  # the old pages are there
    assert responses_showing(site.url, article, urls) == []
