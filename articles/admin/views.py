"""The story admin's own pages: preview for staff, and the versions with their diffs."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import content
from ..diffs import field_diffs
from ..editorial import derived
from ..models import Article
from ..site.pages import story_page_context
from .params import whole_number


class ArticleViewsMixin:
    """Preview and versions pages, added to the story admin's URLs by `ArticleAdmin`."""

    def preview_view(self, request, object_id):
        """The story exactly as readers will see it, under a "not public" banner; staff only.

        A GET shows the story as stored. A POST (the change form's "Preview" button) shows
        the form's current text, unsaved: nothing is written. Everyone else gets a 404, as
        if the story did not exist, and nothing is cached.
        """
        user = request.user
        if not (user.is_active and user.is_staff and self.has_view_permission(request)):
            raise Http404
        article = get_object_or_404(
            Article.objects.select_related("dateline"), pk=whole_number(unquote(object_id))
        )
        problems = []
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            problems = apply_unsaved_edit(article, request.POST)
            derived.fill(article)
        context = {
            **story_page_context(article, request),
            "preview": {"unsaved": request.method == "POST", "problems": problems},
        }
        return render(request, "admin/articles/article/preview.html", context)

    def versions_view(self, request, object_id):
        """Every saved version of the story, a diff between any two, and restore links."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("editor", "update", "dateline"))
        by_number = {revision.number: revision for revision in revisions}
        newer = _pick(request.GET.get("b"), by_number, revisions[0] if revisions else None)
        older_default = revisions[1] if len(revisions) > 1 else newer
        older = _pick(request.GET.get("a"), by_number, older_default)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Versions of “{article}”",
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "diffs": field_diffs(older, newer) if newer else [],
            "status_changes": article.status_changes.select_related("by"),
            "can_restore": self.has_change_permission(request, article),
            "change_url": reverse("admin:articles_article_change", args=[article.pk]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/versions.html", context)


PreviewForm = modelform_factory(Article, fields=list(content.NAMES))


def apply_unsaved_edit(article: Article, data) -> list[str]:
    """Put the change form's fields on `article` (never saved); return what could not be used.

    A field the editor left invalid keeps its stored value, and the banner says so.
    """
    form = PreviewForm(data, instance=article)
    if form.is_valid() or "tags" in form.cleaned_data:
        # What `article.tags.all()` answers from now on: the form's tags, not the stored ones.
        article._prefetched_objects_cache = {"tags": form.cleaned_data["tags"]}
    return [f"{form.fields[name].label}: {' '.join(text)}" for name, text in form.errors.items()]


def _pick(number, by_number, default):
    return by_number.get(whole_number(number), default)
