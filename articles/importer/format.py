"""Reader for the old website's plain-text article dumps, as specified in
samples/legacy-dumps/FORMAT.md.

It is pure Python (standard library and ftfy) so that the importer, the tests and any one-off tool
read a dump the same way without Django or a database. `parse_dump` either returns a complete
`LegacyRecord` or raises `RejectedDump` with a reason a person understands; it never guesses a
value.

Where FORMAT.md is silent, this reader decides:

- Leading blank lines are ignored: the site header is the first non-blank line.
- A site header whose date is unreadable rejects the file, like any other unreadable date; its
  weekday is not checked against the date (it adds nothing to the instant).
- Only one extra copy of the headline is dropped: three or more blocks before the timestamps, equal
  or not, reject the file as not in this format.
- The timestamps start at the first block that opens with a `Published` or `Updated` line; the
  lines may share that block or sit in consecutive blocks, in either order.
  Text glued under the last timestamp line without a blank line starts the first block after the
  timestamps. A label given twice rejects the file.
- The labels `Published`, `Updated`, `Location` and `Last Update` are matched case-sensitively, so
  that a body paragraph such as "updated: ..." is not taken for a field.
- Dates also accept a dot after the month ("Sep."), no comma before the time and no space before
  am/pm ("6:31am"). Anything else that does not fit the pattern, an hour of 0 or above 12, a minute
  above 59 or a day the month does not have, makes the date unreadable.
- An unreadable `Updated` date rejects the file: a malformed line points at a broken scrape, and
  dropping it silently would hide that.
- An `Updated` equal to `Published` is kept; only an earlier one is dropped with a warning.
- Empty parts of a Location line (`India, , Mumbai`) are ignored.
- With no timestamps at all the reason is "no Published line"; a file of whitespace only is
  rejected as "empty file (whitespace only)".
- A file name `<digits>_<16 hex digits>.txt` yields the hex part as given, whatever the number of
  leading digits.
- A repair of double-encoded text that yields a NUL character (ftfy reads "À€" as Java's encoding
  of NUL) rejects the file, as a NUL byte would: databases refuse NUL in text.
- A file in UTF-16 or UTF-32, with or without a byte order mark, is rejected as such (it would
  otherwise show as "binary"): it is readable, but not in the format, and wants converting.
- Control characters (`articles.text.without_control_characters`) are removed after decoding,
  so nothing stored carries them, and the record gets a warning naming them. Those Python counts
  as whitespace (vertical tab, form feed, the separators U+001C-U+001F, NEL) are whitespace as
  FORMAT.md says, without a warning. (The file name, which gives the legacy id, is checked by
  `sources`, which rejects one that holds control characters.)
- Invisible formatting that can disguise text (`articles.text.hidden_characters_in`) is removed
  as editors' forms refuse it, with a warning naming it: bidi overrides everywhere; in the
  headline and the Location line also the other bidi controls and zero-width characters.
"""

import codecs
import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import ftfy
import ftfy.bad_codecs  # registers "sloppy-windows-1252", which decodes every byte

from articles.text import (
    character_names,
    has_control_characters,
    hidden_characters_in,
    without_control_characters,
    without_hidden_characters,
)

DEFAULT_TIME_ZONES: Mapping[str, str] = MappingProxyType(
    {"IST": "Asia/Kolkata", "GMT": "UTC", "UTC": "UTC"}
)

