"""The legacy dump reader against the samples and, rule by rule, against FORMAT.md."""

import codecs
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from articles.importer.format import (
    DEFAULT_TIME_ZONES,
    LegacyDateline,
    LegacyRecord,
    RejectedDump,
    legacy_id_for,
    parse_dump,
    story_digest,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "legacy-dumps"
EXPECTED = [json.loads(line) for line in (SAMPLES / "expected.jsonl").read_text().splitlines()]

HEADER = "Friday, Dec 08, 2023 | Last Update : 09:33 AM IST"
PUBLISHED = "Published\u00a0: May 25, 2016, 6:31 am GMT"
BODY = ("First paragraph.", "Second paragraph.")
FILENAME = "000_386ae2120d209c35.txt"


def join_blocks(*blocks: str | None, newline: str = "\n") -> str:
    """A dump's text from its blocks, skipping None, with one blank line between blocks."""
    return (newline * 2).join(block for block in blocks if block is not None) + newline


def make_dump(
    *,
    header: str | None = HEADER,
    headline: str = "Port workers end strike",
    headline_copies: int = 2,
    published: str | None = PUBLISHED,
    updated: str | None = None,
    deck: str | None = None,
    body: tuple[str, ...] = BODY,
    location: str | None = "Location: India, Maharashtra, Mumbai",
    newline: str = "\n",
) -> str:
    """The text of a dump assembled from its parts; None leaves a part out."""
    timestamps = [line for line in (published, updated) if line is not None]
    return join_blocks(
        header,
        *[headline] * headline_copies,
        newline.join(timestamps) or None,
        *([deck, deck] if deck is not None else []),
        *body,
        location,
        newline=newline,
    )


def parse(text: str, **kwargs) -> LegacyRecord:
    return parse_dump(text.encode("utf-8"), FILENAME, **kwargs)


def rejection(data: str | bytes) -> str:
    with pytest.raises(RejectedDump) as excinfo:
        parse_dump(data.encode("utf-8") if isinstance(data, str) else data, FILENAME)
    return str(excinfo.value)


@pytest.mark.parametrize("expected", EXPECTED, ids=[line["file"] for line in EXPECTED])
def test_sample_reads_as_expected(expected):
    data = (SAMPLES / expected["file"]).read_bytes()
    if expected["status"] == "error":
        with pytest.raises(RejectedDump) as excinfo:
            parse_dump(data, expected["file"])
        result = excinfo.value.as_json(expected["file"])
        assert result["status"] == "error"
        assert result["error"]
    else:
        assert parse_dump(data, expected["file"]).as_json() == expected


# Text and layout


def test_byte_order_mark_is_ignored():
    record = parse_dump(b"\xef\xbb\xbf" + make_dump().encode("utf-8"), FILENAME)
    assert record.retrieved_at == datetime(2023, 12, 8, 4, 3, tzinfo=UTC)
    assert record.headline == "Port workers end strike"


def test_windows_1252_file_is_read_as_windows_1252():
    text = make_dump(
        headline="The \u201cbroadly balanced\u201d outlook", body=("Caf\u00e9\u2019s",)
    )
    record = parse_dump(text.encode("cp1252"), FILENAME)
    assert record.headline == "The \u201cbroadly balanced\u201d outlook"
    assert record.body == ("Caf\u00e9\u2019s",)


def test_windows_1252_bytes_it_leaves_undefined_do_not_crash():
    # sloppy-windows-1252 reads 0x81 as the C1 control U+0081, which is then removed.
    record = parse_dump(make_dump(body=("Odd \x81 byte \x92s",)).encode("latin-1"), FILENAME)
    assert record.body == ("Odd byte \u2019s",)
    assert record.warnings == ("control characters removed: U+0081",)


def test_double_encoded_text_is_repaired_and_curly_quotes_kept():
    text = make_dump(headline="Syria\u2019s \u2018truce\u2019", body=("Caf\u00e9 \u2014 open",))
    double_encoded = text.encode("utf-8").decode("cp1252").encode("utf-8")
    assert "\u00e2\u20ac\u2122" in double_encoded.decode("utf-8")
    record = parse_dump(double_encoded, FILENAME)
    assert record.headline == "Syria\u2019s \u2018truce\u2019"
    assert record.body == ("Caf\u00e9 \u2014 open",)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_endings(newline):
    assert parse(make_dump(newline=newline)) == parse(make_dump())


def test_unicode_whitespace_collapses_and_whitespace_only_lines_are_blank():
    text = join_blocks(
        HEADER,
        "\u00a0 \u00a0Port\u2003workers\t\tend  strike\u3000",
        "Port workers end strike",
        PUBLISHED,
        "First\u202fparagraph.\n\u00a0\u2009\t\nSecond paragraph.",
    )
    record = parse(text)
    assert record.headline == "Port workers end strike"
    assert record.body == BODY


def test_lines_of_a_block_join_with_one_space():
    text = join_blocks(
        "Port workers\nend strike",
        "Port workers end strike",
        PUBLISHED,
        "The dock workers\n  returned to work\non Sunday.",
    )
    record = parse(text)
    assert record.headline == "Port workers end strike"
    assert record.body == ("The dock workers returned to work on Sunday.",)


def test_nul_byte_rejects_the_file_as_binary():
    assert "binary" in rejection(make_dump().encode("utf-8") + b"\x00")


def test_repair_that_yields_a_nul_character_rejects_the_file():
    # ftfy decodes the mojibake "À€" (bytes C0 80) as Java's encoding of NUL when the whole text
    # is mojibake; an NBSP left unrepaired would make it fix only the recognisable sequences.
    text = make_dump(
        published="Published : May 25, 2016, 6:31 am GMT",
        body=("Syria\u00e2\u20ac\u2122s \u00c0\u20ac",),
    )
    assert "NUL" in rejection(text)


@pytest.mark.parametrize(
    "data",
    [b"", b" \n\t\r\n", "\u00a0\u2003\n\n".encode(), b"\xef\xbb\xbf"],
    ids=["zero-bytes", "ascii-whitespace", "unicode-whitespace", "bom-only"],
)
def test_empty_file_is_rejected(data):
    assert "empty file" in rejection(data)


# Header, headline, deck


@pytest.mark.parametrize(
    "text",
    [join_blocks(PUBLISHED, *BODY), join_blocks(HEADER)],
    ids=["timestamps-first", "header-only"],
)
def test_no_headline_is_rejected(text):
    assert rejection(text) == "no headline"


def test_two_different_blocks_before_the_timestamps_reject_the_file():
    text = make_dump(header="A header in some other format", headline_copies=1)
    assert rejection(text).startswith("not a legacy dump")


@pytest.mark.parametrize("copies", [1, 2])
def test_headline_printed_once_or_twice(copies):
    assert parse(make_dump(headline_copies=copies)).headline == "Port workers end strike"


def test_headline_printed_three_times_is_not_this_format():
    assert rejection(make_dump(headline_copies=3)).startswith("not a legacy dump")


def test_repeated_first_block_after_the_timestamps_is_the_deck():
    record = parse(make_dump(deck="Toll hits 161"))
    assert record.deck == "Toll hits 161"
    assert record.body == BODY


def test_without_a_repeated_block_there_is_no_deck():
    record = parse(make_dump())
    assert record.deck is None
    assert record.body == BODY


def test_site_header_with_full_month_name():
    record = parse(make_dump(header="Sunday, December 10, 2023 | Last Update : 08:00 AM IST"))
    assert record.retrieved_at == datetime(2023, 12, 10, 2, 30, tzinfo=UTC)


def test_site_header_is_optional():
    record = parse(make_dump(header=None))
    assert record.retrieved_at is None
    assert record.headline == "Port workers end strike"


def test_site_header_with_unreadable_date_rejects_the_file():
    header = "Friday, Dec 08, 2023 | Last Update : 19:33 AM IST"
    assert rejection(make_dump(header=header)).startswith("unreadable site header date")


# Timestamps


@pytest.mark.parametrize(
    "label", ["Published:", "Published :", "Published\u00a0:", "Published \u00a0 :"]
)
def test_published_label_spacing(label):
    record = parse(make_dump(published=f"{label} May 25, 2016, 6:31 am GMT"))
    assert record.published_at == datetime(2016, 5, 25, 6, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    "month", ["Sep", "Sept", "September", "sep", "SEP", "SEPTEMBER", "Sept.", "Sep."]
)
def test_month_spellings(month):
    record = parse(make_dump(published=f"Published : {month} 2, 2018, 7:45 am GMT"))
    assert record.published_at == datetime(2018, 9, 2, 7, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    ("clock", "hour", "minute"),
    [
        ("12:05 am", 0, 5),
        ("12:00 pm", 12, 0),
        ("1:00 PM", 13, 0),
        ("11:59 p.m.", 23, 59),
        ("09:30 A.M.", 9, 30),
        ("7:15 P.M", 19, 15),
        ("6:31am", 6, 31),
    ],
)
def test_twelve_hour_clock(clock, hour, minute):
    record = parse(make_dump(published=f"Published : Mar 03, 2019, {clock} GMT"))
    assert record.published_at == datetime(2019, 3, 3, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("GMT", datetime(2019, 3, 3, 12, 15, tzinfo=UTC)),
        ("UTC", datetime(2019, 3, 3, 12, 15, tzinfo=UTC)),
        ("IST", datetime(2019, 3, 3, 6, 45, tzinfo=UTC)),
        ("ist", datetime(2019, 3, 3, 6, 45, tzinfo=UTC)),
    ],
)
def test_time_zones_are_stored_as_utc(zone, expected):
    record = parse(make_dump(published=f"Published : Mar 3, 2019, 12:15 pm {zone}"))
    assert record.published_at == expected
    assert record.published_at.utcoffset().total_seconds() == 0


