"""sitemap.xml and the news sitemap: valid XML, published only, lastmod by the one rule."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def test_sitemap_index_lists_the_news_sitemap_and_each_month(client):
    ArticleFactory(published=True, published_at=datetime(2016, 5, 25, 1, 1, tzinfo=UTC))
    ArticleFactory(published=True, published_at=datetime(2016, 4, 30, 20, 0, tzinfo=UTC))
    ArticleFactory(scheduled=True)

    response = client.get("/sitemap.xml")

    assert response["Content-Type"].startswith("application/xml")
    locs = [e.text for e in ET.fromstring(response.content).iter(f"{SM}loc")]
    # 20:00 UTC on April 30 is May 1 in India: the newsroom's month.
    assert locs == ["http://testserver/sitemap-news.xml", "http://testserver/sitemaps/2016-05.xml"]


def test_month_sitemap_lastmod_is_the_last_change(client):
    updated = ArticleFactory(
        published=True,
        published_at=datetime(2016, 5, 25, 1, 1, tzinfo=UTC),
        updated_at=datetime(2016, 5, 25, 9, 45, tzinfo=UTC),
    )
    plain = ArticleFactory(published=True, published_at=datetime(2016, 5, 24, 1, 1, tzinfo=UTC))
    ArticleFactory(withdrawn=True, published_at=datetime(2016, 5, 24, 1, 1, tzinfo=UTC))

    root = ET.fromstring(client.get("/sitemaps/2016-05.xml").content)
    urls = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.iter(f"{SM}url")}

    assert urls == {
        f"http://testserver{updated.get_absolute_url()}": "2016-05-25T09:45:00Z",
        f"http://testserver{plain.get_absolute_url()}": "2016-05-24T01:01:00Z",
    }


def test_empty_or_impossible_month_is_not_found(client):
    assert client.get("/sitemaps/2016-05.xml").status_code == 404
    assert client.get("/sitemaps/2016-13.xml").status_code == 404


def test_news_sitemap_has_the_last_two_days_only(client):
    recent = ArticleFactory(
        published=True, headline="Recent & <new>", published_at=timezone.now() - timedelta(hours=3)
    )
    ArticleFactory(published=True, published_at=timezone.now() - timedelta(days=3))
    ArticleFactory(scheduled=True)
    ArticleFactory()

    root = ET.fromstring(client.get("/sitemap-news.xml").content)
    urls = list(root.iter(f"{SM}url"))

    assert len(urls) == 1
    assert urls[0].findtext(f"{SM}loc") == f"http://testserver{recent.get_absolute_url()}"
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Recent & <new>"
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}name") == "Newsroom"
    assert news.findtext(f"{NEWS}publication_date").endswith("Z")
