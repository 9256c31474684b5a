"""Datelines and tags: the places and subjects stories are filed under.

Each is one row however it is typed: the forms answer "“India” already exists" with a link to
it, rather than a constraint message or a second "india", and duplicates that exist anyway
(from before, or spelled apart) can be merged. Story counts stop at `COUNT_UP_TO`, so the
lists cost the same at a million stories as at a thousand.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from ..editorial import places
from ..models import Article, Dateline, Tag, normalise_space

# Where a list stops counting a row's stories. Counting every story of a big tag or place took
# 0.6 s (tags) and 1.2 s (datelines) a page at a million stories; an editor needs to know that
# a tag is big, not exactly how big.
COUNT_UP_TO = 1000


def capped_story_count(table: str, column: str, outer) -> RawSQL:
    """How many rows of `table` point at each row on the page, counting at most one past the cap."""
    return RawSQL(
        f'SELECT COUNT(*) FROM (SELECT 1 FROM "{table}" WHERE "{table}"."{column}" = '
        f'"{outer._meta.db_table}"."id" LIMIT %s) AS capped',
        (COUNT_UP_TO + 1,),
        output_field=IntegerField(),
    )


def story_count_link(count: int, lookup: str, pk: int):
    """The count, linking to the story list filtered to this tag or place."""
    label = f"{COUNT_UP_TO:,}+" if count > COUNT_UP_TO else f"{count:,}"
    url = reverse("admin:articles_article_changelist")
    return format_html('<a href="{}?{}={}">{}</a>', url, lookup, pk, label)


def already_exists(existing, name: str) -> forms.ValidationError:
    url = reverse(f"admin:articles_{existing._meta.model_name}_change", args=[existing.pk])
    return forms.ValidationError(
        format_html('“{}” already exists: <a href="{}">use it</a>.', name, url),
        code="duplicate",
    )


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def clean_name(self):
        """One tag per name, whatever its case and spacing."""
        name = normalise_space(self.cleaned_data["name"])
        existing = Tag.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if existing is not None:
            raise already_exists(existing, existing.name)
        return name

    def validate_unique(self):
        # A duplicate name usually brings its slug along: one message, with the offer, is enough.
        if not self.has_error("name", code="duplicate"):
            super().validate_unique()


class DatelineForm(forms.ModelForm):
    class Meta:
        model = Dateline
        fields = ["country", "region", "city"]

    def clean_city(self):
        """One dateline per place, whatever its case and spacing (the error is on the city,
        which also spares the editor Django's message for the same database constraint)."""
        place = {
            field: normalise_space(self.cleaned_data.get(field) or "")
            for field in ("country", "region", "city")
        }
        match = Dateline.objects.exclude(pk=self.instance.pk).filter(
            **{f"{field}__iexact": value for field, value in place.items()}
        )
        existing = match.first()
        if existing is not None:
            raise already_exists(existing, ", ".join(p for p in place.values() if p))
        return place["city"]


class MergeMixin:
    """A "merge" action: the editor picks which of the selected rows to keep.

    `merge(keep, duplicates)` is the editorial service that moves the stories.
    """

    @admin.action(
        description="Merge selected %(verbose_name_plural)s into one",
        permissions=["change", "delete"],
    )
    def merge_selected(self, request, queryset):
        noun, chosen = self.opts.verbose_name, list(queryset)
        if len(chosen) < 2:
            self.message_user(request, f"Choose two {noun}s or more to merge.", messages.ERROR)
            return None
        keep = next((row for row in chosen if str(row.pk) == request.POST.get("keep")), None)
        if request.POST.get("post") == "yes" and keep is not None:
            duplicates = [row for row in chosen if row.pk != keep.pk]
            names = ", ".join(f"“{row}”" for row in duplicates)
            moved = self.merge(keep, duplicates)
            self.log_change(request, keep, f"Merged {names} into this {noun}.")
            stories = "story" if moved == 1 else "stories"
            self.message_user(
                request, f"Merged {names} into “{keep}”: {moved} {stories} moved.", messages.SUCCESS
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Merge these {noun}s?",
            "rows": chosen,
            "noun": noun,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/merge_confirmation.html", context)


@admin.register(Dateline)
class DatelineAdmin(MergeMixin, admin.ModelAdmin):
    form = DatelineForm
    list_display = ["__str__", "city", "region", "country", "stories"]
    list_filter = ["country"]
    search_fields = ["country", "region", "city"]
    actions = ["merge_selected"]
    merge = staticmethod(places.merge_datelines)

    def get_queryset(self, request):
        count = capped_story_count(Article._meta.db_table, "dateline_id", Dateline)
        return super().get_queryset(request).annotate(story_count=count)

    @admin.display(description="Stories")
    def stories(self, dateline):
        return story_count_link(dateline.story_count, "dateline__id__exact", dateline.pk)


@admin.register(Tag)
class TagAdmin(MergeMixin, admin.ModelAdmin):
    form = TagForm
    list_display = ["name", "slug", "stories"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_selected"]
    merge = staticmethod(places.merge_tags)

    def get_queryset(self, request):
        count = capped_story_count(Article.tags.through._meta.db_table, "tag_id", Tag)
        return super().get_queryset(request).annotate(story_count=count)

    @admin.display(description="Stories")
    def stories(self, tag):
        return story_count_link(tag.story_count, "tags__id__exact", tag.pk)
