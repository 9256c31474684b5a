"""Publish and withdraw from the story list or one story's page, with the versions confirmed.

A confirmation page records each story's version; applying it refuses any story that changed
after the editor saw it, as the change form does.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ..editorial import services
from ..models import Article
from .forms import WithdrawForm
from .params import whole_number


class WorkflowActionsMixin:
    """The story admin's workflow actions and its one-story withdraw page."""

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        return self._confirm_workflow(request, queryset, "publish")

    @admin.action(description="Withdraw selected stories", permissions=["withdraw"])
    def withdraw_selected(self, request, queryset):
        return self._confirm_workflow(request, queryset, "withdraw")

    def _confirm_workflow(self, request, queryset, operation, *, single=False):
        """A confirmation page that records each story's version; applying it refuses any
        story that changed after the editor saw it, like the change form does."""
        articles = list(queryset.select_related("dateline").order_by("-id"))
        confirmed = request.method == "POST" and request.POST.get("post") == "yes"
        form = WithdrawForm(request.POST if confirmed else None)
        if confirmed and (operation == "publish" or form.is_valid()):
            self._apply_workflow(request, articles, operation, form)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Publish these stories now?"
            if operation == "publish"
            else ("Withdraw this story?" if single else "Withdraw these stories?"),
            "operation": operation,
            "articles": articles,
            "form": form,
            "single": single,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/articles/article/workflow_confirmation.html", context
        )

    def _apply_workflow(self, request, articles, operation, form):
        done = 0
        for article in articles:
            expected = whole_number(request.POST.get(f"version_{article.pk}"))
            if expected is None:
                self.message_user(request, f"“{article}”: no version given.", messages.ERROR)
                continue
            try:
                if operation == "publish":
                    services.publish_article(article, by=request.user, expected_version=expected)
                    message = "Published."
                else:
                    services.withdraw_article(
                        article,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                        expected_version=expected,
                    )
                    message = "Withdrawn."
            except services.StaleArticleError:
                self.message_user(
                    request,
                    f"“{article}” was changed by someone else after you chose it; nothing "
                    "was done to it. Look at it again, then try again.",
                    messages.ERROR,
                )
            except services.WorkflowError as error:
                self.message_user(request, f"“{article}”: {error}", messages.ERROR)
            else:
                self.log_change(request, article, message)
                done += 1
        if done:
            verb = "published" if operation == "publish" else "withdrawn"
            self.message_user(request, f"{done} {'story' if done == 1 else 'stories'} {verb}.")

    def withdraw_view(self, request, object_id):
        if not self.has_withdraw_permission(request):
            raise PermissionDenied
        queryset = Article.objects.filter(pk=unquote(object_id))
        if not queryset.exists():
            raise Http404
        response = self._confirm_workflow(request, queryset, "withdraw", single=True)
        if response is None:
            return HttpResponseRedirect(
                reverse("admin:articles_article_change", args=[unquote(object_id)])
            )
        return response
