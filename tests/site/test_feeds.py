"""RSS and Atom feeds: valid XML, published stories only, the one rule for "changed"."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from articles.site.caching import process_pages
from tests.factories import ArticleFactory, DatelineFactory, TagFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
RSS_FEEDS = ["/feeds/latest.rss", "/feeds/tags/monsoon.rss", "/feeds/places/india/mumbai.rss"]
ATOM_FEEDS = ["/feeds/latest.atom", "/feeds/tags/monsoon.atom", "/feeds/places/india.atom"]


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


@pytest.mark.parametrize("url", RSS_FEEDS)
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
    assert [c.text for c in items[0].findall("category")] == ["Monsoon", "urgency:5"]


@pytest.mark.parametrize("url", ATOM_FEEDS)
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


def is_absolute(address: str | None) -> bool:
    parts = urlsplit(address or "")
    return bool(parts.scheme and parts.netloc)


def only_one(element, name: str):
    found = element.findall(f"{ATOM}{name}")
    assert len(found) == 1, f"{len(found)} atom:{name} in {element.tag}"
    return found[0]


@pytest.mark.parametrize("url", ATOM_FEEDS)
def test_atom_feeds_have_what_rfc_4287_requires(client, stories, url, settings):
    """4.1.1 for the feed, 4.1.2 for each entry; an entry's author may not be left out."""
    feed = ET.fromstring(client.get(url).content)

    assert is_absolute(only_one(feed, "id").text)
    assert only_one(feed, "title").text
    assert datetime.fromisoformat(only_one(feed, "updated").text).tzinfo is not None
    assert feed.find(f"{ATOM}author/{ATOM}name").text == settings.SITE_NAME
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"http://testserver{url}"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        assert is_absolute(only_one(entry, "id").text)
        assert only_one(entry, "title").text
        assert datetime.fromisoformat(only_one(entry, "updated").text).tzinfo is not None
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert is_absolute(entry.find(f"{ATOM}link[@rel='alternate']").get("href"))
        assert only_one(entry, "summary").text


def test_atom_entry_without_a_byline_is_by_the_newsroom(client, stories, settings):
    entries = ET.fromstring(client.get("/feeds/latest.atom").content).findall(f"{ATOM}entry")

    authors = [entry.find(f"{ATOM}author/{ATOM}name").text for entry in entries]
    assert authors == ["Asha Rao", settings.SITE_NAME]


@pytest.mark.parametrize("url", RSS_FEEDS)
def test_rss_feeds_have_what_rss_2_requires(client, stories, url):
    channel = ET.fromstring(client.get(url).content).find("channel")

    for name in ("title", "link", "description"):
        assert channel.findtext(name), f"channel has no {name}"
    assert is_absolute(channel.findtext("link"))
    for item in channel.findall("item"):
        for name in ("title", "link", "description", "guid", "pubDate"):
            assert item.findtext(name), f"item has no {name}"


def test_story_without_a_deck_is_described_by_its_first_words(client):
    ArticleFactory(
        published=True,
        headline="No deck",
        deck="",
        dateline=None,
        body=" ".join(["word"] * 60) + "\n\nA second paragraph.",
    )

    rss = ET.fromstring(client.get("/feeds/latest.rss").content)
    atom = ET.fromstring(client.get("/feeds/latest.atom").content)

    expected = " ".join(["word"] * 40) + "…"
    assert rss.find("channel/item").findtext("description") == expected
    assert atom.find(f"{ATOM}entry").findtext(f"{ATOM}summary") == expected


def test_feed_queries_do_not_grow_with_its_stories(client, django_assert_num_queries):
    tag = TagFactory()
    for number in range(5):
        ArticleFactory(published=True, deck="" if number % 2 else "A deck", byline="", tags=[tag])

    process_pages.catch_up()  # a worker that has served before: it knows the changes so far
    # The stories with their datelines, and their tags.
    with django_assert_num_queries(2):
        client.get("/feeds/latest.atom")
