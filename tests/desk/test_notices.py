"""Notices: one per person told, in the admin; e-mailed over real SMTP to those who chose it;
a mail server that is down never blocks or undoes the save."""

import pytest
from django.core.management import call_command
from django.db import transaction

from articles.desk.models import Notice, NoticePreference
from articles.desk.notices import MAX_MAIL_ATTEMPTS, notify, retry_undelivered
from tests.desk.smtp import closed_port
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def wants_email(user):
    NoticePreference.objects.create(user=user, by_email=True)
    return user


def test_a_notice_for_each_person_but_the_one_who_acted(editor, reporter, second_editor):
    story = ArticleFactory(headline="Port strike")

    notices = notify(
        [editor, reporter, second_editor, editor],
        kind=Notice.Kind.FILED,
        article=story,
        actor=reporter,
        message="Filed with a note.",
    )

    assert sorted(n.recipient.username for n in notices) == ["editor", "second-editor"]
    stored = Notice.objects.get(recipient=editor)
    assert (stored.kind, stored.article, stored.actor, stored.read_at) == (
        "filed",
        story,
        reporter,
        None,
    )
    assert stored.mail == Notice.Mail.NOT_WANTED


def test_the_notice_is_e_mailed_after_the_commit_to_those_who_chose_it(
    smtp_server, editor, second_editor, reporter
):
    wants_email(editor)
    story = ArticleFactory(headline="Quake hits the coast")

    with transaction.atomic():
        notify([editor, second_editor], kind=Notice.Kind.FILED, article=story, actor=reporter)
        assert smtp_server.inbox.messages == []  # nothing leaves before the commit

    assert len(smtp_server.inbox.messages) == 1
    mail = smtp_server.inbox.messages[0]
    assert mail["to"] == ["editor@newsroom.test"]
    assert mail["message"]["subject"] == "[Newsroom] Filed to the desk: Quake hits the coast"
    assert f"/admin/articles/article/{story.pk}/change/" in mail["message"].get_content()
    assert Notice.objects.get(recipient=editor).mail == Notice.Mail.SENT
    assert Notice.objects.get(recipient=second_editor).mail == Notice.Mail.NOT_WANTED


def test_a_person_without_an_address_gets_the_notice_in_the_admin_only(smtp_server, reporter):
    nobody = wants_email(UserFactory(username="no-address", email=""))
    notify([nobody], kind=Notice.Kind.PUBLISHED, actor=reporter)
    assert smtp_server.inbox.messages == []
    assert Notice.objects.get(recipient=nobody).mail == Notice.Mail.NOT_WANTED


def test_a_mail_server_that_is_down_fails_no_save_and_the_mail_is_retried(
    settings, smtp_server, editor, reporter
):
    wants_email(editor)
    settings.EMAIL_PORT = closed_port()
    story = ArticleFactory(headline="Flood toll rises")

    with transaction.atomic():
        notify([editor], kind=Notice.Kind.FILED, article=story, actor=reporter)

    notice = Notice.objects.get(recipient=editor)
    assert notice.mail == Notice.Mail.FAILED
    assert notice.mail_attempts == 1
    assert "Connection" in notice.mail_error or "refused" in notice.mail_error.lower()
    assert smtp_server.inbox.messages == []

    settings.EMAIL_PORT = smtp_server.port  # the server is back
    call_command("send_notice_mail")

    notice.refresh_from_db()
    assert (notice.mail, notice.mail_attempts, notice.mail_error) == ("sent", 2, "")
    assert smtp_server.inbox.subjects == ["[Newsroom] Filed to the desk: Flood toll rises"]


def test_retries_stop_after_their_limit_and_leave_the_failure_shown(settings, editor, reporter):
    wants_email(editor)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    notify([editor], kind=Notice.Kind.TAKEN, actor=reporter)
    for _ in range(MAX_MAIL_ATTEMPTS + 2):
        retry_undelivered()

    notice = Notice.objects.get(recipient=editor)
    assert (notice.mail, notice.mail_attempts) == ("failed", MAX_MAIL_ATTEMPTS)


def test_a_header_with_a_line_break_cannot_be_injected(smtp_server, editor, reporter):
    wants_email(editor)
    story = ArticleFactory(headline="Line one\nBcc: everyone@example.org")
    notify([editor], kind=Notice.Kind.FILED, article=story, actor=reporter)
    message = smtp_server.inbox.messages[0]
    assert message["to"] == ["editor@newsroom.test"]
    assert message["message"]["bcc"] is None
