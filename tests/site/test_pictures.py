"""The lead picture everywhere the story goes: page, lists, shares, JSON-LD, ninjs, feeds;
and gone from all of them, at once, when the picture is withdrawn."""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.editorial import actions
from articles.models import Article, Picture
from articles.pictures.library import withdraw_picture
from tests.factories import ArticleFactory, make_picture
from tests.site.test_api import assert_valid_ninjs

pytestmark = pytest.mark.django_db

MEDIA_NS = "{http://search.yahoo.com/mrss/}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"


class Head(HTMLParser):
    """The page's meta tags, JSON-LD blocks, and its <img> and <source> elements."""

    def __init__(self):
        super().__init__()
        self.meta, self.json_ld, self.images, self.sources = {}, [], [], []
        self.figcaption = ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs["content"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "source":
            self.sources.append(attrs)
        elif tag == "figcaption":
            self._in = "figcaption"

    def handle_endtag(self, tag):
        if tag in ("script", "figcaption"):
            self._in = None

    def handle_data(self, data):
        if self._in == "json":
            self.json_ld.append(json.loads(data))
        elif self._in == "figcaption":
            self.figcaption += data


def parsed(response) -> Head:
    assert response.status_code == 200
    head = Head()
    head.feed(response.content.decode())
    return head


@pytest.fixture
def picture(media):
    return make_picture()


@pytest.fixture
def story(picture):
    return ArticleFactory(published=True, headline="Quake toll rises", lead_picture=picture)


def test_the_story_page_shows_a_responsive_figure_with_caption_and_credit(client, story):
    page = parsed(client.get(story.get_absolute_url()))

    [image] = page.images
    [source] = page.sources
    assert image["alt"] == "Rescuers lift a slab of concrete"
    assert (image["width"], image["height"]) == ("1024", "683")
    assert "loading" not in image  # above the fold: loaded at once
    assert source["type"] == "image/webp"
    widths = re.findall(r" (\d+)w", source["srcset"])
    assert widths == ["320", "640", "1024", "1600"]
    assert re.findall(r" (\d+)w", image["srcset"]) == widths
    assert image["sizes"] == source["sizes"]
    assert "Rescuers search the rubble in Antakya" in page.figcaption
    assert "Newsroom Wire/Jane Doe" in page.figcaption


def test_every_rendition_a_page_links_is_served(client, story):
    page = parsed(client.get(story.get_absolute_url()))
    urls = [url.split()[0] for url in page.sources[0]["srcset"].split(", ")]
    urls.append(page.images[0]["src"])

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] in ("image/webp", "image/jpeg")
        assert response["Surrogate-Key"] == f"picture-{story.lead_picture_id}"


def test_only_rendition_names_are_served(client, story):
    original = story.lead_picture.image.name

    assert client.get(f"/media/{original}").status_code == 404
    assert client.get("/media/../picture-originals/x.jpg").status_code == 404
    assert client.get(f"/media/{story.lead_picture.folder}/none.jpg").status_code == 404


def test_open_graph_and_twitter_carry_the_16x9_crop_with_its_size_and_alt(client, story):
    meta = parsed(client.get(story.get_absolute_url())).meta

    assert meta["og:image"].startswith("http://testserver/media/")
    assert meta["og:image"].endswith("/16x91200.jpg")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "675")
    assert meta["og:image:type"] == "image/jpeg"
    assert meta["og:image:alt"] == "Rescuers lift a slab of concrete"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]
    assert meta["twitter:image:alt"] == meta["og:image:alt"]


def test_json_ld_has_the_picture_in_three_crops_with_caption_creator_and_credit(client, story):
    [data] = parsed(client.get(story.get_absolute_url())).json_ld

    images = data["image"]
    assert [(i["width"], i["height"]) for i in images] == [(1200, 1200), (1200, 900), (1200, 675)]
    for image in images:
        assert image["@type"] == "ImageObject"
        assert image["url"].startswith("http://testserver/media/")
        assert image["caption"].startswith("Rescuers search the rubble")
        assert image["creditText"] == "Newsroom Wire/Jane Doe"
        assert image["creator"] == {"@type": "Person", "name": "Jane Doe"}
        assert image["copyrightNotice"] == "© 2023 Newsroom Wire"


