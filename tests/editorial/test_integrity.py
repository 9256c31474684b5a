"""The issue's scenarios at service level: nothing an editor writes is lost, nothing reaches
readers by accident."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from articles import content
from articles.editorial import actions
from articles.models import Article, Revision, StatusChange, Tag
from articles.site.history import change_history
from tests.factories import ArticleFactory, DatelineFactory, TagFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 5, 25, 6, 30, tzinfo=UTC)
BODY = "Officials said 800,000 people were moved.\n\nRain is forecast until Friday."


@pytest.fixture
def live(editor):
    """A live story at version 2, as both editors opened it."""
    floods, monsoon = TagFactory(name="Floods"), TagFactory(name="Monsoon")
    article = Article(headline="Floods force evacuations", byline="By Staff", body=BODY)
    actions.save_article(article, by=editor, tags=[floods, monsoon])
    actions.publish_article(article, by=editor)
    return Article.objects.get()


def opened(article):
    return Article.objects.get(pk=article.pk)


# Scenario 2: the second save no longer reverts the first editor's work.


def test_a_correction_and_a_paragraph_survive_a_second_editors_save(live, editor, second_editor):
    mine = opened(live)  # B opens the story
    theirs = opened(live)  # A corrects the figure and adds a paragraph
    theirs.body = BODY.replace("800,000", "80,000") + "\n\nSchools are closed."
    actions.save_article(theirs, by=editor, kind="correction", note="80,000, not 800,000.")

    mine.body = BODY + "\n\nThe army has been called in."
    revision = actions.save_article(mine, by=second_editor, kind="update", note="Army.")

    stored = Article.objects.get()
    assert stored.body == (
        "Officials said 80,000 people were moved.\n\nRain is forecast until Friday.\n\n"
        "Schools are closed.\n\nThe army has been called in."
    )
    assert (revision.number, revision.body) == (4, stored.body)
    # And pressing Save again from the same old form changes nothing A did.
    actions.save_article(mine, by=second_editor, kind="silent_fix", expected_version=2)
    assert "80,000 people" in Article.objects.get().body
    assert "800,000" not in Article.objects.get().body
    notes = [entry.note for entry in change_history(Article.objects.get())]
    assert notes == ["Army.", "80,000, not 800,000."]


def test_both_editors_changing_one_paragraph_is_refused_until_decided(live, editor, second_editor):
    mine = opened(live)
    theirs = opened(live)
    theirs.body = BODY.replace("800,000", "80,000")
    actions.save_article(theirs, by=editor, kind="correction", note="80,000.")
    mine.body = BODY.replace("800,000 people were moved", "800,000 people fled")

    values = {**content.of_instance(mine)}
    action = actions.SaveArticle(
        mine, by=second_editor, kind="silent_fix", values=values, expected_version=2
    )
    with pytest.raises(actions.MergeConflict) as refused:
        action.execute()
    assert Article.objects.get().version == 3
    merged = refused.value.merge
    [conflict] = merged.conflicts
    assert (conflict.original, conflict.mine, conflict.theirs) == (
        "Officials said 800,000 people were moved.",
        "Officials said 800,000 people fled.",
        "Officials said 80,000 people were moved.",
    )

    decided = actions.SaveArticle(
        mine,
        by=second_editor,
        kind="silent_fix",
        values=values,
        expected_version=2,
        decisions={conflict.id: ("edit", "Officials said 80,000 people fled.")},
        signature=merged.signature,
    )
    decided.execute()
    assert Article.objects.get().body.startswith("Officials said 80,000 people fled.")


# Scenario 3: byline, dateline, tags and slug are versioned and merged.


def test_every_field_readers_see_is_kept_in_each_version(live, editor):
    place = DatelineFactory(city="Kochi")
    live.byline, live.dateline, live.slug = "By A. Reporter", place, "floods-kochi"
    actions.save_article(live, by=editor, kind="silent_fix", tags=[TagFactory(name="Rescue")])

    revision = Article.objects.get().revisions.get(number=3)
    assert (revision.byline, revision.dateline, revision.slug, revision.tag_names) == (
        "By A. Reporter",
        place,
        "floods-kochi",
        ["Rescue"],
    )
    assert list(Article.objects.get().tags.values_list("name", flat=True)) == ["Rescue"]


def test_a_byline_and_a_removed_tag_survive_a_second_editors_save(live, editor, second_editor):
    mine = opened(live)
    theirs = opened(live)
    theirs.byline = "By A. Reporter"
    actions.save_article(
        theirs,
        by=editor,
        kind="silent_fix",
        tags=[Tag.objects.get(name="Floods")],
    )

    mine.headline = "Floods force 80,000 from homes"
    actions.save_article(mine, by=second_editor, kind="silent_fix", expected_version=2)

    stored = Article.objects.get()
    assert (stored.headline, stored.byline) == ("Floods force 80,000 from homes", "By A. Reporter")
    assert list(stored.tags.values_list("name", flat=True)) == ["Floods"]


# Scenario 4: restore is honest.


def test_restoring_from_before_a_correction_cannot_be_a_silent_fix(live, editor):
    before = live.revisions.get(number=2)
    live.body = BODY.replace("800,000", "80,000")
    actions.save_article(live, by=editor, kind="correction", note="80,000, not 800,000.")

    with pytest.raises(actions.WorkflowError, match="80,000, not 800,000") as refused:
        actions.restore_revision(live, before, by=editor, kind="silent_fix")
    assert refused.value.field == "save_kind"
    assert Article.objects.get().version == 3

    actions.restore_revision(
        live, before, by=editor, kind="correction", note="The earlier figure was right."
    )
    stored = Article.objects.get()
    assert "800,000" in stored.body
    assert stored.revisions.get(number=4).kind == "correction"
    assert change_history(stored)[0].note == "The earlier figure was right."


def test_restoring_a_version_with_no_public_change_since_may_be_a_silent_fix(live, editor):
    before = live.revisions.get(number=2)
    live.headline = "Typo"
    actions.save_article(live, by=editor, kind="silent_fix")

    actions.restore_revision(live, before, by=editor, kind="silent_fix")

    assert Article.objects.get().headline == "Floods force evacuations"


# Scenario 5: a recorded lifecycle; only what readers never saw can be deleted.


def test_unpublishing_takes_a_story_back_to_draft_with_who_and_why(live, editor):
    with pytest.raises(actions.WorkflowError, match="why"):
        actions.unpublish_article(live, by=editor, reason=" ")

    actions.unpublish_article(live, by=editor, reason="Published by mistake.")

    stored = Article.objects.get()
    # Readers saw it: its first publication time is kept for when it comes back.
    assert (stored.status, stored.published_at) == ("draft", live.published_at)
    assert not Article.objects.published().exists()
    change = StatusChange.objects.latest("id")
    assert (change.from_status, change.to_status, change.by, change.reason) == (
        "published",
        "draft",
        editor,
        "Published by mistake.",
    )


def test_a_withdrawn_story_is_republished_with_a_note_for_readers(editor):
    with time_machine.travel(NOON, tick=False) as clock:
        article = ArticleFactory(published=True, published_at=NOON - timedelta(hours=1))
        actions.withdraw_article(article, by=editor, reason="Checking a claim.")
        with pytest.raises(actions.WorkflowError, match="note"):
            actions.republish_article(article, by=editor, note="")
        clock.move_to(NOON + timedelta(hours=1))

        actions.republish_article(article, by=editor, note="The claim was checked.")

        stored = Article.objects.get()
        assert stored.is_published
        assert (stored.withdrawal_reason, stored.updated_at) == ("", NOON + timedelta(hours=1))
        assert [entry.note for entry in change_history(stored)] == ["The claim was checked."]
        assert stored.revisions.get().kind == Revision.Kind.REPUBLICATION
        steps = list(stored.status_changes.order_by("at").values_list("to_status", "reason"))
        assert steps == [
            ("withdrawn", "Checking a claim."),
            ("published", "The claim was checked."),
        ]


def test_only_a_withdrawn_story_is_republished(editor):
    with pytest.raises(actions.WorkflowError):
        actions.republish_article(ArticleFactory(published=True), by=editor, note="Back.")


@pytest.mark.parametrize(
    "state",
    [{"published": True}, {"scheduled": True}, {"withdrawn": True}, {"legacy_id": "old-1"}],
)
def test_a_story_readers_saw_or_may_see_cannot_be_deleted(editor, state):
    article = ArticleFactory(**state)

    with pytest.raises(actions.WorkflowError, match="withdraw it instead"):
        actions.delete_article(article, by=editor)
    assert Article.objects.exists()


def test_a_story_unpublished_after_publication_cannot_be_deleted(live, editor):
    actions.unpublish_article(live, by=editor, reason="Mistake.")

    with pytest.raises(actions.WorkflowError):
        actions.delete_article(live, by=editor)


def test_a_draft_never_published_is_deleted(editor, reporter):
    draft = Article(headline="Notes", body="Half a thought.")
    actions.save_article(draft, by=editor)

    with pytest.raises(PermissionDenied):
        actions.delete_article(draft, by=reporter)
    actions.delete_article(draft, by=editor)

    assert not Article.objects.exists()


def test_the_buttons_come_from_the_same_checks(live, editor, reporter):
    assert not actions.PublishArticle(live, by=editor).is_allowed(live)
    assert actions.UnpublishArticle(live, by=editor).is_allowed(live)
    assert not actions.UnpublishArticle(live, by=reporter).is_allowed(live)
    assert not actions.DeleteArticle(live, by=editor).is_allowed(live)
    draft = ArticleFactory()
    assert actions.ScheduleArticle(draft, by=editor).is_allowed(draft)
    assert not actions.RescheduleArticle(draft, by=editor).is_allowed(draft)


def test_an_imported_story_can_never_be_deleted(editor, admin_client):
    sample = Path(__file__).parents[2] / "samples" / "legacy-dumps" / "000_386ae2120d209c35.txt"
    call_command("import_legacy", str(sample), "--quiet", "--workers", "1")
    imported = Article.objects.get()
    assert imported.is_published
    assert imported.revisions.get().slug == imported.slug  # the import's version is whole

    with pytest.raises(actions.WorkflowError, match="withdraw it instead"):
        actions.delete_article(imported, by=editor)
    actions.unpublish_article(imported, by=editor, reason="Checking the archive.")
    with pytest.raises(actions.WorkflowError):
        actions.delete_article(Article.objects.get(), by=editor)
    response = admin_client.post(f"/admin/articles/article/{imported.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.exists()
