"""Formatting of times, datelines and pictures for readers, the same in every template."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles import formatting as public
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