def test_zone_map_is_configurable():
    zones = {**DEFAULT_TIME_ZONES, "EST": "America/New_York"}
    record = parse(make_dump(published="Published : Jan 5, 2019, 7:00 am EST"), zones=zones)
    assert record.published_at == datetime(2019, 1, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        make_dump(published="Published : Mar 3, 2019, 12:15 pm XYZ"),
        make_dump(updated="Updated : Mar 3, 2019, 12:15 pm XYZ"),
        make_dump(header="Friday, Dec 08, 2023 | Last Update : 09:33 AM XYZ"),
    ],
    ids=["published", "updated", "site-header"],
)
def test_unknown_time_zone_rejects_the_file(text):
    assert rejection(text) == "unknown time zone 'XYZ'"


@pytest.mark.parametrize(
    "date",
    [
        "Mar 3, 2019, 0:15 pm GMT",
        "Mar 3, 2019, 13:15 pm GMT",
        "Mar 3, 2019, 12:60 pm GMT",
        "Feb 30, 2019, 12:15 pm GMT",
        "Mar 0, 2019, 12:15 pm GMT",
        "Mars 3, 2019, 12:15 pm GMT",
        "Mar 3, 2019, 12:15 GMT",
        "3 March 2019, 12:15 pm GMT",
        "",
    ],
)
def test_unreadable_published_date_rejects_the_file(date):
    reason = rejection(make_dump(published=f"Published : {date}"))
    assert reason.startswith("unreadable Published date")


