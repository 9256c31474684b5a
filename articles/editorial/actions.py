"""Every change to a story, as an action that checks, then executes (after Wagtail's
`wagtail/actions/`).

- `check()` decides whether the action may happen to the story at all: the caller's
  permission and the story's stored state. The admin asks it which buttons to offer.
- `validate()` decides whether the input is complete and consistent (a note, a reason, a
  time, the kind of change, the merge of an out-of-date form). Its `WorkflowError`s name the
  form field at fault, so the admin shows them as form errors and states no rule itself.
- `execute()` runs both inside a transaction (once: a caller that already validated the
  action, as the admin's form does, calls `run()`), then writes through the one optimistic
  write (`versions.write_version`), keeps a `Revision` of every version readers could see and
  a `StatusChange` of every transition, and ends in the one finishing step
  (`finishing.changing`): derived output made once, one change recorded with its keys.

The actions are the only way a story changes. The functions at the end (`save_article`,
`publish_article`, ...) are their shorthand for code that has a story instance in hand: the
importer's neighbours, commands, tests.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .. import content
from ..formatting import reader_time
from ..models import Article, Revision, StatusChange, Update
from ..surrogate_keys import NEWS, SEARCH, story_key
from . import merge
from .datelines import without_own_dateline
from .errors import MergeConflict, StaleArticleError, WorkflowError
from .finishing import changing
from .permissions import can_edit, require
from .signals import action_done
from .versions import base_revision, keep_revision, set_tags, write_version

# Raised by the actions, and used by their callers.
__all__ = [
    "MergeConflict",
    "StaleArticleError",
    "WorkflowError",
    "can_edit",
    "write_version",
]

# Kinds of save allowed for a story that readers can see now.
PUBLIC_SAVE_KINDS = {Revision.Kind.SILENT_FIX, Revision.Kind.UPDATE, Revision.Kind.CORRECTION}
NOTED_KINDS = {Revision.Kind.UPDATE, Revision.Kind.CORRECTION}

# A publication time this far in the past counts as "now" (the editor's clock, a slow form).
PUBLISH_CLOCK_SLACK = timedelta(minutes=5)


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


def stored_state(article: Article) -> Article:
    """The story's workflow state as stored: the rules never trust an instance's own copy."""
    if article.pk is None:
        return article
    return Article.objects.only(
        "status", "published_at", "version", "legacy_id", "handled_by", "developing_until"
    ).get(pk=article.pk)


class ArticleAction:
    permissions: tuple[str, ...] = ("change_article",)
    # What the editor is told when `permissions` are missing.
    refusal = "Your role may not make this change."

    def __init__(self, article: Article, *, by, expected_version: int | None = None):
        self.article = article
        self.by = by
        self.expected_version = article.version if expected_version is None else expected_version
        self.state = article

    def check(self, state: Article | None = None) -> None:
        """Raise PermissionDenied or WorkflowError unless the action may happen at all.

        `state` is the story as the caller just loaded it (the admin, choosing buttons);
        without it the stored state is read.
        """
        require(self.by, *self.permissions, message=self.refusal)
        self.state = state if state is not None else stored_state(self.article)
        self.check_state(self.state)

    def check_state(self, state: Article) -> None:
        """The story's state rules; raise WorkflowError."""

    def validate(self) -> None:
        """The input's rules, once `check()` passed; raise WorkflowError (with its field)."""

    def is_allowed(self, state: Article | None = None) -> bool:
        try:
            self.check(state)
        except (PermissionDenied, WorkflowError):
            return False
        return True

    def execute(self):
        """Check, validate, write and finish, in one transaction."""
        with changing():
            self.check()
            self.validate()
            return self.run()

    def run(self):
        """Write and finish an action whose `check()` and `validate()` passed.

        The admin's form checks and validates while it cleans, so that refusals show as form
        errors, then saves with this: the rules are not run twice. The stored state is read
        again under the write's version check, so a story changed meanwhile is refused.
        """
        with changing() as change:
            result = self.write()
            self.finish(change)
            action_done.send(sender=type(self), action=self)
            return result

    def finish(self, change) -> None:
        """Note what the write changed on the change being finished."""
        change.story(self.article)

    def write(self):
        raise NotImplementedError

    def record_transition(self, to_status: str, *, reason: str = "", publish_at=None, at=None):
        return StatusChange.objects.create(
            article=self.article,
            from_status=self.state.status,
            to_status=to_status,
            reason=reason,
            publish_at=publish_at,
            by=self.by,
            at=at or timezone.now(),
        )


