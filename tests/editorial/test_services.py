"""The write rules in articles.editorial.actions: versions, revisions, workflow, permissions."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from articles.editorial import actions
from articles.models import Article, Revision, StatusChange, Update
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 5, 25, 6, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def test_a_new_story_is_created_as_version_one_with_a_draft_revision(editor):
    article = Article(headline="Rains lash the coast", body="Heavy rain fell.")

    revision = actions.save_article(article, by=editor)

    article.refresh_from_db()
    assert (article.version, article.status, article.slug) == (1, "draft", "rains-lash-the-coast")
    assert (revision.number, revision.kind, revision.is_public) == (1, "draft", False)
    assert revision.headline == "Rains lash the coast"
    assert revision.editor == editor


def test_saving_a_draft_raises_the_version_and_keeps_the_text(editor):
    article = ArticleFactory()
    article.body = "A better first paragraph."

    revision = actions.save_article(article, by=editor, expected_version=1)

    assert Article.objects.get().version == 2
    assert (revision.number, revision.kind, revision.is_public) == (2, "draft", False)
    assert revision.body == "A better first paragraph."


def test_a_stale_save_is_refused_and_writes_nothing(editor):
    article = ArticleFactory(headline="Original")
    Article.objects.filter(pk=article.pk).update(version=2, headline="Someone else's")
    article.headline = "Mine"

    with pytest.raises(actions.StaleArticleError):
        actions.save_article(article, by=editor, expected_version=1)

    stored = Article.objects.get()
    assert (stored.headline, stored.version) == ("Someone else's", 2)
    assert not Revision.objects.exists()


def test_a_save_never_changes_status_or_times(editor):
    article = ArticleFactory()
    article.status = Article.Status.PUBLISHED
    article.published_at = NOON

    actions.save_article(article, by=editor)

    stored = Article.objects.get()
    assert (stored.status, stored.published_at) == ("draft", None)


def test_publishing_now_records_the_text_the_time_and_who(editor, clock):
    article = ArticleFactory(headline="Draft headline")
    article.headline = "Final headline"

    revision = actions.publish_article(article, by=editor)

    stored = Article.objects.get()
    assert (stored.status, stored.published_at, stored.version) == ("published", NOON, 2)
    assert stored.headline == "Final headline"
    assert (revision.kind, revision.is_public, revision.headline) == (
        "publication",
        True,
        "Final headline",
    )
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.by, change.at) == (
        "draft",
        "published",
        editor,
        NOON,
    )
    assert stored.is_published


def test_a_scheduled_story_appears_by_itself_when_its_time_comes(editor, clock):
    article = ArticleFactory()
    release = NOON + timedelta(hours=2)

    actions.publish_article(article, by=editor, at=release)

    assert not Article.objects.published().exists()
    assert Article.objects.scheduled().get() == article
    clock.move_to(release - timedelta(seconds=1))
    assert not Article.objects.published().exists()
    clock.move_to(release)
    assert Article.objects.published().get() == article
    assert Article.objects.get().is_published


def test_a_scheduled_story_can_be_rescheduled_but_a_live_one_cannot_be_republished(editor, clock):
    article = ArticleFactory()
    actions.publish_article(article, by=editor, at=NOON + timedelta(hours=2))

    actions.publish_article(article, by=editor, at=NOON + timedelta(hours=1))
    assert Article.objects.get().published_at == NOON + timedelta(hours=1)

    clock.move_to(NOON + timedelta(hours=3))
    with pytest.raises(actions.WorkflowError, match="already published"):
        actions.publish_article(article, by=editor)


def test_publishing_refuses_to_backdate(editor, clock):
    with pytest.raises(actions.WorkflowError, match="backdate"):
        actions.publish_article(ArticleFactory(), by=editor, at=NOON - timedelta(days=1))
    assert Article.objects.get().status == "draft"


def test_a_live_story_needs_a_kind_of_change(editor):
    article = ArticleFactory(published=True)

    with pytest.raises(actions.WorkflowError, match="update, a correction or a silent fix"):
        actions.save_article(article, by=editor)
    with pytest.raises(actions.WorkflowError):
        actions.save_article(article, by=editor, kind=Revision.Kind.DRAFT)


@pytest.mark.parametrize("kind", [Revision.Kind.UPDATE, Revision.Kind.CORRECTION])
def test_updates_and_corrections_need_a_note(editor, kind):
    article = ArticleFactory(published=True)

    with pytest.raises(actions.WorkflowError, match="note"):
        actions.save_article(article, by=editor, kind=kind, note="  ")
    assert Article.objects.get().version == 1


@pytest.mark.parametrize("kind", [Revision.Kind.UPDATE, Revision.Kind.CORRECTION])
def test_an_update_or_correction_moves_updated_and_adds_a_public_note(editor, clock, kind):
    article = ArticleFactory(published=True)
    clock.move_to(NOON + timedelta(minutes=30))
    article.body = "New figures: 12 dead."

    revision = actions.save_article(article, by=editor, kind=kind, note="Adds the toll.")

    stored = Article.objects.get()
    later = NOON + timedelta(minutes=30)
    assert stored.updated_at == later
    update = Update.objects.get()
    assert (update.kind, update.note, update.shown_at, update.editor) == (
        kind,
        "Adds the toll.",
        later,
        editor,
    )
    assert (revision.kind, revision.is_public, revision.update) == (kind, True, update)
    assert revision.body == "New figures: 12 dead."


def test_a_silent_fix_moves_no_time_and_adds_no_note(editor):
    article = ArticleFactory(published=True)
    article.headline = "Fixed a typo"

    revision = actions.save_article(article, by=editor, kind=Revision.Kind.SILENT_FIX)

    stored = Article.objects.get()
    assert stored.updated_at is None
    assert stored.headline == "Fixed a typo"
    assert not Update.objects.exists()
    assert (revision.kind, revision.is_public, revision.update) == ("silent_fix", True, None)


def test_changes_to_a_scheduled_story_are_silent_fixes(editor):
    article = ArticleFactory(scheduled=True)

    revision = actions.save_article(article, by=editor)
    assert (revision.kind, revision.is_public) == ("silent_fix", True)
    with pytest.raises(actions.WorkflowError):
        actions.save_article(article, by=editor, kind=Revision.Kind.UPDATE, note="Too soon")


def test_withdrawing_needs_a_reason_and_records_it(editor, clock):
    article = ArticleFactory(published=True)

    with pytest.raises(actions.WorkflowError, match="reason"):
        actions.withdraw_article(article, by=editor, reason=" ")
    actions.withdraw_article(article, by=editor, reason="Could not be verified.")

    stored = Article.objects.get()
    assert (stored.status, stored.withdrawal_reason, stored.version) == (
        "withdrawn",
        "Could not be verified.",
        2,
    )
    change = StatusChange.objects.get()
    assert (change.to_status, change.reason, change.by, change.at) == (
        "withdrawn",
        "Could not be verified.",
        editor,
        NOON,
    )
    assert not Article.objects.published().exists()


@pytest.mark.parametrize("state", [{}, {"withdrawn": True}])
def test_only_published_stories_can_be_withdrawn(editor, state):
    with pytest.raises(actions.WorkflowError):
        actions.withdraw_article(ArticleFactory(**state), by=editor, reason="No.")


def test_a_withdrawn_story_cannot_be_published_again(editor):
    with pytest.raises(actions.WorkflowError):
        actions.publish_article(ArticleFactory(withdrawn=True), by=editor)


def test_a_stale_workflow_change_is_refused(editor):
    article = ArticleFactory(published=True)
    Article.objects.filter(pk=article.pk).update(version=5)

    with pytest.raises(actions.StaleArticleError):
        actions.withdraw_article(article, by=editor, reason="Wrong.", expected_version=1)
    assert Article.objects.get().status == "published"
    assert not StatusChange.objects.exists()


def test_a_reporter_writes_drafts_only(reporter):
    draft = ArticleFactory()
    actions.save_article(draft, by=reporter)
    assert Article.objects.get(pk=draft.pk).version == 2

    with pytest.raises(PermissionDenied):
        actions.publish_article(draft, by=reporter)
    published = ArticleFactory(published=True)
    with pytest.raises(PermissionDenied):
        actions.save_article(published, by=reporter, kind=Revision.Kind.SILENT_FIX)
    with pytest.raises(PermissionDenied):
        actions.withdraw_article(published, by=reporter, reason="Mine to kill?")
    assert Article.objects.get(pk=published.pk).version == 1


def test_the_rules_follow_the_stored_state_not_the_instance(reporter):
    published = ArticleFactory(published=True)
    published.status = Article.Status.DRAFT
    published.headline = "Sneaked in"

    with pytest.raises(PermissionDenied):
        actions.save_article(published, by=reporter)
    assert Article.objects.get().headline != "Sneaked in"
