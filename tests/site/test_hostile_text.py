"""Whatever is stored, every page and XML document readers get works and parses."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Dateline, Tag
from articles.site.caching import process_pages
from tests.factories import ArticleFactory, DatelineFactory, TagFactory, UpdateFactory

pytestmark = pytest.mark.django_db

CONTROL = "\x01\x07\x1b"
ATOM = "{http://www.w3.org/2005/Atom}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def hostile_story():
    """A story whose every text carries control characters, written straight to the ORM."""
    tag = TagFactory(name=f"Bell{CONTROL} tag")
    place = DatelineFactory(country=f"India{CONTROL}", region="", city=f"Mumbai{CONTROL}")
    story = ArticleFactory(
        published=True,
        headline=f"Headline{CONTROL} rings",
        deck=f"Deck{CONTROL} too",
        byline=f"Asha{CONTROL} Rao",
        body=f"Body{CONTROL} text.\n\nMore{CONTROL}.",
        tags=[tag],
        dateline=place,
    )
    UpdateFactory(article=story, note=f"Note{CONTROL}.")
    story.updated_at = timezone.now()
    story.save()
    return story


def feed_urls(story):
    tag = story.tags.get()
    dateline = story.dateline
    return [
        "/feeds/latest.rss",
        "/feeds/latest.atom",
        f"/feeds/tags/{tag.slug}.rss",
        f"/feeds/tags/{tag.slug}.atom",
        f"/feeds/places/{dateline.country_slug}.rss",
        f"/feeds/places/{dateline.country_slug}/{dateline.city_slug}.atom",
    ]


def test_every_feed_parses_with_control_characters_stored(client, hostile_story):
    for url in feed_urls(hostile_story):
        response = client.get(url)

        assert response.status_code == 200, url
        root = ET.fromstring(response.content)
        titles = [t.text for t in root.iter() if t.tag in ("title", f"{ATOM}title")]
        assert "Headline rings" in titles, url
        assert not any(char in response.content.decode() for char in CONTROL), url


def test_rss_item_keeps_the_text_without_the_control_characters(client, hostile_story):
    item = ET.fromstring(client.get("/feeds/latest.rss").content).find("channel/item")

    assert item.findtext("description") == "MUMBAI, India — Deck too"
    assert [c.text for c in item.findall("category")] == ["Bell tag", "urgency:5"]


def test_the_tag_feed_title_names_the_tag_without_control_characters(client, hostile_story):
    tag = hostile_story.tags.get()

    feed = ET.fromstring(client.get(f"/feeds/tags/{tag.slug}.atom").content)

    assert feed.findtext(f"{ATOM}title").startswith("Bell tag ·")


def test_sitemaps_parse_with_control_characters_stored(client, hostile_story):
    month = timezone.localdate(hostile_story.published_at).strftime("%Y-%m")
    for url in ("/sitemap.xml", f"/sitemaps/{month}.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.content)

    news = ET.fromstring(client.get("/sitemap-news.xml").content)

    assert [title.text for title in news.iter(f"{NEWS}title")] == ["Headline rings"]


def test_pages_and_the_api_answer_with_control_characters_stored(client, hostile_story):
    dateline = hostile_story.dateline
    urls = [
        "/",
        hostile_story.get_absolute_url(),
        f"/tags/{hostile_story.tags.get().slug}/",
        f"/places/{dateline.country_slug}/{dateline.city_slug}/",
        "/search/?q=Headline",
        "/api/ninjs/latest/",
        f"/api/ninjs/stories/{hostile_story.pk}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


# Names with no letter or digit: "???", "!!!", a flag.


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("???", "question-mark-question-mark-question-mark"),
        ("!!!", "exclamation-mark-exclamation-mark-exclamation-mark"),
        ("🇮🇳", "regional-indicator-symbol-letter-i-regional-indicator-symbol-letter-n"),
        ("Monsoon ☔", "monsoon"),
        ("Tokyo 東京", "tokyo-東京"),
    ],
)
def test_a_tag_that_slugifies_to_nothing_is_spelt_out(name, slug):
    assert TagFactory(name=name).slug == slug


def test_a_spelt_out_slug_is_stable_and_fits_the_column():
    tag = TagFactory(name="?" * 100)

    assert len(tag.slug) <= 100
    assert not tag.slug.endswith("-")
    tag.name = "?" * 100
    tag.save()
    assert Tag.objects.get(pk=tag.pk).slug == tag.slug


@pytest.fixture
def slugless_story():
    tag = TagFactory(name="???")
    place = Dateline.objects.create(country="???", city="🇮🇳")
    return ArticleFactory(published=True, headline="!!!", tags=[tag], dateline=place)


def test_a_story_with_slugless_names_has_working_pages_and_feeds(client, slugless_story):
    story_page = client.get(slugless_story.get_absolute_url())
    assert story_page.status_code == 200
    place = slugless_story.dateline
    tag_url = "/tags/question-mark-question-mark-question-mark/"
    country_url = "/places/question-mark-question-mark-question-mark/"
    city_url = f"{country_url}{place.city_slug}/"
    assert f'href="{tag_url}"' in story_page.text
    assert f'href="{city_url}"' in story_page.text

    for url in (tag_url, country_url, city_url):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "!!!" in page.text, url
    for url in (
        "/feeds/tags/question-mark-question-mark-question-mark.rss",
        "/feeds/places/question-mark-question-mark-question-mark.atom",
        f"/feeds/places/question-mark-question-mark-question-mark/{place.city_slug}.rss",
        "/feeds/latest.rss",
        "/sitemap-news.xml",
        f"/api/ninjs/stories/{slugless_story.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith((".rss", ".atom", ".xml")):
            ET.fromstring(response.content)


def test_spelt_out_addresses_cost_no_extra_queries(client, slugless_story):
    ordinary = ArticleFactory(
        published=True, tags=[TagFactory(name="Monsoon")], dateline=DatelineFactory()
    )

    process_pages.catch_up()  # a worker that has served before: it knows the changes so far

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(slugless_story.get_absolute_url()) == queries(ordinary.get_absolute_url())
    place = slugless_story.dateline
    assert queries(f"/places/{place.country_slug}/{place.city_slug}/") == queries(
        f"/places/{ordinary.dateline.country_slug}/{ordinary.dateline.city_slug}/"
    )
