"""Datelines and tags: the places and subjects stories are filed under."""

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import Article, Dateline, Tag


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
