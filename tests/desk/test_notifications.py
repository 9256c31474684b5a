"""Every notice the desk sends, in the admin (header count, list, marked read) and by real
SMTP; their pages cost the same queries however many notices there are."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.admin.presence import heartbeat
from articles.desk.handoff import FileToDesk, SendBack, TakeStory
from articles.desk.models import Notice, NoticePreference
from articles.editorial import actions
from articles.models import Revision
from tests.factories import ArticleFactory

NOTICES = "/admin/articles/notice/"


def kinds(user):
    return sorted(Notice.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.mark.django_db(transaction=True)
def test_each_step_of_the_desk_is_mailed_to_who_chose_it(
    smtp_server, reporter, editor, second_editor
):
    for person in (reporter, editor):
        NoticePreference.objects.create(user=person, by_email=True)
    story = ArticleFactory(headline="Port strike", urgency=2)
    actions.save_article(story, by=reporter)

    FileToDesk(story, by=reporter, reason="Union statement attached").execute()
    TakeStory(story, by=editor).execute()
    SendBack(story, by=editor, reason="Needs the port's side").execute()
    FileToDesk(story, by=reporter).execute()
    actions.publish_article(story, by=editor)
    story.refresh_from_db()
    actions.save_article(
        story, by=second_editor, kind=Revision.Kind.CORRECTION, note="Corrects the number of ships."
    )

    assert kinds(reporter) == ["corrected", "published", "sent_back", "taken"]
    assert kinds(editor) == ["corrected", "filed", "filed"]
    assert kinds(second_editor) == ["filed", "filed"]
    subjects = sorted(smtp_server.received().subjects)
    assert subjects == sorted(
        [
            "[Newsroom] Taken by an editor: Port strike",
            "[Newsroom] Sent back: Port strike",
            "[Newsroom] Published: Port strike",
            "[Newsroom] Corrected: Port strike",
            "[Newsroom] Corrected: Port strike",
            "[Newsroom] Filed to the desk: Port strike",
            "[Newsroom] Filed to the desk: Port strike",
        ]
    )
    sent_back = next(
        m
        for m in smtp_server.received().messages
        if m["message"]["subject"].startswith("[Newsroom] Sent back")
    )
    assert sent_back["to"] == ["reporter@newsroom.test"]
    assert "Needs the port's side" in sent_back["message"].get_content()
    assert not Notice.objects.exclude(mail__in=["", "sent"]).exists()


@pytest.mark.django_db
def test_another_editors_save_tells_those_who_have_the_story_open(editor, second_editor):
    story = ArticleFactory(published=True)
    heartbeat(story, editor, story.version)
    heartbeat(story, second_editor, story.version)

    story.headline = "A sharper headline"
    actions.save_article(story, by=second_editor, kind=Revision.Kind.SILENT_FIX)

    assert kinds(editor) == ["saved"]
    assert kinds(second_editor) == []


@pytest.mark.django_db
def test_the_header_counts_unread_notices_and_the_list_marks_them_read(
    editor_client, editor, reporter
):
    story = ArticleFactory(headline="Flood toll rises")
    actions.save_article(story, by=reporter)
    FileToDesk(story, by=reporter, reason="Figures from the state").execute()
    other = ArticleFactory(headline="Someone else's notice")
    Notice.objects.create(recipient=reporter, kind="taken", article=other)

    header = editor_client.get("/admin/").text
    assert 'aria-label="Notices: 1 unread"' in header
    assert '<span class="notice-badge">1</span>' in header

    listed = editor_client.get(NOTICES)
    assert listed.status_code == 200
    assert "Flood toll rises" in listed.text
    assert "Figures from the state" in listed.text
    assert "Someone else's notice" not in listed.text

    editor_client.post(NOTICES + "read-all/")
    assert 'aria-label="Notices: 0 unread"' in editor_client.get("/admin/").text
    assert Notice.objects.get(recipient=editor).read_at is not None
    assert Notice.objects.get(recipient=reporter).read_at is None


@pytest.mark.django_db
def test_marking_some_read_touches_only_the_persons_own(editor_client, editor, reporter):
    mine = Notice.objects.create(recipient=editor, kind="filed")
    theirs = Notice.objects.create(recipient=reporter, kind="taken")

    editor_client.post(
        NOTICES,
        {"action": "mark_read", "_selected_action": [mine.pk, theirs.pk], "index": 0},
    )

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


@pytest.mark.django_db
def test_a_person_chooses_e_mail_on_their_notices_page(editor_client, editor):
    editor_client.post(NOTICES + "by-email/", {"by_email": "on"})
    assert NoticePreference.objects.get(user=editor).by_email
    editor_client.post(NOTICES + "by-email/", {})
    assert not NoticePreference.objects.get(user=editor).by_email


@pytest.mark.django_db
def test_notices_list_and_header_cost_the_same_queries_for_few_or_many(editor_client, editor):
    def queries(url):
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url).status_code == 200
        return len(captured)

    Notice.objects.create(recipient=editor, kind="filed", article=ArticleFactory())
    few = queries(NOTICES), queries("/admin/")
    now = timezone.now()
    Notice.objects.bulk_create(
        Notice(
            recipient=editor, kind="taken", article=ArticleFactory(), actor=editor, created_at=now
        )
        for _ in range(30)
    )
    assert (queries(NOTICES), queries("/admin/")) == few
    # the list: session, user, e-mail choice, count, permissions (2), the page (with stories
    # and actors), unread count; the dashboard as asserted in its own test
    assert few[0] == 8
