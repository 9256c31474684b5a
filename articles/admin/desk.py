"""What the story form does for an editor at work, added to `ArticleAdmin` as one mixin.

Who else has the story open (`presence.py`), the autosaved edit offered back (`autosave.py`),
the preview of unsaved text (`views.py`), a link to the live story after publishing, "View on
site" that works for a draft, and Django's History page pointing at the story's Versions.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html

from ..formatting import reader_time
from ..models import Article
from . import autosave, presence
from .params import whole_number


class DeskMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        autosave_view = self.story_endpoint(self.autosave_view, self.may_autosave)
        return [
            path(
                "<path:object_id>/presence/",
                # Reporters see who else is on a story they may only read.
                wrap(self.story_endpoint(self.presence_view, self.has_view_or_change_permission)),
                name="articles_article_presence",
            ),
            path("add/autosave/", wrap(autosave_view), name="articles_article_autosave_new"),
            path(
                "<path:object_id>/autosave/", wrap(autosave_view), name="articles_article_autosave"
            ),
            *super().get_urls(),
        ]

    def story_endpoint(self, handler, may):
        """A JSON endpoint posted for one story (or, without an id, a new one), for those
        `may(request, story)` allows."""

        def view(request, object_id=None):
            article = None
            if object_id is not None:
                article = (
                    Article.objects.filter(pk=whole_number(object_id))
                    .only("pk", "status", "published_at", "version")
                    .first()
                )
                if article is None:
                    return JsonResponse({"error": "No such story."}, status=404)
            if request.method != "POST":
                return JsonResponse({"error": "Post to this address."}, status=405)
            if not may(request, article):
                return JsonResponse({"error": "Not allowed."}, status=403)
            return handler(request, article)

        return view

    def may_autosave(self, request, article):
        if article is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, article)

    def presence_view(self, request, article):
        if request.POST.get("leaving"):
            presence.leave(article, request.user)
            return JsonResponse({"others": [], "saved": None})
        loaded = whole_number(request.POST.get("version"))
        return JsonResponse(presence.heartbeat(article, request.user, loaded))

    def autosave_view(self, request, article):
        if request.POST.get("discard"):
            autosave.discard(article, request.user)
            return JsonResponse({"saved": None})
        kept = autosave.keep(article, request.user, request.POST)
        if kept is None:
            return JsonResponse({"error": "Not a story's text."}, status=400)
        return JsonResponse({"saved": reader_time(kept.saved_at)})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_autosave = self.may_autosave(request, obj)
        offered = autosave.offer(obj, request.user) if may_autosave else None
        context["desk"] = {
            "autosave_url": self._autosave_url(obj) if may_autosave else "",
            "autosave": offered,
            "autosave_time": reader_time(offered.saved_at) if offered else "",
            "heartbeat_ms": presence.HEARTBEAT_SECONDS * 1000,
            # A refused save shows the editor's text again: it is unsaved from the start.
            "unsaved": context["adminform"].form.is_bound,
        }
        if obj is not None:
            context["desk"].update(
                presence_url=reverse("admin:articles_article_presence", args=[obj.pk]),
                preview_url=(
                    reverse("admin:articles_article_preview", args=[obj.pk])
                    if self.has_change_permission(request, obj)
                    else ""
                ),
                version=obj.version,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _autosave_url(obj):
        if obj is None:
            return reverse("admin:articles_article_autosave_new")
        return reverse("admin:articles_article_autosave", args=[obj.pk])

    def response_add(self, request, obj, post_url_continue=None):
        autosave.discard(None, request.user)  # the new story it was kept for exists now
        self._after_save(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._after_save(request, obj)
        return super().response_change(request, obj)

    def _after_save(self, request, obj):
        """The saved story holds the editor's text now: their autosave has done its job."""
        autosave.discard(obj, request.user)
        if "_publish" in request.POST and obj.is_published:
            url = request.build_absolute_uri(obj.get_absolute_url())
            self.message_user(
                request,
                format_html('Readers can see it now: <a href="{}">{}</a>', url, url),
                messages.SUCCESS,
            )

    def get_view_on_site_url(self, obj=None):
        """The public page of a story readers can see; the staff preview of any other."""
        if obj is not None and not obj.is_published:
            return reverse("admin:articles_article_preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    def history_view(self, request, object_id, extra_context=None):
        """A story's history is its Versions page: every save with its diff and who made it."""
        return HttpResponseRedirect(reverse("admin:articles_article_versions", args=[object_id]))
