"""The body's simple markup: CommonMark paragraphs, links, emphasis, strong, subheads, lists and
block quotes, rendered to sanitised HTML once, when the story is written.

The body stays text (versions, merges, diffs, search and JSON-LD use it as it is); `render_body`
makes the HTML that the page, the feeds and ninjs show. Text without markup renders exactly as
the plain paragraphs did before (`plain_html`): whitespace runs become one space, lines of a
paragraph are joined, and nothing is decoded (no entities, no backslash escapes, no raw HTML).

Hostile input costs time linear in its size: markdown-it-py parses in linear time, nesting
deeper than `MAX_NESTING` is left as text, and a body with more emphasis and link marks than
any story has (`MAX_MARKS`) is shown as escaped plain paragraphs rather than parsed mark by
mark. nh3 (the Rust sanitiser ammonia) then keeps only the tags below and http, https and
mailto links.
"""

import re

import nh3
from django.utils.html import escape
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..models import split_paragraphs

MAX_NESTING = 20
# Emphasis and link marks parsed at most; a story has a few dozen.
MAX_MARKS = 5_000
_MARKS = re.compile(r"[*_\[\]]")
# A line with nothing but (Unicode) spaces separates paragraphs, as it always did.
_BLANK_LINE = re.compile(r"^\s+$", re.MULTILINE)

# Tokens of text without markup.
_PLAIN = {"paragraph_open", "inline", "paragraph_close"}

ALLOWED_TAGS = {"p", "a", "em", "strong", "h2", "h3", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("zero", {"maxNesting": MAX_NESTING}).enable(
    ["heading", "list", "blockquote", "link", "emphasis"]
)


def plain_html(text: str) -> str:
    """The body as plain paragraphs, escaped: how every story rendered before markup."""
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in split_paragraphs(text))


def render_body(text: str) -> str:
    """The body's markup as sanitised HTML (see the module's docstring)."""
    if len(_MARKS.findall(text, 0, len(text))) > MAX_MARKS:
        return plain_html(text)
    tokens = _parser.parse(_BLANK_LINE.sub("", text))
    if all(token.type in _PLAIN for token in tokens) and all(
        child.type in ("text", "softbreak") for token in tokens for child in token.children or ()
    ):
        return plain_html(text)  # no markup: the very bytes the plain paragraphs always had
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            # The headline is the page's h1: "#" and "##" are subheads, deeper ones h3.
            token.tag = "h2" if int(token.tag[1]) <= 2 else "h3"
        if token.type == "inline" and token.children:
            _tidy_spacing(token.children)
    html = _parser.renderer.render(tokens, _parser.options, {})
    return nh3.clean(
        html.replace("\n", ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _tidy_spacing(children: list[Token]) -> None:
    """Whitespace as the plain paragraphs had it: runs (NBSP too) become one space, line
    breaks inside a paragraph are spaces, and none leads or trails the paragraph."""
    for child in children:
        if child.type == "text":
            child.content = re.sub(r"\s+", " ", child.content)
        elif child.type == "softbreak":
            child.type, child.content = "text", " "
    texts = [child for child in children if child.type == "text"]
    if texts and children[0] is texts[0]:
        texts[0].content = texts[0].content.lstrip()
    if texts and children[-1] is texts[-1]:
        texts[-1].content = texts[-1].content.rstrip()


def story_body_html(article) -> str:
    """The body's HTML for a story: its markup, or, for a story imported from the archive
    (plain text whatever characters it holds), its plain paragraphs exactly as before."""
    return plain_html(article.body) if article.legacy_id else render_body(article.body)
