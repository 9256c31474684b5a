"""The newsroom dashboard's lists, for the admin's front page (`templates/admin/index.html`)."""

from django import template

from articles.admin.dashboard import desk_lists

register = template.Library()


@register.simple_tag(takes_context=True)
def newsroom_desk(context):
    return desk_lists(context["request"].user)
