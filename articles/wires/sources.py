"""Where agency files come from: a watched folder (an agency's drop box) or a feed URL pulled
over HTTP with conditional GET, a timeout and a size cap. And the follower, which polls every
configured source on its interval, one follower at a time however many servers run it."""

import fcntl
import http.client
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .files import Refused, read_paths, wire_files
from .ingest import Result, default_limits, ingest_documents
from .models import WireSource
from .reading import Limits, RejectedFile, format_for_name, read_wire_file

USER_AGENT = "Newsroom wire ingest"
# The timeout bounds each wait for the server; the whole reply gets this many times it, so that
# a server sending a byte at a time cannot hold a worker for ever.
REPLY_TIMEOUTS = 3
READ_BYTES = 64 * 1024
# pg_try_advisory_lock's key: "NEWSWIRE" in ASCII.
FOLLOWER_LOCK_KEY = 0x4E45575357495245


class FetchError(Exception):
    pass


class TooLarge(FetchError):
    def __init__(self, size: int, limit: int):
        super().__init__(f"the response is {size:,} bytes, over the limit of {limit:,}")


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def get(url: str, *, max_bytes: int, headers=None, opener=None) -> tuple[bytes | None, dict]:
    """(the body, or None for 304 Not Modified, and the headers) of a GET with the site's
    timeout, never reading more than `max_bytes`. Raises FetchError with the reason."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    open_url = opener.open if opener else urllib.request.urlopen
    timeout = settings.WIRE_FETCH_TIMEOUT_SECONDS
    allowed = REPLY_TIMEOUTS * timeout
    deadline = time.monotonic() + allowed
    try:
        with open_url(request, timeout=timeout) as reply:
            length = reply.headers.get("Content-Length")
            if length and length.isdecimal() and int(length) > max_bytes:
                raise TooLarge(int(length), max_bytes)
            data = bytearray()
            while chunk := reply.read1(min(READ_BYTES, max_bytes + 1 - len(data))):
                data += chunk
                if len(data) > max_bytes:
                    raise TooLarge(len(data), max_bytes)
                if time.monotonic() > deadline:
                    raise FetchError(f"cannot fetch {url}: the reply took over {allowed:g} s")
            return bytes(data), reply.headers
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return None, error.headers
        raise FetchError(f"the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"cannot fetch {url}: {reason}") from None
    except (http.client.HTTPException, ValueError) as error:
        # A reply that is not HTTP, cut short, or an address that is not one.
        raise FetchError(f"cannot fetch {url}: {type(error).__name__} {error}".strip()) from None


def fetch(url: str, *, etag: str = "", last_modified: str = "", limits: Limits):
    """(bytes or None when unchanged, etag, last_modified) of a feed URL."""
    conditions = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    try:
        data, headers = get(
            url,
            max_bytes=limits.max_bytes,
            headers={name: value for name, value in conditions.items() if value},
        )
    except TooLarge as error:
        raise RejectedFile(str(error), format_for_name(url)) from None
    if data is None:
        return None, etag, last_modified
    return data, headers.get("ETag", ""), headers.get("Last-Modified", "")


def url_documents(url: str, limits: Limits, source: WireSource | None = None):
    """The feed's one document (none when unchanged since the last poll of `source`)."""
    try:
        data, etag, last_modified = fetch(
            url,
            etag=source.etag if source else "",
            last_modified=source.last_modified if source else "",
            limits=limits,
        )
        if data is None:
            return []
        if source is not None:
            source.etag, source.last_modified = etag[:255], last_modified[:64]
        return [(url, read_wire_file(url, data, limits))]
    except RejectedFile as exc:
        return [(url, Refused(exc.format, str(exc)))]
    except FetchError as exc:
        return [(url, Refused(format_for_name(url), str(exc)))]


def documents_for(locations: list[str], limits: Limits, workers: int = 1):
    """(name, readings or refusal) of the files, folders and URLs given, in order."""
    for location in locations:
        if is_url(location):
            yield from url_documents(location, limits)
        else:
            yield from read_paths(wire_files([location]), limits, workers)


class Follower:
    """Polls every enabled source when it is due. A folder's files are read again only when
    they change (by size and modification time)."""

    def __init__(self, report: Callable[[WireSource, list[Result]], None]):
        self.report = report
        self.due: dict[int, float] = {}
        self.seen: dict[Path, tuple[int, int]] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        previous = signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
        try:
            while not self.stopping.is_set():
                self.stopping.wait(self.poll_due())
        finally:
            signal.signal(signal.SIGTERM, previous)

    def poll_due(self) -> float:
        """Poll the sources that are due; the seconds until the next one is."""
        now = time.monotonic()
        sources = list(WireSource.objects.filter(enabled=True))
        for source in sources:
            if self.stopping.is_set():
                break
            if self.due.get(source.pk, 0) <= now:
                self.due[source.pk] = now + source.poll_seconds
                self.report(source, self.poll(source))
        waits = [self.due[s.pk] - time.monotonic() for s in sources if s.pk in self.due]
        return min(max(min(waits, default=1.0), 0.05), 1.0)

    def poll(self, source: WireSource) -> list[Result]:
        limits = default_limits()
        source.last_error = ""
        if source.kind == WireSource.Kind.URL:
            documents = url_documents(source.location, limits, source)
        else:
            documents = read_paths(self.changed_files(source), limits)
        results = list(ingest_documents(documents, source=source))
        errors = [r.reason for r in results if r.outcome == "rejected"]
        source.last_error = "; ".join([source.last_error, *errors]).strip("; ")[:2000]
        source.polled_at = timezone.now()
        source.save(update_fields=["etag", "last_modified", "polled_at", "last_error"])
        return results

    def changed_files(self, source: WireSource) -> list[Path]:
        folder = Path(source.location)
        if not folder.is_dir():
            source.last_error = f"the folder {folder} does not exist"
            return []
        changed = []
        for path in wire_files([str(folder)]):
            try:
                status = path.stat()
            except OSError:
                continue
            signature = (status.st_size, status.st_mtime_ns)
            if self.seen.get(path) != signature:
                self.seen[path] = signature
                changed.append(path)
        return changed


@contextmanager
def only_follower():
    """Hold the follower's lock, or raise RuntimeError if another follower holds it:
    a PostgreSQL advisory lock, or on SQLite an exclusive lock on a file beside the database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [FOLLOWER_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise RuntimeError("another wire follower is running (PostgreSQL advisory lock)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FOLLOWER_LOCK_KEY])
        return
    lock_path = Path(f"{connection.settings_dict['NAME']}.wire-follower.lock")
    with lock_path.open("a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another wire follower is running (lock {lock_path})") from None
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
