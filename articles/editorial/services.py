"""Writes with side effects: the one place each kind of change to a story is made.

The admin, the legacy importer (`articles.importer.store`), commands and tests all go through
these functions, so the rules live here once:
- every write checks the caller's permission (the importer runs as the operator);
- every write raises the story's `version` with an optimistic check (`UPDATE ... WHERE
  version = expected`); a story someone else changed meanwhile raises `StaleArticleError`
  (or, for the importer, is reported as a conflict) instead of being overwritten;
- every save of the text keeps a `Revision`, and every change of status a `StatusChange`.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..models import Article, Revision, StatusChange, Update
from .permissions import can_edit, require
from .signals import articles_changed

# The fields an editor writes through `save_article`. Status, times and provenance belong to
# the workflow functions and the importer, so a form can never change them by accident.
EDITORIAL_FIELDS = ["headline", "slug", "deck", "byline", "body", "dateline"]

# Kinds of save allowed for a story that readers can see now.
PUBLIC_SAVE_KINDS = {Revision.Kind.SILENT_FIX, Revision.Kind.UPDATE, Revision.Kind.CORRECTION}

# A publication time this far in the past counts as "now" (the editor's clock, a slow form).
PUBLISH_CLOCK_SLACK = timedelta(minutes=5)


class StaleArticleError(Exception):
    """The story changed after the caller loaded it; nothing was written."""

    def __init__(self, article_id: int, expected_version: int):
        self.article_id = article_id
        self.expected_version = expected_version
        super().__init__(
            f"Story {article_id} is no longer at version {expected_version}: "
            "someone else saved it meanwhile."
        )


class WorkflowError(Exception):
    """The change is not allowed for the story in its current state."""


def default_save_kind(article: Article) -> str | None:
    """The kind of save when the editor is not asked; None when they must choose.

    Drafts and withdrawn stories are not public: their saves are drafts. A scheduled story is
    not out yet, so nothing can be announced as an update: its saves are silent fixes.
    """
    if article.status != Article.Status.PUBLISHED:
        return Revision.Kind.DRAFT
    if article.is_scheduled:
        return Revision.Kind.SILENT_FIX
    return None


def _stored(article: Article) -> Article:
    """The story's workflow state as stored: the rules never trust an instance's own copy."""
    if article.pk is None:
        return article
    return Article.objects.only("status", "published_at", "version").get(pk=article.pk)


def write_version(article: Article, expected_version: int, *, announce=True, **fields) -> None:
    """The optimistic update: raise the version only if nobody else did first.

    Every write to an existing story, the importer's included, goes through here. A caller
    writing many stories (the importer) passes `announce=False` and sends `articles_changed`
    once for all of them.
    """
    fields["modified_at"] = timezone.now()
    written = Article.objects.filter(pk=article.pk, version=expected_version).update(
        version=expected_version + 1, **fields
    )
    if not written:
        raise StaleArticleError(article.pk, expected_version)
    if announce:
        articles_changed.send(sender=Article, article_ids=[article.pk])
    for name, value in fields.items():
        setattr(article, name, value)
    article.version = expected_version + 1


def _editorial_values(article: Article) -> dict:
    if not article.slug:
        article.slug = Article.slug_for(article.headline)
    return {name: getattr(article, name) for name in EDITORIAL_FIELDS}


def _keep_revision(article: Article, *, by, kind: str, update: Update | None = None) -> Revision:
    return Revision.objects.create(
        article=article,
        number=article.version,
        headline=article.headline,
        deck=article.deck,
        body=article.body,
        kind=kind,
        is_public=article.status == Article.Status.PUBLISHED,
        update=update,
        editor=by,
    )


@transaction.atomic
def save_article(
    article: Article,
    *,
    by,
    kind: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Revision:
    """Save the story's editorial fields as a new version and keep its text as a revision.

    `expected_version` is the version the editor started from (default: the version this
    instance was loaded at). A new story is created at version 1.

    On a story readers can see, `kind` is required: an update or a correction adds a public
    note to the update log and moves the story's "Updated" time to now; a silent fix moves
    nothing. Other stories take `default_save_kind()`.
    """
    state = _stored(article)
    if not can_edit(by, state):
        raise PermissionDenied(f"{by} may not edit {article}.")
    allowed = default_save_kind(state)
    kind = kind or allowed
    if kind is None:
        raise WorkflowError("Say whether this change is an update, a correction or a silent fix.")
    if allowed is not None and kind != allowed:
        raise WorkflowError(f"A {state.get_status_display().lower()} story saves as {allowed}.")
    if allowed is None and kind not in PUBLIC_SAVE_KINDS:
        raise WorkflowError(f"{kind} is not a kind of change to a published story.")
    note = note.strip()
    if kind in (Revision.Kind.UPDATE, Revision.Kind.CORRECTION) and not note:
        raise WorkflowError("Updates and corrections need a note for readers.")

    if article.pk is None:
        article.version = 1
        article.status = Article.Status.DRAFT
        _editorial_values(article)
        article.save(force_insert=True)
        return _keep_revision(article, by=by, kind=Revision.Kind.DRAFT)

    expected = article.version if expected_version is None else expected_version
    article.status, article.published_at = state.status, state.published_at
    fields = _editorial_values(article)
    update = None
    if kind in (Revision.Kind.UPDATE, Revision.Kind.CORRECTION):
        now = timezone.now()
        fields["updated_at"] = now
        write_version(article, expected, **fields)
        update = Update.objects.create(
            article=article, shown_at=now, kind=kind, note=note, editor=by
        )
    else:
        write_version(article, expected, **fields)
    return _keep_revision(article, by=by, kind=kind, update=update)


@transaction.atomic
def publish_article(
    article: Article,
    *,
    by,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Revision:
    """Publish a draft now, or at `at` (an embargo that lifts by itself), or reschedule.

    The story's current editorial fields are written with it, and its text kept as the
    PUBLICATION revision. `published()` compares with the clock, so no scheduler is needed.
    """
    require(by, "change_article", "publish_article")
    now = timezone.now()
    state = _stored(article)
    if state.status == Article.Status.WITHDRAWN:
        raise WorkflowError("A withdrawn story cannot be published again.")
    if state.is_published:
        raise WorkflowError("The story is already published.")
    if at is None or now - PUBLISH_CLOCK_SLACK <= at <= now:
        at = now
    elif at < now:
        raise WorkflowError("A publication time in the past would backdate the story.")
    if article.pk is None:
        save_article(article, by=by)

    from_status = state.status
    expected = article.version if expected_version is None else expected_version
    write_version(
        article,
        expected,
        status=Article.Status.PUBLISHED,
        published_at=at,
        **_editorial_values(article),
    )
    StatusChange.objects.create(
        article=article,
        from_status=from_status,
        to_status=Article.Status.PUBLISHED,
        publish_at=at,
        by=by,
        at=now,
    )
    return _keep_revision(article, by=by, kind=Revision.Kind.PUBLICATION)


@transaction.atomic
def withdraw_article(
    article: Article, *, by, reason: str, expected_version: int | None = None
) -> StatusChange:
    """Kill a published (or scheduled) story: readers see the reason instead of the story."""
    require(by, "change_article", "withdraw_article")
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Readers are told why a story was withdrawn: give a reason.")
    state = _stored(article)
    if state.status != Article.Status.PUBLISHED:
        raise WorkflowError("Only a published or scheduled story can be withdrawn.")
    expected = article.version if expected_version is None else expected_version
    fields = {"status": Article.Status.WITHDRAWN, "withdrawal_reason": reason}
    if state.is_scheduled:
        # Killed before its embargo lifted: readers never saw it, so it never comes out, and
        # its address stays a 404 rather than turning into a withdrawal notice.
        fields["published_at"] = None
    write_version(article, expected, **fields)
    return StatusChange.objects.create(
        article=article,
        from_status=Article.Status.PUBLISHED,
        to_status=Article.Status.WITHDRAWN,
        reason=reason,
        by=by,
    )
