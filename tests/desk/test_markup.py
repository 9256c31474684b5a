"""The body's markup: what it renders, what it drops, that plain text reads as it always did,
and that hostile input costs work linear in its size (counted, never timed)."""

import html
import re
import string
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.desk.markup import MAX_MARKS, plain_html, render_body
from articles.importer.format import RejectedDump, parse_dump
from articles.models import split_paragraphs
from tests.importer.helpers import SAMPLES
from tests.importer.test_format_fuzz import valid_dumps

PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def reading(rendered: str) -> list[str]:
    """The paragraphs a reader sees, with the HTML's escaping undone; nothing else allowed."""
    paragraphs = PARAGRAPH.findall(rendered)
    assert "".join(f"<p>{p}</p>" for p in paragraphs) == rendered
    return [html.unescape(paragraph) for paragraph in paragraphs]


def test_the_markup_editors_use():
    text = (
        "The port *reopened* on **Friday**, [officials said](https://port.example.org/notice).\n"
        "\n## What happens next\n\n- Ships queue\n- Unions meet\n\n1. First\n2. Second\n\n"
        "> We are back at work.\n\nWrite to [the desk](mailto:desk@example.org)."
    )
    assert render_body(text) == (
        "<p>The port <em>reopened</em> on <strong>Friday</strong>, "
        '<a href="https://port.example.org/notice" rel="noopener noreferrer">officials said</a>.'
        "</p><h2>What happens next</h2><ul><li>Ships queue</li><li>Unions meet</li></ul>"
        "<ol><li>First</li><li>Second</li></ol><blockquote><p>We are back at work.</p>"
        '</blockquote><p>Write to <a href="mailto:desk@example.org" rel="noopener noreferrer">'
        "the desk</a>.</p>"
    )


def test_subheads_stay_below_the_headline():
    assert (
        render_body("# One\n\n### Three\n\n###### Six") == "<h2>One</h2><h3>Three</h3><h3>Six</h3>"
    )


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="https://ok.example" onclick="steal()">x</a>',
        "`code` and\n\n    indented code\n\n```\nfenced\n```",
        "![picture](https://example.org/x.png)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "Line\n---",
        "&lt;script&gt; &#x3C;b&#x3E; \\*not emphasis\\*",
    ],
)
def test_everything_else_is_text(text):
    rendered = render_body(text)
    assert not re.search(r"<(?!/?(p|em|strong|a|h2|h3|ul|ol|li|blockquote)\b)", rendered)
    assert not re.search(r"<[^>]*\son\w+=", rendered)  # no event handler in any tag


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "ftp://files.example.org/x",
        "file:///etc/passwd",
    ],
)
def test_links_only_to_http_https_and_mailto(href):
    rendered = render_body(f"[click]({href})")
    assert "href" not in rendered
    assert "click" in rendered


def test_a_link_cannot_break_out_of_its_attribute():
    rendered = render_body('[x](https://a.example/"onmouseover="alert(1))')
    assert rendered == (
        '<p><a href="https://a.example/%22onmouseover=%22alert(1)" rel="noopener noreferrer">'
        "x</a></p>"
    )


# Text without markup reads as it always did.

PLAIN_WORD = st.text(
    string.ascii_letters + string.digits + ".,'!?()\u2019\u201c\u201d\u2014&<\"",
    min_size=1,
    max_size=8,
)
SPACE = st.sampled_from([" ", "  ", "\t", "\u00a0", "\u2003", "\u3000", "\n"])
BLANK = st.sampled_from(["\n\n", "\n \n", "\n\u00a0\n", "\r\n\r\n"])
MARKUP_LINE = re.compile(r"^\s*(\d{1,9}[.)])(\s|$)", re.MULTILINE)


@st.composite
def plain_bodies(draw):
    paragraphs = []
    for words in draw(
        st.lists(st.lists(PLAIN_WORD, min_size=1, max_size=8), min_size=1, max_size=5)
    ):
        text = draw(SPACE) + words[0]
        for word in words[1:]:
            text += draw(SPACE) + word
        paragraphs.append(text)
    body = paragraphs[0]
    for paragraph in paragraphs[1:]:
        body += draw(BLANK) + paragraph
    return body.replace("\r\n", "\n")


@given(plain_bodies())
@settings(max_examples=300, deadline=None)
def test_text_without_markup_reads_exactly_as_the_plain_paragraphs(body):
    if MARKUP_LINE.search(body):
        return  # "1. " opening a line is a list: that is markup
    assert render_body(body) == plain_html(body)  # byte for byte
    assert reading(plain_html(body)) == split_paragraphs(body)


def test_the_sample_dumps_read_as_they_always_did():
    for path in sorted(SAMPLES.glob("0*.txt")):
        try:
            record = parse_dump(path.read_bytes(), path.name)
        except RejectedDump:  # the samples the importer refuses
            continue
        body = "\n\n".join(record.body)
        assert reading(plain_html(body)) == list(record.body)
        assert reading(render_body(body)) == list(record.body), path.name


@given(valid_dumps())
@settings(max_examples=200, deadline=None)
def test_generated_dumps_are_imported_as_plain_paragraphs(dump):
    record = parse_dump(dump.data, "000_386ae2120d209c35.txt")
    body = "\n\n".join(record.body)
    # The importer stores `plain_html` of the archive's text, whatever characters it holds.
    assert reading(plain_html(body)) == list(dump.expected["body"])


# Hostile input: bounded output, work linear in the size.


def calls_to_render(text: str) -> int:
    """Python function calls made rendering `text`: a count of work, not a time."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        render_body(text)
    finally:
        sys.setprofile(None)
    return calls


@pytest.mark.parametrize(
    "unit",
    ["- ", "> ", "1. ", "*", "[", "]", "*a", "**_", "[a](", "[a](b)", "<", "\\", "`", "# "],
)
def test_hostile_markup_costs_work_linear_in_its_size(unit):
    small = unit * 1000
    double = unit * 2000
    ratio = calls_to_render(double) / calls_to_render(small)
    assert ratio < 2.3, ratio


@pytest.mark.parametrize("unit", ["- ", "> ", "1. ", "  - ", ">"])
def test_ten_thousand_nested_levels_render_flat_and_small(unit):
    text = unit * 10_000 + "deep"
    rendered = render_body(text)
    assert rendered.count("<ul>") + rendered.count("<ol>") + rendered.count("<blockquote>") <= 20
    assert len(rendered) < 3 * len(text)


@pytest.mark.parametrize("unit", ["*", "[", "]", "_", "*a", "[a]("])
def test_a_megabyte_of_marks_is_shown_as_escaped_text(unit):
    text = unit * (1_000_000 // len(unit))
    assert len(re.findall(r"[*_\[\]]", text)) > MAX_MARKS
    rendered = render_body(text)
    assert rendered == plain_html(text)
    assert calls_to_render(text) < 1000  # a few regular expressions, not a parse mark by mark
