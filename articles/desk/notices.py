"""Notices: one function, `notify`, tells people about a story, in the admin and by e-mail.

The notice is the record; the e-mail is a courtesy. It is sent once the change that caused it
is committed, so a mail server that is down or slow never holds up or undoes a save: the
notice stays, its e-mail is marked failed with the server's answer, and
`manage.py send_notice_mail` tries again (as a cron job would).
"""

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse

from .models import Notice, NoticePreference

logger = logging.getLogger(__name__)

# A notice's e-mail is tried this many times (the first, then the retries) before it is left
# as failed for people to see in the admin.
MAX_MAIL_ATTEMPTS = 5


def notify(recipients: Iterable, *, kind: str, article=None, actor=None, message: str = ""):
    """Create a notice for each recipient (the person who acted is not told of their own
    act), and e-mail it, after the commit, to those who chose e-mail.

    Returns the notices created.
    """
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if actor is not None:
        people.pop(actor.pk, None)
    if not people:
        return []
    by_email = set(
        NoticePreference.objects.filter(user__in=people, by_email=True).values_list(
            "user_id", flat=True
        )
    )
    notices = Notice.objects.bulk_create(
        Notice(
            recipient=user,
            kind=kind,
            article=article,
            actor=actor,
            message=message,
            mail=Notice.Mail.PENDING if pk in by_email and user.email else Notice.Mail.NOT_WANTED,
        )
        for pk, user in people.items()
    )
    mailed = [notice.pk for notice in notices if notice.mail == Notice.Mail.PENDING]
    if mailed:
        transaction.on_commit(lambda: send_mail_for(mailed), robust=True)
    return notices


def send_mail_for(notice_ids: list[int]) -> int:
    """Send the e-mails of these notices that are not sent yet; returns how many went.

    One connection for all of them; a failure marks the notices it reached as failed (kept
    for the retry) and is logged, never raised.
    """
    notices = list(
        Notice.objects.filter(pk__in=notice_ids, mail__in=[Notice.Mail.PENDING, Notice.Mail.FAILED])
        .select_related("recipient", "article", "actor")
        .order_by("pk")
    )
    if not notices:
        return 0
    sent = 0
    try:
        with get_connection(fail_silently=False) as connection:
            for notice in notices:
                email_for(notice, connection).send()
                _record(notice, Notice.Mail.SENT, "")
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        reason = f"{type(error).__name__}: {error}"[:500]
        logger.warning("Notice e-mail not sent (%s); it will be retried.", reason)
        for notice in notices[sent:]:
            _record(notice, Notice.Mail.FAILED, reason)
    return sent


def retry_undelivered(limit: int = 500) -> tuple[int, int]:
    """Try again the e-mails a mail server refused: (sent, still failing)."""
    ids = list(
        Notice.objects.filter(
            mail__in=[Notice.Mail.PENDING, Notice.Mail.FAILED],
            mail_attempts__lt=MAX_MAIL_ATTEMPTS,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = send_mail_for(ids)
    return sent, len(ids) - sent


def _record(notice: Notice, mail: str, error: str) -> None:
    notice.mail, notice.mail_error = mail, error
    notice.mail_attempts += 1
    Notice.objects.filter(pk=notice.pk).update(
        mail=mail, mail_error=error, mail_attempts=notice.mail_attempts
    )


def email_for(notice: Notice, connection) -> EmailMessage:
    subject = notice.get_kind_display()
    lines = [notice.message] if notice.message else []
    if notice.article is not None:
        subject = f"{subject}: {notice.article.headline}"
        path = reverse("admin:articles_article_change", args=[notice.article.pk])
        lines.append(settings.SITE_URL + path)
    if notice.actor is not None:
        lines.append(f"By {notice.actor.get_full_name() or notice.actor.get_username()}.")
    return EmailMessage(
        # One line: a header never carries a line break.
        subject=" ".join(f"[{settings.SITE_NAME}] {subject}".split())[:200],
        body="\n\n".join(lines),
        to=[notice.recipient.email],
        connection=connection,
    )
