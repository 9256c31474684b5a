"""The agency parsers, on the agencies' own files and on hostile ones (no database)."""

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.wires.markup import body_from_html, sanitise
from articles.wires.reading import (
    Format,
    Kind,
    Limits,
    PubStatus,
    RejectedFile,
    read_wire_file,
)
from tests.wires.helpers import SAMPLES, ninjs


def read(path):
    return read_wire_file(str(path), path.read_bytes())


@pytest.mark.parametrize(
    ("name", "headline", "opening"),
    [
        ("ninjs/1.4-ninjsExSimpleText1.json", "Captain of wrecked cruise ship on trial in Italy",
         "GROSSETO, Italy (AP)"),
        ("ninjs/2.1-ninjsExSimpleText_2.json", "Captain of wrecked cruise ship on trial in Italy",
         "GROSSETO, Italy (AP)"),
        ("ninjs/3.0-dpa_text.json", "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?",
         "Für Lucien Favre"),
        ("ninjs/3.0-ntb_text.json", "Google har kjøpt giganttomt i Skien", "IT-giganten Google"),
        ("ninjs/3.0-tt_text_image_3.json", "Militärövning i jätteformat hålls 2023",
         "Försvar TT"),
        ("newsml-g2/LISTING_2_NewsML-G2_Text_Document.xml", 'Fed to halt QE to avert "bubble"',
         "(New York, NY - October 21)"),
        ("lifecycle/1-first.json", "Kochi dock workers strike over unpaid overtime",
         "Dock workers at the Kochi port"),
    ],
)  # fmt: skip
def test_agency_text_items_keep_their_headline_and_body(name, headline, opening):
    [reading] = read(SAMPLES / name)

    assert reading.is_queued
    assert reading.kind == Kind.TEXT
    assert reading.headline == headline
    assert body_from_html(reading.body_html).startswith(opening)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("newsml-g2/LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml",
         "a contentSet without its newsItem"),
    ],
)  # fmt: skip
def test_items_that_are_not_text_stories_are_skipped_with_a_reason(name, reason):
    [reading] = read(SAMPLES / name)

    assert not reading.is_queued
    assert reading.skip_reason.startswith(reason)


@pytest.mark.parametrize(
    "kind", ["graphic", "video", "audio", "composite", "event", "planning", "concept"]
)
def test_ninjs_items_neither_text_nor_picture_are_skipped(kind):
    [reading] = read_wire_file("item.json", ninjs(type=kind))

    assert not reading.is_queued
    assert "not a text story" in reading.skip_reason


def test_every_sample_file_is_read():
    files = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".json", ".xml"))

    readings = [reading for path in files for reading in read(path)]

    assert len(files) == 13
    assert len(readings) == 13


def test_a_newsml_g2_item_gives_its_metadata():
    [reading] = read(SAMPLES / "newsml-g2/LISTING_1_A_NewsML-G2_News_Item.xml")

    assert reading.format == Format.NEWSML_G2
    assert reading.uri == "urn:newsml:acmenews.com:20161018:US-FINANCE-FED"
    assert reading.version == "11"
    assert reading.pub_status == PubStatus.USABLE
    assert reading.located == "Berlin"
    assert reading.byline == "Meredith Jameson"
    assert reading.slugline == "US-Finance-Fed"
    assert reading.language == "en-GB"
    assert reading.subjects == ("economy, business and finance", "labour market")
    assert "STRICTLY EMBARGOED" in reading.ed_note


def test_the_lifecycle_kill_is_canceled_with_the_agencys_note():
    [reading] = read(SAMPLES / "lifecycle/3-kill.json")

    assert reading.pub_status == PubStatus.CANCELED
    assert reading.version == "3"
    assert reading.urgency == 1
    assert reading.ed_note.startswith("KILL. The story is withdrawn")


def test_newsml_g2_status_urgency_and_xhtml_body():
    data = b"""<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1" version="3">
      <itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:withheld"/></itemMeta>
      <contentMeta><urgency>2</urgency><headline>Held</headline></contentMeta>
      <contentSet><inlineXML contenttype="application/xhtml+xml">
        <html xmlns="http://www.w3.org/1999/xhtml"><body>
          <p onclick="x()">One <a href="javascript:alert(1)">bad</a> <script>evil()</script></p>
        </body></html></inlineXML></contentSet></newsItem>"""

    [reading] = read_wire_file("held.xml", data)

    assert (reading.pub_status, reading.urgency, reading.version) == ("withheld", 2, "3")
    assert reading.body_html == '<p>One <a rel="noopener noreferrer nofollow">bad</a> </p>'


