"""Reading dumps from files, folders and archives: pure, no database."""

import gc
import hashlib
import io
import os
import tarfile
import zipfile
from itertools import islice
from pathlib import Path

import pytest

from articles.importer import sources
from articles.importer.format import DEFAULT_TIME_ZONES
from articles.importer.sources import Limits, count_dumps, iter_dumps, parse_dumps


def write(path, data=b"story"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def read_all(*paths, limits=None):
    dumps = iter_dumps(list(paths), limits or Limits())
    return [(dump.path, dump.data, dump.error) for dump in dumps]


def test_folder_yields_every_txt_recursively_by_name(tmp_path):
    root = tmp_path / "dumps"
    write(root / "b.txt", b"B")
    write(root / "a" / "z.txt", b"AZ")
    write(root / "a" / "notes.md", b"ignored")
    write(root / "C.TXT", b"C")

    assert read_all(root) == [
        ("dumps/C.TXT", b"C", None),
        ("dumps/a/z.txt", b"AZ", None),
        ("dumps/b.txt", b"B", None),
    ]
    assert count_dumps([root]) == 3


def test_a_named_file_is_read_whatever_its_extension(tmp_path):
    assert read_all(write(tmp_path / "dump.dat", b"x")) == [("dump.dat", b"x", None)]


def test_links_inside_a_folder_are_not_followed(tmp_path):
    secret = write(tmp_path / "outside" / "secret.txt", b"not yours")
    root = tmp_path / "dumps"
    write(root / "real.txt")
    (root / "link.txt").symlink_to(secret)
    (root / "linked-folder").symlink_to(secret.parent, target_is_directory=True)

    assert read_all(root) == [
        ("dumps/link.txt", None, "symbolic link: not followed"),
        ("dumps/real.txt", b"story", None),
    ]


def test_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = write(tmp_path / "big.txt", b"x" * 101)
    small = write(tmp_path / "small.txt", b"x" * 100)

    assert read_all(big, small, limits=Limits(max_file_bytes=100)) == [
        ("big.txt", None, "larger than the limit of 100 bytes per file"),
        ("small.txt", b"x" * 100, None),
    ]


def test_missing_path_is_a_clear_error(tmp_path):
    assert read_all(tmp_path / "nowhere.txt") == [
        (str(tmp_path / "nowhere.txt"), None, "cannot read: no such file or directory")
    ]


def test_special_file_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    assert read_all(fifo) == [(str(fifo), None, "not a regular file")]
    assert read_all(tmp_path) == [(f"{tmp_path.name}/pipe.txt", None, "not a regular file")]


def make_zip(path, members, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def make_tar(path, members, links=()):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return path


@pytest.mark.parametrize("maker", [make_zip, make_tar])
def test_archive_members_are_read_and_unsafe_names_refused(tmp_path, maker):
    suffix = ".zip" if maker is make_zip else ".tar.gz"
    archive = maker(
        tmp_path / f"dumps{suffix}",
        {"2016/b.txt": b"B", "a.txt": b"A", "../escape.txt": b"E", "/abs.txt": b"X", "x.md": b"M"},
    )

    results = sorted(read_all(archive))

    name = archive.name
    assert results == sorted(
        [
            (f"{name}:2016/b.txt", b"B", None),
            (f"{name}:a.txt", b"A", None),
            (f"{name}:../escape.txt", None, "unsafe path in archive: not read"),
            (f"{name}:/abs.txt", None, "unsafe path in archive: not read"),
        ]
    )


def test_links_in_a_tar_are_not_followed(tmp_path):
    archive = make_tar(tmp_path / "dumps.tar.gz", {"a.txt": b"A"}, links=[("l.txt", "/etc/passwd")])

    assert read_all(archive) == [
        ("dumps.tar.gz:a.txt", b"A", None),
        ("dumps.tar.gz:l.txt", None, "link in archive: not followed"),
    ]


def test_links_in_a_zip_are_not_followed(tmp_path):
    path = tmp_path / "dumps.zip"
    with zipfile.ZipFile(path, "w") as archive:
        link = zipfile.ZipInfo("l.txt")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")

    assert read_all(path) == [("dumps.zip:l.txt", None, "link in archive: not followed")]


@pytest.mark.parametrize("maker", [make_zip, make_tar])
def test_archive_expanding_beyond_the_cap_is_stopped(tmp_path, maker):
    suffix = ".zip" if maker is make_zip else ".tar.gz"
    # Highly compressible members: a few KB on disk expanding to far more.
    members = {f"{n:03}.txt": b"\0" * 40_000 for n in range(10)}
    archive = maker(tmp_path / f"bomb{suffix}", members)
    assert archive.stat().st_size < 20_000

    results = read_all(archive, limits=Limits(max_file_bytes=50_000, max_archive_bytes=100_000))

    assert len(results) == 3
    assert results[-1] == (
        archive.name,
        None,
        "archive expands beyond the limit of 100,000 bytes: stopped reading it",
    )


def test_oversized_member_is_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"big.txt": b"x" * 11, "ok.txt": b"x"})

    assert read_all(archive, limits=Limits(max_file_bytes=10)) == [
        ("a.zip:big.txt", None, "larger than the limit of 10 bytes per file"),
        ("a.zip:ok.txt", b"x", None),
    ]


