"""One import run: dumps in, one result per file out, each batch stored in its own transaction.

The command (`manage.py import_legacy`) wires paths, progress and output to this.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from .format import RejectedDump, legacy_id_for
from .sources import DEFAULT_MEMORY_BUDGET_BYTES, DumpFile, ParsedDump, parse_dumps
from .store import DatelineCache, ImportResult, imported_file_digests, store_legacy_records


@dataclass(frozen=True, slots=True)
class FileResult:
    dump: ParsedDump
    result: str  # "read" in a dry run, an ImportResult value, or "rejected"

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
            if self.dump.record and self.dump.record.warnings:
                line["warnings"] = list(self.dump.record.warnings)
        return line


def import_dumps(
    dumps: Iterator[DumpFile],
    *,
    dry_run: bool,
    workers: int,
    batch_size: int,
    memory_budget: int = DEFAULT_MEMORY_BUDGET_BYTES,
) -> Iterator[FileResult]:
    """One result per file, in input order, storing each batch in its own transaction.

    Rejected and skipped files wait with the batch they arrived in, so that a run mixing
    them with stories to store still writes full batches; at most ten batches' worth wait,
    so memory stays bounded on a re-run where nearly every file is skipped.

    `memory_budget` bounds the bytes of dumps held at once: half for those being parsed, half
    for the stories waiting to be stored, so a batch of large stories is stored early.
    """
    parsed = parse_dumps(
        dumps,
        settings.LEGACY_DUMP_TIME_ZONES,
        workers=workers,
        imported_digests=None if dry_run else imported_file_digests,
        max_bytes_in_flight=memory_budget // 2,
    )
    datelines = DatelineCache()
    pending: list[ParsedDump] = []
    to_store = bytes_to_store = 0
    for dump in parsed:
        pending.append(dump)
        if dump.record is not None:
            to_store += 1
            bytes_to_store += dump.size
        if (
            to_store >= batch_size
            or bytes_to_store >= memory_budget // 2
            or len(pending) >= 10 * batch_size
        ):
            yield from _store(pending, datelines, dry_run)
            pending, to_store, bytes_to_store = [], 0, 0
    yield from _store(pending, datelines, dry_run)


def _store(pending: list[ParsedDump], datelines, dry_run: bool) -> Iterator[FileResult]:
    """Store the parsed stories among `pending`; a result for every file, in order."""
    batch = [dump for dump in pending if dump.record]
    if dry_run:
        stored = iter(["read"] * len(batch))
    else:
        stored = (outcome.result.value for outcome in store_legacy_records(batch, datelines))
    for dump in pending:
        if dump.record:
            yield FileResult(dump, next(stored))
        elif dump.error:
            yield FileResult(dump, "rejected")
        else:
            yield FileResult(dump, ImportResult.UNCHANGED.value)
