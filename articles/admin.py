"""The editors' admin: stories, their workflow and history, datelines and tags.

Every write goes through `articles.services`, which checks permission, keeps revisions and
refuses stale saves. The admin does not use `list_editable`: Django does not protect list
editing against concurrent saves (ticket #11313), and the workflow actions below carry the
versions the editor confirmed instead.
"""

import json
from functools import cached_property

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from . import services
from .diffs import word_diff
from .forms import ArticleAdminForm, WithdrawForm
from .models import Article, Dateline, Tag, Update
from .public import reader_time
from .search import stored_vector, supports_full_text
from .views import story_page_context

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "The newsroom"
# The story list needs the width more than a second copy of the app menu.
admin.site.enable_nav_sidebar = False

PROVENANCE_FIELDS = ["legacy_id", "source_file", "retrieved_at", "created_at", "modified_at"]
TEXT_FIELDS = [("headline", "Headline"), ("deck", "Deck"), ("body", "Body")]


def newsroom_time(value) -> str:
    """A time as readers see it (the newsroom's zone and its abbreviation), or a dash."""
    return reader_time(value) or "—"


def text_diffs(before, after) -> list[dict]:
    """Headline, deck and body of two versions (revisions or dicts), with their diffs."""

    def get(source, name):
        if source is None:
            return ""
        return source[name] if isinstance(source, dict) else getattr(source, name)

    return [
        {
            "label": label,
            "changed": get(before, name) != get(after, name),
            "diff": word_diff(get(before, name), get(after, name)),
        }
        for name, label in TEXT_FIELDS
    ]


class EstimatedCountPaginator(Paginator):
    """Counts without scanning a huge table: on PostgreSQL, trust the planner above a size.

    A change list of a million stories would otherwise run COUNT(*) over the whole table on
    every page. Small results (and every result on SQLite) are counted exactly.
    """

    exact_below = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connections[queryset.db].vendor == "postgresql":
            estimate = planner_row_estimate(queryset)
            if estimate >= self.exact_below:
                return estimate
        return super().count


def planner_row_estimate(queryset) -> int:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class StatusFilter(admin.SimpleListFilter):
    """The workflow states, with "scheduled" told apart from live published stories."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("published", "Published (live)"),
            ("withdrawn", "Withdrawn"),
        ]

    def queryset(self, request, queryset):
        return {
            "draft": queryset.drafts,
            "scheduled": queryset.scheduled,
            "published": queryset.published,
            "withdrawn": queryset.withdrawn,
        }.get(self.value(), queryset.all)()


class FirstPublishedFilter(admin.DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "first published"


class CountryFilter(admin.SimpleListFilter):
    title = "dateline country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        countries = Dateline.objects.order_by("country").values_list("country", flat=True)
        return [(country, country) for country in countries.distinct()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(dateline__country=self.value())
        return queryset


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
class ArticleAdmin(admin.ModelAdmin):
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

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL, search the stored full-text index, drafts and all.

        Django's own search runs ILIKE over every body, which takes seconds on a million
        stories; the GIN-indexed vector answers in milliseconds. SQLite keeps Django's search.
        """
        if not search_term.strip() or not supports_full_text():
            return super().get_search_results(request, queryset, search_term)
        query = SearchQuery(search_term, search_type="websearch", config=settings.SEARCH_CONFIG)
        return queryset.annotate(vector=stored_vector()).filter(vector=query), False

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
            conflict["diffs"] = text_diffs(conflict["started"], conflict["stored"])
            context["conflict"] = conflict
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Permissions: enforced here and again in `articles.services`.

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

    # Workflow actions and views

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
            else "Withdraw these stories?",
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

    def preview_view(self, request, object_id):
        """The story exactly as readers will see it; for newsroom staff only.

        Everyone else gets a 404, as if the story did not exist, and nothing is cached.
        """
        user = request.user
        if not (user.is_active and user.is_staff and self.has_view_permission(request)):
            raise Http404
        article = get_object_or_404(
            Article.objects.select_related("dateline"), pk=unquote(object_id)
        )
        return render(request, "articles/article_detail.html", story_page_context(article, request))

    def versions_view(self, request, object_id):
        """Every saved version of the story, a diff between any two, and restore links."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("editor", "update"))
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
            "diffs": text_diffs(older, newer) if newer else [],
            "status_changes": article.status_changes.select_related("by"),
            "can_restore": self.has_change_permission(request, article),
            "change_url": reverse("admin:articles_article_change", args=[article.pk]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/versions.html", context)

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


def whole_number(text: str | None) -> int | None:
    """A whole number typed in ASCII digits that fits the database's integers, or None."""
    if text and text.isascii() and text.isdecimal() and len(text) <= 9:
        return int(text)
    return None


def _pick(number, by_number, default):
    return by_number.get(whole_number(number), default)


def story_count(subquery):
    """A per-row count that runs only for the rows on the page, not a GROUP BY of all."""
    return Coalesce(Subquery(subquery.order_by().annotate(n=Count("*")).values("n")[:1]), 0)


@admin.register(Dateline)
class DatelineAdmin(admin.ModelAdmin):
    list_display = ["__str__", "city", "region", "country", "stories"]
    list_filter = ["country"]
    search_fields = ["country", "region", "city"]

    def get_queryset(self, request):
        stories = Article.objects.filter(dateline=OuterRef("pk")).values("dateline")
        return super().get_queryset(request).annotate(story_count=story_count(stories))

    @admin.display(description="Stories", ordering="story_count")
    def stories(self, dateline):
        return dateline.story_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "stories"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        stories = Article.tags.through.objects.filter(tag=OuterRef("pk")).values("tag")
        return super().get_queryset(request).annotate(story_count=story_count(stories))

    @admin.display(description="Stories", ordering="story_count")
    def stories(self, tag):
        return tag.story_count
