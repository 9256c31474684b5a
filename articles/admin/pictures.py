"""The picture library: upload (checked, renditions made once), search, filters, where each
picture is used, and withdrawal for a rights problem.

Pictures are withdrawn, never deleted: a story's versions keep naming the picture they showed.
"""

from dataclasses import asdict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ..models import Picture
from ..pictures.display import shown_picture
from ..pictures.files import PictureRefused
from ..pictures.library import (
    EDITABLE_TEXT,
    check_upload,
    store_picture,
    update_picture_text,
    withdraw_picture,
)

ACCEPT = "image/jpeg,image/png,image/webp"


class PictureForm(forms.ModelForm):
    # A plain file field: the checks are the library's, with its messages, not ImageField's.
    image = forms.FileField(
        label="Picture",
        help_text="JPEG, PNG or WebP. Caption, photographer, credit and copyright are read "
        "from the file when it has them.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    class Meta:
        model = Picture
        fields = ["image", *EDITABLE_TEXT]
        widgets = {"caption": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspected = None
        if self.instance.pk is not None:
            # Renditions are made once, from the file uploaded: a new file is a new picture.
            del self.fields["image"]

    def clean_image(self):
        upload = self.cleaned_data["image"]
        try:
            self.inspected = check_upload(upload, upload.name, upload.content_type)
        except PictureRefused as refusal:
            raise forms.ValidationError(str(refusal), code="refused") from None
        return upload


class WithdrawnFilter(admin.SimpleListFilter):
    title = "rights"
    parameter_name = "rights"

    def lookups(self, request, model_admin):
        return [("usable", "Usable"), ("withdrawn", "Withdrawn")]

    def queryset(self, request, queryset):
        if self.value() == "usable":
            return queryset.usable()
        if self.value() == "withdrawn":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


class OriginFilter(admin.SimpleListFilter):
    title = "origin"
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [("agency", "From an agency's wire"), ("upload", "Uploaded")]

    def queryset(self, request, queryset):
        if self.value() == "agency":
            return queryset.exclude(agency_uri="")
        if self.value() == "upload":
            return queryset.filter(agency_uri="")
        return queryset


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    form = PictureForm
    list_display = ["thumbnail", "summary", "credit", "uploaded_at", "story_count", "rights"]
    list_display_links = ["thumbnail", "summary"]
    list_filter = [WithdrawnFilter, OriginFilter, "uploaded_at", "credit"]
    search_fields = ["caption", "alt_text", "credit", "creator", "copyright"]
    search_help_text = "Searches captions, alt text, credits, photographers and copyright."
    date_hierarchy = "uploaded_at"
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER
    actions = ["withdraw_selected"]

    class Media:
        js = ["articles/pictures.js"]

    def get_queryset(self, request):
        # A count drops the model's ordering: it is given again, for stable pages.
        return (
            super()
            .get_queryset(request)
            .annotate(stories=Count("articles"))
            .order_by("-uploaded_at", "-id")
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["image", *EDITABLE_TEXT]
        return ["preview", *EDITABLE_TEXT, "dimensions", "agency_uri", "where_used", "withdrawal"]

    def get_readonly_fields(self, request, obj=None):
        return ["preview", "dimensions", "agency_uri", "where_used", "withdrawal"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        # The story form's picture chooser offers only pictures that may be shown.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "article":
            queryset = queryset.usable()
        return queryset, distinct

    def save_model(self, request, obj, form, change):
        if change:
            update_picture_text(obj, {name: form.cleaned_data[name] for name in EDITABLE_TEXT})
        else:
            obj.uploaded_by = request.user
            store_picture(obj, form.cleaned_data["image"], form.inspected)

    # Columns and read-only fields

    @admin.display(description="Picture")
    def thumbnail(self, picture):
        shown = shown_picture(picture)
        if shown is None:
            return "Withdrawn" if picture.is_withdrawn else "—"
        file = shown.thumbnail
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}" class="picture-thumbnail">',
            file.url,
            120,
            round(120 * file.height / file.width),
            picture.alt_text,
        )

    @admin.display(description="Caption")
    def summary(self, picture):
        return str(picture)

    @admin.display(description="Stories", ordering="stories")
    def story_count(self, picture):
        return picture.stories

    @admin.display(description="Rights")
    def rights(self, picture):
        return "Withdrawn" if picture.is_withdrawn else "Usable"

    @admin.display(description="Renditions")
    def preview(self, picture):
        shown = shown_picture(picture)
        if shown is None:
            return "None: the picture is withdrawn."
        return format_html_join(
            " ",
            '<a href="{}">{} by {} {}</a>',
            (
                (file.url, file.width, file.height, file.type.removeprefix("image/"))
                for file in [
                    *shown.widths("image/webp"),
                    *shown.widths("image/jpeg"),
                    *shown.crops.values(),
                ]
            ),
        )

    @admin.display(description="Size")
    def dimensions(self, picture):
        return f"{picture.width} by {picture.height} pixels"

    @admin.display(description="Where used")
    def where_used(self, picture):
        stories = picture.articles.order_by("-id")
        if not stories:
            return "No story shows it."
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:articles_article_change", args=[story.pk]), story.headline)
                for story in stories
            ),
        )

    @admin.display(description="Withdrawn")
    def withdrawal(self, picture):
        if not picture.is_withdrawn:
            return "No"
        return f"{picture.withdrawn_at:%Y-%m-%d %H:%M} UTC {picture.withdrawal_reason}".strip()

    # Withdrawal

    @admin.action(
        description="Withdraw the selected pictures (rights problem)", permissions=["change"]
    )
    def withdraw_selected(self, request, queryset):
        withdrawn = 0
        for picture in queryset.usable():
            withdraw_picture(picture, reason=f"Withdrawn by {request.user.get_username()}.")
            withdrawn += 1
        self.message_user(
            request,
            f"{withdrawn} picture(s) withdrawn: their renditions are deleted and every page "
            "showing them has dropped them.",
            messages.SUCCESS,
        )

    # The upload form reads the file's own caption and credit as soon as it is chosen.

    def get_urls(self):
        view = self.admin_site.admin_view(self.read_metadata)
        return [
            path("metadata/", view, name="articles_picture_metadata"),
            *super().get_urls(),
        ]

    def read_metadata(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        upload = request.FILES.get("image")
        if upload is None:
            return JsonResponse({"error": "Choose a file."}, status=400)
        try:
            inspected = check_upload(upload, upload.name, upload.content_type)
        except PictureRefused as refusal:
            return JsonResponse({"error": str(refusal)}, status=400)
        return JsonResponse(
            {
                **asdict(inspected.metadata),
                "width": inspected.width,
                "height": inspected.height,
            }
        )
