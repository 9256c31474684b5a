"""Each person's notices in the admin: their own only, newest first, marked read when seen.

Notices are made by the desk (`articles.desk.notices.notify`), never typed in the admin.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from ..desk.models import Notice, NoticePreference


class UnreadFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("1", "Unread")]

    def queryset(self, request, queryset):
        return queryset.filter(read_at=None) if self.value() == "1" else queryset


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "story", "actor", "message", "mail_state", "read_at"]
    list_display_links = None
    list_filter = [UnreadFilter, "kind"]
    list_select_related = ["article", "actor"]
    list_per_page = 50
    actions = ["mark_read"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    # Every member of staff has notices of their own; nobody writes or deletes them here.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.recipient_id == request.user.pk
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # "mark read" needs no model permission: it only touches the person's own notices.
        return {
            "mark_read": (NoticeAdmin.mark_read, "mark_read", "Mark the selected as read"),
        }

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("read-all/", wrap(self.read_all_view), name="articles_notice_read_all"),
            path("by-email/", wrap(self.by_email_view), name="articles_notice_by_email"),
            *super().get_urls(),
        ]

    @admin.display(description="Story")
    def story(self, notice):
        if notice.article is None:
            return "—"
        url = reverse("admin:articles_article_change", args=[notice.article_id])
        return format_html('<a href="{}">{}</a>', url, notice.article.headline)

    @admin.display(description="E-mail")
    def mail_state(self, notice):
        if notice.mail == Notice.Mail.FAILED:
            return f"Failed ({notice.mail_attempts} tries): {notice.mail_error}"
        return notice.get_mail_display()

    @admin.action(description="Mark the selected as read")
    def mark_read(self, request, queryset):
        marked = queryset.filter(read_at=None).update(read_at=timezone.now())
        self.message_user(request, f"{marked} marked as read.", messages.SUCCESS)

    def read_all_view(self, request):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_notice_changelist"))
        Notice.objects.filter(recipient=request.user, read_at=None).update(read_at=timezone.now())
        return HttpResponseRedirect(reverse("admin:articles_notice_changelist"))

    def by_email_view(self, request):
        """The person's choice: notices by e-mail too, or in the admin only."""
        if request.method == "POST":
            NoticePreference.objects.update_or_create(
                user=request.user, defaults={"by_email": request.POST.get("by_email") == "on"}
            )
        return HttpResponseRedirect(reverse("admin:articles_notice_changelist"))

    def changelist_view(self, request, extra_context=None):
        wants_email = NoticePreference.objects.filter(user=request.user, by_email=True)
        extra_context = {
            **(extra_context or {}),
            "title": "Your notices",
            "by_email": wants_email.exists(),
            "has_address": bool(request.user.email),
        }
        return super().changelist_view(request, extra_context)


def unread_notices(user) -> int:
    """The header's count: one indexed query."""
    return Notice.objects.filter(recipient=user, read_at=None).count()
