"""Formatting of times, datelines and pictures for readers, the same in every template."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from articles import formatting as public
from articles.desk.labels import labels
from articles.desk.markup import story_body_html
from articles.pictures import display

register = template.Library()


@register.filter
def iso_instant(value) -> str:
    return public.iso_instant(value)


@register.simple_tag
def time_tag(value) -> SafeString:
    """<time> with the exact instant for machines and the newsroom's time for people."""
    if value is None:
        return SafeString("")
    return format_html(
        '<time datetime="{}">{}</time>', public.iso_instant(value), public.reader_time(value)
    )


@register.filter
def eager(summary_html: str) -> SafeString:
    """A stored summary whose thumbnail loads at once: the first stories of a list are in view
    (the summary is made lazy when the story is saved, without knowing its place)."""
    return mark_safe(summary_html.replace(' loading="lazy"', "", 1))  # stored, trusted HTML


@register.filter
def lead_picture(article):
    """The story's lead picture as readers see it, or None (none, or withdrawn)."""
    return display.lead_picture(article)


@register.filter
def wire_dateline(dateline) -> str:
    return public.wire_dateline(dateline)


@register.simple_tag
def story_body(article, dateline_lead: str = "") -> SafeString:
    """The body's HTML (`articles.desk.markup`), with the dateline leading its first paragraph
    (in a paragraph of its own when the body opens with a subhead or a list). Made when the
    story is written (`editorial/derived.py`), never for a page view."""
    html = story_body_html(article)
    if not dateline_lead:
        return mark_safe(html)  # sanitised by nh3, or escaped (articles.desk.markup)
    lead = format_html('<span class="dateline">{} —</span>', dateline_lead)
    if html.startswith("<p>"):
        return mark_safe(f"<p>{lead} {html[3:]}")
    return mark_safe(f"<p>{lead}</p>{html}")


@register.simple_tag
def story_labels(article) -> SafeString:
    """ "Breaking" and "Developing" as they stand now, read before the headline by screen
    readers too ("Breaking: Port strike ends")."""
    return format_html_join(
        "",
        '<span class="label label-{}">{}<span class="visually-hidden">:</span></span> ',
        ((name.lower(), name) for name in labels(article)),
    )
