"""One import run: dumps in, one result per file out, each batch stored in its own transaction.

The command (`manage.py import_legacy`) wires paths, progress and output to this.
"""

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings

from .format import RejectedDump, legacy_id_for
from .sources import DEFAULT_MEMORY_BUDGET_BYTES, DumpFile, ParsedDump, parse_dumps
from .store import (
    DatelineCache,
    ImportOutcome,
    ImportResult,
    imported_file_digests,
    settle_imported_tables,
    store_legacy_records,
)
from .writers import Writers, usable_writers

# Files a parsing worker takes at once, each chunk with one lookup of the stored digests: large
# enough that handing chunks over and looking digests up cost little beside the parsing itself.
PARSE_CHUNK = 500

# Files waiting for their batch to be stored, in batches' worth: this bounds memory, however
# rarely a writer's batch fills (a re-run where nearly every file is skipped).
WAITING_BATCHES = 10


@dataclass(frozen=True, slots=True)
class FileResult:
    dump: ParsedDump
    result: str  # "read" in a dry run, an ImportResult value, or "rejected"
    reason: str = ""  # why a file was skipped

    def as_json(self) -> dict:
        """The dry run's reading of the file (FORMAT.md)."""
        if self.dump.record:
            return self.dump.record.as_json()
        return RejectedDump(self.dump.error).as_json(self.dump.name)

    def report_line(self) -> dict:
        line = {"file": self.dump.path, "result": self.result}
        if self.dump.error:
            line["error"] = self.dump.error
        else:
            line["legacy_id"] = legacy_id_for(self.dump.name)
            if self.reason:
                line["reason"] = self.reason
            if self.dump.record and self.dump.record.warnings:
                line["warnings"] = list(self.dump.record.warnings)
        return line


def import_dumps(
    dumps: Iterator[DumpFile],
    *,
    dry_run: bool,
    workers: int,
    batch_size: int,
    writers: int = 1,
    memory_budget: int = DEFAULT_MEMORY_BUDGET_BYTES,
) -> Iterator[FileResult]:
    """One result per file, in input order, storing each batch in its own transaction.

    Stories are stored by `writers` connections at once where the database allows it
    (`writers.py`), each filling batches of `batch_size` with the stories routed to it.
    `memory_budget` bounds the bytes of dumps held at once: half for those being parsed, half
    for the stories waiting to be stored, so a batch of large stories is stored early.
    """
    parsed = parse_dumps(
        dumps,
        settings.LEGACY_DUMP_TIME_ZONES,
        workers=workers,
        imported_digests=None if dry_run else imported_file_digests,
        chunk_size=PARSE_CHUNK,
        max_bytes_in_flight=memory_budget // 2,
    )
    if dry_run:
        for dump in parsed:
            yield FileResult(dump, "rejected" if dump.error else "read")
        return
    datelines = DatelineCache()
    store = partial(store_legacy_records, datelines=datelines)
    created = False
    # Closed here, whatever stops the run: a parsing pool left to the garbage collector is shut
    # down in whichever thread collects it, and from its own it cannot join itself.
    with closing(parsed), Writers(usable_writers(writers), store) as pool:
        waiting = _stored_in_order(parsed, pool, datelines, batch_size, memory_budget // 2)
        for result in waiting:
            created = created or result.result == ImportResult.NEW
            yield result
    if created:
        settle_imported_tables()


@dataclass(eq=False, slots=True)
class _Batch:
    """Stories on their way to one writer, then the outcome of storing them."""

    dumps: list[ParsedDump] = field(default_factory=list)
    size: int = 0  # bytes of its dumps
    stored: Future | None = None
    _outcomes: Iterator[ImportOutcome] | None = None

    def next_outcome(self) -> ImportOutcome:
        """The outcomes in the batch's order, waiting for the writer if it is not done."""
        if self._outcomes is None:
            self._outcomes = iter(self.stored.result())
        return next(self._outcomes)


def _stored_in_order(
    parsed: Iterator[ParsedDump],
    writers: Writers,
    datelines: DatelineCache,
    batch_size: int,
    max_waiting_bytes: int,
) -> Iterator[FileResult]:
    """A result for every file in input order, while the writers store the batches.

    Rejected and skipped files wait behind the stories that came before them, so that a run
    mixing them with stories to store still writes full batches. What waits is bounded in
    files (WAITING_BATCHES) and in bytes (`max_waiting_bytes`): a writer's batch of large
    stories goes early, and past the bound the oldest waiting result is waited for.
    """
    filling = [_Batch() for _ in range(writers.count)]
    waiting: deque[tuple[ParsedDump, _Batch | None]] = deque()
    waiting_bytes = 0
    batch_bytes = max(1, max_waiting_bytes // writers.count)

    def submit(writer: int) -> None:
        batch, filling[writer] = filling[writer], _Batch()
        batch.stored = writers.submit(writer, batch.dumps)

    for dump in parsed:
        batch = None
        if dump.record:
            # Places are created here, each committed at once on this connection, so that
            # writers never wait for a place another writer's open transaction created.
            datelines.id_for(dump.record)
            writer = writers.writer_for(dump.record.legacy_id)
            batch = filling[writer]
            batch.dumps.append(dump)
            batch.size += dump.size
            waiting_bytes += dump.size
            if len(batch.dumps) >= batch_size or batch.size >= batch_bytes:
                submit(writer)
        waiting.append((dump, batch))
        while len(waiting) >= WAITING_BATCHES * batch_size or waiting_bytes > max_waiting_bytes:
            front = waiting[0][1]
            if front is not None and front.stored is None:
                submit(filling.index(front))
            waiting_bytes -= _size(waiting[0])
            yield _result(*waiting.popleft())
        while waiting and _ready(waiting[0][1]):
            waiting_bytes -= _size(waiting[0])
            yield _result(*waiting.popleft())
    for writer, batch in enumerate(filling):
        if batch.dumps:
            submit(writer)
    while waiting:
        yield _result(*waiting.popleft())


def _size(entry: tuple[ParsedDump, "_Batch | None"]) -> int:
    dump, batch = entry
    return dump.size if batch is not None else 0


def _ready(batch: _Batch | None) -> bool:
    return batch is None or (batch.stored is not None and batch.stored.done())


def _result(dump: ParsedDump, batch: _Batch | None) -> FileResult:
    if batch is not None:
        outcome = batch.next_outcome()
        return FileResult(dump, outcome.result.value, outcome.reason)
    if dump.error:
        return FileResult(dump, "rejected")
    return FileResult(dump, ImportResult.UNCHANGED.value)
