"""Fuzzing the legacy dump reader: any bytes are read or rejected with a reason, never anything
else, and a well-formed dump in any of the shapes FORMAT.md allows reads back exactly."""

import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.importer.format import (
    DEFAULT_TIME_ZONES,
    LegacyDateline,
    LegacyRecord,
    RejectedDump,
    parse_dump,
)
from articles.text import has_control_characters

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "legacy-dumps"
SAMPLE_BYTES = [path.read_bytes() for path in sorted(SAMPLES.glob("*.txt")) if path.stat().st_size]
FUZZ = settings(max_examples=300, deadline=None, database=None)

# Bytes that hit the reader's rules: line ends, blank lines, NBSP, mojibake, labels, NUL, BOM.
TOKENS = [
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\xc2\xa0",
    b"\xc3\xa2\xe2\x82\xac\xe2\x84\xa2",
    b"\xc3\x80\xe2\x82\xac",
    b"\x92",
    b"\xef\xbb\xbf",
    b"\x00",
    b",",
    b":",
    b"Published : ",
    b"Updated : ",
    b"Location: ",
    b" pm XYZ",
]
CHUNKS = st.binary(min_size=1, max_size=4) | st.sampled_from(TOKENS)
EDITS = st.sampled_from(["insert", "delete", "replace"])
EDIT_COUNTS = st.integers(1, 8)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Strategies are built once: building one inside a draw costs hypothesis a validation each time.
BOOLEANS = st.booleans()
ZONES = st.sampled_from(sorted(DEFAULT_TIME_ZONES))
LETTER_CASES = st.sampled_from([str.lower, str.upper, str.title])
MERIDIEM_STYLES = st.sampled_from([str.lower, str.upper, lambda meridiem: f"{meridiem[0]}.m."])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
# Windows-1252 has no em space or ideographic space.
SPACES = {
    "utf-8": " \t\u00a0\u2003\u3000",
    "utf-8-sig": " \t\u00a0\u2003\u3000",
    "cp1252": " \t\u00a0",
}
SPACE_RUNS = {
    encoding: st.text(spaces, min_size=1, max_size=3) for encoding, spaces in SPACES.items()
}
BLANK_LINE_FILLERS = {encoding: st.text(spaces, max_size=2) for encoding, spaces in SPACES.items()}
# No ":" or "|", so generated text never reads as a label or a site header.
WORD = st.text(
    string.ascii_letters + string.digits + ".'!?()-\u2019\u201c\u201d\u2014", min_size=1, max_size=8
)
WORDS = st.lists(WORD, min_size=1, max_size=6)
OPTIONAL_WORDS = st.none() | WORDS
BODIES = st.lists(WORDS, min_size=1, max_size=4, unique_by=" ".join)
UPDATE_OFFSETS = st.none() | st.integers(-3000, 3000).map(
    lambda minutes: timedelta(minutes=minutes)
)
HEADLINE_COPIES = st.integers(1, 2)
LOCATIONS = st.none() | st.lists(
    st.text(string.ascii_letters, min_size=1, max_size=8), min_size=1, max_size=4
)
INSTANTS = st.builds(
    lambda day, hour, minute: datetime.combine(day, time(hour, minute), tzinfo=UTC),
    st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(0, 23),
    st.integers(0, 59),
)
OPTIONAL_INSTANTS = st.none() | INSTANTS


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


def assert_read_or_rejected(data: bytes) -> None:
    """A record must be storable as it is: no NUL or other control character (PostgreSQL,
    feeds and sitemaps refuse them) and no lone surrogate."""
    try:
        record = parse_dump(data, "fuzz.txt")
    except RejectedDump as rejected:
        reason = str(rejected)
        assert reason
    else:
        assert isinstance(record, LegacyRecord)
        for text in strings_in(record.as_json()):
            assert not has_control_characters(text), text  # NUL among them
            text.encode("utf-8")


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLE_BYTES)))
    for _ in range(draw(EDIT_COUNTS)):
        start = draw(st.integers(0, len(data)))
        chunk = draw(CHUNKS)
        edit = draw(EDITS)
        if edit == "insert":
            data[start:start] = chunk
        elif edit == "delete":
            del data[start : start + len(chunk)]
        else:
            data[start : start + len(chunk)] = chunk
    return bytes(data)


