"""Formatting of times and datelines for readers, the same in every template."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles import formatting as public

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
def wire_dateline(dateline) -> str:
    return public.wire_dateline(dateline)
