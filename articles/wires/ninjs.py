"""IPTC ninjs 1.x, 2.x and 3.x: one item per file, or a JSON array of items.

The versions differ in spelling (1.x `headline`, `body_html`; 2.x `headlines`, `bodies` and
lower-case names; 3.x camelCase), so names are looked up ignoring case and the plural
structures are tried before the singular ones.
"""

import json

from .markup import html_from_plain_text, sanitise
from .reading import (
    Format,
    Limits,
    Reading,
    RejectedFile,
    one_line,
    parse_pub_status,
    parse_time,
    parse_urgency,
)

# ninjs `type`s that are not text stories; a missing type is text (dpa leaves it out).
NOT_TEXT = {
    "picture": "a picture, not a text story (pictures are not taken from the wire yet)",
    "graphic": "a graphic, not a text story",
    "video": "a video, not a text story",
    "audio": "audio, not a text story",
    "composite": "a package of items, not a text story",
    "component": "a component of another item, not a text story",
    "event": "an event, not a text story",
    "planning": "a planning item, not a text story",
    "concept": "a concept, not a text story",
}
HTML_TYPES = ("text/html", "application/xhtml+xml")


def read(data: bytes, limits: Limits, format: Format) -> list[Reading]:
    try:
        document = json.loads(data)
    except RecursionError:
        raise RejectedFile(f"JSON nested deeper than {limits.max_depth} levels", format) from None
    except json.JSONDecodeError as exc:
        raise RejectedFile(f"not valid JSON: {exc}", format) from None
    if depth(document) > limits.max_depth:
        raise RejectedFile(f"JSON nested deeper than {limits.max_depth} levels", format)
    items = document if isinstance(document, list) else [document]
    if not items or not all(isinstance(item, dict) for item in items):
        raise RejectedFile("not a ninjs item: the JSON is not an object", format)
    return [read_item({key.lower(): value for key, value in item.items()}) for item in items]


def depth(document) -> int:
    """How deeply arrays and objects nest (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return deepest


def read_item(item: dict) -> Reading:
    uri = one_line(item.get("uri"), 255)
    if not uri:
        raise RejectedFile("a ninjs item without a uri cannot be followed", Format.NINJS)
    version = item.get("version")
    common = {
        "format": Format.NINJS,
        "uri": uri,
        "version": None if version is None else one_line(str(version), 40) or None,
        "pub_status": parse_pub_status(item.get("pubstatus"), Format.NINJS),
        "urgency": parse_urgency(item.get("urgency")),
        "headline": headline(item),
    }
    kind = one_line(item.get("type")).lower() or "text"
    if kind != "text":
        reason = NOT_TEXT.get(kind, f"a {kind!r} item, not a text story")
        return Reading(**common, skip_reason=reason)
    if not common["headline"]:
        return Reading(**common, skip_reason="a text item without a headline")
    deck, body_html = description(item), body(item)
    if not body_html and deck:
        # Some agencies send a short item's text as its description alone (NTB).
        deck, body_html = "", html_from_plain_text(deck)
    return Reading(
        **common,
        agency=agency(item),
        slugline=one_line(item.get("slugline"), 64),
        language=one_line(item.get("language"), 35),
        byline=one_line(item.get("by") or item.get("byline"), 200),
        located=one_line(item.get("located")) or first_name(item.get("places")),
        deck=deck,
        body_html=body_html,
        subjects=tuple(names(item.get("subjects") or item.get("subject"))),
        ed_note=one_line(item.get("ednote"), 1000),
        version_created=parse_time(item.get("versioncreated")),
        first_created=parse_time(item.get("firstcreated")),
    )


def lower_keys(value) -> dict:
    return {key.lower(): child for key, child in value.items()} if isinstance(value, dict) else {}


def by_role(entries, *roles: str) -> list[dict]:
    """The entries of a ninjs 2+/3 list (headlines, bodies, descriptions), the roles asked
    for first, in that order, then the rest."""
    entries = [lower_keys(entry) for entry in entries or [] if isinstance(entry, dict)]
    rank = {role: place for place, role in enumerate(roles)}
    return sorted(entries, key=lambda entry: rank.get(str(entry.get("role", "")), len(rank)))


def headline(item: dict) -> str:
    for entry in by_role(item.get("headlines"), "main", "default"):
        if text := one_line(entry.get("value"), 255):
            return text
    return one_line(item.get("headline"), 255)


def description(item: dict) -> str:
    for entry in by_role(item.get("descriptions"), "summary", "text", "abstract"):
        if entry.get("role") not in ("caption", "creditline") and (
            text := one_line(entry.get("value"), 1000)
        ):
            return text
    return one_line(item.get("description_text"), 1000)


def body(item: dict) -> str:
    """The body as sanitised HTML: the agency's HTML when it sends some, else its plain text."""
    bodies = by_role(item.get("bodies"), "main", "html", "html5", "xhtml", "text")
    for entry in bodies:
        content_type = str(entry.get("contenttype", "")).lower()
        if content_type.startswith(HTML_TYPES) and isinstance(entry.get("value"), str):
            return sanitise(entry["value"])
    for entry in bodies:
        if isinstance(entry.get("value"), str):
            return html_from_plain_text(entry["value"])
    for key in ("body_html", "body_xhtml"):
        if isinstance(item.get(key), str):
            return sanitise(item[key])
    if isinstance(item.get("body_text"), str):
        return html_from_plain_text(item["body_text"])
    return ""


def agency(item: dict) -> str:
    holder = item.get("copyrightholder")
    if isinstance(holder, dict):
        holder = lower_keys(holder).get("name")
    return one_line(holder, 100)


def names(entries) -> list[str]:
    found = []
    for entry in entries or []:
        entry = lower_keys(entry)
        name = one_line(entry.get("name") or entry.get("literal") or "", 100)
        if name and name not in found:
            found.append(name)
    return found


def first_name(entries) -> str:
    return next(iter(names(entries)), "")
