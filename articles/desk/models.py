"""Notices: what the desk tells the people on a story, in the admin and by e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Notice(models.Model):
    """One thing one person is told: a story filed, taken, sent back, published, corrected,
    or saved by someone else while they had it open."""

    class Kind(models.TextChoices):
        FILED = "filed", "Filed to the desk"
        WITHDRAWN = "withdrawn", "Filing withdrawn"
        TAKEN = "taken", "Taken by an editor"
        SENT_BACK = "sent_back", "Sent back"
        PUBLISHED = "published", "Published"
        CORRECTED = "corrected", "Corrected"
        SAVED = "saved", "Saved by someone else"
        # The agency's lifecycle on a story made from its item (articles/wires/lifecycle.py).
        WIRE_NEW = "wire_new", "New agency version"
        WIRE_HELD = "wire_held", "Withheld by the agency"
        WIRE_KILL = "wire_kill", "Killed by the agency"

    class Mail(models.TextChoices):
        NOT_WANTED = "", "Not e-mailed"
        PENDING = "pending", "E-mail waiting"
        SENT = "sent", "E-mailed"
        FAILED = "failed", "E-mail failed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    mail = models.CharField(max_length=8, choices=Mail.choices, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mail_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index("recipient", F("created_at").desc(), name="notice_recipient_recent"),
            # The header's count of unread notices.
            models.Index(fields=["recipient"], condition=Q(read_at=None), name="notice_unread"),
            # The retry of e-mails a mail server refused.
            models.Index(
                fields=["created_at"],
                condition=Q(mail__in=["pending", "failed"]),
                name="notice_mail_undelivered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"


class NoticePreference(models.Model):
    """Whether a person also wants their notices by e-mail (to their account's address)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    by_email = models.BooleanField(
        default=False, help_text="Also send each notice to my e-mail address."
    )

    def __str__(self) -> str:
        return f"{self.user}: {'e-mail' if self.by_email else 'admin only'}"
