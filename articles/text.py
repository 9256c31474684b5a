"""Rules for text itself, shared by every entry point (admin forms, importer) and every output.

Pure Python with nothing of Django, so the dump parser can use it too.
"""

import re

# C0 controls but tab, newline and carriage return; DEL; C1 controls; the non-characters XML 1.0
# forbids; lone surrogates (which no encoder accepts). None of them can be typed meaningfully,
# and any one of them makes an RSS, Atom or sitemap document malformed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?")
_TAB_AND_NEWLINE = re.compile("[\t\n]")
_LINE_CONTROLS = re.compile("[\t\n\r]")


def without_control_characters(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character removed.

    Multi-line text (a body, a note) keeps its tabs and newlines, with Windows and old Mac line
    ends made "\\n"; single-line text (a headline, a name) has them turned into spaces.
    """
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))
    if not multiline:
        text = _TAB_AND_NEWLINE.sub(" ", text)
    return text


def control_characters_in(text: str, *, multiline: bool = False) -> set[str]:
    """The control characters `text` holds; tab and line ends count only in single-line text."""
    found = set(_CONTROL.findall(text))
    if not multiline:
        found.update(_LINE_CONTROLS.findall(text))
    return found


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    return bool(control_characters_in(text, multiline=multiline))