def test_unreadable_updated_date_rejects_the_file():
    reason = rejection(make_dump(updated="Updated : Mar 3, 2019, 25:00 pm GMT"))
    assert reason.startswith("unreadable Updated date")


def test_missing_published_line_rejects_the_file():
    text = make_dump(published=None, updated="Updated : May 25, 2016, 6:31 am GMT")
    assert rejection(text) == "no Published line"


def test_repeated_published_line_rejects_the_file():
    text = make_dump(updated=PUBLISHED)
    assert rejection(text) == "more than one Published line"


def test_updated_is_optional():
    assert parse(make_dump()).updated_at is None


def test_updated_after_published_is_kept():
    record = parse(make_dump(updated="Updated : May 25, 2016, 8:00 am GMT"))
    assert record.updated_at == datetime(2016, 5, 25, 8, 0, tzinfo=UTC)
    assert record.warnings == ()


def test_updated_before_published_is_dropped_with_a_warning():
    record = parse(make_dump(updated="Updated : May 24, 2016, 6:31 am GMT"))
    assert record.updated_at is None
    assert len(record.warnings) == 1
    assert "earlier than Published" in record.warnings[0]


def test_timestamps_in_separate_blocks_and_text_glued_under_them():
    text = join_blocks(
        "Port workers end strike",
        "Updated : May 26, 2016, 9:00 am GMT",
        f"{PUBLISHED}\nFirst paragraph.",
        "Second paragraph.",
    )
    record = parse(text)
    assert record.published_at == datetime(2016, 5, 25, 6, 31, tzinfo=UTC)
    assert record.updated_at == datetime(2016, 5, 26, 9, 0, tzinfo=UTC)
    assert record.body == BODY


