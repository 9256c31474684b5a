"""The story admin: a declarative ModelAdmin over the editorial services.

Every write goes through `articles.editorial.services`, which checks permission, keeps revisions and
refuses stale saves. The admin does not use `list_editable`: Django does not protect list
editing against concurrent saves (ticket #11313), and the workflow actions below carry the
versions the editor confirmed instead.
"""

from django.contrib import admin, messages
from django.db.models import F, Prefetch
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from ..diffs import field_diffs
from ..editorial import services
from ..models import Article, Tag, Update
from ..site.formatting import reader_time
from ..site.search import matching, supports_full_text
from .changelist import (
    CountryFilter,
    EstimatedCountPaginator,
    FirstPublishedFilter,
    StatusFilter,
    StoryChangeList,
)
from .forms import ArticleAdminForm
from .params import whole_number
from .views import ArticleViewsMixin
from .workflow import WorkflowActionsMixin

PROVENANCE_FIELDS = ["legacy_id", "source_file", "retrieved_at", "created_at", "modified_at"]


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
class ArticleAdmin(WorkflowActionsMixin, ArticleViewsMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "status_label",
        "dateline",
        "first_published",
        "last_updated",
        "tag_list",
    ]
    list_filter = [
        StatusFilter,
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
    autocomplete_fields = ["dateline", "tags"]
    readonly_fields = ["status_summary", *PROVENANCE_FIELDS]
    inlines = [UpdateInline]
    actions = ["publish_selected", "withdraw_selected"]

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
        else:
            state = "Draft"
        return f"{state} (version {article.version})"

    # Form

    def get_fieldsets(self, request, obj=None):
        publishing = ["status_summary"]
        if obj is None or self.has_change_permission(request, obj):
            publishing.append("loaded_version")
            if obj is not None and services.default_save_kind(obj) is None:
                publishing += ["save_kind", "update_note"]
            if self._can_publish(request, obj):
                publishing.append("publish_at")
        return [
            ("Story", {"fields": ["headline", "slug", "deck", "byline", "body"]}),
            ("Placement", {"fields": ["dateline", "tags"]}),
            ("Publishing", {"fields": publishing}),
            (
                "Provenance",
                {
                    "fields": PROVENANCE_FIELDS,
                    "classes": ["collapse"],
                },
            ),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_object(self, request, object_id, from_field=None):
        """On "restore version N", the change form opens with that version's text.

        Saving it is an ordinary save: a new version, of the kind the editor chooses.
        """
        article = super().get_object(request, object_id, from_field)
        number = whole_number(request.GET.get("restore"))
        if article is not None and request.method == "GET" and number is not None:
            revision = article.revisions.filter(number=number).first()
            if revision is not None:
                article.headline, article.deck, article.body = (
                    revision.headline,
                    revision.deck,
                    revision.body,
                )
                article.restored_from = revision
        return article

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if form.publishing:
            services.publish_article(
                obj,
                by=request.user,
                at=data.get("publish_at"),
                expected_version=data["loaded_version"],
            )
            verb = "scheduled for " + newsroom_time(obj.published_at)
            if obj.is_published:
                verb = "published"
            self.message_user(request, f"“{obj}” is {verb}.", messages.SUCCESS)
        else:
            services.save_article(
                obj,
                by=request.user,
                kind=data.get("save_kind") or None,
                note=data.get("update_note", ""),
                expected_version=data.get("loaded_version"),
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleArticleError:
            # Someone saved between this request's version check and its write. The
            # transaction was rolled back; a second pass finds the newer version and shows
            # the conflict with the editor's text kept.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if obj is not None:
            info = self.opts.app_label, self.opts.model_name
            context["preview_url"] = reverse("admin:{}_{}_preview".format(*info), args=[obj.pk])
            context["versions_url"] = reverse("admin:{}_{}_versions".format(*info), args=[obj.pk])
            if obj.status == Article.Status.PUBLISHED and self.has_withdraw_permission(request):
                context["withdraw_url"] = reverse(
                    "admin:{}_{}_withdraw".format(*info), args=[obj.pk]
                )
            context["restored_from"] = getattr(obj, "restored_from", None)
        context["can_publish"] = self._can_publish(request, obj) and (
            obj is None or self.has_change_permission(request, obj)
        )
        context["publish_label"] = "Reschedule" if obj and obj.is_scheduled else "Publish"
        if getattr(form, "conflict", None):
            conflict = form.conflict
            conflict["diffs"] = field_diffs(conflict["started"], conflict["stored"])
            context["conflict"] = conflict
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Permissions: enforced here and again in `articles.editorial.services`.

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or services.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return request.user.has_perms(["articles.change_article", "articles.publish_article"])

    def has_withdraw_permission(self, request):
        return request.user.has_perms(["articles.change_article", "articles.withdraw_article"])

    def _can_publish(self, request, obj):
        allowed_state = obj is None or obj.status == Article.Status.DRAFT or obj.is_scheduled
        return allowed_state and self.has_publish_permission(request)

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
            path(
                "<path:object_id>/withdraw/",
                wrap(self.withdraw_view),
                name="{}_{}_withdraw".format(*info),
            ),
            *super().get_urls(),
        ]
