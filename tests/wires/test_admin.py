"""The wire queue in the admin: the list, search, the item page, "Use this story"."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.wires.ingest import ingest_documents
from articles.wires.models import WireItem
from articles.wires.reading import read_wire_file
from tests.wires.helpers import LIFECYCLE, ninjs

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:wires_wireitem_changelist")


def ingest(*files: bytes):
    list(ingest_documents([("f.json", read_wire_file("f.json", data)) for data in files]))


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_the_queue_lists_items_newest_first_with_their_wire_fields(editor_client):
    ingest(ninjs(uri="urn:a", slugline="first-story"), ninjs(uri="urn:b", slugline="second"))

    page = editor_client.get(QUEUE).content.decode()

    assert page.index("second") < page.index("first-story")
    assert "Example Wire" in page


@pytest.mark.parametrize(("term", "found"), [("harbour", 2), ("ferry", 1), ("nothing", 0)])
def test_the_queue_is_searched_in_full_text(editor_client, term, found):
    ingest(ninjs(uri="urn:a"), ninjs(uri="urn:b", headlines=[{"value": "Ferry sinks"}]))

    response = editor_client.get(QUEUE, {"q": term})

    assert response.context["cl"].result_count == found


def test_the_queue_is_filtered_by_status(editor_client):
    ingest(ninjs(uri="urn:a"), ninjs(uri="urn:b", pub_status="withheld"))

    response = editor_client.get(QUEUE, {"pub_status__exact": "withheld"})

    assert [item.uri for item in response.context["cl"].result_list] == ["urn:b"]


def test_the_item_page_shows_the_body_and_the_diffs_between_versions(editor_client):
    ingest(*(path.read_bytes() for path in sorted(LIFECYCLE.glob("*.json"))[:2]))
    item = WireItem.objects.get()

    page = editor_client.get(reverse("admin:wires_wireitem_change", args=[item.pk]))
    text = page.content.decode()

    assert "<p>Dock workers at the Kochi port" in text
    assert "-The port authority said talks would resume on Tuesday." in text
    assert "Note to editors: Corrects day of talks" in text
    assert 'id="use-this-story"' in text


def test_use_this_story_makes_a_draft_and_opens_it(editor_client):
    ingest(ninjs())
    item = WireItem.objects.get()

    response = editor_client.post(reverse("admin:wires_wireitem_use", args=[item.pk]))

    story = Article.objects.get()
    assert response.url == reverse("admin:articles_article_change", args=[story.pk])
    form = editor_client.get(response.url).content.decode()
    assert 'id="wire-provenance"' in form
    assert "urn:test:story-1" in form
    assert "slugline harbour-fire" in form


def test_use_this_story_only_by_post(editor_client):
    ingest(ninjs())

    response = editor_client.get(reverse("admin:wires_wireitem_use", args=[1]))

    assert response.status_code == 405
    assert not Article.objects.exists()


def test_a_reporter_reads_the_queue_but_cannot_configure_sources(client, reporter):
    client.force_login(reporter)

    assert client.get(QUEUE).status_code == 200
    assert client.get(reverse("admin:wires_wiresource_changelist")).status_code == 403


def test_a_story_the_agency_withheld_is_flagged_on_the_dashboard(editor_client, editor):
    from articles.wires.use import use_item

    ingest(ninjs())
    story = use_item(WireItem.objects.get(), by=editor).story
    ingest(ninjs(version="2", pub_status="withheld"))

    page = editor_client.get("/admin/").content.decode()

    flagged = page.index("Withheld or killed by the agency")
    assert page.index(story.headline, flagged) < page.index("My drafts")
