"""Where legacy dumps come from: files, folders and archives, read safely and lazily.

No database and no Django here. Each source yields `DumpFile`s one at a time so that memory
does not grow with the size of the archive. The input is untrusted: files over a size limit are
refused, links are never followed, archive members with absolute or parent-relative names are
refused, and an archive that expands beyond a total size is stopped (zip bombs).

Any file name is survived: one that is not valid UTF-8 or holds control characters is rejected
unread, and its reported path shows each offending byte or character as a `\\xNN` escape
(`bad\\xff\\xfe.txt`). One unreadable archive member (bad CRC-32, truncated, unsupported
compression, encrypted) is rejected with its reason and the rest of the archive is read.
"""

import hashlib
import io
import multiprocessing
import os
import stat
import struct
import tarfile
import threading
import time
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO, NamedTuple

from articles.text import has_control_characters

from .format import LegacyRecord, RejectedDump, legacy_id_for, parse_dump, story_digest

DEFAULT_MAX_FILE_BYTES = 1024 * 1024
DEFAULT_MAX_ARCHIVE_BYTES = 4 * 1024**3
# Bytes of dumps held at once while they are read, parsed and wait to be stored: see parse_dumps.
DEFAULT_MEMORY_BUDGET_BYTES = 16 * 1024**2
# From the zip specification, APPNOTE.TXT 4.3.12-4.3.16 and 4.4.4.
_ZIP_CENTRAL_HEADER = b"PK\x01\x02"
_ZIP_ENCRYPTED = 0x1
_ZIP_UTF8 = 0x800
_ZIP_END = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_ZIP_CENTRAL = struct.Struct("<4s6H3L5H2L")
# Members zipfile indexes at once (about 5 MB): the reader shows it the archive a window at a time.
_ZIP_WINDOW = 10_000
# What reading one archive member can raise when its data is damaged: a bad CRC-32 or a
# truncated member (BadZipFile, EOFError, zlib.error), a compression method zipfile does not
# support (NotImplementedError), a local header name flagged UTF-8 that is not
# (UnicodeDecodeError), or a broken tar stream (TarError).
_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    EOFError,
    zlib.error,
    NotImplementedError,
    UnicodeDecodeError,
    tarfile.TarError,
)


@dataclass(frozen=True, slots=True)
class DumpFile:
    """One dump to read: its bytes, or the reason it could not be read."""

    path: str  # where it came from, for reports: "dumps/2016/000_x.txt", "a.zip:000_x.txt"
    data: bytes | None = None
    error: str | None = None

    @property
    def name(self) -> str:
        """The file's own name, which gives the legacy id; a colon in it is part of it."""
        archive, colon, member = self.path.partition(":")
        inside_archive = bool(colon) and "/" not in archive and is_archive(archive)
        return PurePosixPath(member if inside_archive else self.path).name


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_archive_bytes: int = DEFAULT_MAX_ARCHIVE_BYTES


def is_archive(path: str | Path) -> bool:
    name = str(path).lower()
    return name.endswith((".zip", ".tar.gz", ".tgz"))


def iter_dumps(paths: list[str | Path], limits: Limits = Limits()) -> Iterator[DumpFile]:
    """Every dump under the given paths: each path in the order given, its contents by name."""
    for dump in _iter_paths(paths, limits):
        yield _with_printable_path(dump)


def _printable_path(path: str) -> str:
    """`path` with each byte that is not UTF-8 and each control character as a `\\xNN` escape.

    The OS hands undecodable bytes over as lone surrogates (PEP 383), which no report, terminal
    or database takes; the escaped path can be shown and stored anywhere.
    """
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if not has_control_characters(text):
        return text
    return "".join(f"\\x{ord(char):02x}" if has_control_characters(char) else char for char in text)