@pytest.mark.parametrize("suffix", [".zip", ".tar.gz"])
def test_corrupt_archive_is_a_clear_error(tmp_path, suffix):
    archive = write(tmp_path / f"broken{suffix}", b"this is not an archive")

    [(path, data, error)] = read_all(archive)

    assert (path, data) == (archive.name, None)
    assert error.startswith("unreadable archive")


def test_count_is_unknown_for_a_compressed_tar(tmp_path):
    archive = make_tar(tmp_path / "dumps.tar.gz", {"a.txt": b"A"})
    zipped = make_zip(tmp_path / "dumps.zip", {"a.txt": b"A", "b.txt": b"B", "c.md": b""})

    assert count_dumps([zipped]) == 2
    assert count_dumps([zipped, archive]) is None


STORY = b"Headline\n\nPublished : May 25, 2016, 6:31 am IST\n\nBody.\n"


@pytest.mark.parametrize("workers", [1, 2])
def test_parsing_keeps_input_order_and_carries_rejections(tmp_path, workers):
    root = tmp_path / "dumps"
    for n in range(25):
        write(root / f"{n:03}.txt", STORY if n % 5 else b"")

    parsed = list(parse_dumps(iter_dumps([root]), DEFAULT_TIME_ZONES, workers, chunk_size=4))

    assert [dump.path for dump in parsed] == [f"dumps/{n:03}.txt" for n in range(25)]
    rejected = [(dump.name, dump.error) for dump in parsed if dump.record is None]
    assert rejected == [(f"{n:03}.txt", "empty file") for n in range(0, 25, 5)]
    assert {dump.record.headline for dump in parsed if dump.record} == {"Headline"}
    digests = {dump.file_digest for dump in parsed if dump.record}
    assert digests == {hashlib.sha256(STORY).hexdigest()}
    assert all(dump.story_digest for dump in parsed if dump.record)


@pytest.mark.parametrize("workers", [1, 2])
def test_dumps_with_the_bytes_imported_last_time_are_skipped_unparsed(tmp_path, workers):
    write(tmp_path / "same.txt", STORY)
    write(tmp_path / "changed.txt", STORY.replace(b"Body", b"New body"))
    write(tmp_path / "new.txt", STORY)
    imported = {"same": hashlib.sha256(STORY).hexdigest(), "changed": "0" * 64}
    asked = []

    def imported_digests(legacy_ids):
        asked.append(legacy_ids)
        return imported

    parsed = parse_dumps(iter_dumps([tmp_path]), DEFAULT_TIME_ZONES, workers, imported_digests)

    assert [(d.name, d.skipped, bool(d.record)) for d in parsed] == [
        ("changed.txt", False, True),
        ("new.txt", False, True),
        ("same.txt", True, False),
    ]
    assert asked == [["changed", "new", "same"]]


def test_undecodable_and_control_character_names_in_a_folder_are_rejected_unread(tmp_path):
    root = tmp_path / "dumps"
    for name in [b"a.txt", b"bad\xff\xfe.txt", b"esc\x1b.txt", b"z.txt"]:
        write(Path(os.fsdecode(bytes(root) + b"/" + name)))
    write(Path(os.fsdecode(bytes(root) + b"/caf\xe9/ok.txt")))

    assert read_all(root) == [
        ("dumps/a.txt", b"story", None),
        ("dumps/bad\\xff\\xfe.txt", None, "file name is not valid UTF-8: not read"),
        ("dumps/caf\\xe9/ok.txt", b"story", None),  # only the folder's name is escaped
        ("dumps/esc\\x1b.txt", None, "file name holds control characters: not read"),
        ("dumps/z.txt", b"story", None),
    ]


def test_a_colon_in_a_file_name_is_part_of_its_name(tmp_path):
    write(tmp_path / "dumps" / "a:1.txt")
    archive = make_zip(tmp_path / "dumps.zip", {"2016/b:2.txt": b"story", "c:3.txt": b"story"})

    dumps = list(iter_dumps([tmp_path / "dumps", archive]))

    assert [dump.name for dump in dumps] == ["a:1.txt", "b:2.txt", "c:3.txt"]


