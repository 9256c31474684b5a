"""The hand-off: file to the desk, the desk queue, take, send back, withdraw a filing; the
server refuses a reporter's crafted POSTs; everyone on the story is told."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.desk.handoff import FileToDesk, TakeStory
from articles.desk.models import Notice
from articles.editorial import actions
from articles.models import Article, StatusChange
from tests.admin.helpers import CHANGELIST, change_url, form_data
from tests.factories import ArticleFactory
from tests.helpers import member_of

pytestmark = pytest.mark.django_db

DESK = "/admin/articles/article/desk/"


def step(client, story, operation, reason="", version=None):
    """Confirm a hand-off step on the story's own page, as its button does."""
    story.refresh_from_db()
    return client.post(
        f"/admin/articles/article/{story.pk}/{operation}/",
        {
            f"version_{story.pk}": story.version if version is None else version,
            "reason": reason,
            "post": "yes",
        },
    )


@pytest.fixture
def draft(reporter):
    story = ArticleFactory(headline="Quake hits the coast", urgency=1, slugline="coast-quake")
    actions.save_article(story, by=reporter)
    return story


def notices_for(user):
    return list(Notice.objects.filter(recipient=user).values_list("kind", "message"))


def test_a_reporter_files_a_draft_with_a_note_and_the_desk_is_told(
    client, reporter, editor, second_editor, draft
):
    client.force_login(reporter)
    response = step(client, draft, "file", "Confirmed by the coastguard.")

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.FILED
    change = draft.status_changes.first()
    assert (change.from_status, change.to_status, change.reason, change.by) == (
        "draft",
        "filed",
        "Confirmed by the coastguard.",
        reporter,
    )
    assert notices_for(editor) == [("filed", "Confirmed by the coastguard.")]
    assert notices_for(second_editor) == [("filed", "Confirmed by the coastguard.")]
    assert notices_for(reporter) == []


def test_a_filed_story_is_the_desks_until_withdrawn(client, reporter, draft):
    client.force_login(reporter)
    step(client, draft, "file")
    draft.refresh_from_db()

    refused = client.post(change_url(draft), form_data(draft, headline="Rewritten"))
    assert refused.status_code == 403

    assert step(client, draft, "unfile", "One more source to call.").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert client.post(change_url(draft), form_data(draft, headline="Rewritten")).status_code == 302


def test_the_desk_queue_shows_who_filed_when_urgency_and_slugline(
    editor_client, reporter, client, draft
):
    FileToDesk(draft, by=reporter, reason="Flash from the coast").execute()
    routine = ArticleFactory(headline="Council budget")
    FileToDesk(routine, by=reporter).execute()

    response = editor_client.get(DESK)

    assert response.status_code == 200
    stories = response.context["stories"]
    assert [s.headline for s in stories] == ["Quake hits the coast", "Council budget"]
    assert (stories[0].filed_by, stories[0].urgency, stories[0].slugline) == (
        "reporter",
        1,
        "coast-quake",
    )
    page = response.text
    assert "FLASH" in page
    assert "Flash from the coast" in page
    assert "nobody yet" in page
    assert "<time" in page


def test_the_desk_queue_costs_the_same_queries_for_one_story_or_many(editor_client, reporter):
    def queries():
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(DESK).status_code == 200
        return len(captured)

    FileToDesk(ArticleFactory(), by=reporter).execute()
    one = queries()
    for n in range(15):
        story = ArticleFactory(urgency=n % 9 + 1, slugline=f"story-{n}")
        FileToDesk(story, by=reporter, reason=f"note {n}").execute()
        if n % 2:
            TakeStory(story, by=member_of("Editors", f"desk-{n}")).execute()
    assert queries() == one
    # session, user, permissions (2), unread notices, the queue (one query with its filer,
    # note and handler)
    assert one == 6


def test_an_editor_takes_a_story_and_everyone_sees_who_handles_it(
    client, reporter, editor, second_editor, draft
):
    client.force_login(reporter)
    step(client, draft, "file")
    client.force_login(editor)

    assert step(client, draft, "take").status_code == 302

    draft.refresh_from_db()
    assert draft.handled_by == editor
    assert ("taken", "") in notices_for(reporter)
    client.force_login(second_editor)
    assert "handled by editor" in client.get(change_url(draft)).text
    client.force_login(reporter)
    assert "handled by editor" in client.get(change_url(draft)).text


def test_send_back_needs_a_note_and_tells_the_reporter(client, reporter, editor, draft):
    client.force_login(reporter)
    step(client, draft, "file")
    client.force_login(editor)

    without = step(client, draft, "send_back", "")
    assert without.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Article.Status.FILED

    step(client, draft, "send_back", "Needs a second source.")
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.status_changes.first().reason == "Needs a second source."
    assert ("sent_back", "Needs a second source.") in notices_for(reporter)


def test_only_the_filer_withdraws_a_filing(client, reporter, draft):
    client.force_login(reporter)
    step(client, draft, "file")
    client.force_login(member_of("Reporters", "other-reporter"))

    step(client, draft, "unfile")

    draft.refresh_from_db()
    assert draft.status == Article.Status.FILED


def test_publishing_a_filed_story_tells_the_reporter(client, reporter, editor, draft):
    client.force_login(reporter)
    step(client, draft, "file")
    client.force_login(editor)
    step(client, draft, "take")
    draft.refresh_from_db()

    response = client.post(change_url(draft), form_data(draft, _publish="Publish now"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert ("published", "") in notices_for(reporter)
    assert [kind for kind, _ in notices_for(editor)] == ["filed"]  # not of their own act


def test_a_reporters_crafted_posts_change_nothing(client, reporter, draft):
    client.force_login(reporter)
    step(client, draft, "file")
    draft.refresh_from_db()
    before = (
        Article.objects.filter(pk=draft.pk).values_list("status", "version", "handled_by")[0],
        StatusChange.objects.count(),
        Notice.objects.count(),
    )

    responses = [
        step(client, draft, "take"),
        step(client, draft, "send_back", "I say so."),
        client.post(change_url(draft), form_data(draft, _publish="Publish now")),
        client.post(
            CHANGELIST,
            {
                "action": "publish_selected",
                "_selected_action": [draft.pk],
                "post": "yes",
                f"version_{draft.pk}": draft.version,
            },
        ),
        client.post(f"/admin/articles/article/{draft.pk}/publish/", {"post": "yes"}),
    ]

    assert [r.status_code for r in responses[:3]] == [403, 403, 403]
    after = (
        Article.objects.filter(pk=draft.pk).values_list("status", "version", "handled_by")[0],
        StatusChange.objects.count(),
        Notice.objects.count(),
    )
    assert after == before