def test_rss_and_atom_entries_are_stories():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Agency</title>
      <language>en</language><item><title>Rail strike</title><guid>urn:rss:1</guid>
      <description>&lt;p&gt;Trains stop.&lt;/p&gt;</description>
      <pubDate>Mon, 30 Nov 2026 04:00:00 GMT</pubDate><category>Transport</category></item>
      </channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>Agency</title><id>f</id>
      <updated>2026-11-30T04:00:00Z</updated><entry><id>urn:atom:1</id><title>Flood</title>
      <updated>2026-11-30T04:00:00Z</updated><content type="html">&lt;p&gt;Water rises.&lt;/p&gt;
      </content></entry></feed>"""

    [from_rss] = read_wire_file("a.rss", rss)
    [from_atom] = read_wire_file("a.atom", atom)

    assert (from_rss.format, from_rss.uri, from_rss.headline) == ("rss", "urn:rss:1", "Rail strike")
    assert from_rss.body_html == "<p>Trains stop.</p>"
    assert from_rss.subjects == ("Transport",)
    assert (from_atom.format, from_atom.uri, from_atom.body_html) == (
        "atom", "urn:atom:1", "<p>Water rises.</p>"
    )  # fmt: skip


def test_agency_html_is_sanitised():
    dirty = (
        '<p onmouseover="steal()">Hi <a href="data:text/html,x">x</a>'
        '<a href="mailto:desk@example.org">desk</a><img src=x onerror=alert(1)>'
        "<iframe src=https://evil.example></iframe><style>p{}</style></p>"
    )

    clean = sanitise(dirty)

    assert clean == (
        '<p>Hi <a rel="noopener noreferrer nofollow">x</a>'
        '<a href="mailto:desk@example.org" rel="noopener noreferrer nofollow">desk</a></p>'
    )


def test_the_body_keeps_paragraphs_and_links():
    [reading] = read_wire_file("item.json", ninjs())

    assert body_from_html(reading.body_html) == (
        "A fire broke out at the harbour (version 1).\n\n"
        "Firefighters [were called](https://example.org/fire)."
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<newsItem guid="x" version="1"><contentMeta><headline>&lol9;</headline></contentMeta></newsItem>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<newsItem guid="x" version="1"><contentMeta><headline>&secret;</headline></contentMeta>
</newsItem>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE newsItem SYSTEM "http://127.0.0.1:9/newsml.dtd">
<newsItem guid="x" version="1"><contentMeta><headline>x</headline></contentMeta></newsItem>"""
RSS_XXE = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY s SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&s;</title><guid>g</guid></item></channel></rss>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE, EXTERNAL_DTD, RSS_XXE])
def test_hostile_xml_is_rejected_quickly_with_a_reason(data):
    started = time.monotonic()
    with pytest.raises(RejectedFile, match="document type declaration"):
        read_wire_file("hostile.xml", data)

    assert time.monotonic() - started < 1


def test_deep_xml_is_rejected():
    data = b"<newsItem>" + b"<a>" * 5_000 + b"</a>" * 5_000 + b"</newsItem>"

    with pytest.raises(RejectedFile, match="XML nested deeper than 64 elements"):
        read_wire_file("deep.xml", data)


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deep_json_is_rejected(depth):
    data = b'{"uri": "x", "a": ' + b"[" * depth + b"]" * depth + b"}"

    with pytest.raises(RejectedFile, match="JSON nested deeper than 64 levels"):
        read_wire_file("deep.json", data)


def test_an_oversized_file_is_rejected():
    with pytest.raises(RejectedFile, match="larger than the limit of 100 bytes"):
        read_wire_file("big.json", ninjs(), Limits(max_bytes=100))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"<newsItem><unclosed></newsItem>", "not well-formed XML"),
        (json.dumps({"type": "text"}).encode(), "without a uri"),
        (ninjs(pub_status="maybe"), "unknown publication status 'maybe'"),
        (b"<html><body/></html>", "not a NewsML-G2 item: the root element is <html>"),
        (b"  ", "the file is empty"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(data, reason):
    with pytest.raises(RejectedFile, match=reason):
        read_wire_file("bad", data)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["value", "role", "name", "contentType", "uri"]), children, max_size=4
        )
    ),
    max_leaves=12,
)
NINJS_NAMES = ["uri", "type", "version", "pubStatus", "urgency", "headline", "headlines",
               "bodies", "body_html", "body_text", "descriptions", "subjects", "places",
               "located", "by", "copyrightHolder", "versionCreated", "slugline"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(NINJS_NAMES), JSON_VALUES, max_size=10))
def test_any_shape_of_ninjs_is_read_or_rejected_never_crashes(item):
    try:
        outcome = [r.uri for r in read_wire_file("fuzz.json", json.dumps(item).encode())]
    except RejectedFile as exc:
        outcome = str(exc)

    assert outcome  # the readings, each with its uri, or the reason for refusing the file
    assert isinstance(outcome, str) or all(outcome)


def test_invisible_formatting_is_removed_as_the_newsrooms_own_fields_refuse_it():
    """A right-to-left override would make a headline read backwards; zero-width characters
    hide words from search. A summary keeps the joiners its script needs (Persian's ZWNJ)."""
    override, zero_width, zwnj = "\u202e", "\u200b", "\u200c"
    data = ninjs(
        headlines=[{"role": "main", "value": f"Fire{zero_width} at {override}the harbour"}],
        by=f"Ann{zwnj} Lee",
        descriptions=[{"role": "summary", "value": f"می{zwnj}خواهم {override}now"}],
        bodies=[{"role": "main", "contentType": "text/html",
                 "value": f"<p>Smoke {override}rose &#x202E;high.</p>"}],
    )  # fmt: skip

    [reading] = read_wire_file("item.json", data)

    assert reading.headline == "Fire at the harbour"
    assert reading.byline == "Ann Lee"
    assert reading.deck == f"می{zwnj}خواهم now"
    assert reading.body_html == "<p>Smoke rose high.</p>"
