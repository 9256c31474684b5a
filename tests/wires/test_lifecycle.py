"""The agency's lifecycle in the queue and on the stories made from its items (real database)."""

import pytest

from articles.desk.models import Notice
from articles.editorial.actions import publish_article, save_article
from articles.models import Article, Dateline
from articles.wires.ingest import ingest_documents, ingest_paths
from articles.wires.lifecycle import withdraw
from articles.wires.models import WireItem, WireItemVersion, WireSource
from articles.wires.reading import read_wire_file
from articles.wires.use import use_item
from tests.wires.helpers import LIFECYCLE, ninjs

pytestmark = pytest.mark.django_db


def ingest(*files: bytes, source=None):
    documents = [(f"file-{n}.json", read_wire_file("x.json", data)) for n, data in enumerate(files)]
    return [result.outcome.value for result in ingest_documents(documents, source=source)]


def test_versions_out_of_order_never_overwrite_a_newer_one():
    outcomes = ingest(ninjs(version="2"), ninjs(version="1"), ninjs(version="2"))
    outcomes += ingest(ninjs(version="3", pub_status="withheld"))

    item = WireItem.objects.get()
    assert outcomes == ["new", "unchanged", "unchanged", "updated"]
    assert (item.version, item.pub_status) == ("3", "withheld")
    assert list(item.versions.values_list("version", flat=True)) == ["3", "2"]


def test_out_of_order_in_one_batch_as_well():
    outcomes = ingest(
        ninjs(version="2"), ninjs(version="1"), ninjs(version="2"), ninjs(version="3")
    )

    assert outcomes == ["new", "unchanged", "unchanged", "updated"]
    assert WireItem.objects.get().version == "3"
    assert WireItemVersion.objects.count() == 2


def test_a_dry_run_stores_nothing_and_reports_the_same():
    dry = [r.outcome.value for r in ingest_paths([str(LIFECYCLE)], dry_run=True)]

    assert dry == ["new", "updated", "updated"]
    assert not WireItem.objects.exists()


@pytest.fixture
def kochi():
    return Dateline.objects.create(country="India", city="Kochi")


def test_use_this_story_makes_a_draft_with_the_agencys_text(editor, kochi):
    ingest(ninjs())
    item = WireItem.objects.get()

    story = use_item(item, by=editor).story

    assert story.status == Article.Status.DRAFT
    assert story.headline == "Fire at the harbour, version 1"
    assert story.byline == "Wire reporter"
    assert story.dateline == kochi
    assert story.body == (
        "A fire broke out at the harbour (version 1).\n\n"
        "Firefighters [were called](https://example.org/fire)."
    )
    assert sorted(story.tags.values_list("name", flat=True)) == ["Disasters", "Shipping"]
    assert (story.urgency, story.slugline) == (4, "harbour-fire")
    assert story.revisions.get().editor == editor
    item.refresh_from_db()
    assert (item.story, item.used_version) == (story, "1")
    assert use_item(item, by=editor).story == story


@pytest.mark.parametrize(
    ("agency", "ours"),
    [("US-Finance-Fed", "us-finance-fed"), ("militärövning", "militarovning"), ("--", "")],
)
def test_the_agencys_slugline_in_the_newsrooms_spelling(editor, agency, ours):
    ingest(ninjs(slugline=agency))

    assert use_item(WireItem.objects.get(), by=editor).story.slugline == ours


def test_a_killed_item_cannot_be_used(editor):
    ingest(ninjs(pub_status="canceled"))

    with pytest.raises(Exception, match="marked this item canceled"):
        use_item(WireItem.objects.get(), by=editor)


def published_story_from_lifecycle(editor, kochi, source=None):
    ingest((LIFECYCLE / "1-first.json").read_bytes(), source=source)
    story = use_item(WireItem.objects.get(), by=editor).story
    story.headline = "Kochi dockers strike over overtime"
    publish_article(story, by=editor)
    return story


def test_a_correction_tells_the_editors_and_leaves_the_story_alone(editor, kochi):
    story = published_story_from_lifecycle(editor, kochi)
    version = Article.objects.get(pk=story.pk).version

    assert ingest((LIFECYCLE / "2-correction.json").read_bytes()) == ["updated"]

    item = WireItem.objects.get()
    stored = Article.objects.get(pk=story.pk)
    assert (stored.version, stored.headline) == (version, "Kochi dockers strike over overtime")
    assert "Tuesday" in stored.body
    assert item.desk_alert.startswith("Version 2 from Example Wire changes the item")
    assert "Note to editors: Corrects day of talks in second paragraph." in item.desk_alert
    assert "-The port authority said talks would resume on Tuesday." in item.desk_alert
    assert "+The port authority said talks would resume on Wednesday, not Tuesday" in (
        item.desk_alert
    )
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind, notice.article_id) == (editor, "wire_new", story.pk)
    assert notice.message == item.desk_alert


def test_withheld_flags_the_story_and_leaves_it_published(editor, kochi):
    story = published_story_from_lifecycle(editor, kochi)

    ingest(ninjs(uri="urn:newsml:wire.example.org:20261130:port-strike-1", version="2",
                 pub_status="withheld"))  # fmt: skip

    assert WireItem.objects.get().desk_alert.startswith("WITHHELD: Example Wire says stop")
    assert Notice.objects.get(recipient=editor).kind == "wire_held"
    assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED


def test_a_kill_withdraws_the_story_through_the_editorial_action(editor, kochi):
    story = published_story_from_lifecycle(editor, kochi)

    ingest((LIFECYCLE / "3-kill.json").read_bytes())

    stored = Article.objects.get(pk=story.pk)
    change = stored.status_changes.latest("at")
    assert stored.status == Article.Status.WITHDRAWN
    assert stored.withdrawal_reason == (
        "This story was withdrawn at the request of Example Wire. The story is withdrawn: "
        "the strike report could not be confirmed."
    )
    assert (change.to_status, change.by.username) == ("withdrawn", "agency-wire")
    assert not change.by.has_usable_password()
    assert WireItem.objects.get().desk_alert.startswith("KILL: Example Wire canceled")
    assert Notice.objects.get(recipient=editor, kind="wire_kill").article_id == story.pk


def test_a_kill_only_flags_when_the_source_says_not_to_withdraw(editor, kochi):
    source = WireSource.objects.create(
        name="Example", kind="folder", location="/x", withdraw_on_kill=False
    )
    story = published_story_from_lifecycle(editor, kochi, source=source)

    ingest((LIFECYCLE / "3-kill.json").read_bytes(), source=source)

    assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED
    assert WireItem.objects.get().desk_alert.startswith("KILL:")


def test_a_kill_withdraws_a_story_an_editor_saved_meanwhile(editor, kochi):
    story = published_story_from_lifecycle(editor, kochi)
    loaded = Article.objects.get(pk=story.pk)
    story.refresh_from_db()
    story.deck = "Saved by an editor as the kill came in"
    save_article(story, by=editor, kind="silent_fix")
    item = WireItem.objects.get()

    withdraw(item, loaded)  # the story as loaded before the editor's save: stale
    withdraw(item, loaded)  # and again, once it is withdrawn: nothing more to do

    stored = Article.objects.get(pk=story.pk)
    assert stored.status == Article.Status.WITHDRAWN
    assert stored.deck == "Saved by an editor as the kill came in"
    assert stored.status_changes.filter(to_status="withdrawn").count() == 1
