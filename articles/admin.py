from django.contrib import admin

from .models import Article, Dateline, Tag, Update


class UpdateInline(admin.TabularInline):
    model = Update
    extra = 0
    fields = ["shown_at", "kind", "note", "editor"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "dateline", "published_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["dateline"]
    search_fields = ["headline", "deck"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["dateline", "tags"]
    date_hierarchy = "published_at"
    inlines = [UpdateInline]


@admin.register(Dateline)
class DatelineAdmin(admin.ModelAdmin):
    search_fields = ["country", "region", "city"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
