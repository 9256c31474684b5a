"""Agency markup made safe, and turned into the newsroom's body format. Pure: nothing of Django.

Agency HTML is sanitised to a small allow-list before anyone sees it (nh3: no script, no event
handlers, links only to http, https and mailto). A story's body is text with its paragraphs
separated by blank lines and its links written `[text](address)`, the format the body
renderer reads.
"""

import html
import re
from html.parser import HTMLParser

import nh3

from ..text import without_hidden_characters

ALLOWED_TAGS = {
    "p", "br", "a", "em", "strong", "b", "i", "u", "q", "cite", "abbr", "sub", "sup",
    "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "div", "section", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Elements whose content is never the story's text: dropped whole, not unwrapped. An agency's
# `h1` repeats the headline; its `figure` is a picture (with its credit and caption), which
# comes with the item's pictures instead.
DROPPED_WITH_CONTENT = {
    "script", "style", "title", "head", "template", "iframe", "object", "h1", "figure",
}  # fmt: skip

BLOCKS = {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "br"}
_BLANK_LINES = re.compile(r"\n\s*\n")
_SPACE = re.compile(r"\s+")


def sanitise(markup: str) -> str:
    """Agency HTML reduced to the allow-list, with no text direction overridden: safe to show
    to editors as it is."""
    clean = nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # After cleaning, when character references have been read as the characters they name.
    return without_hidden_characters(clean, multiline=True).strip()


def plain_text_paragraphs(text: str) -> list[str]:
    """Paragraphs of agency plain text: blank lines part them, or single line ends where the
    agency uses no blank lines at all."""
    text = without_hidden_characters(text, multiline=True)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    parts = _BLANK_LINES.split(text) if _BLANK_LINES.search(text) else text.split("\n")
    return [normalised for part in parts if (normalised := _SPACE.sub(" ", part).strip())]


def html_from_plain_text(text: str) -> str:
    return "".join(
        f"<p>{html.escape(part, quote=False)}</p>" for part in plain_text_paragraphs(text)
    )


class _BodyWriter(HTMLParser):
    """Sanitised HTML to body text: a paragraph per block, links in brackets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.links: list[tuple[str, int]] = []  # (href, where its text starts in `current`)

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self._end_paragraph()
        elif tag == "span":  # agencies set labels side by side in spans
            self.current.append(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.current)))

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href, start = self.links.pop()
            text = _SPACE.sub(" ", "".join(self.current[start:])).strip()
            if href and text:
                label = text.replace("[", "\\[").replace("]", "\\]")
                self.current[start:] = [f"[{label}]({href.replace(')', '%29')})"]
        elif tag in BLOCKS:
            self._end_paragraph()

    def handle_data(self, data):
        self.current.append(data)

    def _end_paragraph(self) -> None:
        text = _SPACE.sub(" ", "".join(self.current)).strip()
        if text:
            self.paragraphs.append(text)
        self.current = []
        self.links = []

    def close(self):
        super().close()
        self._end_paragraph()


def body_from_html(safe_html: str) -> str:
    """The body text of sanitised HTML: paragraphs kept, links kept as `[text](address)`."""
    writer = _BodyWriter()
    writer.feed(safe_html)
    writer.close()
    return "\n\n".join(writer.paragraphs)


_BLOCK_TAG = re.compile(r"</?(?:p|li|blockquote|h[1-6]|div|section|br)\b[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")


def text_from_html(safe_html: str) -> str:
    """The words alone, a paragraph a line: for a search, a diff. Sanitised HTML is regular
    enough for patterns, which are many times faster than a parser on the ingest's path."""
    text = html.unescape(_ANY_TAG.sub(" ", _BLOCK_TAG.sub("\n", safe_html)))
    return "\n".join(line for part in text.split("\n") if (line := " ".join(part.split())))