# The longest values the newsroom stores (the columns of articles.models): a longer one rejects
# its file with a reason, where the database would otherwise refuse the whole batch.
MAX_HEADLINE_LENGTH = 255
MAX_LEGACY_ID_LENGTH = 64
MAX_PLACE_LENGTH = 100

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# re.ASCII keeps \d and case-insensitive letters to ASCII: int() would accept other digits, and
# the long s (U+017F) would match [a-z] and upper-case into "S".
_DATE = re.compile(
    r"(?P<month>[a-z]+)\.? (?P<day>\d{1,2}), (?P<year>\d{4}),? (?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r" ?(?P<meridiem>[ap])\.?m\.? (?P<zone>[a-z]+)",
    re.ASCII | re.IGNORECASE,
)
_SITE_HEADER = re.compile(
    r"[A-Za-z]+, (?P<date>[^|]+?) ?\| ?Last Update ?: ?(?P<time>.*)", re.ASCII
)
_TIMESTAMP_LINE = re.compile(r"(?P<label>Published|Updated) ?: ?(?P<date>.*)")
_LOCATION_LINE = re.compile(r"Location ?:(?P<parts>.*)")
# Unicode encodings the dumps are never in, by byte order mark; UTF-32's little-endian mark
# starts like UTF-16's, so it comes first.
_FOREIGN_ENCODINGS = [
    (codecs.BOM_UTF32_LE, "UTF-32", "little-endian", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "UTF-32", "big-endian", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "UTF-16", "little-endian", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "UTF-16", "big-endian", "utf-16-be"),
]
# Controls that str.split() takes for whitespace, as the block rules do: kept as spaces.
_SPACING_CONTROLS = str.maketrans(dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x1f\x85", " "))
_LEGACY_FILENAME = re.compile(r"\d+_(?P<legacy_id>[0-9a-fA-F]{16})\.txt", re.ASCII)


def _charset(raw: bytes, *encodings: str) -> str:
    """The characters `raw` decodes to in any of `encodings`, escaped for a regex class."""
    return re.escape("".join(sorted({char for enc in encodings for char in raw.decode(enc)})))


# UTF-8 read as Windows-1252 (or Latin-1) always shows a lead byte 0xC2-0xF4 followed by a
# continuation byte 0x80-0xBF. Text without such a pair cannot hold that mojibake, and checking for
# it is far cheaper than ftfy's own test (about 0.5 ms on a 3 KB story).
_MOJIBAKE_HINT = re.compile(
    f"[{_charset(bytes(range(0xC2, 0xF5)), 'latin-1', 'sloppy-windows-1252')}]"
    f"[{_charset(bytes(range(0x80, 0xC0)), 'latin-1', 'sloppy-windows-1252')}]"
)


@dataclass(frozen=True, slots=True)
class LegacyDateline:
    country: str
    region: str | None
    city: str | None


@dataclass(frozen=True, slots=True)
class LegacyRecord:
    file: str
    legacy_id: str
    headline: str
    deck: str | None
    published_at: datetime
    updated_at: datetime | None
    retrieved_at: datetime | None
    dateline: LegacyDateline | None
    body: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The object the importer's dry run prints for this file."""
        result: dict[str, Any] = {
            "file": self.file,
            "status": "ok",
            "legacy_id": self.legacy_id,
            "headline": self.headline,
            "deck": self.deck,
            "published_at": self.published_at.isoformat(),
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "retrieved_at": self.retrieved_at.isoformat() if self.retrieved_at else None,
            "dateline": dataclasses.asdict(self.dateline) if self.dateline else None,
            "body": list(self.body),
        }
        if self.warnings:
            result["warnings"] = list(self.warnings)
        return result


class RejectedDump(ValueError):
    """A file that is not a readable dump; str(exc) is the reason in plain words."""

    def as_json(self, file: str) -> dict[str, str]:
        """The object the importer's dry run prints for the rejected file."""
        return {"file": file, "status": "error", "error": str(self)}


def story_digest(record: LegacyRecord) -> str:
    """A digest of what a dump says about its story, leaving out when and where it was scraped.

    Two scrapes of an unchanged story give the same digest, so a re-import can tell them apart
    from a story that really changed.
    """
    content = record.as_json()
    for provenance in ("file", "status", "retrieved_at", "warnings"):
        content.pop(provenance, None)
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def legacy_id_for(filename: str) -> str:
    """The story's id in the old system: the hex part of `<NNN>_<16 hex>.txt`, else the name
    without `.txt`."""
    match = _LEGACY_FILENAME.fullmatch(filename)
    return match["legacy_id"] if match else filename.removesuffix(".txt")


def parse_dump(
    data: bytes, filename: str, zones: Mapping[str, str] = DEFAULT_TIME_ZONES
) -> LegacyRecord:
    """Read one dump file; `zones` maps upper-case zone abbreviations to IANA zone names.

    Raises RejectedDump when the file is not a readable dump. A zone name in `zones` that zoneinfo
    does not know is a configuration error and raises zoneinfo's own exception.
    """
    if not data:
        raise RejectedDump("empty file")
    if foreign := _foreign_encoding(data):
        raise RejectedDump(f"{foreign}: dumps are UTF-8 or Windows-1252; convert the file to UTF-8")
    if b"\x00" in data:
        raise RejectedDump("binary file: it contains a NUL byte")
    warnings = []
    text, removed = _without_controls(_decode(data))
    if removed:
        warnings.append(f"control characters removed: {removed}")
    hidden: set[str] = set()
    text = _without_hidden(text, hidden, multiline=True)
    blocks = _blocks(text)
    if not blocks:
        raise RejectedDump("empty file (whitespace only)")

    retrieved_at = None
    if header := _SITE_HEADER.fullmatch(blocks[0][0]):
        retrieved_at = _instant(f"{header['date']}, {header['time']}", "site header", zones)
        blocks = [blocks[0][1:], *blocks[1:]] if len(blocks[0]) > 1 else blocks[1:]
    if not blocks:
        raise RejectedDump("no headline")

    timestamps_at = next(
        (index for index, block in enumerate(blocks) if _TIMESTAMP_LINE.fullmatch(block[0])),
        None,
    )
    if timestamps_at is None:
        raise RejectedDump("no Published line")
    headline = _without_hidden(
        _headline([" ".join(block) for block in blocks[:timestamps_at]]), hidden
    )
    if not headline.strip():
        raise RejectedDump("no headline")
    dates, rest = _split_timestamps(blocks[timestamps_at:])
    if "Published" not in dates:
        raise RejectedDump("no Published line")
    published_at = _instant(dates["Published"], "Published", zones)
    updated_at = None
    if "Updated" in dates:
        updated_at = _instant(dates["Updated"], "Updated", zones)
        if updated_at < published_at:
            warnings.append(
                f"Updated {dates['Updated']!r} is earlier than Published {dates['Published']!r}:"
                " update time dropped"
            )
            updated_at = None

    dateline = None
    if rest and (location := _LOCATION_LINE.fullmatch(rest[-1][-1])):
        dateline = _dateline(_without_hidden(location["parts"], hidden))
        rest = [*rest[:-1], rest[-1][:-1]] if len(rest[-1]) > 1 else rest[:-1]

    paragraphs = [" ".join(block) for block in rest]
    deck = None
    if len(paragraphs) >= 2 and paragraphs[0] == paragraphs[1]:
        deck, paragraphs = paragraphs[0], paragraphs[2:]
    if not paragraphs:
        raise RejectedDump("no body paragraph")

    if hidden:
        warnings.append(f"invisible formatting characters removed: {character_names(hidden)}")
    legacy_id = legacy_id_for(filename)
    _check_lengths(headline, legacy_id, dateline)
    return LegacyRecord(
        file=filename,
        legacy_id=legacy_id,
        headline=headline,
        deck=deck,
        published_at=published_at,
        updated_at=updated_at,
        retrieved_at=retrieved_at,
        dateline=dateline,
        body=tuple(paragraphs),
        warnings=tuple(warnings),
    )


def _check_lengths(headline: str, legacy_id: str, dateline: LegacyDateline | None) -> None:
    if len(headline) > MAX_HEADLINE_LENGTH:
        raise RejectedDump(f"headline longer than {MAX_HEADLINE_LENGTH} characters")
    if len(legacy_id) > MAX_LEGACY_ID_LENGTH:
        raise RejectedDump(f"file name too long for a legacy id (over {MAX_LEGACY_ID_LENGTH})")
    places = (dateline.country, dateline.region, dateline.city) if dateline else ()
    if any(place and len(place) > MAX_PLACE_LENGTH for place in places):
        raise RejectedDump(f"a Location part is longer than {MAX_PLACE_LENGTH} characters")


def _decode(data: bytes) -> str:
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
        # U+00C0-U+00FF, where every mojibake lead character lies, are encoded as C3 xx in UTF-8.
        may_hold_mojibake = b"\xc3" in data
    except UnicodeDecodeError:
        text = data.decode("sloppy-windows-1252")
        may_hold_mojibake = True
    if may_hold_mojibake and _MOJIBAKE_HINT.search(text):
        # fix_text would also straighten curly quotes, which the stories keep.
        text = ftfy.fix_encoding(text)
        if "\x00" in text:
            raise RejectedDump("repairing the text's encoding gave a NUL character")
    return text.removeprefix("\ufeff")


def _foreign_encoding(data: bytes) -> str | None:
    """ "UTF-16 text (little-endian, ...)" when `data` is in an encoding the dumps never are.

    Without a byte order mark, text is taken for UTF-16 or UTF-32 when it decodes as such into
    text free of NUL and control characters that has a Published label or is mostly ASCII:
    binary data, or a NUL byte in an otherwise UTF-8 file, almost never does.
    """
    for bom, name, order, _ in _FOREIGN_ENCODINGS:
        if data.startswith(bom):
            return f"{name} text ({order}, with a byte order mark)"
    if b"\x00" not in data:
        return None
    for _, name, order, codec in _FOREIGN_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or has_control_characters(text, multiline=True):
            continue
        if "Published" in text or 2 * len(text.encode("ascii", "ignore")) >= len(text):
            return f"{name} text ({order}, no byte order mark)"
    return None


def _without_controls(text: str) -> tuple[str, str]:
    """`text` without control characters, and which were removed ("" for none)."""
    text = text.translate(_SPACING_CONTROLS)
    if not has_control_characters(text, multiline=True):
        return text, ""
    kept = without_control_characters(text, multiline=True)
    removed = set(text) - set(kept) - {"\r"}
    return kept, ", ".join(f"U+{ord(char):04X}" for char in sorted(removed))


def _without_hidden(text: str, removed: set[str], *, multiline: bool = False) -> str:
    """`text` without the invisible formatting the newsroom refuses; adds them to `removed`."""
    found = hidden_characters_in(text, multiline=multiline)
    if not found:
        return text
    removed |= found
    return without_hidden_characters(text, multiline=multiline)


def _blocks(text: str) -> list[list[str]]:
    """The runs of non-blank lines, each line with its whitespace collapsed and trimmed.

    str.split() without arguments splits on every Unicode whitespace, NBSP included.
    """
    blocks: list[list[str]] = []
    block: list[str] = []
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line := " ".join(raw_line.split()):
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    return blocks


def _headline(texts: list[str]) -> str:
    """The headline from the blocks before the timestamps; the page printed it once or twice."""
    if len(texts) == 2 and texts[0] == texts[1]:
        texts = texts[:1]
    if not texts:
        raise RejectedDump("no headline")
    if len(texts) > 1:
        found = "two different blocks" if len(texts) == 2 else f"{len(texts)} blocks"
        raise RejectedDump(f"not a legacy dump: {found} before the timestamps")
    return texts[0]


def _split_timestamps(blocks: list[list[str]]) -> tuple[dict[str, str], list[list[str]]]:
    """The dates by label from the timestamp lines that open `blocks`, and the blocks after them."""
    dates: dict[str, str] = {}
    for block_index, block in enumerate(blocks):
        for line_index, line in enumerate(block):
            match = _TIMESTAMP_LINE.fullmatch(line)
            if match is None:
                return dates, [block[line_index:], *blocks[block_index + 1 :]]
            if match["label"] in dates:
                raise RejectedDump(f"more than one {match['label']} line")
            dates[match["label"]] = match["date"]
    return dates, []


def _instant(text: str, label: str, zones: Mapping[str, str]) -> datetime:
    """The UTC instant of `<Month> <D>, <YYYY>, <h:mm> <am|pm> <TZ>`."""
    unreadable = RejectedDump(f"unreadable {label} date {text!r}")
    match = _DATE.fullmatch(text)
    if match is None:
        raise unreadable
    month = _MONTHS.get(match["month"].lower())
    hour, minute = int(match["hour"]), int(match["minute"])
    if month is None or not 1 <= hour <= 12 or minute > 59:
        raise unreadable
    zone_name = zones.get(match["zone"].upper())
    if zone_name is None:
        raise RejectedDump(f"unknown time zone {match['zone']!r}")
    hour = hour % 12 + (12 if match["meridiem"] in "pP" else 0)
    zone = _zone(zone_name)
    try:
        local = datetime(int(match["year"]), month, int(match["day"]), hour, minute, tzinfo=zone)
        return local.astimezone(UTC)
    except (ValueError, OverflowError):
        # ValueError: no such day; OverflowError: an instant beyond year 1..9999 in UTC.
        raise unreadable from None


@functools.cache
def _zone(name: str) -> ZoneInfo:
    """ZoneInfo by name, cached here as every date of every file looks its zone up."""
    return ZoneInfo(name)


def _dateline(text: str) -> LegacyDateline | None:
    """Country first, city last, everything between is the region."""
    parts = [part for part in (piece.strip() for piece in text.split(",")) if part]
    if not parts:
        return None
    if len(parts) == 1:
        return LegacyDateline(country=parts[0], region=None, city=None)
    return LegacyDateline(country=parts[0], region=", ".join(parts[1:-1]) or None, city=parts[-1])
