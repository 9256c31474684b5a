"""IPTC NewsML-G2: `newsItem`s (alone, or in a `newsMessage`) whose content is text, carried
as NITF or XHTML in `inlineXML`, or as plain text in `inlineData`, and picture items, whose
files are `remoteContent`. A text item names its pictures by `link`s to their items. Packages,
events, concepts and planning are not stories: skipped with a reason."""

from html import escape
from xml.etree.ElementTree import Element

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
from .safexml import child, children, local_name, parse, text_of

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NOT_STORIES = {
    "packageItem": "a package of items, not a text story",
    "conceptItem": "a concept, not a text story",
    "knowledgeItem": "a set of concepts, not a text story",
    "planningItem": "a planning item, not a text story",
    "eventItem": "an event, not a text story",
    "catalogItem": "a catalog, not a text story",
}
ITEM_CLASSES = {
    "graphic": "a graphic, not a text story",
    "video": "a video, not a text story",
    "audio": "audio, not a text story",
    "composite": "a composite item, not a text story",
}
# NITF and XHTML elements as HTML; the sanitiser keeps the allowed ones and unwraps the rest.
NITF_AS_HTML = {"hl1": "h2", "hl2": "h3", "block": "div", "body.content": "div"}


def read(data: bytes, limits: Limits, format: Format) -> list[Reading]:
    root = parse(data, limits, format)
    name = local_name(root)
    if name == "newsMessage":
        items = [item for item_set in children(root, "itemSet") for item in item_set]
        return [read_item(item) for item in items]
    if name == "newsItem" or name in NOT_STORIES:
        return [read_item(root)]
    if name == "contentSet":
        return [
            Reading(
                format=Format.NEWSML_G2,
                uri="",
                headline=one_line(text_of(root.find(".//{*}hl1")), 255),
                skip_reason="a contentSet without its newsItem: no guid or version to follow",
            )
        ]
    raise RejectedFile(f"not a NewsML-G2 item: the root element is <{name}>", format)


def read_item(item: Element) -> Reading:
    uri = one_line(item.get("guid"), 255)
    meta, content = child(item, "itemMeta"), child(item, "contentMeta")
    common = {
        "format": Format.NEWSML_G2,
        "uri": uri,
        "version": one_line(item.get("version"), 40) or None,
        "pub_status": parse_pub_status(qcode(child(meta, "pubStatus")), Format.NEWSML_G2),
        "urgency": parse_urgency(text_of(child(content, "urgency")).strip()),
        "headline": one_line(text_of(child(content, "headline")), 255),
    }
    if local_name(item) in NOT_STORIES:
        return Reading(**common, skip_reason=NOT_STORIES[local_name(item)])
    item_class = qcode(child(meta, "itemClass")).split(":")[-1]
    if item_class not in ("", "text", "picture"):
        reason = ITEM_CLASSES.get(item_class, f"a {item_class!r} item, not a text story")
        return Reading(**common, skip_reason=reason)
    if not uri:
        raise RejectedFile("a newsItem without a guid cannot be followed", Format.NEWSML_G2)
    if item_class == "picture":
        return picture_item(item, common)
    body_html, nitf_head = body(child(item, "contentSet"))
    headline = common.pop("headline") or one_line(text_of(child(nitf_head, "hedline", "hl1")))
    if not headline:
        return Reading(**common, skip_reason="a text item without a headline")
    language = child(content, "language")
    return Reading(
        **common,
        headline=headline[:255],
        agency=agency(item, meta),
        slugline=one_line(text_of(child(content, "slugline")), 64),
        language=one_line(
            (language.get("tag") if language is not None else None) or item.get(XML_LANG), 35
        ),
        byline=one_line(
            ", ".join(one_line(text_of(child(c, "name"))) for c in children(content, "creator"))
            or text_of(child(nitf_head, "byline")),
            200,
        ),
        located=one_line(text_of(child(content, "located", "name")), 100),
        deck=one_line(
            text_of(child(content, "description")) or text_of(child(nitf_head, "abstract")),
            1000,
            prose=True,
        ),
        body_html=body_html,
        subjects=tuple(subject_names(content)),
        pictures=linked_pictures(meta),
        **item_times_and_note(meta),
    )