def _with_printable_path(dump: DumpFile) -> DumpFile:
    """`dump` with a printable path and reason, rejected if its own name needed escaping.

    A folder or archive name that needed it only changes how the path is shown; the file's
    name gives the story's legacy id, so an escaped one would be an id nobody chose.
    """
    shown = _printable_path(dump.path)
    # A reason can quote a member's name too ("Bad CRC-32 for file ...").
    error = dump.error and _printable_path(dump.error)
    if (shown, error) == (dump.path, dump.error):
        return dump
    if error is None and _printable_path(dump.name) != dump.name:
        undecodable = any("\udc80" <= char <= "\udcff" for char in dump.name)
        problem = "is not valid UTF-8" if undecodable else "holds control characters"
        return DumpFile(shown, error=f"file name {problem}: not read")
    return replace(dump, path=shown, error=error)


def _iter_paths(paths: list[str | Path], limits: Limits) -> Iterator[DumpFile]:
    for given in paths:
        path = Path(given)
        try:
            # A path the operator names is followed even when it is a link: that is their choice.
            mode = path.stat().st_mode
        except OSError as exc:
            yield DumpFile(str(path), error=f"cannot read: {exc.strerror.lower()}")
            continue
        if stat.S_ISDIR(mode):
            yield from _iter_folder(path, limits)
        elif not stat.S_ISREG(mode):
            yield DumpFile(str(path), error="not a regular file")
        elif is_archive(path):
            yield from _iter_archive(path, limits)
        else:
            yield _read_file(path, path.name, limits)


@dataclass(frozen=True, slots=True)
class ParsedDump:
    """What reading one dump gave: a record, a rejection, or neither when it was skipped."""

    path: str
    name: str
    file_digest: str = ""  # SHA-256 of the file's bytes
    record: LegacyRecord | None = None
    story_digest: str = ""  # legacy.story_digest of the record, computed by the worker
    error: str | None = None
    size: int = 0  # bytes of the file: about what its parsed record holds in memory

    @property
    def skipped(self) -> bool:
        """The bytes are the ones imported last time, so the file was not parsed again."""
        return self.record is None and self.error is None


def parse_dumps(
    dumps: Iterable[DumpFile],
    zones: Mapping[str, str],
    workers: int = 1,
    imported_digests: Callable[[list[str]], Mapping[str, str]] | None = None,
    chunk_size: int = 200,
    max_bytes_in_flight: int = DEFAULT_MEMORY_BUDGET_BYTES,
) -> Iterator[ParsedDump]:
    """Each dump parsed, in input order.

    `imported_digests` maps legacy ids to the digest of the bytes last imported for them; a dump
    with the same bytes is skipped unparsed, which is what makes a re-run of an archive fast.

    With more than one worker, parsing runs in that many processes while the caller stores what
    is already parsed. Memory is bounded by bytes, not by files: a chunk holds at most
    `chunk_size` dumps and its share of `max_bytes_in_flight`, and chunks are sent to the
    workers only while the bytes of those in flight stay within it (two chunks per worker at
    most). A dump larger than a chunk's share travels alone.
    """
    dumps, zones = iter(dumps), dict(zones)
    lookup = imported_digests or (lambda ids: {})
    chunk_bytes = max_bytes_in_flight // (2 * workers)
    chunks = (
        (chunk, size, dict(lookup([legacy_id_for(dump.name) for dump in chunk])))
        for chunk, size in _chunks(dumps, chunk_size, chunk_bytes)
    )
    if workers <= 1:
        for chunk, _, known in chunks:
            yield from _parse_chunk(chunk, zones, known)
        return
    # Spawned, not forked, so that no worker holds a copy of the caller's database connection.
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        in_flight: deque[tuple[Future, int]] = deque()
        bytes_in_flight = 0
        for chunk, size, known in chunks:
            while in_flight and (
                len(in_flight) >= 2 * workers or bytes_in_flight + size > max_bytes_in_flight
            ):
                done, done_size = in_flight.popleft()
                bytes_in_flight -= done_size
                yield from done.result()
            in_flight.append((pool.submit(_parse_chunk, chunk, zones, known), size))
            bytes_in_flight += size
            del chunk  # the pool holds it until parsed; this frame should not hold it longer
        while in_flight:
            yield from in_flight.popleft()[0].result()


