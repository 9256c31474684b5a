"""RSS and Atom feeds: valid XML, published stories only, the one rule for "changed"."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from tests.factories import ArticleFactory, DatelineFactory, TagFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def stories():
    tag = TagFactory(name="Monsoon", slug="monsoon")
    place = DatelineFactory(country="India", region="Maharashtra", city="Mumbai")
    updated = ArticleFactory(
        published=True,
        headline="Updated story",
        byline="Asha Rao",
        published_at=datetime(2016, 5, 25, 1, 1, tzinfo=UTC),
        updated_at=datetime(2016, 5, 25, 9, 45, tzinfo=UTC),
        tags=[tag],
        dateline=place,
    )
    plain = ArticleFactory(
        published=True,
        headline="Plain story",
        published_at=datetime(2016, 5, 24, 1, 1, tzinfo=UTC),
        tags=[tag],
        dateline=place,
    )
    ArticleFactory(headline="Draft story", tags=[tag], dateline=place)
    ArticleFactory(scheduled=True, headline="Scheduled story", tags=[tag], dateline=place)
    ArticleFactory(withdrawn=True, headline="Withdrawn story", tags=[tag], dateline=place)
    return updated, plain


@pytest.mark.parametrize(
    "url", ["/feeds/latest.rss", "/feeds/tags/monsoon.rss", "/feeds/places/india/mumbai.rss"]
)
def test_rss_feeds_are_valid_xml_with_published_stories(client, stories, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Updated story", "Plain story"]
    link = items[0].findtext("link")
    assert link == f"http://testserver{stories[0].get_absolute_url()}"
    assert items[0].findtext("pubDate") == "Wed, 25 May 2016 01:01:00 +0000"
    assert "MUMBAI, Maharashtra" in items[0].findtext("description")
    assert [c.text for c in items[0].findall("category")] == ["Monsoon"]


@pytest.mark.parametrize(
    "url", ["/feeds/latest.atom", "/feeds/tags/monsoon.atom", "/feeds/places/india.atom"]
)
def test_atom_updated_is_the_last_change(client, stories, url):
    response = client.get(url)

    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Updated story", "Plain story"]
    assert entries[0].findtext(f"{ATOM}updated") == "2016-05-25T09:45:00+00:00"
    assert entries[0].findtext(f"{ATOM}published") == "2016-05-25T01:01:00+00:00"
    assert entries[1].findtext(f"{ATOM}updated") == "2016-05-24T01:01:00+00:00"
    assert feed.findtext(f"{ATOM}updated") == "2016-05-25T09:45:00+00:00"
    assert entries[0].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Asha Rao"


def test_silent_fix_does_not_move_atom_updated(client, stories, settings):
    settings.CACHE_LIST_SECONDS = 0
    updated, _ = stories
    updated.body = "A silent typo fix."
    updated.save()

    feed = ET.fromstring(client.get("/feeds/latest.atom").content)

    assert feed.find(f"{ATOM}entry").findtext(f"{ATOM}updated") == "2016-05-25T09:45:00+00:00"


def test_feed_links_use_site_url_and_never_example_com(client, stories, settings):
    settings.SITE_URL = "https://news.example.org"

    body = client.get("/feeds/latest.atom").content.decode()

    assert f"https://news.example.org{stories[0].get_absolute_url()}" in body
    assert 'href="https://news.example.org/feeds/latest.atom"' in body
    assert "example.com" not in body


def test_unknown_tag_or_place_feed_is_not_found(client):
    assert client.get("/feeds/tags/nothing.rss").status_code == 404
    assert client.get("/feeds/places/atlantis.atom").status_code == 404
