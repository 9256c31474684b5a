"""The hand-off between reporters and the desk, as editorial actions that check, then execute.

A reporter files a draft to the desk (status `filed`, with a note in the status history); an
editor takes it (everyone sees who handles it) and publishes it, or sends it back with a note;
the reporter may withdraw the filing to keep working. The permissions are the server's, as for
every action: a reporter's crafted POST to take, send back or publish changes nothing.
"""

from django.core.exceptions import PermissionDenied

from ..editorial.actions import ArticleAction, _required
from ..editorial.errors import WorkflowError
from ..editorial.permissions import can_edit
from ..editorial.versions import write_version
from ..models import Article, StatusChange


def filer_of(article: Article):
    """Who filed the story last, from its status history (None if it was never filed)."""
    change = (
        StatusChange.objects.filter(article=article, to_status=Article.Status.FILED)
        .exclude(from_status=Article.Status.FILED)
        .select_related("by")
        .order_by("-at", "-id")
        .first()
    )
    return change.by if change is not None else None


class HandOffAction(ArticleAction):
    """A hand-off step, with its note (`reason`): required where `reason_missing` says so."""

    reason_missing = ""

    def __init__(self, article, *, by, reason: str = "", **kwargs):
        super().__init__(article, by=by, **kwargs)
        self.reason = reason

    def validate(self) -> None:
        if self.reason_missing:
            self.reason = _required(self.reason, self.reason_missing, "reason")
        else:
            self.reason = (self.reason or "").strip()


class FileToDesk(HandOffAction):
    """A reporter hands a draft to the desk; it waits in the desk queue for an editor."""

    label = "File to the desk"

    def check_state(self, state) -> None:
        if state.status != Article.Status.DRAFT:
            raise WorkflowError("Only a draft can be filed to the desk.")
        if not can_edit(self.by, state):
            raise PermissionDenied(f"{self.by} may not file {self.article}.")

    def write(self) -> StatusChange:
        write_version(
            self.article, self.expected_version, status=Article.Status.FILED, handled_by=None
        )
        return self.record_transition(Article.Status.FILED, reason=self.reason)


class WithdrawFiling(HandOffAction):
    """The one who filed takes the story back to keep working on it (a draft again)."""

    label = "Withdraw the filing"

    def check_state(self, state) -> None:
        if state.status != Article.Status.FILED:
            raise WorkflowError("Only a story filed to the desk can be withdrawn from it.")
        if filer_of(state) != self.by:
            raise PermissionDenied("Only the person who filed the story may withdraw it.")

    def write(self) -> StatusChange:
        write_version(
            self.article, self.expected_version, status=Article.Status.DRAFT, handled_by=None
        )
        return self.record_transition(Article.Status.DRAFT, reason=self.reason)


class TakeStory(HandOffAction):
    """An editor takes a filed story from the queue: everyone sees who is handling it."""

    permissions = ("change_article", "publish_article")
    refusal = "Only editors take stories from the desk."
    label = "Take"

    def check_state(self, state) -> None:
        if state.status != Article.Status.FILED:
            raise WorkflowError("Only a story filed to the desk can be taken.")
        if state.handled_by_id == self.by.pk:
            raise WorkflowError("You are handling this story already.")

    def write(self) -> StatusChange:
        write_version(self.article, self.expected_version, handled_by=self.by)
        return self.record_transition(
            Article.Status.FILED, reason=self.reason or "Taken from the desk."
        )


class SendBack(HandOffAction):
    """An editor returns a filed story to its reporter, saying what it needs."""

    permissions = ("change_article", "publish_article")
    refusal = "Only editors send stories back."
    reason_missing = "Tell the reporter what the story needs."
    label = "Send back"

    def check_state(self, state) -> None:
        if state.status != Article.Status.FILED:
            raise WorkflowError("Only a story filed to the desk can be sent back.")

    def write(self) -> StatusChange:
        write_version(
            self.article, self.expected_version, status=Article.Status.DRAFT, handled_by=None
        )
        return self.record_transition(Article.Status.DRAFT, reason=self.reason)
