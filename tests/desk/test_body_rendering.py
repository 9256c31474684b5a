"""The body's HTML is made when the story is written and carried by the page, ninjs and the
preview; the text stays text for versions, JSON-LD and search; imported stories read as before."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from articles.desk.markup import plain_html
from articles.editorial import actions
from articles.models import Article
from tests.admin.helpers import change_url, form_data
from tests.factories import ArticleFactory
from tests.importer.helpers import SAMPLES, run_import

pytestmark = pytest.mark.django_db

LINKED = "The port reopened, [officials said](https://port.example.org/notice).\n\nMore *soon*."
LINK_HTML = '<a href="https://port.example.org/notice" rel="noopener noreferrer">officials said</a>'


def test_a_saved_body_keeps_its_text_and_shows_its_link_everywhere(editor_client, editor, client):
    story = ArticleFactory(headline="Port reopens")
    response = editor_client.post(change_url(story), form_data(story, body=LINKED))
    assert response.status_code == 302
    story.refresh_from_db()
    actions.publish_article(story, by=editor)

    story.refresh_from_db()
    assert story.body == LINKED
    assert story.revisions.first().body == LINKED
    page = client.get(story.get_absolute_url()).text
    assert LINK_HTML in page
    assert "<em>soon</em>" in page
    item = client.get(f"/api/ninjs/stories/{story.pk}/").json()
    assert LINK_HTML in item["bodies"][0]["value"]
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert ld["articleBody"] == (
        "The port reopened, [officials said](https://port.example.org/notice).\n\nMore *soon*."
    )


def test_the_page_shows_what_was_rendered_at_save_and_renders_nothing_itself(client):
    story = ArticleFactory(published=True, body="Plain *body*.")
    Article.objects.filter(pk=story.pk).update(body_html="<p>Stored at save.</p>")

    page = client.get(story.get_absolute_url()).text

    assert "Stored at save." in page
    assert "<em>body</em>" not in page


def test_the_dateline_leads_the_first_paragraph_or_stands_before_a_subhead(client):
    story = ArticleFactory(published=True, body="First.\n\nSecond.")
    page = client.get(story.get_absolute_url()).text
    assert re.search(r'<p><span class="dateline">[^<]+ —</span> First\.</p><p>Second\.</p>', page)

    subhead = ArticleFactory(published=True, body="## Latest\n\nText.")
    page = client.get(subhead.get_absolute_url()).text
    assert re.search(r'<p><span class="dateline">[^<]+ —</span></p><h2>Latest</h2>', page)


def test_imported_stories_read_exactly_as_before(client):
    run_import(SAMPLES, "--quiet")

    stories = Article.objects.exclude(legacy_id=None)
    assert stories.count() == 5
    for story in stories:
        # The same paragraphs, the dateline leading the first.
        after_the_dateline = plain_html(story.body)[3:]
        assert story.body_html.strip().endswith(after_the_dateline)
        assert after_the_dateline in client.get(story.get_absolute_url()).text


def test_the_form_shows_the_syntax_and_the_preview_the_result(editor_client):
    story = ArticleFactory()
    form = editor_client.get(change_url(story)).text
    assert "<code>[words](https://example.org)</code>" in form

    preview = editor_client.post(
        f"/admin/articles/article/{story.pk}/preview/", form_data(story, body=LINKED)
    )

    assert preview.status_code == 200
    assert LINK_HTML in preview.text
    story.refresh_from_db()
    assert story.body != LINKED  # the preview saves nothing


def test_feeds_carry_the_rendered_body(client):
    ArticleFactory(published=True, body=LINKED)

    rss = ET.fromstring(client.get("/feeds/latest.rss").content)
    content = rss.find("channel/item/{http://purl.org/rss/1.0/modules/content/}encoded")
    assert LINK_HTML in content.text
    atom = ET.fromstring(client.get("/feeds/latest.atom").content)
    entry = atom.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content")
    assert entry.get("type") == "html"
    assert LINK_HTML in entry.text
