"""What the story form does for an editor at work, added to `ArticleAdmin` as one mixin.

Who else has the story open (`presence.py`), the autosaved edit offered back (`autosave.py`),
the preview of unsaved text (`views.py`), a link to the live story after publishing, "View on
site" that works for a draft, and Django's History page pointing at the story's Versions.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from ..site.formatting import reader_time
from . import autosave
from .autosave import AutosaveMixin
from .presence import HEARTBEAT_SECONDS, PresenceMixin


class DeskMixin(PresenceMixin, AutosaveMixin):
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/presence/",
                wrap(self.presence_view),
                name="articles_article_presence",
            ),
            path(
                "<path:object_id>/autosave/",
                wrap(self.autosave_view),
                name="articles_article_autosave",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            can_change = self.has_change_permission(request, obj)
            offered = autosave.offer(obj, request.user) if can_change else None
            context["desk"] = {
                "presence_url": reverse("admin:articles_article_presence", args=[obj.pk]),
                "autosave_url": (
                    reverse("admin:articles_article_autosave", args=[obj.pk]) if can_change else ""
                ),
                "preview_url": reverse("admin:articles_article_preview", args=[obj.pk]),
                "heartbeat_ms": HEARTBEAT_SECONDS * 1000,
                "version": obj.version,
                "autosave": offered,
                "autosave_time": reader_time(offered.saved_at) if offered else "",
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
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
