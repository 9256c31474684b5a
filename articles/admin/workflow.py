"""The lifecycle from the story list or one story's page, with the versions confirmed.

Publish, unpublish, withdraw, republish and delete are each an editorial action
(`articles.editorial.actions`). A confirmation page lists the stories with each one's version
and whether the action may happen to it; applying refuses any story that changed after the
editor saw it, as the change form does.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..desk import handoff, labels
from ..editorial import actions
from ..editorial.errors import StaleArticleError, WorkflowError
from ..models import Article
from .forms import ReasonForm, WithdrawalForm
from .params import whole_number


@dataclass(frozen=True)
class Workflow:
    action: type[actions.ArticleAction]
    title: str
    button: str
    done: str
    consequence: str
    reason_label: str = ""
    reason_help: str = ""
    reason_required: bool = True
    # The button on one story's page, where "<button> this story" does not read.
    button_one: str = ""
    form_class: type[ReasonForm] = ReasonForm

    # The one-story pages (unpublish, withdraw, republish) word the same texts for one story.

    def heading(self, single: bool) -> str:
        return _for_one(self.title) if single else self.title

    def consequence_for(self, single: bool) -> str:
        return _for_one(self.consequence) if single else self.consequence

    def button_for(self, single: bool) -> str:
        if not single:
            return self.button
        return self.button_one or f"{self.button} this story"


def _for_one(text: str) -> str:
    return text.replace("these stories", "this story").replace("these drafts", "this draft")


WORKFLOW = {
    "file": Workflow(
        handoff.FileToDesk,
        "File these stories to the desk?",
        "File to the desk",
        "filed to the desk",
        "The desk's editors are told; the story waits in their queue. You cannot edit it "
        "while it is filed: withdraw the filing to keep working.",
        "Note for the desk",
        "Kept in the story's status history; the editors see it with their notice.",
        reason_required=False,
        button_one="File this story to the desk",
    ),
    "unfile": Workflow(
        handoff.WithdrawFiling,
        "Withdraw the filing of these stories?",
        "Withdraw the filing",
        "taken back from the desk",
        "The story leaves the desk queue and is a draft again, for you to keep working on.",
        "Note for the desk",
        "Optional: why it is taken back.",
        reason_required=False,
        button_one="Withdraw this filing",
    ),
    "take": Workflow(
        handoff.TakeStory,
        "Take these stories from the desk?",
        "Take",
        "taken",
        "Everyone sees that you handle them; the reporter who filed is told.",
        button_one="Take this story",
    ),
    "send_back": Workflow(
        handoff.SendBack,
        "Send these stories back?",
        "Send back",
        "sent back",
        "They go back to draft; the reporter is told, with your note.",
        "Note for the reporter",
        "What the story needs before it is filed again.",
        button_one="Send this story back",
    ),
    "developing": Workflow(
        labels.MarkDeveloping,
        "Label these stories “Developing”?",
        "Mark as developing",
        "labelled developing",
        "Readers see “Developing” on them until they have been quiet for a while (each "
        "update starts the quiet time again) or until you clear it.",
        button_one="Mark this story as developing",
    ),
    "settled": Workflow(
        labels.ClearDeveloping,
        "Clear “Developing” from these stories?",
        "Clear “Developing”",
        "no longer labelled developing",
        "Readers no longer see “Developing” on them.",
        button_one="Clear “Developing” from this story",
    ),
    "publish": Workflow(
        actions.PublishArticle,
        "Publish these stories now?",
        "Publish now",
        "published",
        "Readers will see these stories at once.",
    ),
    "unpublish": Workflow(
        actions.UnpublishArticle,
        "Unpublish these stories?",
        "Unpublish",
        "unpublished",
        "They go back to draft and leave every public page, list, feed and the API; their "
        "addresses answer “not found”. Their versions and update log stay in the newsroom.",
        "Why (for the newsroom)",
        "Kept in the story's workflow history; readers are not told.",
    ),
    "withdraw": Workflow(
        actions.WithdrawArticle,
        "Withdraw these stories?",
        "Withdraw",
        "withdrawn",
        "Readers will see the reason below instead of these stories.",
        "Reason shown to readers",
        "Readers see this note instead of the story.",
        form_class=WithdrawalForm,
    ),
    "republish": Workflow(
        actions.RepublishArticle,
        "Republish these stories?",
        "Republish",
        "republished",
        "Readers will see the stories again, with the note below in their update log.",
        "Note for readers",
        "Shown in the story's update log: why it is back.",
    ),
    "delete": Workflow(
        actions.DeleteArticle,
        "Delete these drafts?",
        "Delete",
        "deleted",
        "Drafts readers never saw are deleted with their versions. A story readers saw "
        "cannot be deleted: withdraw it instead.",
    ),
}


# The state changes a story's own page links to, each on a page of its own.
STORY_OPERATIONS = (
    "file",
    "unfile",
    "take",
    "send_back",
    "developing",
    "settled",
    "unpublish",
    "withdraw",
    "republish",
)


def _allowed(request, operation: str) -> bool:
    names = WORKFLOW[operation].action.permissions
    return request.user.has_perms([f"articles.{name}" for name in names])


class WorkflowActionsMixin:
    """The story admin's workflow actions and its one-story workflow pages."""

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        return self._confirm_workflow(request, queryset, "publish")

    @admin.action(description="Unpublish selected stories", permissions=["unpublish"])
    def unpublish_selected(self, request, queryset):
        return self._confirm_workflow(request, queryset, "unpublish")

    @admin.action(description="Withdraw selected stories", permissions=["withdraw"])
    def withdraw_selected(self, request, queryset):
        return self._confirm_workflow(request, queryset, "withdraw")

    @admin.action(description="Delete selected drafts", permissions=["delete"])
    def delete_selected(self, request, queryset):
        """Replaces Django's bulk delete, which would delete published stories too."""
        return self._confirm_workflow(request, queryset, "delete")

    def has_publish_permission(self, request):
        return _allowed(request, "publish")

    def has_unpublish_permission(self, request):
        return _allowed(request, "unpublish")

    def has_withdraw_permission(self, request):
        return _allowed(request, "withdraw")

    def _confirm_workflow(self, request, queryset, operation, *, single=False):
        workflow = WORKFLOW[operation]
        articles = list(queryset.select_related("dateline").order_by("-id"))
        confirmed = request.method == "POST" and request.POST.get("post") == "yes"
        form = None
        if workflow.reason_label:
            form = workflow.form_class(
                request.POST if confirmed else None,
                label=workflow.reason_label,
                help_text=workflow.reason_help,
                required=workflow.reason_required,
            )
        if confirmed and (form is None or form.is_valid()):
            self._apply_workflow(request, articles, operation, form)
            return None
        rows = []
        for article in articles:
            try:
                workflow.action(article, by=request.user).check(article)
            except (PermissionDenied, WorkflowError) as refusal:
                rows.append((article, str(refusal)))
            else:
                rows.append((article, ""))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": workflow.heading(single),
            "consequence": workflow.consequence_for(single),
            "button": workflow.button_for(single),
            "workflow": workflow,
            "operation": operation,
            "rows": rows,
            "form": form,
            "single": single,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/articles/article/workflow_confirmation.html", context
        )

    def _apply_workflow(self, request, articles, operation, form):
        workflow = WORKFLOW[operation]
        answers = form.action_arguments() if form is not None else {}
        done = 0
        for article in articles:
            expected = whole_number(request.POST.get(f"version_{article.pk}"))
            if expected is None:
                self.message_user(request, f"“{article}”: no version given.", messages.ERROR)
                continue
            name = str(article)
            try:
                workflow.action(
                    article, by=request.user, expected_version=expected, **answers
                ).execute()
            except StaleArticleError:
                self.message_user(
                    request,
                    f"“{name}” was changed by someone else after you chose it; nothing "
                    "was done to it. Look at it again, then try again.",
                    messages.ERROR,
                )
            except (PermissionDenied, WorkflowError) as refusal:
                self.message_user(request, f"“{name}”: {refusal}", messages.ERROR)
            else:
                if operation != "delete":
                    self.log_change(request, article, f"{workflow.done.capitalize()}.")
                done += 1
        if done:
            noun = "story" if done == 1 else "stories"
            self.message_user(request, f"{done} {noun} {workflow.done}.")

    def workflow_view(self, request, object_id, operation):
        if not _allowed(request, operation):
            raise PermissionDenied
        queryset = Article.objects.filter(pk=unquote(object_id))
        if not queryset.exists():
            raise Http404
        response = self._confirm_workflow(request, queryset, operation, single=True)
        if response is None:
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[unquote(object_id)])
            )
        return response

    def workflow_urls(self):
        """One page per story for the state changes the change form links to."""
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                f"<path:object_id>/{operation}/",
                wrap(self.workflow_view),
                {"operation": operation},
                name=f"{info[0]}_{info[1]}_{operation}",
            )
            for operation in STORY_OPERATIONS
        ]
