"""The one rule for control characters, shared by the forms, the importer and every output."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.text import has_control_characters, without_control_characters


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