@given(st.binary(max_size=2000))
@FUZZ
def test_arbitrary_bytes_are_read_or_rejected(data):
    assert_read_or_rejected(data)


@given(mutated_samples())
@FUZZ
def test_mutated_samples_are_read_or_rejected(data):
    assert_read_or_rejected(data)


@dataclass
class GeneratedDump:
    data: bytes
    expected: dict[str, object]
    update_dropped: bool


def written_date(draw: st.DrawFn, instant: datetime, *, site_header: bool = False) -> str:
    """`instant` as the dump writes it, in a drawn zone and spelling."""
    zone = draw(ZONES)
    local = instant.astimezone(ZoneInfo(DEFAULT_TIME_ZONES[zone]))
    month = MONTHS[local.month - 1]
    if draw(BOOLEANS):
        month = "Sept" if local.month == 9 and draw(BOOLEANS) else month[:3]
    month = draw(LETTER_CASES)(month)
    day = f"{local.day:02}" if draw(BOOLEANS) else str(local.day)
    meridiem = draw(MERIDIEM_STYLES)("pm" if local.hour >= 12 else "am")
    clock = f"{(local.hour - 1) % 12 + 1}:{local.minute:02} {meridiem} {zone}"
    if site_header:
        weekday = WEEKDAYS[local.weekday()]
        return f"{weekday}, {month} {day}, {local.year} | Last Update : {clock}"
    return f"{month} {day}, {local.year}, {clock}"


def dateline_of(parts: list[str] | None) -> LegacyDateline | None:
    if not parts:
        return None
    if len(parts) == 1:
        return LegacyDateline(parts[0], None, None)
    return LegacyDateline(parts[0], ", ".join(parts[1:-1]) or None, parts[-1])


@st.composite
def valid_dumps(draw: st.DrawFn) -> GeneratedDump:
    encoding = draw(ENCODINGS)
    newline = draw(NEWLINES)
    space_run = SPACE_RUNS[encoding]
    blank_line = newline + draw(BLANK_LINE_FILLERS[encoding]) + newline

    def written_block(words: list[str]) -> str:
        """The words with drawn whitespace and line breaks between and around them."""
        text = draw(space_run) + words[0]
        for word in words[1:]:
            text += (newline if draw(BOOLEANS) else draw(space_run)) + word
        return text

    headline = draw(WORDS)
    deck = draw(OPTIONAL_WORDS)
    body = draw(BODIES)
    published = draw(INSTANTS)
    update_offset = draw(UPDATE_OFFSETS)
    updated = None if update_offset is None else published + update_offset
    retrieved = draw(OPTIONAL_INSTANTS)
    location = draw(LOCATIONS)

    timestamps = [f"Published\u00a0: {written_date(draw, published)}"]
    if updated is not None:
        timestamps.append(f"Updated : {written_date(draw, updated)}")
    blocks = [
        *([written_date(draw, retrieved, site_header=True)] if retrieved else []),
        *[written_block(headline) for _ in range(draw(HEADLINE_COPIES))],
        newline.join(timestamps),
        *([written_block(deck), written_block(deck)] if deck else []),
        *[written_block(paragraph) for paragraph in body],
        *([f"Location: {', '.join(location)}"] if location else []),
    ]
    update_dropped = updated is not None and updated < published
    expected = {
        "headline": " ".join(headline),
        "deck": " ".join(deck) if deck else None,
        "body": tuple(" ".join(paragraph) for paragraph in body),
        "published_at": published,
        "updated_at": None if update_dropped else updated,
        "retrieved_at": retrieved,
        "dateline": dateline_of(location),
    }
    return GeneratedDump(blank_line.join(blocks).encode(encoding), expected, update_dropped)


@given(valid_dumps())
@FUZZ
def test_valid_dump_reads_back_its_fields(dump):
    record = parse_dump(dump.data, "000_386ae2120d209c35.txt")
    assert {field: getattr(record, field) for field in dump.expected} == dump.expected
    assert record.legacy_id == "386ae2120d209c35"
    assert bool(record.warnings) == dump.update_dropped