def _required(text: str, message: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(message, field=field)
    return text


class WritesText(ArticleAction):
    """An action that also writes the editor's text: from an out-of-date form, merged.

    `values` is the editor's version of the story (a snapshot, as `articles.content` makes);
    None when the action writes no text (the list's workflow actions), and then a story
    changed since the editor confirmed it is refused outright. `decisions` settle the merge's
    conflicts: {conflict id: (choice, edited text)}, made on the screen named `signature`.
    """

    def __init__(
        self,
        article,
        *,
        by,
        expected_version=None,
        values: dict | None = None,
        decisions: dict | None = None,
        signature: str = "",
    ):
        super().__init__(article, by=by, expected_version=expected_version)
        # The version the editor's text started from: the merge's original. The write then
        # expects the version merged against (`expected_version`).
        self.started_from = self.expected_version
        self.values = values
        self.decisions = decisions or {}
        self.signature = signature
        self.final = values
        self.merged = None

    def validate(self) -> None:
        self.merge_with_changes()
        if self.final is not None:
            self.final = without_own_dateline(self.final)

    def merge_with_changes(self) -> None:
        if self.values is None or self.article.pk is None:
            return
        current = self.state.version
        if self.started_from == current:
            self.final = self.values
            return
        base = base_revision(self.article, self.started_from)
        result = merge.merge(
            content.of_revision(base) if base else None,
            self.values,
            content.of_story(self.article),
        )
        if result.conflicts and (
            self.signature != result.signature or result.undecided(self.decisions)
        ):
            raise MergeConflict(self.article.pk, self.started_from, current, result)
        self.final = result.resolved(self.decisions)
        self.merged = result
        self.expected_version = current

    def write_text(self, *, kind: str, update: Update | None = None, **fields) -> Revision:
        """Write the final text (if any) with `fields`, then keep the version as a revision."""
        columns = content.columns(self.final) if self.final is not None else {}
        write_version(self.article, self.expected_version, **columns, **fields)
        if self.final is not None:
            snapshot = {**self.final, "tags": set_tags(self.article, self.final["tags"])}
        else:
            snapshot = content.of_story(self.article)
        return keep_revision(self.article, snapshot, by=self.by, kind=kind, update=update)


class SaveArticle(WritesText):
    """Save the text as a new version, without changing the story's state.

    A new story is created as a draft at version 1. On a story readers can see, `kind` says
    what readers are told: an update or a correction adds a public note and moves the
    "Updated" time; a silent fix moves nothing. Other stories take `default_save_kind()`.
    """

    def __init__(self, article, *, by, kind: str | None = None, note: str = "", **kwargs):
        super().__init__(article, by=by, **kwargs)
        self.kind = kind
        self.note = note

    def check(self, state=None) -> None:
        self.state = state if state is not None else stored_state(self.article)
        if not can_edit(self.by, self.state):
            raise PermissionDenied(f"{self.by} may not edit {self.article}.")

    def validate(self) -> None:
        allowed = default_save_kind(self.state)
        kind = self.kind = self.kind or allowed
        if kind is None:
            raise WorkflowError(
                "Say whether this change is an update, a correction or a silent fix.",
                field="save_kind",
            )
        if allowed is not None and kind != allowed:
            raise WorkflowError(
                f"A {self.state.get_status_display().lower()} story saves as {allowed}.",
                field="save_kind",
            )
        if allowed is None and kind not in PUBLIC_SAVE_KINDS:
            raise WorkflowError(
                f"{kind} is not a kind of change to a published story.", field="save_kind"
            )
        if kind in NOTED_KINDS:
            self.note = _required(
                self.note, "Updates and corrections need a note for readers.", "update_note"
            )
        super().validate()

    def write(self) -> Revision:
        article = self.article
        if article.pk is None:
            for name, value in content.columns(self.final).items():
                setattr(article, name, value)
            article.version = 1
            article.status = Article.Status.DRAFT
            article.save(force_insert=True)
            tags = set_tags(article, self.final["tags"])
            return keep_revision(
                article, {**self.final, "tags": tags}, by=self.by, kind=Revision.Kind.DRAFT
            )
        article.status, article.published_at = self.state.status, self.state.published_at
        if self.kind not in NOTED_KINDS:
            return self.write_text(kind=self.kind)
        now = timezone.now()
        # The note is created first so the revision can point at it; a stale write rolls
        # both back with the transaction.
        update = Update.objects.create(
            article=article, shown_at=now, kind=self.kind, note=self.note, editor=self.by
        )
        return self.write_text(kind=self.kind, update=update, updated_at=now)


class RestoreRevision(SaveArticle):
    """Save an earlier version's text (as the editor left it in the form) as a new version.

    Honest: on a live story, restoring text from before a public update or correction would
    undo what readers were told, so it cannot be a silent fix; it is an update or a
    correction with a note like any other change readers see.
    """

    def __init__(self, article, revision: Revision, **kwargs):
        kwargs.setdefault("values", content.of_revision(revision))
        super().__init__(article, **kwargs)
        self.revision = revision

    def undone_public_changes(self) -> list[Revision]:
        """The public updates and corrections made after the restored version."""
        return list(
            self.article.revisions.seen_by_readers()
            .filter(number__gt=self.revision.number, kind__in=NOTED_KINDS)
            .select_related("update")
            .order_by("number")
        )

    def validate(self) -> None:
        super().validate()
        if self.kind != Revision.Kind.SILENT_FIX:
            return
        undone = self.undone_public_changes()
        if undone:
            listed = "; ".join(
                f"version {r.number} ({r.get_kind_display().lower()}: {r.update.note})"
                if r.update
                else f"version {r.number} ({r.get_kind_display().lower()})"
                for r in undone
            )
            raise WorkflowError(
                f"Restoring version {self.revision.number} undoes public changes readers "
                f"were told about: {listed}. Save it as an update or a correction, with a "
                "note for readers.",
                field="save_kind",
            )


class PublishArticle(WritesText):
    """Publish a draft (or a scheduled story) now, with the text as it is written.

    A story readers saw before (unpublished since) keeps its first publication time: it comes
    back where it was, not as news. `redate` publishes it as new instead, with today's time:
    an editor's explicit choice, kept in the status history and told in the public update log
    with the first publication time.
    """

    permissions = ("change_article", "publish_article")
    refusal = "You may not publish stories; an editor must."
    label = "Publish now"

    def __init__(self, article, *, by, at: datetime | None = None, redate=False, **kwargs):
        super().__init__(article, by=by, **kwargs)
        self.at = at
        self.redate = redate

    def check_state(self, state) -> None:
        if state.status == Article.Status.WITHDRAWN:
            raise WorkflowError("A withdrawn story comes back with “Republish” and a note.")
        if state.is_published:
            raise WorkflowError("The story is already published.")

    def publication_time(self, now: datetime) -> datetime:
        first = self.first_publication(now)
        return first if first is not None and not self.redate else now

    def first_publication(self, now: datetime) -> datetime | None:
        """When readers first saw the story, if they did (it was unpublished since)."""
        first = self.state.published_at if self.article.pk is not None else None
        return first if first is not None and first <= now else None

    def validate(self) -> None:
        self.publish_at = self.publication_time(timezone.now())
        super().validate()

    def write(self) -> Revision:
        article, now = self.article, timezone.now()
        if article.pk is None:
            SaveArticle(article, by=self.by, values=self.final).execute()  # joins this change
            self.expected_version, self.final = article.version, None
        first, update, reason = self.first_publication(now), None, ""
        if self.redate and first is not None:
            reason = (
                f"Published again as new: first published {reader_time(first)}, now dated "
                f"{reader_time(self.publish_at)}."
            )
            update = Update.objects.create(
                article=article, shown_at=now, kind=Update.Kind.UPDATE, note=reason, editor=self.by
            )
        self.record_transition(
            Article.Status.PUBLISHED, publish_at=self.publish_at, at=now, reason=reason
        )
        return self.write_text(
            kind=Revision.Kind.PUBLICATION,
            update=update,
            status=Article.Status.PUBLISHED,
            published_at=self.publish_at,
        )


class ScheduleArticle(PublishArticle):
    """Publish a draft at a later time: an embargo that lifts by itself (no scheduler runs;
    `published()` compares with the clock)."""

    label = "Schedule"

    @staticmethod
    def for_story(state: Article) -> type["ScheduleArticle"]:
        """Schedule a draft; reschedule a scheduled story."""
        return RescheduleArticle if state.is_scheduled else ScheduleArticle

    def check_state(self, state) -> None:
        super().check_state(state)
        if state.is_scheduled:
            raise WorkflowError("The story is scheduled already: reschedule it.")

    def publication_time(self, now: datetime) -> datetime:
        if self.at is None:
            raise WorkflowError("Choose when to publish the story.", field="publish_at")
        if self.at < now - PUBLISH_CLOCK_SLACK:
            raise WorkflowError(
                "Choose a time in the future: a publication time in the past would "
                "backdate the story.",
                field="publish_at",
            )
        if self.at <= now:
            raise WorkflowError(
                "That time has come: use “Publish now”, or choose a later time.",
                field="publish_at",
            )
        return self.at


class RescheduleArticle(ScheduleArticle):
    """Move a scheduled story's publication time."""

    label = "Reschedule"

    def check_state(self, state) -> None:
        if not state.is_scheduled:
            raise WorkflowError("Only a scheduled story can be rescheduled.")


class ReasonedAction(ArticleAction):
    """A change of state that says why: `reason` is required, `reason_missing` says so."""

    reason_missing = "Say why."

    def __init__(self, article, *, by, reason: str = "", **kwargs):
        super().__init__(article, by=by, **kwargs)
        self.reason = reason

    def validate(self) -> None:
        self.reason = _required(self.reason, self.reason_missing, "reason")


class UnpublishArticle(ReasonedAction):
    """Take back a publication: the story goes back to draft and leaves every public page.

    For a story published by mistake. Its versions and update notes stay in the newsroom. A
    story readers saw keeps its publication and update times, so publishing it again brings it
    back as it was (`PublishArticle`); a scheduled one, never seen, loses its time.
    """

    permissions = ("change_article", "publish_article")
    reason_missing = "Say why the story is unpublished (for the newsroom)."

    def check_state(self, state) -> None:
        if state.status != Article.Status.PUBLISHED:
            raise WorkflowError("Only a published or scheduled story can be unpublished.")

    def write(self) -> StatusChange:
        times = {} if self.state.is_published else {"published_at": None, "updated_at": None}
        write_version(self.article, self.expected_version, status=Article.Status.DRAFT, **times)
        return self.record_transition(Article.Status.DRAFT, reason=self.reason)


class WithdrawArticle(ReasonedAction):
    """Kill a published (or scheduled) story: readers see the reason instead of the story.

    The notice names the story's headline only if the editor says so (`show_headline`): a
    story killed for legal reasons may need its headline gone too.
    """

    permissions = ("change_article", "withdraw_article")
    reason_missing = "Readers are told why a story was withdrawn: give a reason."

    def __init__(self, article, *, by, show_headline: bool = False, **kwargs):
        super().__init__(article, by=by, **kwargs)
        self.show_headline = show_headline

    def check_state(self, state) -> None:
        if state.status != Article.Status.PUBLISHED:
            raise WorkflowError("Only a published or scheduled story can be withdrawn.")

    def write(self) -> StatusChange:
        fields = {
            "status": Article.Status.WITHDRAWN,
            "withdrawal_reason": self.reason,
            "withdrawal_shows_headline": self.show_headline,
        }
        if self.state.is_scheduled:
            # Killed before its embargo lifted: readers never saw it, so it never comes out,
            # and its address stays a 404 rather than turning into a withdrawal notice.
            fields["published_at"] = None
        write_version(self.article, self.expected_version, **fields)
        return self.record_transition(Article.Status.WITHDRAWN, reason=self.reason)


class RepublishArticle(ReasonedAction):
    """Bring a withdrawn story back, telling readers why in its update log."""

    permissions = ("change_article", "publish_article", "withdraw_article")
    reason_missing = "Readers are told why the story is back: write a note."

    def check_state(self, state) -> None:
        if state.status != Article.Status.WITHDRAWN:
            raise WorkflowError("Only a withdrawn story can be republished.")

    def write(self) -> StatusChange:
        now = timezone.now()
        fields = {
            "status": Article.Status.PUBLISHED,
            "withdrawal_reason": "",
            "withdrawal_shows_headline": False,
        }
        update = None
        if self.state.published_at is None:
            # Withdrawn before its embargo lifted: readers never saw it; this is its first
            # publication.
            fields["published_at"] = now
            kind = Revision.Kind.PUBLICATION
        else:
            fields["updated_at"] = now
            update = Update.objects.create(
                article=self.article,
                shown_at=now,
                kind=Update.Kind.UPDATE,
                note=self.reason,
                editor=self.by,
            )
            kind = Revision.Kind.REPUBLICATION
        write_version(self.article, self.expected_version, **fields)
        keep_revision(
            self.article, content.of_story(self.article), by=self.by, kind=kind, update=update
        )
        return self.record_transition(
            Article.Status.PUBLISHED,
            reason=self.reason,
            publish_at=fields.get("published_at"),
            at=now,
        )


class DeleteArticle(ArticleAction):
    """Delete a story readers never saw: a draft that was never published or imported.

    Anything readers saw is withdrawn instead, so its address, history and provenance stay
    (and the importer never takes a deleted story for a new one).
    """

    permissions = ("delete_article",)

    def check_state(self, state) -> None:
        if not can_edit(self.by, state):
            raise PermissionDenied(f"{self.by} may not delete {self.article}.")
        seen = state.status != Article.Status.DRAFT or state.legacy_id is not None
        if not seen:
            # An unpublished story lost its publication time: its publication is on record.
            seen = (
                state.revisions.seen_by_readers().exists()
                or state.status_changes.filter(to_status=Article.Status.PUBLISHED).exists()
            )
        if seen:
            raise WorkflowError(
                "Readers have seen this story: withdraw it instead. Only drafts that were "
                "never published can be deleted."
            )

    def write(self) -> None:
        self.article_id = self.article.pk
        self.article.delete()

    def finish(self, change) -> None:
        change.keys |= {story_key(self.article_id), SEARCH, NEWS, *self.article.list_keys.split()}


def publication_action(state: Article, at: datetime | None) -> type[PublishArticle]:
    """The action that publishes a story at `at`: now (None, or a time within the clock's
    slack), else scheduled (or rescheduled) for it; a time further back is a schedule, which
    refuses to backdate."""
    now = timezone.now()
    if at is None or now - PUBLISH_CLOCK_SLACK <= at <= now:
        return PublishArticle
    if at > now:
        return ScheduleArticle.for_story(state)
    return ScheduleArticle


# Shorthand for the actions, for code holding a story instance with the editor's values set on
# it (commands, ingest, tests). Each builds the action and executes it: nothing else.


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
    values = content.of_instance(article, tags)
    return SaveArticle(
        article, by=by, kind=kind, note=note, expected_version=expected_version, values=values
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
    return RestoreRevision(
        article, revision, by=by, kind=kind, note=note, expected_version=expected_version
    ).execute()


def publish_article(
    article: Article, *, by, at: datetime | None = None, expected_version: int | None = None
) -> Revision:
    """Publish the story with the text set on it: now, or at `at` (`publication_action`)."""
    action = publication_action(stored_state(article), at)
    return action(
        article,
        by=by,
        at=at,
        expected_version=expected_version,
        values=content.of_instance(article),
    ).execute()


def unpublish_article(
    article: Article, *, by, reason: str, expected_version: int | None = None
) -> StatusChange:
    return UnpublishArticle(
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
    return WithdrawArticle(
        article,
        by=by,
        reason=reason,
        show_headline=show_headline,
        expected_version=expected_version,
    ).execute()


def republish_article(
    article: Article, *, by, note: str, expected_version: int | None = None
) -> StatusChange:
    return RepublishArticle(
        article, by=by, reason=note, expected_version=expected_version
    ).execute()


def delete_article(article: Article, *, by) -> None:
    DeleteArticle(article, by=by).execute()