def test_undecodable_tar_member_name_is_rejected_and_the_rest_read(tmp_path):
    path = tmp_path / "dumps.tar.gz"
    # The GNU format stores names as raw bytes; PAX would store them as UTF-8.
    with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT, encoding="latin-1") as archive:
        for name in ["a.txt", "caf\xe9.txt", "z.txt"]:
            info = tarfile.TarInfo(name)
            info.size = 1
            archive.addfile(info, io.BytesIO(b"x"))

    assert read_all(path) == [
        ("dumps.tar.gz:a.txt", b"x", None),
        ("dumps.tar.gz:caf\\xe9.txt", None, "file name is not valid UTF-8: not read"),
        ("dumps.tar.gz:z.txt", b"x", None),
    ]


def test_zip_member_with_a_crc_mismatch_says_so(tmp_path):
    members = {"a.txt": b"AAAA", "b.txt": b"BBBB", "c.txt": b"CCCC"}
    path = make_zip(tmp_path / "dumps.zip", members, zipfile.ZIP_STORED)  # the data is plain
    path.write_bytes(path.read_bytes().replace(b"BBBB", b"BBBX"))

    assert read_all(path) == [
        ("dumps.zip:a.txt", b"AAAA", None),
        ("dumps.zip:b.txt", None, "unreadable member: Bad CRC-32 for file 'b.txt'"),
        ("dumps.zip:c.txt", b"CCCC", None),
    ]


def set_header_field(path, member: str, local_at: int, central_at: int, value: int):
    """Set a two-byte field of `member` in a zip's local and central headers (APPNOTE 4.3)."""
    raw = bytearray(path.read_bytes())
    for signature, field_at, name_length_at, header_length in [
        (b"PK\x03\x04", local_at, 26, 30),
        (b"PK\x01\x02", central_at, 28, 46),
    ]:
        at = raw.find(signature)
        while at != -1:
            length = int.from_bytes(raw[at + name_length_at : at + name_length_at + 2], "little")
            if raw[at + header_length : at + header_length + length] == member.encode():
                raw[at + field_at : at + field_at + 2] = value.to_bytes(2, "little")
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))


def test_a_reason_quoting_a_name_with_control_characters_is_escaped(tmp_path):
    name = "\x1b[2J.txt"  # a terminal escape sequence in the summary would clear the screen
    path = make_zip(tmp_path / "dumps.zip", {name: b"BBBB"}, zipfile.ZIP_STORED)
    path.write_bytes(path.read_bytes().replace(b"BBBB", b"BBBX"))

    assert read_all(path) == [
        (
            "dumps.zip:\\x1b[2J.txt",
            None,
            "unreadable member: Bad CRC-32 for file '\\x1b[2J.txt'",
        )
    ]


def test_zip_member_with_an_unsupported_compression_is_rejected_and_the_rest_read(tmp_path):
    members = {name: name.encode() for name in ["a.txt", "b.txt", "c.txt"]}
    path = make_zip(tmp_path / "dumps.zip", members, zipfile.ZIP_STORED)
    set_header_field(path, "b.txt", local_at=8, central_at=10, value=99)  # compression method

    assert read_all(path) == [
        ("dumps.zip:a.txt", b"a.txt", None),
        ("dumps.zip:b.txt", None, "unreadable member: That compression method is not supported"),
        ("dumps.zip:c.txt", b"c.txt", None),
    ]


def test_encrypted_zip_member_is_rejected_unread(tmp_path):
    path = make_zip(tmp_path / "dumps.zip", {"a.txt": b"A", "b.txt": b"encrypted bytes"})
    set_header_field(path, "b.txt", local_at=6, central_at=8, value=0x1)  # flags: encrypted

    assert read_all(path) == [
        ("dumps.zip:a.txt", b"A", None),
        ("dumps.zip:b.txt", None, "encrypted member: not read"),
    ]


def test_truncated_tar_rejects_the_damaged_member_and_keeps_those_before(tmp_path):
    whole = tmp_path / "whole.tar.gz"
    members = {name: os.urandom(100_000) for name in ["a.txt", "b.txt", "c.txt"]}
    make_tar(whole, members)
    path = write(tmp_path / "cut.tar.gz", whole.read_bytes()[:150_000])

    assert read_all(path) == [
        ("cut.tar.gz:a.txt", members["a.txt"], None),
        ("cut.tar.gz:b.txt", None, "unreadable member: unexpected end of data"),
        ("cut.tar.gz", None, "unreadable archive: stopped at a damaged member"),
    ]


def test_zip_member_whose_name_is_flagged_utf8_but_is_not_is_rejected_alone(tmp_path):
    path = make_zip(tmp_path / "dumps.zip", {"a.txt": b"A", "café.txt": b"C", "z.txt": b"Z"})
    path.write_bytes(path.read_bytes().replace("café".encode(), b"caf\xe9\xff"))

    assert read_all(path) == [
        ("dumps.zip:a.txt", b"A", None),
        ("dumps.zip:caf\\xe9\\xff.txt", None, "file name is not valid UTF-8: not read"),
        ("dumps.zip:z.txt", b"Z", None),
    ]
    assert count_dumps([path]) == 3  # for the progress bar on a terminal


