"""One pass over agency files: read each, store its items, follow the agency's lifecycle to
the stories made from them. The command (`ingest_wires`) and the follower are shells round it.

A file that cannot be read is rejected alone, with its reason; the rest go on.
"""

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import lifecycle
from .reading import (
    Format,
    Limits,
    PubStatus,
    Reading,
    RejectedFile,
    format_for_name,
    read_wire_file,
)
from .store import BATCH_SIZE, Outcome, Stored, store_readings

WIRE_SUFFIXES = {".json", ".xml", ".rss", ".atom", ".ninjs"}


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


def wire_files(paths: Iterable[str]) -> Iterator[Path]:
    """The files named, and the wire files in the folders named, in sorted order within each."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for folder, subfolders, files in os.walk(path):
                subfolders.sort()
                for file in sorted(files):
                    if Path(file).suffix.lower() in WIRE_SUFFIXES and not file.startswith("."):
                        yield Path(folder) / file
        else:
            yield path


def read_files(paths: Iterable[Path], limits: Limits) -> Iterator[tuple[str, object]]:
    """(name, its readings, or the Result of its rejection) for each file."""
    for path in paths:
        name = str(path)
        try:
            with path.open("rb") as file:
                data = file.read(limits.max_bytes + 1)  # never more than the limit in memory
            yield name, read_wire_file(name, data, limits)
        except RejectedFile as exc:
            yield name, Result(name, exc.format, Outcome.REJECTED, str(exc))
        except OSError as exc:
            reason = f"cannot read the file: {exc.strerror}"
            yield name, Result(name, format_for_name(name), Outcome.REJECTED, reason)


def ingest_documents(
    documents: Iterable[tuple[str, object]], *, source=None, dry_run: bool = False
) -> Iterator[Result]:
    """Store what the documents hold, in order, a batch at a time; follow each change to the
    story made from its item."""
    chunk: list[tuple[str, object]] = []
    readings = 0
    for name, content in documents:
        chunk.append((name, content))
        readings += 1 if isinstance(content, Result) else len(content)
        if readings >= BATCH_SIZE:
            yield from _ingest_chunk(chunk, source, dry_run)
            chunk, readings = [], 0
    yield from _ingest_chunk(chunk, source, dry_run)


def _ingest_chunk(chunk, source, dry_run) -> Iterator[Result]:
    pending = [
        (name, reading)
        for name, content in chunk
        if not isinstance(content, Result)
        for reading in content
    ]
    stored = iter(store_readings(pending, source=source, dry_run=dry_run))
    for name, content in chunk:
        if isinstance(content, Result):
            yield content
            continue
        for reading in content:
            result: Stored = next(stored)
            if not dry_run:
                lifecycle.follow(result)
            yield Result(name, reading.format, result.outcome, result.reason, reading)


def ingest_paths(paths: Iterable[str], *, source=None, dry_run: bool = False, limits=None):
    return ingest_documents(
        read_files(wire_files(paths), limits or default_limits()), source=source, dry_run=dry_run
    )
