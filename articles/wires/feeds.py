"""Agencies' RSS 2.0 and Atom feeds, through feedparser, every entry a text story.

The bytes are first parsed by the hardened XML parser (`safexml`), so a hostile feed is
refused before feedparser sees it. Feeds carry no agency version: entries are ordered by
their `updated` (or `published`) time.
"""

import calendar
from datetime import UTC, datetime

import feedparser

from .markup import html_from_plain_text, sanitise
from .reading import Format, Limits, Reading, RejectedFile, one_line
from .safexml import parse


def read(data: bytes, limits: Limits, format: Format) -> list[Reading]:
    parse(data, limits, format)
    feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if feed.bozo and not feed.entries:
        raise RejectedFile(f"not a readable feed: {feed.bozo_exception}", format)
    agency = one_line(feed.feed.get("title"), 100)
    language = one_line(feed.feed.get("language"), 35)
    return [read_entry(entry, format, agency, language) for entry in feed.entries]


def read_entry(entry, format: Format, agency: str, language: str) -> Reading:
    uri = one_line(entry.get("id") or entry.get("link"), 255)
    headline = one_line(entry.get("title"), 255)
    if not uri:
        return Reading(format=format, uri="", headline=headline, skip_reason="no id or link")
    if not headline:
        return Reading(format=format, uri=uri, skip_reason="an entry without a title")
    # Read as a plain dict: feedparser's own lookup warns about a fallback it is removing.
    updated, published = dict.get(entry, "updated_parsed"), dict.get(entry, "published_parsed")
    return Reading(
        format=format,
        uri=uri,
        headline=headline,
        agency=agency,
        language=language,
        byline=one_line(entry.get("author"), 200),
        deck=one_line(entry.get("summary"), 1000, prose=True) if entry.get("content") else "",
        body_html=body(entry),
        subjects=tuple(
            dict.fromkeys(t for tag in entry.get("tags", []) if (t := one_line(tag.get("term"))))
        ),
        version_created=instant(updated or published),
        first_created=instant(published),
    )


def body(entry) -> str:
    contents = entry.get("content") or []
    detail = contents[0] if contents else entry.get("summary_detail")
    if not detail or not detail.get("value"):
        return ""
    if "html" in (detail.get("type") or ""):
        return sanitise(detail["value"])
    return html_from_plain_text(detail["value"])


def instant(parsed) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC) if parsed else None
