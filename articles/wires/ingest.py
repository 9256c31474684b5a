"""One pass over agency files: read each, store its items, follow the agency's lifecycle to
the stories made from them. The command (`ingest_wires`) and the follower are shells round it.

A file that cannot be read is rejected alone, with its reason; the rest go on.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from . import lifecycle
from .files import Refused, read_paths, wire_files
from .reading import Format, Limits, PubStatus, Reading
from .store import BATCH_SIZE, Outcome, Stored, store_readings


@dataclass(frozen=True)
class Result:
    """One line of the run's report: an item read, or a file rejected."""

    source: str
    format: Format
    outcome: Outcome
    reason: str = ""
    reading: Reading | None = None

    def as_json(self) -> dict:
        reading = self.reading
        return {
            "source": self.source,
            "format": self.format.value,
            "uri": reading.uri if reading else "",
            "version": reading.version if reading else None,
            "pub_status": (reading.pub_status if reading else PubStatus.USABLE).value,
            "urgency": reading.urgency if reading else None,
            "headline": reading.headline if reading else "",
            "outcome": self.outcome.value,
            "reason": self.reason,
        }


def default_limits() -> Limits:
    return Limits(max_bytes=settings.WIRE_MAX_FILE_BYTES)


def ingest_documents(
    documents: Iterable[tuple[str, list[Reading] | Refused]],
    *,
    source=None,
    dry_run: bool = False,
) -> Iterator[Result]:
    """Store what the documents hold, in order, a batch at a time; follow each change to the
    story made from its item."""
    chunk: list[tuple[str, object]] = []
    readings = 0
    for name, content in documents:
        chunk.append((name, content))
        readings += 1 if isinstance(content, Refused) else len(content)
        if readings >= BATCH_SIZE:
            yield from _ingest_chunk(chunk, source, dry_run)
            chunk, readings = [], 0
    yield from _ingest_chunk(chunk, source, dry_run)


def _ingest_chunk(chunk, source, dry_run) -> Iterator[Result]:
    pending = [
        (name, reading)
        for name, content in chunk
        if not isinstance(content, Refused)
        for reading in content
    ]
    stored = iter(store_readings(pending, source=source, dry_run=dry_run))
    for name, content in chunk:
        if isinstance(content, Refused):
            yield Result(name, content.format, Outcome.REJECTED, content.reason)
            continue
        for reading in content:
            result: Stored = next(stored)
            if not dry_run:
                lifecycle.follow(result)
            yield Result(name, reading.format, result.outcome, result.reason, reading)


def ingest_paths(
    paths: Iterable[str], *, source=None, dry_run: bool = False, limits=None, workers: int = 1
) -> Iterator[Result]:
    documents = read_paths(wire_files(paths), limits or default_limits(), workers)
    return ingest_documents(documents, source=source, dry_run=dry_run)
