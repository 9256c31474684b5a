"""Agency XML parsed with every dangerous feature refused (defusedxml): no DTD at all, so no
entity expansion (billion laughs), no external entity (XXE to a local file or a URL) and no
external DTD is ever fetched; nesting is capped while parsing, before a tree is built."""

import io
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import iterparse

from .reading import Format, Limits, RejectedFile


def parse(data: bytes, limits: Limits, format: Format) -> Element:
    events = iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    level, root = 0, None
    try:
        for event, element in events:
            if event == "start":
                level += 1
                root = element if root is None else root
                if level > limits.max_depth:
                    raise RejectedFile(
                        f"XML nested deeper than {limits.max_depth} elements", format
                    )
            else:
                level -= 1
    except DTDForbidden:
        raise RejectedFile(
            "XML with a document type declaration (DTD) is refused: it can expand entities "
            "or fetch external files",
            format,
        ) from None
    except EntitiesForbidden:
        raise RejectedFile("XML declaring entities is refused", format) from None
    except DefusedXmlException as exc:
        raise RejectedFile(f"unsafe XML refused: {exc}", format) from None
    except ParseError as exc:
        raise RejectedFile(f"not well-formed XML: {exc}", format) from None
    return root


def local_name(element: Element) -> str:
    """The tag without its namespace."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def children(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [child for child in element if local_name(child) == name]


def child(element: Element | None, *path: str) -> Element | None:
    for name in path:
        found = children(element, name)
        element = found[0] if found else None
    return element


def text_of(element: Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""
