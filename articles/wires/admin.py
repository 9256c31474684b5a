"""The wire queue in the admin: agency items newest first, searched and filtered; an item's
page with its body, its pictures and the diffs between its versions; "Use this story", "Add to
the picture library"; and the sources."""

import difflib

from django.contrib import admin, messages
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, TextField, Value
from django.db.models.functions import Concat
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from ..editorial.errors import WorkflowError
from ..models import Picture
from ..pictures.files import PictureRefused
from .models import WireItem, WireSource
from .use import add_item_picture, use_item

# The expression of the GIN index made by migration 0001 (PostgreSQL only).
SEARCHED_TEXT = Concat(
    "headline", Value(" "), "slugline", Value(" "), "body_text", output_field=TextField()
)


@admin.register(WireSource)
class WireSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "location", "poll_seconds", "withdraw_on_kill", "enabled",
                    "polled_at", "last_error"]  # fmt: skip
    readonly_fields = ["polled_at", "last_error"]


@admin.register(WireItem)
class WireItemAdmin(admin.ModelAdmin):
    list_display = ["received_at", "agency", "kind", "urgency", "slugline", "headline",
                    "version", "pub_status", "language", "story"]  # fmt: skip
    list_display_links = ["headline"]
    list_filter = ["kind", "pub_status", "urgency", "agency", "language", "source", "story"]
    search_fields = ["headline"]  # the search itself: get_search_results
    list_select_related = ["story"]
    list_per_page = 50
    show_full_result_count = False
    change_form_template = "admin/wires/wireitem/change_form.html"
    fields = ["kind", "agency", "uri", "version", "pub_status", "urgency", "slugline", "language",
              "headline", "deck", "byline", "located", "subjects", "ed_note",
              "version_created", "received_at", "source", "file_name", "story",
              "used_version"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # agency copy is read here and edited as a story

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()[:200]
        if not term:
            return queryset, False
        if connection.vendor == "postgresql":
            vector = SearchVector(SEARCHED_TEXT, config="simple")
            query = SearchQuery(term, config="simple", search_type="websearch")
            return queryset.annotate(searched=vector).filter(searched=query), False
        words = Q()
        for word in term.split():
            words &= (
                Q(headline__icontains=word)
                | Q(slugline__icontains=word)
                | Q(body_text__icontains=word)
            )
        return queryset.filter(words), False

    def get_urls(self):
        return [
            path(
                "<int:pk>/use/",
                self.admin_site.admin_view(self.use_view),
                name="wires_wireitem_use",
            ),
            path(
                "<int:pk>/pictures/<int:index>/add/",
                self.admin_site.admin_view(self.add_picture_view),
                name="wires_wireitem_add_picture",
            ),
            *super().get_urls(),
        ]

    def item_action(self, request, pk, act):
        """A POST, by someone who may read the queue, that `act(item)` answers with the address
        to go to; a refusal is told on the item's page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        item = get_object_or_404(WireItem, pk=pk)
        if not self.has_view_permission(request, item):
            raise PermissionDenied
        try:
            return HttpResponseRedirect(act(item))
        except (WorkflowError, PictureRefused, PermissionDenied) as error:
            messages.error(request, str(error.args[0] if error.args else error))
            return HttpResponseRedirect(reverse("admin:wires_wireitem_change", args=[pk]))

    def use_view(self, request, pk):
        def use(item):
            story, picture_problem = use_item(item, by=request.user)
            messages.success(request, f"A draft was made from the agency's version {item.version}.")
            if picture_problem:
                messages.warning(request, f"Its picture was not attached. {picture_problem}")
            return reverse("admin:articles_article_change", args=[story.pk])

        return self.item_action(request, pk, use)

    def add_picture_view(self, request, pk, index):
        def add(item):
            picture = add_item_picture(item, index, by=request.user)
            messages.success(
                request,
                "The agency's picture is in the library, with its caption and credit. Its alt "
                "text is the agency's caption: say what the picture shows if the caption does "
                "not.",
            )
            return reverse("admin:articles_picture_change", args=[picture.pk])

        return self.item_action(request, pk, add)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["body"] = mark_safe(obj.body)  # sanitised on the way in (markup.sanitise)
            context["version_diffs"] = version_diffs(obj)
            context["may_use"] = request.user.has_perm("articles.add_article")
            context["may_add_pictures"] = request.user.has_perm("articles.add_picture")
            context["agency_pictures"] = agency_pictures(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


def agency_pictures(item: WireItem) -> list[dict]:
    """The item's pictures, each with the library's picture when one was taken from it."""
    pictures = item.agency_pictures
    uris = [picture.uri for picture in pictures if picture.uri]
    taken = {picture.agency_uri: picture for picture in Picture.objects.filter(agency_uri__in=uris)}
    return [
        {"index": index, "picture": picture, "in_library": taken.get(picture.uri)}
        for index, picture in enumerate(pictures)
    ]


def version_diffs(item: WireItem) -> list[dict]:
    """Each stored version, newest first, with its diff from the version before it."""
    versions = list(item.versions.order_by("received_at", "id"))
    shown, before = [], None
    for version in versions:
        lines = [f"Headline: {version.headline}", *version.body_text.splitlines()]
        changes = list(difflib.unified_diff(before, lines, n=0, lineterm=""))[2:] if before else []
        shown.append({"version": version, "diff": changes})
        before = lines
    return shown[::-1]
