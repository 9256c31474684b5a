"""Rules for text itself: control characters, and a dateline typed at the start of a body."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.text import has_control_characters, without_control_characters, without_typed_dateline


@pytest.mark.parametrize(
    "character", ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"]
)
def test_control_characters_are_removed(character):
    assert without_control_characters(f"Flood{character} warning") == "Flood warning"
    assert has_control_characters(f"Flood{character} warning")


def test_what_xml_cannot_carry_is_removed_too():
    text = "a\ufffeb\uffffc\ud800d"

    assert without_control_characters(text) == "abcd"
    assert has_control_characters(text)


def test_multiline_text_keeps_tabs_and_newlines_with_windows_line_ends_made_plain():
    text = "Para one.\r\n\r\nPara\ttwo.\rThree."

    assert without_control_characters(text, multiline=True) == "Para one.\n\nPara\ttwo.\nThree."
    assert not has_control_characters(text, multiline=True)


def test_single_line_text_has_tabs_and_line_ends_turned_into_spaces():
    assert without_control_characters("Head\tline\r\nhere") == "Head line here"
    assert has_control_characters("Head\tline")


def test_ordinary_text_in_any_script_is_untouched():
    text = "मुंबई — São Paulo · 東京 🇮🇳 “quoted” ñ"

    assert without_control_characters(text) == text
    assert not has_control_characters(text)


@given(st.text())
def test_whatever_the_input_the_result_can_be_written_as_xml(text):
    cleaned = without_control_characters(text, multiline=True)
    element = ET.Element("title")
    element.text = cleaned

    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))

    assert (parsed.text or "") == cleaned
    assert without_control_characters(cleaned, multiline=True) == cleaned


# --- A dateline typed at the start of the body ----------------------------------------------

BEIRUT = ["Beirut", "", "Lebanon"]
NEW_DELHI = ["New Delhi", "Delhi", "India"]


@pytest.mark.parametrize(
    ("body", "places"),
    [
        ("BEIRUT — Talks resumed.", BEIRUT),
        ("BEIRUT—Talks resumed.", BEIRUT),
        ("  BEIRUT - Talks resumed.", BEIRUT),
        ("BEIRUT -- Talks resumed.", BEIRUT),
        ("Beirut, Lebanon \u2013 Talks resumed.", BEIRUT),
        ("BEIRUT, Lebanon (AP) — Talks resumed.", BEIRUT),
        ("BEIRUT (Reuters) - Talks resumed.", BEIRUT),
        ("NEW DELHI, Mar 3 (PTI) — Talks resumed.", NEW_DELHI),
        ("NEW  DELHI —  Talks resumed.", NEW_DELHI),
        ("INDIA — Talks resumed.", NEW_DELHI),
    ],
)
def test_a_dateline_the_writer_typed_is_removed(body, places):
    assert without_typed_dateline(body, places) == "Talks resumed."


def test_only_the_lead_goes_and_the_rest_of_the_body_is_kept_as_it_was():
    body = "BEIRUT — Talks resumed.\n\nIn BEIRUT — the capital — shops opened."

    assert without_typed_dateline(body, BEIRUT) == (
        "Talks resumed.\n\nIn BEIRUT — the capital — shops opened."
    )


@pytest.mark.parametrize(
    ("body", "places"),
    [
        ("BEIRUT — Talks resumed.", NEW_DELHI),  # another place: the writer's, not a repeat
        ("Beirut is calm — for now.", BEIRUT),  # a sentence naming the place
        ("Beirut-based banks reopened.", BEIRUT),
        ("BEIRUT —", BEIRUT),  # nothing after it: it is all the body says
        ("Talks resumed in BEIRUT — at last.", BEIRUT),
        ("BEIRUT — Talks resumed.", []),  # a story with no dateline prints none
    ],
)
def test_anything_else_is_kept(body, places):
    assert without_typed_dateline(body, places) == body
