"""The editorial layer's entry points: one function per change to a story.

The admin, the legacy importer (`articles.importer.store`), commands and tests all write
through here or through the actions behind these functions (`actions.py`), so the rules live
once:
- every write checks the caller's permission and the story's stored state;
- every write raises the story's `version` with an optimistic check (`write_version`); a save
  from an out-of-date copy is merged three ways (`merge.py`) or refused with
  `StaleArticleError` (for the importer, reported as a conflict), never applied blindly;
- every version readers could see is kept as a `Revision` of all its versioned fields, and
  every change of status as a `StatusChange` with who, when and why.
"""

from datetime import datetime

from django.utils import timezone

from ..models import Article, Revision, StatusChange
from . import actions
from .actions import PUBLISH_CLOCK_SLACK, default_save_kind, stored_state
from .errors import MergeConflict, StaleArticleError, WorkflowError
from .permissions import can_edit
from .versions import instance_values, write_version

__all__ = [
    "PUBLISH_CLOCK_SLACK",
    "MergeConflict",
    "StaleArticleError",
    "WorkflowError",
    "can_edit",
    "default_save_kind",
    "delete_article",
    "instance_values",
    "publish_article",
    "republish_article",
    "restore_revision",
    "save_article",
    "unpublish_article",
    "withdraw_article",
    "write_version",
]


def save_article(
    article: Article,
    *,
    by,
    kind: str | None = None,
    note: str = "",
    expected_version: int | None = None,
    tags=None,
) -> Revision:
    """Save the text set on `article` (and `tags`, default: unchanged) as a new version."""
    return actions.SaveArticle(
        article,
        by=by,
        kind=kind,
        note=note,
        expected_version=expected_version,
        values=instance_values(article, tags),
    ).execute()


def restore_revision(
    article: Article,
    revision: Revision,
    *,
    by,
    kind: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Revision:
    """Save `revision`'s version of every field as the story's new version."""
    return actions.RestoreRevision(
        article, revision, by=by, kind=kind, note=note, expected_version=expected_version
    ).execute()


def publish_article(
    article: Article,
    *,
    by,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Revision:
    """Publish the story with the text set on it: now, or at `at` (scheduling, or
    rescheduling a scheduled story)."""
    action = actions.PublishArticle
    if at is not None:
        if at > timezone.now():
            action = actions.ScheduleArticle.for_story(stored_state(article))
        elif at < timezone.now() - PUBLISH_CLOCK_SLACK:
            action = actions.ScheduleArticle  # which refuses to backdate
    return action(
        article,
        by=by,
        at=at,
        expected_version=expected_version,
        values=instance_values(article),
    ).execute()


def unpublish_article(
    article: Article, *, by, reason: str, expected_version: int | None = None
) -> StatusChange:
    return actions.UnpublishArticle(
        article, by=by, reason=reason, expected_version=expected_version
    ).execute()


def withdraw_article(
    article: Article,
    *,
    by,
    reason: str,
    show_headline: bool = False,
    expected_version: int | None = None,
) -> StatusChange:
    return actions.WithdrawArticle(
        article,
        by=by,
        reason=reason,
        show_headline=show_headline,
        expected_version=expected_version,
    ).execute()


def republish_article(
    article: Article, *, by, note: str, expected_version: int | None = None
) -> StatusChange:
    return actions.RepublishArticle(
        article, by=by, reason=note, expected_version=expected_version
    ).execute()


def delete_article(article: Article, *, by) -> None:
    actions.DeleteArticle(article, by=by).execute()
