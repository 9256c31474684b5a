"""Rules for text itself, shared by every entry point (admin forms, importer) and every output.

Pure Python with nothing of Django, so the dump parser can use it too.
"""

import re
import unicodedata

# C0 controls but tab, newline and carriage return; DEL; C1 controls; the non-characters XML 1.0
# forbids; lone surrogates (which no encoder accepts). None of them can be typed meaningfully,
# and any one of them makes an RSS, Atom or sitemap document malformed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?")
_TAB_AND_NEWLINE = re.compile("[\t\n]")
_LINE_CONTROLS = re.compile("[\t\n\r]")
# Invisible formatting that can disguise text. The bidi overrides reverse what follows them
# (a headline can read the opposite of what it holds) and are refused everywhere; in a line of
# its own (a headline, a name, a place) nothing invisible has a use, so the embeddings,
# isolates, zero-width spaces and joiners, the word joiner and the BOM go too. A body keeps the
# joiners and isolates that Persian, Indic scripts, emoji and mixed-direction text need.
_HIDDEN_IN_TEXT = re.compile("[\u202d\u202e]")
_HIDDEN_IN_A_LINE = re.compile("[\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


def without_control_characters(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character removed.

    Multi-line text (a body, a note) keeps its tabs and newlines, with Windows and old Mac line
    ends made "\\n"; single-line text (a headline, a name) has them turned into spaces.
    """
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))
    if not multiline:
        text = _TAB_AND_NEWLINE.sub(" ", text)
    return text


def normalise_line_breaks(text: str) -> str:
    """Windows' and old Macs' line ends as "\\n": browsers send "\\r\\n" from every textarea,
    and text compared, merged or diffed must not differ by that alone."""
    return _LINE_BREAKS.sub("\n", text)


def control_characters_in(text: str, *, multiline: bool = False) -> set[str]:
    """The control characters `text` holds; tab and line ends count only in single-line text."""
    found = set(_CONTROL.findall(text))
    if not multiline:
        found.update(_LINE_CONTROLS.findall(text))
    return found


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    return bool(control_characters_in(text, multiline=multiline))


# What may follow the place in a typed dateline before its dash: more of the place
# ("BEIRUT, Lebanon"), a date ("NEW DELHI, Mar 3"), an agency ("(Reuters)").
_DATELINE_DATE = r"(?:\s*,\s*[A-Za-z]{3,9}\.?\s+\d{1,2})"
_DATELINE_AGENCY = r"(?:\s*\([^()\n]{1,40}\))"
# Em dash, en dash, horizontal bar (spaced or not), or one or two hyphens after a space.
_DATELINE_DASH = "(?:\\s+(?:[\u2014\u2013\u2015]|--?)|\\s*[\u2014\u2013\u2015])\\s*"


def without_typed_dateline(body: str, places: list[str]) -> str:
    """`body` without the dateline its writer typed at its start, wire style.

    The site prints the story's dateline before its first paragraph ("BEIRUT — ..."), so a
    body that opens with the same place and a dash ("BEIRUT —", "Beirut, Lebanon (AP) -",
    "NEW DELHI, Mar 3 (PTI) --") would print it twice. `places` are the story's own place
    names (city, region, country). Only a lead made of those names, optionally a date and an
    agency, then a dash, is removed: a body that opens with another place, or with a sentence
    that names the place ("Beirut is calm"), is kept as it is.
    """
    names = sorted({" ".join(place.split()) for place in places if place.strip()}, key=len)
    if not names:
        return body
    place = "|".join(r"\s+".join(map(re.escape, name.split())) for name in reversed(names))
    lead = re.compile(
        rf"\A\s*(?:{place})(?:\s*,\s*(?:{place}))*"
        rf"{_DATELINE_DATE}?{_DATELINE_AGENCY}?{_DATELINE_DASH}(?=\S)",
        re.IGNORECASE,
    )
    match = lead.match(body)
    return body[match.end() :] if match else body


def hidden_characters_in(text: str, *, multiline: bool = False) -> set[str]:
    """The invisible formatting characters `text` may not hold (see _HIDDEN_IN_A_LINE)."""
    return set((_HIDDEN_IN_TEXT if multiline else _HIDDEN_IN_A_LINE).findall(text))


def without_hidden_characters(text: str, *, multiline: bool = False) -> str:
    return (_HIDDEN_IN_TEXT if multiline else _HIDDEN_IN_A_LINE).sub("", text)


def visible_line(text: str, *, prose: bool = False) -> str:
    """`text` on one line: control characters and the invisible formatting a one-line field
    refuses removed, spaces collapsed. `prose` (a caption, a summary) keeps the joiners and
    isolates its script may need."""
    visible = without_hidden_characters(without_control_characters(text), multiline=prose)
    return " ".join(visible.split())


def character_names(characters: set[str], limit: int = 5) -> str:
    """ "U+202E RIGHT-TO-LEFT OVERRIDE, ...": what an editor can look up, in a fixed order."""
    return ", ".join(
        f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()
        for char in sorted(characters)[:limit]
    )
