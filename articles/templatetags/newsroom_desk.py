"""The newsroom dashboard's lists, for the admin's front page (`templates/admin/index.html`)."""

from django import template

from articles.admin.dashboard import DeskView, desk_lists

register = template.Library()


@register.simple_tag(takes_context=True)
def newsroom_desk(context):
    request = context["request"]
    return desk_lists(request.user, view=DeskView.from_query(request.GET))
