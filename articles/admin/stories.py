"""The story admin: a declarative ModelAdmin over the editorial actions.

Every write is an editorial action (`articles.editorial.actions`), which checks permission and
state, merges or refuses stale saves, and keeps revisions; the admin asks the actions which
buttons and links to offer. The admin does not use `list_editable`: Django does not protect list
editing against concurrent saves (ticket #11313), and the workflow actions below carry the
versions the editor confirmed instead.
"""

import logging

from django.contrib import admin, messages
from django.db import InterfaceError, OperationalError, router, transaction
from django.db.models import F, Prefetch
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from ..content import BY_NAME, FIELDS, LABELS, of_revision
from ..content import columns as content_columns
from ..editorial import actions
from ..editorial.actions import default_save_kind
from ..editorial.errors import StaleArticleError
from ..editorial.permissions import can_edit
from ..formatting import reader_time
from ..models import Article, Tag, Update
from ..site.search import matching, supports_full_text
from .changelist import (
    CountryFilter,
    EstimatedCountPaginator,
    FirstPublishedFilter,
    SluglineFilter,
    StatusFilter,
    StoryChangeList,
    UrgencyFilter,
)
from .desk import DeskMixin
from .forms import PUBLISH, REDATE, REVIEW, SCHEDULE, ArticleAdminForm
from .params import whole_number
from .views import ArticleViewsMixin
from .workflow import STORY_OPERATIONS, WORKFLOW, WorkflowActionsMixin

# The desk's signals, side by side in the form.
WIRE = ("urgency", "slugline")

# Chosen from the library (or uploaded with the "+" beside it), with this story's caption.
PICTURE_FIELDS = ["lead_picture", "lead_picture_caption"]

# Passes of one save: more are needed only while writers that take no lock keep saving.
SAVE_PASSES = 3

logger = logging.getLogger(__name__)

PROVENANCE_FIELDS = ["legacy_id", "source_file", "retrieved_at", "created_at", "modified_at"]


def lock_story(object_id) -> None:
    """Take the story's row lock for the rest of the transaction (none for a new story)."""
    pk = whole_number(object_id)
    if pk is not None:
        list(Article.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def not_saved(request, reason: str, *, status: int) -> HttpResponse:
    """Nothing was saved: the editor's text, as they sent it, in a form that sends it again.

    Rendered without the database (no admin context, no context processors): it may be the
    database that failed.
    """
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]
    page = loader.render_to_string(
        "admin/articles/article/not_saved.html",
        {
            "reason": reason,
            "action": request.get_full_path(),
            "csrf_token": get_token(request),
            "shown": [(name, value) for name, value in fields if name in SHOWN_WHEN_NOT_SAVED],
            "kept": [(name, value) for name, value in fields if name not in SHOWN_WHEN_NOT_SAVED],
        },
    )
    response = HttpResponse(page, status=status)
    if status == 503:
        response["Retry-After"] = "5"
    return response


# What the "not saved" page shows the editor; every other input travels hidden.
SHOWN_WHEN_NOT_SAVED = ("headline", "deck", "byline", "body", "update_note")


def newsroom_time(value) -> str:
    """A time as readers see it (the newsroom's zone and its abbreviation), or a dash."""
    return reader_time(value) or "—"