def item_times_and_note(meta: Element | None) -> dict:
    return {
        "ed_note": one_line(text_of(child(meta, "edNote")), 1000),
        "version_created": parse_time(text_of(child(meta, "versionCreated")).strip()),
        "first_created": parse_time(text_of(child(meta, "firstCreated")).strip()),
    }


def picture_item(item: Element, common: dict) -> Reading:
    """A picture item: what the photographer and agency say of it, and its files."""
    meta, content = child(item, "itemMeta"), child(item, "contentMeta")
    creator = one_line(
        ", ".join(one_line(text_of(child(c, "name"))) for c in children(content, "creator")), 200
    )
    captions = sorted(
        children(content, "description"), key=lambda d: d.get("role") != "drol:caption"
    )
    caption = one_line(text_of(captions[0]) if captions else "", 2000, prose=True)
    picture = AgencyPicture(
        uri=common["uri"],
        caption=caption,
        creator=creator,
        credit=picture_credit(creator, one_line(text_of(child(content, "creditline")))),
        copyright=one_line(text_of(child(item, "rightsInfo", "copyrightHolder", "name")), 200),
        renditions=tuple(
            Rendition(
                href=one_line(remote.get("href"), 2000),
                content_type=one_line(remote.get("contenttype"), 100),
                width=dimension(remote.get("width")),
                height=dimension(remote.get("height")),
                size=dimension(remote.get("size")),
            )
            for remote in children(child(item, "contentSet"), "remoteContent")[:MAX_RENDITIONS]
            if one_line(remote.get("href"))
        ),
    )
    return Reading(
        **{**common, "headline": common["headline"] or caption[:255] or common["uri"]},
        kind=Kind.PICTURE,
        agency=agency(item, meta),
        byline=creator,
        located=one_line(text_of(child(content, "located", "name")), 100),
        deck=caption,
        pictures=(picture,),
        **item_times_and_note(meta),
    )


def linked_pictures(meta: Element | None) -> tuple[AgencyPicture, ...]:
    """The picture items a text item links to; their files come with the pictures' items."""
    pictures = []
    for link in children(meta, "link"):
        uri = one_line(link.get("residref"), 255)
        if uri and (link.get("contenttype") or "").startswith("image/"):
            pictures.append(AgencyPicture(uri=uri))
    return tuple(pictures[:MAX_PICTURES])


def qcode(element: Element | None) -> str:
    return (element.get("qcode") or "").strip() if element is not None else ""


def agency(item: Element, meta: Element | None) -> str:
    for name in (
        text_of(child(meta, "provider", "name")),
        text_of(child(item, "rightsInfo", "copyrightHolder", "name")),
        qcode(child(meta, "provider")).split(":")[-1],
    ):
        if name := one_line(name, 100):
            return name
    return ""


def subject_names(content: Element | None) -> list[str]:
    found = []
    for subject in children(content, "subject"):
        if subject.get("type") == "cpnat:geoArea":
            continue
        name = one_line(text_of(child(subject, "name")), 100)
        if name and name not in found:
            found.append(name)
    return found


def body(content_set: Element | None) -> tuple[str, Element | None]:
    """The text content as sanitised HTML, and NITF's `body.head` when there is one."""
    for inline in children(content_set, "inlineXML"):
        for document in inline:
            name = local_name(document)
            if name == "nitf":
                nitf_body = child(document, "body")
                return sanitise(as_html(child(nitf_body, "body.content"))), child(
                    nitf_body, "body.head"
                )
            if name == "html":
                return sanitise(as_html(child(document, "body"))), None
            return sanitise(as_html(document)), None
    for inline in children(content_set, "inlineData"):
        return html_from_plain_text(inline.text or ""), None
    return "", None


def as_html(element: Element | None) -> str:
    """The element's content written as HTML with its namespaces dropped (for the sanitiser)."""
    if element is None:
        return ""
    parts = [escape(element.text or "", quote=False)]
    for node in element:
        name = NITF_AS_HTML.get(local_name(node), local_name(node))
        href = node.get("href")
        attributes = f' href="{escape(href)}"' if href and name == "a" else ""
        parts.append(f"<{name}{attributes}>{as_html(node)}</{name}>")
        parts.append(escape(node.tail or "", quote=False))
    return "".join(parts)