# LegacyDateline


@pytest.mark.parametrize(
    ("location", "dateline"),
    [
        ("Location: Nepal", LegacyDateline("Nepal", None, None)),
        ("Location: Lebanon, Beirut", LegacyDateline("Lebanon", None, "Beirut")),
        ("Location: India, Delhi, New Delhi", LegacyDateline("India", "Delhi", "New Delhi")),
        (
            "Location: USA, New York, Kings County, Brooklyn",
            LegacyDateline("USA", "New York, Kings County", "Brooklyn"),
        ),
        ("Location :\u00a0India ,  , Mumbai ", LegacyDateline("India", None, "Mumbai")),
        ("Location:", None),
        ("Location: , ", None),
        (None, None),
    ],
    ids=[
        "country",
        "country-city",
        "three-parts",
        "four-parts",
        "blank-part",
        "empty",
        "commas",
        "absent",
    ],
)
def test_dateline(location, dateline):
    record = parse(make_dump(location=location))
    assert record.dateline == dateline
    assert record.body == BODY


def test_location_glued_under_the_last_paragraph():
    record = parse(join_blocks("Port workers end strike", PUBLISHED, "Only.\nLocation: Nepal"))
    assert record.body == ("Only.",)
    assert record.dateline == LegacyDateline("Nepal", None, None)


# Rejects: no body


@pytest.mark.parametrize(
    "text",
    [
        make_dump(deck="Toll hits 161", body=()),
        make_dump(body=()),
        make_dump(body=(), location=None),
    ],
    ids=["deck-pair-only", "location-only", "nothing-after-timestamps"],
)
def test_no_body_paragraph_rejects_the_file(text):
    assert rejection(text) == "no body paragraph"


def test_single_block_after_the_timestamps_is_body():
    record = parse(make_dump(body=("Only paragraph.",)))
    assert record.deck is None
    assert record.body == ("Only paragraph.",)


# Identity and output


@pytest.mark.parametrize(
    ("filename", "legacy_id"),
    [
        ("000_386ae2120d209c35.txt", "386ae2120d209c35"),
        ("1234_0F1E2D3C4B5A6978.txt", "0F1E2D3C4B5A6978"),
        ("story-about-ports.txt", "story-about-ports"),
        ("000_386ae2120d209c3.txt", "000_386ae2120d209c3"),
        ("000_386ae2120d209c35", "000_386ae2120d209c35"),
    ],
)
def test_legacy_id_for(filename, legacy_id):
    assert legacy_id_for(filename) == legacy_id


def test_record_as_json():
    text = make_dump(
        deck="Toll hits 161",
        updated="Updated : May 24, 2016, 6:31 am GMT",
        location="Location: Lebanon, Beirut",
    )
    result = parse_dump(text.encode("utf-8"), "story.txt").as_json()
    assert result == {
        "file": "story.txt",
        "status": "ok",
        "legacy_id": "story",
        "headline": "Port workers end strike",
        "deck": "Toll hits 161",
        "published_at": "2016-05-25T06:31:00+00:00",
        "updated_at": None,
        "retrieved_at": "2023-12-08T04:03:00+00:00",
        "dateline": {"country": "Lebanon", "region": None, "city": "Beirut"},
        "body": list(BODY),
        "warnings": [result["warnings"][0]],
    }
    assert json.loads(json.dumps(result)) == result


def test_record_as_json_leaves_out_warnings_when_there_are_none():
    assert "warnings" not in parse(make_dump()).as_json()


def test_rejection_as_json():
    assert RejectedDump("empty file").as_json("x.txt") == {
        "file": "x.txt",
        "status": "error",
        "error": "empty file",
    }


def test_story_digest_ignores_when_and_where_it_was_scraped():
    story = b"Headline\n\nPublished : May 25, 2016, 6:31 am IST\n\nBody.\n"
    header = b"Friday, Dec 08, 2023 | Last Update : 09:33 AM IST\n\n"
    later = header.replace(b"Dec 08", b"Dec 09")

    first = story_digest(parse_dump(header + story, "a.txt"))

    assert story_digest(parse_dump(later + story, "a.txt")) == first
    assert story_digest(parse_dump(story.replace(b"Body", b"New body"), "a.txt")) != first