def test_zip_member_whose_local_name_alone_is_not_utf8_is_rejected_alone(tmp_path):
    path = make_zip(tmp_path / "dumps.zip", {"a.txt": b"A", "é.txt": b"E", "z.txt": b"Z"})
    raw = path.read_bytes()
    local = raw.index("é".encode())  # the local header's copy comes first
    path.write_bytes(raw[:local] + b"\xff\xff" + raw[local + 2 :])

    [a, z, e] = read_all(path)  # by name: "é" after "z"

    assert (a, z) == (("dumps.zip:a.txt", b"A", None), ("dumps.zip:z.txt", b"Z", None))
    assert e[:2] == ("dumps.zip:é.txt", None)
    assert e[2].startswith("unreadable member: 'utf-8' codec can't decode")


def test_a_zip_is_read_a_window_of_members_at_a_time_in_name_order(tmp_path, monkeypatch):
    members = {f"{n:03}.txt": f"{n}".encode() for n in reversed(range(25))}
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 10)  # zip64 end records past 10
    path = make_zip(tmp_path / "dumps.zip", members)
    monkeypatch.undo()
    monkeypatch.setattr(sources, "_ZIP_WINDOW", 7)

    assert read_all(path) == [(f"dumps.zip:{n:03}.txt", f"{n}".encode(), None) for n in range(25)]
    assert count_dumps([path]) == 25


def test_a_zip_after_other_data_is_read(tmp_path):
    """A self-extracting archive: a program first, then the zip, its offsets from its start."""
    zipped = make_zip(tmp_path / "plain.zip", {"a.txt": b"A", "b.txt": b"B"})
    path = write(tmp_path / "dumps.zip", b"#!/bin/sh\nexit 0\n" * 100 + zipped.read_bytes())

    assert read_all(path) == [("dumps.zip:a.txt", b"A", None), ("dumps.zip:b.txt", b"B", None)]


def test_chunks_to_workers_are_bounded_by_bytes_not_only_files(tmp_path):
    root = tmp_path / "dumps"
    for n in range(12):
        write(root / f"{n:03}.txt", STORY + b"x" * 1000)
    sent = []

    def imported_digests(legacy_ids):  # asked once per chunk, as the chunk is formed
        sent.append(len(legacy_ids))
        return {}

    parsed = list(
        parse_dumps(
            iter_dumps([root]),
            DEFAULT_TIME_ZONES,
            2,
            imported_digests,
            chunk_size=200,
            max_bytes_in_flight=4 * 3 * len(STORY + b"x" * 1000),
        )
    )

    assert sent == [3, 3, 3, 3]  # four chunks in flight for two workers, three dumps each
    assert [dump.name for dump in parsed] == [f"{n:03}.txt" for n in range(12)]
    assert {dump.size for dump in parsed} == {len(STORY) + 1000}


def test_a_dump_larger_than_a_chunks_share_travels_alone(tmp_path):
    root = tmp_path / "dumps"
    write(root / "big.txt", STORY + b"x" * 5000)
    write(root / "small.txt", STORY)
    sent = []

    def imported_digests(legacy_ids):
        sent.append(legacy_ids)
        return {}

    parsed = list(
        parse_dumps(iter_dumps([root]), DEFAULT_TIME_ZONES, 1, imported_digests, 200, 1000)
    )

    assert sent == [["big"], ["small"]]
    assert [dump.record.headline for dump in parsed] == ["Headline", "Headline"]


@pytest.mark.parametrize(
    ("maker", "suffix", "header", "most_alive"),
    [
        (make_zip, ".zip", zipfile.ZipInfo, sources._ZIP_WINDOW),
        (make_tar, ".tar.gz", tarfile.TarInfo, 10),
    ],
)
def test_reading_an_archive_does_not_keep_every_members_header(
    tmp_path, maker, suffix, header, most_alive
):
    """zipfile alone indexes every member of a zip it opens; tarfile keeps every header read."""
    path = maker(tmp_path / f"many{suffix}", {f"{n:05}.txt": b"" for n in range(25_000)})
    dumps = iter_dumps([path])  # alive, half-read, while the headers are counted

    read = sum(1 for _ in islice(dumps, 20_000))
    # type(), not isinstance(): isinstance() asks a lazy object (a finished request's CSP
    # nonce, left for the collector by an earlier test) for its class, which evaluates it.
    alive = sum(type(obj) is header for obj in gc.get_objects())

    assert read == 20_000
    assert alive <= most_alive
