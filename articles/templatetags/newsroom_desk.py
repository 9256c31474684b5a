"""The newsroom dashboard's lists, for the admin's front page (`templates/admin/index.html`),
and the count of unread notices in every admin page's header."""

from django import template

from articles.admin import notices
from articles.admin.dashboard import DeskView, desk_lists

register = template.Library()


@register.simple_tag(takes_context=True)
def newsroom_desk(context):
    request = context["request"]
    return desk_lists(request.user, view=DeskView.from_query(request.GET))


@register.simple_tag(takes_context=True)
def unread_notices(context) -> int | None:
    """The header's count of the person's unread notices (None outside the newsroom)."""
    user = context["request"].user
    if not (user.is_active and user.is_staff):
        return None
    return notices.unread_notices(user)