def _chunks(
    dumps: Iterator[DumpFile], max_files: int, max_bytes: int
) -> Iterator[tuple[list[DumpFile], int]]:
    """(dumps, their bytes) in runs of at most `max_files` and `max_bytes`, never empty."""
    chunk: list[DumpFile] = []
    size = 0
    for dump in dumps:
        dump_size = len(dump.data or b"")
        if chunk and (len(chunk) >= max_files or size + dump_size > max_bytes):
            yield chunk, size
            chunk, size = [], 0
        chunk.append(dump)
        size += dump_size
    if chunk:
        yield chunk, size


def _exit_with_parent(parent: int) -> None:
    """Make a worker end when its parent dies, even by kill -9, rather than wait forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _parse_chunk(
    dumps: list[DumpFile], zones: Mapping[str, str], known: Mapping[str, str]
) -> list[ParsedDump]:
    parsed = []
    for dump in dumps:
        digest = hashlib.sha256(dump.data).hexdigest() if dump.data is not None else ""
        size = len(dump.data) if dump.data is not None else 0
        result = ParsedDump(dump.path, dump.name, digest, error=dump.error, size=size)
        if dump.error is None and known.get(legacy_id_for(dump.name)) != digest:
            try:
                record = parse_dump(dump.data, dump.name, zones)
                result = replace(result, record=record, story_digest=story_digest(record))
            except RejectedDump as exc:
                result = replace(result, error=str(exc))
        parsed.append(result)
    return parsed


def count_dumps(paths: list[str | Path]) -> int | None:
    """How many dumps `iter_dumps` will yield, when that is cheap to know (for a progress bar)."""
    total = 0
    for given in paths:
        path = Path(given)
        if path.is_dir():
            total += sum(1 for _ in _walk(path, path))
        elif str(path).lower().endswith(".zip"):
            try:
                with path.open("rb") as file:
                    entries, _, _ = _zip_entries(file)
                total += sum(1 for entry in entries if entry.name.lower().endswith(".txt"))
            except (OSError, zipfile.BadZipFile):
                total += 1
        elif is_archive(path):
            return None  # a compressed tar must be read to the end to be counted
        else:
            total += 1
    return total


def _walk(root: Path, folder: Path) -> Iterator[tuple[str, os.DirEntry | None, str | None]]:
    """(shown path, entry, error) for every `*.txt` under `folder`, by name; links not followed."""
    shown_folder = f"{root.name}/{folder.relative_to(root).as_posix()}".rstrip("/.")
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield shown_folder, None, f"cannot read folder: {exc.strerror.lower()}"
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(root, Path(entry.path))
        elif entry.name.lower().endswith(".txt"):
            yield f"{shown_folder}/{entry.name}", entry, None


def _iter_folder(root: Path, limits: Limits) -> Iterator[DumpFile]:
    for shown, entry, error in _walk(root, root):
        if error is not None:
            yield DumpFile(shown, error=error)
        elif entry.is_symlink():
            yield DumpFile(shown, error="symbolic link: not followed")
        elif not entry.is_file(follow_symlinks=False):
            yield DumpFile(shown, error="not a regular file")
        else:
            yield _read_file(Path(entry.path), shown, limits)


def _read_file(path: Path, shown: str, limits: Limits) -> DumpFile:
    try:
        with path.open("rb") as file:
            data = file.read(limits.max_file_bytes + 1)
    except OSError as exc:
        return DumpFile(shown, error=f"cannot read: {exc.strerror.lower()}")
    return _within_limit(shown, data, limits)


def _within_limit(shown: str, data: bytes, limits: Limits) -> DumpFile:
    return _too_large(shown, limits) if len(data) > limits.max_file_bytes else DumpFile(shown, data)


def _too_large(shown: str, limits: Limits) -> DumpFile:
    return DumpFile(
        shown, error=f"larger than the limit of {limits.max_file_bytes:,} bytes per file"
    )


def _unsafe_member_name(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.startswith(("/", "\\")) or ".." in parts or (bool(parts) and ":" in parts[0])


def _iter_archive(path: Path, limits: Limits) -> Iterator[DumpFile]:
    reader = _iter_zip if str(path).lower().endswith(".zip") else _iter_tar
    try:
        yield from reader(path, limits)
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError) as exc:
        yield DumpFile(path.name, error=f"unreadable archive: {exc}")


class _ZipEntry(NamedTuple):
    """A member as the zip's central directory lists it: a few dozen bytes, where zipfile's own
    index takes about 520 a member (155 MB for an archive of 300,000)."""

    name: str
    record_at: int  # where its central directory record starts in the file
    record_length: int
    undecodable: bool  # flagged UTF-8 but not: `name` shows its bytes as \\xNN escapes


def _zip_entries(file: BinaryIO) -> tuple[list[_ZipEntry], int, int]:
    """The members of the zip in `file` by name, the file's size and where the archive starts
    in it (a self-extracting archive has a program before it), read from its end records and
    central directory (APPNOTE.TXT 4.3.14-4.3.16) as zipfile reads them."""
    size = file.seek(0, os.SEEK_END)
    tail_at = file.seek(max(0, size - _ZIP_END.size - 0xFFFF))
    tail = file.read()
    end_at = tail.rfind(b"PK\x05\x06")
    if end_at < 0 or len(tail) - end_at < _ZIP_END.size:
        raise zipfile.BadZipFile("File is not a zip file")
    *_, count, directory_size, directory_offset, _ = _ZIP_END.unpack_from(tail, end_at)
    directory_end = tail_at + end_at
    locator_at = end_at - _ZIP64_LOCATOR.size
    if locator_at >= 0 and tail.startswith(b"PK\x06\x07", locator_at):
        file.seek(tail_at + locator_at - _ZIP64_END.size)
        record = file.read(_ZIP64_END.size)
        if len(record) == _ZIP64_END.size and record.startswith(b"PK\x06\x06"):
            *_, count, directory_size, directory_offset = _ZIP64_END.unpack(record)
            directory_end = tail_at + locator_at - _ZIP64_END.size
    start = directory_end - directory_size - directory_offset
    if start < 0:
        raise zipfile.BadZipFile("Bad offset for central directory")
    at = file.seek(directory_end - directory_size)
    entries = []
    for _ in range(count):
        header = file.read(_ZIP_CENTRAL.size)
        if len(header) < _ZIP_CENTRAL.size or not header.startswith(_ZIP_CENTRAL_HEADER):
            raise zipfile.BadZipFile("Bad magic number for central directory")
        fields = _ZIP_CENTRAL.unpack(header)
        flags, (name_length, extra_length, comment_length) = fields[3], fields[10:13]
        raw = file.read(name_length)
        file.seek(extra_length + comment_length, os.SEEK_CUR)
        try:
            name, undecodable = raw.decode("utf-8" if flags & _ZIP_UTF8 else "cp437"), False
        except UnicodeDecodeError:
            name, undecodable = raw.decode("utf-8", "backslashreplace"), True
        length = _ZIP_CENTRAL.size + name_length + extra_length + comment_length
        entries.append(_ZipEntry(name, at, length, undecodable))
        at += length
    entries.sort()
    return entries, size, start


class _ZipWindow(io.RawIOBase):
    """The zip in `file` as zipfile is to see it: its bytes, then a central directory of a few
    of its members with its end records, so zipfile indexes those members only."""

    def __init__(self, file: BinaryIO, size: int, start: int, entries: list[_ZipEntry]):
        records = []
        for entry in entries:
            file.seek(entry.record_at)
            records.append(file.read(entry.record_length))
        directory = b"".join(records)
        # zipfile finds the directory at `size` when it is said to be at `size - start`: the
        # same shift as the archive's own members then have.
        offset, count, length = size - start, len(entries), len(directory)
        self._tail = b"".join(
            [
                directory,
                _ZIP64_END.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, length, offset),
                _ZIP64_LOCATOR.pack(b"PK\x06\x07", 0, size + length, 1),
                _ZIP_END.pack(b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0),
            ]
        )
        self._file, self._size, self._at = file, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._at, os.SEEK_END: self._size + len(self._tail)}
        self._at = base[whence] + offset
        return self._at

    def read(self, size: int | None = -1) -> bytes:
        end = self._size + len(self._tail)
        stop = end if size is None or size < 0 else min(end, self._at + size)
        data = b""
        if self._at < self._size:
            self._file.seek(self._at)
            data = self._file.read(min(stop, self._size) - self._at)
        if stop > self._size:
            data += self._tail[max(self._at, self._size) - self._size : stop - self._size]
        self._at = stop
        return data


def _iter_zip(path: Path, limits: Limits) -> Iterator[DumpFile]:
    with path.open("rb") as file:
        entries, size, start = _zip_entries(file)
        expanded = 0
        for first in range(0, len(entries), _ZIP_WINDOW):
            window = entries[first : first + _ZIP_WINDOW]
            readable = [entry for entry in window if not entry.undecodable]
            with zipfile.ZipFile(_ZipWindow(file, size, start, readable)) as archive:
                infos = iter(archive.infolist())
                for entry in window:
                    if entry.undecodable:
                        yield DumpFile(
                            f"{path.name}:{entry.name}",
                            error="file name is not valid UTF-8: not read",
                        )
                        continue
                    dump = _read_zip_member(archive, next(infos), path, limits)
                    if dump is None:
                        continue
                    if dump.data is not None:
                        expanded += len(dump.data)
                        if expanded > limits.max_archive_bytes:
                            yield _archive_too_large(path, limits)
                            return
                    yield dump


def _read_zip_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: Limits
) -> DumpFile | None:
    """The member as a dump, its rejection, or None when it is no dump (a folder, not *.txt)."""
    shown = f"{path.name}:{info.filename}"
    if info.is_dir():
        return None
    if _unsafe_member_name(info.filename):
        return DumpFile(shown, error="unsafe path in archive: not read")
    if stat.S_ISLNK(info.external_attr >> 16):
        return DumpFile(shown, error="link in archive: not followed")
    if not info.filename.lower().endswith(".txt"):
        return None
    if info.file_size > limits.max_file_bytes:
        return _too_large(shown, limits)
    if info.flag_bits & _ZIP_ENCRYPTED:
        return DumpFile(shown, error="encrypted member: not read")
    try:
        with archive.open(info) as member:
            # Read one byte past the limit: the declared size in a crafted zip may lie.
            data = member.read(limits.max_file_bytes + 1)
    except _MEMBER_ERRORS as exc:
        return DumpFile(shown, error=f"unreadable member: {_reason(exc)}")
    return _within_limit(shown, data, limits)


def _iter_tar(path: Path, limits: Limits) -> Iterator[DumpFile]:
    # Stream mode reads the archive once from start to end and never seeks or holds it whole.
    with tarfile.open(path, mode="r|*") as archive:
        expanded = 0
        for member in archive:
            # tarfile keeps every member it has read, for random access this reader never
            # makes: about 700 bytes a member, 200 MB for an archive of 300,000.
            archive.members.clear()
            shown = f"{path.name}:{member.name}"
            expanded += member.size
            if expanded > limits.max_archive_bytes:
                yield _archive_too_large(path, limits)
                return
            if member.isdir():
                continue
            if _unsafe_member_name(member.name):
                yield DumpFile(shown, error="unsafe path in archive: not read")
            elif member.issym() or member.islnk():
                yield DumpFile(shown, error="link in archive: not followed")
            elif not member.isfile():
                yield DumpFile(shown, error="not a regular file")
            elif not member.name.lower().endswith(".txt"):
                continue
            elif member.size > limits.max_file_bytes:
                yield _too_large(shown, limits)
            else:
                try:
                    data = archive.extractfile(member).read()
                except _MEMBER_ERRORS as exc:
                    # A tar is one stream: nothing after a damaged member can be found.
                    yield DumpFile(shown, error=f"unreadable member: {_reason(exc)}")
                    yield DumpFile(
                        path.name, error="unreadable archive: stopped at a damaged member"
                    )
                    return
                yield _within_limit(shown, data, limits)


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _archive_too_large(path: Path, limits: Limits) -> DumpFile:
    return DumpFile(
        path.name,
        error=(
            f"archive expands beyond the limit of {limits.max_archive_bytes:,} bytes: "
            "stopped reading it"
        ),
    )