@pytest.mark.parametrize(
    ("headline", "filename", "location", "reason"),
    [
        ("H" * 256, "a.txt", "India", "headline longer than 255 characters"),
        ("Headline", "x" * 65 + ".txt", "India", "file name too long for a legacy id"),
        ("Headline", "a.txt", "India, " + "M" * 101, "a Location part is longer than 100"),
    ],
)
def test_values_longer_than_the_newsroom_stores_reject_the_file(
    headline, filename, location, reason
):
    dump = f"{headline}\n\nPublished : May 25, 2016, 6:31 am IST\n\nBody.\n\nLocation: {location}\n"

    with pytest.raises(RejectedDump, match=reason):
        parse_dump(dump.encode(), filename)


def test_longest_stored_values_are_accepted():
    dump = (
        f"{'H' * 255}\n\nPublished : May 25, 2016, 6:31 am IST\n\nBody.\n\nLocation: {'C' * 100}\n"
    )

    record = parse_dump(dump.encode(), "x" * 64 + ".txt")

    assert (len(record.headline), len(record.legacy_id), len(record.dateline.country)) == (
        255,
        64,
        100,
    )


@pytest.mark.parametrize(
    ("codec", "bom", "reason"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16 text (little-endian, with a byte order mark)"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16 text (big-endian, with a byte order mark)"),
        ("utf-16-le", b"", "UTF-16 text (little-endian, no byte order mark)"),
        ("utf-16-be", b"", "UTF-16 text (big-endian, no byte order mark)"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32 text (little-endian, with a byte order mark)"),
        ("utf-32-le", b"", "UTF-32 text (little-endian, no byte order mark)"),
    ],
)
def test_a_dump_in_utf16_or_utf32_is_rejected_as_such_not_as_binary(codec, bom, reason):
    data = bom + make_dump(headline="Caf\u00e9 \u0928\u092e\u0938\u094d\u0924\u0947").encode(codec)

    assert (
        rejection(data) == f"{reason}: dumps are UTF-8 or Windows-1252; convert the file to UTF-8"
    )


def test_binary_with_nul_bytes_is_still_binary():
    assert rejection(bytes(range(256)) * 4) == "binary file: it contains a NUL byte"
    assert (
        rejection(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == "binary file: it contains a NUL byte"
    )


def test_control_characters_are_removed_with_a_warning():
    text = make_dump(
        headline="Bell\x07 and escape\x1b[31m",
        body=("Del\x7f and C1\x9b here.", "Second."),
        location="Location: India\x01, Mumbai",
    )

    record = parse(text)

    assert record.headline == "Bell and escape[31m"
    assert record.body == ("Del and C1 here.", "Second.")
    assert record.dateline == LegacyDateline("India", None, "Mumbai")
    assert record.warnings == (
        "control characters removed: U+0001, U+0007, U+001B, U+007F, U+009B",
    )


def test_controls_python_counts_as_whitespace_are_spaces_without_a_warning():
    record = parse(make_dump(body=("Form\x0cfeed, vertical\x0btab, unit\x1fseparator.",)))

    assert record.body == ("Form feed, vertical tab, unit separator.",)
    assert record.warnings == ()


def test_invisible_formatting_is_removed_with_a_warning_naming_it():
    text = make_dump(
        headline="Port\u200b workers \u202eend strike",
        body=("Mi\u200cs words \u202ekept\u202c.",),
        location="Location: India, Mum\u2066bai",
    )

    record = parse_dump(text.encode(), FILENAME)

    assert record.headline == "Port workers end strike"
    assert record.body == ("Mi\u200cs words kept\u202c.",)  # a body keeps joiners
    assert record.dateline.city == "Mumbai"
    assert record.warnings == (
        "invisible formatting characters removed: U+200B ZERO WIDTH SPACE,"
        " U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LEFT-TO-RIGHT ISOLATE",
    )


def test_a_headline_of_invisible_formatting_only_is_no_headline():
    with pytest.raises(RejectedDump, match="no headline"):
        parse_dump(make_dump(headline="\u200b\u200d").encode(), FILENAME)