class UpdateInline(admin.TabularInline):
    """The public update log. Entries are written by saving the story as an update or a
    correction, so the log here is read-only: what readers were told stays as they saw it."""

    model = Update
    extra = 0
    can_delete = False
    fields = readonly_fields = ["shown_at", "kind", "note", "editor"]
    verbose_name_plural = "Update log (public)"

    def get_queryset(self, request):
        # Each row prints its Update, whose name includes the story.
        return super().get_queryset(request).select_related("editor", "article")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(DeskMixin, WorkflowActionsMixin, ArticleViewsMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "status_label",
        "urgency",
        "slugline",
        "dateline",
        "first_published",
        "last_updated",
        "tag_list",
    ]
    list_filter = [
        StatusFilter,
        UrgencyFilter,
        SluglineFilter,
        "tags",
        CountryFilter,
        ("published_at", FirstPublishedFilter),
    ]
    list_select_related = ["dateline"]
    list_per_page = 50
    search_fields = ["headline", "deck", "body"]
    search_help_text = (
        'Searches headlines, decks and body text for whole words: "quoted phrase", -excluded, or.'
    )
    date_hierarchy = "published_at"
    # Newest first; drafts (no publication time yet) lead the list.
    ordering = [F("published_at").desc(nulls_first=True), "-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["dateline", "tags", "lead_picture"]
    readonly_fields = ["status_summary", *PROVENANCE_FIELDS]
    inlines = [UpdateInline]
    actions = ["publish_selected", "unpublish_selected", "withdraw_selected", "delete_selected"]

    def get_changelist(self, request, **kwargs):
        return StoryChangeList

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL, search the stored full-text index, drafts and all.

        Django's own search runs ILIKE over every body, which takes seconds on a million
        stories; the GIN-indexed vector answers in milliseconds. SQLite keeps Django's search.
        """
        if not search_term.strip() or not supports_full_text():
            return super().get_search_results(request, queryset, search_term)
        return matching(queryset, search_term), False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")))
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """The update log as stored now, also when the form comes back (a merge, a review).

        It is read-only, so what the editor's form posted of it says nothing; bound to that,
        it would show the rows the form was loaded with, missing one another editor just
        posted and pairing rows with the wrong entries.
        """
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, UpdateInline) and "data" in kwargs:
            ids = list(obj.updates.order_by("-shown_at", "-id").values_list("pk", flat=True))
            current = {
                f"{prefix}-TOTAL_FORMS": len(ids),
                f"{prefix}-INITIAL_FORMS": len(ids),
                **{f"{prefix}-{n}-id": pk for n, pk in enumerate(ids)},
                **{f"{prefix}-{n}-article": obj.pk for n in range(len(ids))},
            }
            data = kwargs["data"].copy()
            for key in [key for key in data if key.startswith(f"{prefix}-")]:
                del data[key]
            for key, value in current.items():
                data[key] = str(value)
            kwargs["data"] = data
        return kwargs

    def get_inline_instances(self, request, obj=None):
        # A new story has no update log yet.
        return super().get_inline_instances(request, obj) if obj is not None else []

    # Columns

    @admin.display(description="Status", ordering="status")
    def status_label(self, article):
        return "Scheduled" if article.is_scheduled else article.get_status_display()

    @admin.display(description="First published", ordering="published_at")
    def first_published(self, article):
        return newsroom_time(article.published_at)

    @admin.display(description="Last updated", ordering="updated_at")
    def last_updated(self, article):
        return newsroom_time(article.updated_at)

    @admin.display(description="Tags")
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.all())

    @admin.display(description="Status")
    def status_summary(self, article):
        if article.pk is None:
            return "New draft"
        if article.status == Article.Status.WITHDRAWN:
            state = f"Withdrawn: {article.withdrawal_reason}"
        elif article.is_scheduled:
            state = f"Scheduled for {newsroom_time(article.published_at)}"
        elif article.status == Article.Status.PUBLISHED:
            state = f"Published {newsroom_time(article.published_at)}"
            if article.was_updated:
                state += f", updated {newsroom_time(article.updated_at)}"
        elif article.status == Article.Status.FILED:
            handler = article.handled_by
            state = "Filed to the desk, " + (
                f"handled by {handler.get_full_name() or handler.get_username()}"
                if handler
                else "waiting for an editor"
            )
        else:
            state = "Draft"
        return f"{state} (version {article.version})"

    # Form

    def get_fieldsets(self, request, obj=None):
        publishing = ["status_summary"]
        if obj is None or self.has_change_permission(request, obj):
            publishing += ["loaded_version", "restore_from", "merge_signature"]
            if obj is not None and default_save_kind(obj) is None:
                publishing += ["save_kind", "update_note"]
            if any(name == SCHEDULE for name, _, _ in self.editorial_buttons(request, obj)):
                publishing.append("publish_at")
        story = [field.name for field in FIELDS if field.name not in PICTURE_FIELDS]
        return [
            (
                "Story",
                {"fields": [name for name in story if BY_NAME[name].is_text and name not in WIRE]},
            ),
            ("Wire", {"fields": [WIRE]}),
            (
                "Placement",
                {"fields": [name for name in story if BY_NAME[name].kind in ("place", "tags")]},
            ),
            ("Lead picture", {"fields": PICTURE_FIELDS}),
            ("Publishing", {"fields": publishing}),
            (
                "Provenance",
                {
                    "fields": PROVENANCE_FIELDS,
                    "classes": ["collapse"],
                },
            ),
        ]

    def editorial_buttons(self, request, obj) -> list[tuple[str, str, str]]:
        """The form's submit buttons as (name, label, help), the default (Enter's) first.

        The default never changes what readers see: on a draft, a scheduled or a withdrawn
        story it saves; on a live story it only reviews the change. Publishing, scheduling
        and pushing a change live are their own buttons, offered as the actions allow.
        """
        if obj is not None and not self.has_change_permission(request, obj):
            return []
        story = obj if obj is not None else Article()
        if obj is not None and default_save_kind(obj) is None:
            buttons = [
                (REVIEW, "Review changes", "Shows what readers would see change; saves nothing."),
                (
                    "_save",
                    "Publish this change",
                    "Puts the change on the live story, as the kind of change chosen above.",
                ),
            ]
        else:
            label = "Save draft" if story.status == Article.Status.DRAFT else "Save"
            unseen = "readers see nothing of it"
            if story.status == Article.Status.WITHDRAWN:
                unseen = "readers keep seeing the withdrawal notice"
            elif story.is_scheduled:
                unseen = "readers see nothing until the publication time"
            buttons = [
                ("_save", label, f"Keeps the text as a new version; {unseen}."),
                ("_continue", f"{label} and keep editing", "The same, staying on this page."),
            ]
        publish = actions.PublishArticle
        if publish(story, by=request.user).is_allowed(story):
            if story.published_at is not None and story.published_at <= timezone.now():
                first = newsroom_time(story.published_at)
                buttons.append(
                    (
                        PUBLISH,
                        publish.label,
                        f"Saves the text; readers see it again, first published {first} as before.",
                    )
                )
                buttons.append(
                    (
                        REDATE,
                        "Publish as new",
                        f"Dates it now, as news; its public update log says it was first "
                        f"published {first}.",
                    )
                )
            else:
                buttons.append((PUBLISH, publish.label, "Saves the text; readers see it at once."))
        schedule = actions.ScheduleArticle.for_story(story)
        if schedule(story, by=request.user).is_allowed(story):
            buttons.append(
                (
                    SCHEDULE,
                    schedule.label,
                    "Saves the text and publishes it at the “Publish at” time.",
                )
            )
        return buttons

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_object(self, request, object_id, from_field=None):
        """On "restore version N", the change form opens with that version of every field.

        Saving it is a restore: a new version, of the kind the editor chooses, and never a
        silent fix where it would undo a public change (`actions.RestoreRevision`).
        """
        article = super().get_object(request, object_id, from_field)
        number = whole_number(request.GET.get("restore"))
        if article is not None and request.method == "GET" and number is not None:
            revision = article.revisions.select_related("dateline").filter(number=number).first()
            if revision is not None:
                for name, value in content_columns(of_revision(revision)).items():
                    setattr(article, name, value)
                article.restored_from = revision
        return article

    def save_model(self, request, obj, form, change):
        """Run the action the form built, checked and validated while it cleaned."""
        action = form.action
        action.run()
        if action.merged is not None:
            fields = ", ".join(LABELS[name].lower() for name in action.merged.taken_from_theirs)
            self.message_user(
                request,
                f"“{obj}” was changed by someone else while you edited it; their changes "
                f"({fields or 'none to the text'}) are kept and yours merged in.",
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        """Tags were saved by the editorial action with the rest of the version, so the
        form's own many-to-many save (Django's default here) is left out."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save holds the story's row lock from its form's checks to its commit.

        So simultaneous saves of one story take turns: each later one finds the version the
        one before saved, and gets the merge screen with its own text in the form. A writer
        that takes no such lock (a workflow action, the importer) can still save between a
        pass's checks and its write; the pass is rolled back and made again. A save that
        cannot reach the database answers with the editor's text and a way to try again.
        """
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            for _ in range(SAVE_PASSES):
                try:
                    with transaction.atomic(using=router.db_for_write(self.model)):
                        lock_story(object_id)
                        return super().changeform_view(request, object_id, form_url, extra_context)
                except StaleArticleError:
                    continue
        except (OperationalError, InterfaceError):
            logger.exception("a save of story %s could not reach the database", object_id)
            return not_saved(request, "the database could not be reached", status=503)
        return not_saved(request, "the story kept changing while it was saved", status=409)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["editorial_buttons"] = self.editorial_buttons(request, obj)
        if obj is not None:
            route = f"{self.opts.app_label}_{self.opts.model_name}"
            context["preview_url"] = reverse(f"admin:{route}_preview", args=[obj.pk])
            context["versions_url"] = reverse(f"admin:{route}_versions", args=[obj.pk])
            context["workflow_links"] = [
                (WORKFLOW[operation].button, reverse(f"admin:{route}_{operation}", args=[obj.pk]))
                for operation in STORY_OPERATIONS
                if WORKFLOW[operation].action(obj, by=request.user).is_allowed(obj)
            ]
            if self.has_delete_permission(request, obj):
                context["delete_url"] = reverse(f"admin:{route}_delete", args=[obj.pk])
            restored = getattr(obj, "restored_from", None)
            if restored is not None:
                context["restored_from"] = restored
                context["undone_public_changes"] = actions.RestoreRevision(
                    obj, restored, by=request.user
                ).undone_public_changes()
        context["conflict"] = form.conflict
        context["review"] = form.review
        if form.conflict or form.review:
            # A review or a merge to check is a step of saving, not a mistake to correct.
            context["editorial_notice"] = " ".join(form.non_field_errors())
            context["errors"] = []
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Permissions: the editorial actions decide; the admin asks them.

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return actions.DeleteArticle(obj, by=request.user).is_allowed(obj)

    def delete_model(self, request, obj):
        actions.DeleteArticle(obj, by=request.user).execute()

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview/",
                never_cache(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            path(
                "<path:object_id>/versions/",
                wrap(self.versions_view),
                name="{}_{}_versions".format(*info),
            ),
            *self.workflow_urls(),
            *super().get_urls(),
        ]
