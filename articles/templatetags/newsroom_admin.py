"""Admin template tags that keep the story list fast on a table of a million stories."""

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db.models import Max, Min
from django.utils import timezone

register = template.Library()


def year_choices(cl):
    """The date hierarchy's first level without a DISTINCT over every row.

    Django lists the years with `SELECT DISTINCT date_trunc('year', ...)` over the whole
    (filtered) list: a full scan, about 0.4 s on a million stories. The years between the
    table's first and last publication come from two index lookups instead; a year with no
    story in the current filter then simply lists nothing.
    """
    field = cl.date_hierarchy
    drilled = any(f"{field}__{part}" in cl.params for part in ("year", "month", "day"))
    if drilled:
        return date_hierarchy(cl)
    bounds = cl.root_queryset.aggregate(first=Min(field), last=Max(field))
    if bounds["first"] is None or bounds["last"] is None:
        return {"show": True, "back": None, "choices": []}
    first, last = (timezone.localtime(bounds[key]).year for key in ("first", "last"))
    if first == last:
        return date_hierarchy(cl)
    return {
        "show": True,
        "back": None,
        "choices": [
            {
                "link": cl.get_query_string({f"{field}__year": year}, [f"{field}__"]),
                "title": str(year),
            }
            for year in range(first, last + 1)
        ],
    }


@register.tag(name="newsroom_date_hierarchy")
def newsroom_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=year_choices,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
