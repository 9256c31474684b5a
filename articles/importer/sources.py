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
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from articles.text import has_control_characters

from .format import LegacyRecord, RejectedDump, legacy_id_for, parse_dump, story_digest

DEFAULT_MAX_FILE_BYTES = 1024 * 1024
DEFAULT_MAX_ARCHIVE_BYTES = 4 * 1024**3
# Bytes of dumps held at once while they are read, parsed and wait to be stored: see parse_dumps.
DEFAULT_MEMORY_BUDGET_BYTES = 16 * 1024**2
# From the zip specification, APPNOTE.TXT 4.3.12 and 4.4.4.
_ZIP_CENTRAL_HEADER = b"PK\x01\x02"
_ZIP_ENCRYPTED = 0x1
_ZIP_UTF8 = 0x800
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
                with _open_zip(path) as (archive, _):
                    total += sum(1 for name in archive.namelist() if name.lower().endswith(".txt"))
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


class _ZipWithUndecodableNames(io.FileIO):
    """A zip file read so that zipfile opens it although some names flagged UTF-8 are not.

    zipfile decodes every name as it opens an archive, so one such name would leave no member
    to read. While zipfile reads the central directory, this clears the UTF-8 flag of those
    names (zipfile then reads them as cp437) and keeps them in `undecodable`, by the name
    zipfile gives, with their raw bytes: the importer rejects those members alone.
    """

    def __init__(self, path: Path):
        super().__init__(path, "rb")
        self.undecodable: dict[str, bytes] = {}
        self.opening = True

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        if not self.opening or not data.startswith(_ZIP_CENTRAL_HEADER):
            return data
        central, at = bytearray(data), 0
        while central.startswith(_ZIP_CENTRAL_HEADER, at) and at + 46 <= len(central):
            (flags,) = struct.unpack_from("<H", central, at + 8)
            name_length, extra_length, comment_length = struct.unpack_from("<3H", central, at + 28)
            name = bytes(central[at + 46 : at + 46 + name_length])
            if flags & _ZIP_UTF8 and not _is_utf8(name):
                struct.pack_into("<H", central, at + 8, flags & ~_ZIP_UTF8)
                self.undecodable[name.decode("cp437")] = name
            at += 46 + name_length + extra_length + comment_length
        return bytes(central)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@contextmanager
def _open_zip(path: Path) -> Iterator[tuple[zipfile.ZipFile, Mapping[str, bytes]]]:
    """The archive, and its member names that are not UTF-8 although flagged so (see above)."""
    try:
        archive = zipfile.ZipFile(path)
    except UnicodeDecodeError:
        archive = None
    if archive is not None:
        with archive:
            yield archive, {}
        return
    with _ZipWithUndecodableNames(path) as file, zipfile.ZipFile(file) as archive:
        file.opening = False
        yield archive, file.undecodable


def _iter_zip(path: Path, limits: Limits) -> Iterator[DumpFile]:
    with _open_zip(path) as (archive, undecodable):
        expanded = 0
        for info in sorted(archive.infolist(), key=lambda info: info.filename):
            shown = f"{path.name}:{info.filename}"
            if info.is_dir():
                continue
            if info.filename in undecodable:
                raw = undecodable[info.filename].decode("utf-8", "backslashreplace")
                yield DumpFile(f"{path.name}:{raw}", error="file name is not valid UTF-8: not read")
                continue
            if _unsafe_member_name(info.filename):
                yield DumpFile(shown, error="unsafe path in archive: not read")
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                yield DumpFile(shown, error="link in archive: not followed")
                continue
            if not info.filename.lower().endswith(".txt"):
                continue
            if info.file_size > limits.max_file_bytes:
                yield _too_large(shown, limits)
                continue
            if info.flag_bits & _ZIP_ENCRYPTED:
                yield DumpFile(shown, error="encrypted member: not read")
                continue
            try:
                with archive.open(info) as member:
                    # Read one byte past the limit: the declared size in a crafted zip may lie.
                    data = member.read(limits.max_file_bytes + 1)
            except _MEMBER_ERRORS as exc:
                yield DumpFile(shown, error=f"unreadable member: {_reason(exc)}")
                continue
            expanded += len(data)
            if expanded > limits.max_archive_bytes:
                yield _archive_too_large(path, limits)
                return
            yield _within_limit(shown, data, limits)


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