def test_a_story_without_a_picture_has_a_plain_card(client, media):
    story = ArticleFactory(published=True)

    page = parsed(client.get(story.get_absolute_url()))

    assert page.images == []
    assert "og:image" not in page.meta
    assert page.meta["twitter:card"] == "summary"
    assert "image" not in page.json_ld[0]


def test_the_story_keeps_its_own_caption_for_the_picture(client, picture):
    story = ArticleFactory(
        published=True, lead_picture=picture, lead_picture_caption="Our caption for this story"
    )

    page = parsed(client.get(story.get_absolute_url()))

    assert "Our caption for this story" in page.figcaption
    assert page.json_ld[0]["image"][0]["caption"] == "Our caption for this story"


def test_lists_show_thumbnails_lazy_below_the_fold(client, picture):
    stories = [ArticleFactory(published=True, lead_picture=picture) for _ in range(5)]
    day = timezone.localdate(stories[0].published_at)  # the archive is by the newsroom's day

    images = parsed(client.get(f"/archive/{day:%Y/%m/%d}/")).images

    assert len(images) == 5
    assert [image.get("loading") for image in images] == [None, None, None, "lazy", "lazy"]
    for image in images:
        assert (image["width"], image["height"]) == ("320", "213")
        assert image["alt"] == "Rescuers lift a slab of concrete"


def test_ninjs_associates_the_picture_with_its_renditions(client, story):
    item = client.get(f"/api/ninjs/stories/{story.pk}/").json()

    assert_valid_ninjs(item)
    [association] = item["associations"]
    assert association["type"] == "picture"
    assert association["by"] == "Jane Doe"
    descriptions = {d["role"]: d["value"] for d in association["descriptions"]}
    assert descriptions["credit"] == "Newsroom Wire/Jane Doe"
    assert descriptions["alternative"] == "Rescuers lift a slab of concrete"
    renditions = {r["name"]: r for r in association["renditions"]}
    assert renditions["webp-1600"]["width"] == 1600
    assert renditions["crop-16x9"]["aspectRatio"] == "16:9"
    assert all(r["href"].startswith("http://testserver/media/") for r in renditions.values())
    assert_valid_ninjs(client.get("/api/ninjs/latest/").json()["items"][0])


def test_rss_has_media_content_and_atom_an_enclosure_link(client, story):
    rss = ET.fromstring(client.get("/feeds/latest.rss").content)
    atom = ET.fromstring(client.get("/feeds/latest.atom").content)

    content = rss.find(f"channel/item/{MEDIA_NS}content")
    assert content.get("medium") == "image"
    assert content.get("type") == "image/jpeg"
    assert (content.get("width"), content.get("height")) == ("1024", "683")
    assert content.find(f"{MEDIA_NS}credit").text == "Newsroom Wire/Jane Doe"
    assert content.find(f"{MEDIA_NS}description").text.startswith("Rescuers search")
    link = atom.find(f"{ATOM_NS}entry/{ATOM_NS}link[@rel='enclosure']")
    assert link.get("href") == content.get("url")
    assert link.get("type") == "image/jpeg"
    assert int(link.get("length")) > 0


def test_a_withdrawn_picture_leaves_every_page_at_once(
    client, story, django_capture_on_commit_callbacks
):
    pages = [
        story.get_absolute_url(),
        "/",
        f"/api/ninjs/stories/{story.pk}/",
        "/feeds/latest.rss",
        "/feeds/latest.atom",
    ]
    picture = story.lead_picture
    rendition_url = parsed(client.get(story.get_absolute_url())).images[0]["src"]
    for url in pages:  # every page kept by the site's cache
        assert picture.folder in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_picture(picture, reason="The agency withdrew it.")

    stale = [url for url in pages if picture.folder in client.get(url).content.decode()]
    assert stale == []
    assert client.get(rendition_url).status_code == 404
    assert Article.objects.get(pk=story.pk).is_published


def test_withdrawing_a_story_keeps_its_picture(story, editor, media):
    actions.withdraw_article(story, by=editor, reason="Could not be verified.")

    picture = Picture.objects.get(pk=story.lead_picture_id)
    assert not picture.is_withdrawn
    public, _ = media
    assert len(list((public / picture.folder).iterdir())) == len(picture.renditions)
