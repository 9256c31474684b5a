"""IPTC ninjs 1.x, 2.x and 3.x: one item per file, or a JSON array of items.

The versions differ in spelling (1.x `headline`, `body_html`; 2.x `headlines`, `bodies` and
lower-case names; 3.x camelCase), so names are looked up ignoring case and the plural
structures are tried before the singular ones.
"""

import json

from .markup import html_from_plain_text, sanitise
from .reading import (
    MAX_PICTURES,
    MAX_RENDITIONS,
    AgencyPicture,
    Format,
    Kind,
    Limits,
    Reading,
    RejectedFile,
    Rendition,
    dimension,
    one_line,
    parse_pub_status,
    parse_time,
    parse_urgency,
    picture_credit,
)

# ninjs `type`s that are neither text stories nor pictures; a missing type is text (dpa leaves
# it out).
NOT_TEXT = {
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
    if kind == "picture":
        return picture_item(item, common)
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
        pictures=associated_pictures(item.get("associations")),
        **item_times_and_note(item),
    )


def item_times_and_note(item: dict) -> dict:
    return {
        "ed_note": one_line(item.get("ednote"), 1000),
        "version_created": parse_time(item.get("versioncreated")),
        "first_created": parse_time(item.get("firstcreated")),
    }


def picture_item(item: dict, common: dict) -> Reading:
    """A picture sent as an item of its own (AP's photo service)."""
    picture = picture_from(item, own_uri=common["uri"])
    return Reading(
        **{**common, "headline": common["headline"] or picture.caption[:255] or common["uri"]},
        kind=Kind.PICTURE,
        agency=agency(item),
        language=one_line(item.get("language"), 35),
        byline=picture.creator,
        located=first_name(item.get("places")),
        deck=picture.caption,
        pictures=(picture,),
        **item_times_and_note(item),
    )


def associated_pictures(associations) -> tuple[AgencyPicture, ...]:
    """The pictures among a text item's associations: a list of items (ninjs 2 and 3) or an
    object of them by name (ninjs 1)."""
    if isinstance(associations, dict):
        associations = list(associations.values())
    pictures = []
    for association in associations if isinstance(associations, list) else []:
        association = lower_keys(association)
        if one_line(association.get("type")).lower() != "picture":
            continue
        if (picture := picture_from(association)).uri or picture.renditions:
            pictures.append(picture)
        if len(pictures) == MAX_PICTURES:
            break
    return tuple(pictures)


def picture_from(item: dict, own_uri: str = "") -> AgencyPicture:
    creator = one_line(item.get("by") or item.get("byline"))
    creditline = one_line(
        item.get("creditline") or text_with_role(item.get("descriptions"), "creditline")
    )
    return AgencyPicture(
        uri=own_uri or one_line(item.get("uri"), 255),
        caption=one_line(text_with_role(item.get("descriptions"), "caption"), 2000, prose=True)
        or description(item),
        creator=creator[:200],
        credit=picture_credit(creator, creditline),
        copyright=one_line(item.get("copyrightnotice"), 200) or agency(item),
        renditions=renditions(item.get("renditions")),
    )


def text_with_role(entries, role: str) -> str:
    """The value of the entry with that role, as the agency wrote it."""
    for entry in by_role(entries):
        if entry.get("role") == role and isinstance(entry.get("value"), str):
            return entry["value"]
    return ""


def renditions(entries) -> tuple[Rendition, ...]:
    """The picture's files: a list (ninjs 2 and 3) or an object of them by name (ninjs 1)."""
    if isinstance(entries, dict):
        entries = list(entries.values())
    found = []
    for entry in entries if isinstance(entries, list) else []:
        entry = lower_keys(entry)
        href = one_line(entry.get("href"), 2000)
        if href:
            found.append(
                Rendition(
                    href=href,
                    content_type=one_line(entry.get("contenttype") or entry.get("mimetype"), 100),
                    width=dimension(entry.get("width")),
                    height=dimension(entry.get("height")),
                    size=dimension(entry.get("sizeinbytes")),
                )
            )
    return tuple(found[:MAX_RENDITIONS])


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
            text := one_line(entry.get("value"), 1000, prose=True)
        ):
            return text
    return one_line(item.get("description_text"), 1000, prose=True)


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
