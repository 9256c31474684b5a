"""manage.py import_legacy: load the old site's text dumps into the newsroom."""

import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, nullcontext
from typing import TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError
from tqdm import tqdm

from articles.importer.run import FileResult, import_dumps
from articles.importer.sources import DumpFile, Limits, count_dumps, iter_dumps

PLAIN_PROGRESS_EVERY = 5_000
# Exit status when the run finished but some files were rejected (1 means it could not run).
EXIT_REJECTED = 2


class FilesRejected(CommandError):
    """The run finished, but some files were rejected (the summary names them and why)."""

    def __init__(self, message: str):
        super().__init__(message, returncode=EXIT_REJECTED)


class Command(BaseCommand):
    help = (
        "Import legacy text dumps: files, folders (every *.txt under them) and .zip/.tar.gz "
        "archives. Re-running is safe: unchanged stories are left alone, and stories an "
        "editor changed since their import are reported as conflicts, never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="Read and check; store nothing.")
        parser.add_argument(
            "--jsonl", action="store_true", help="With --dry-run: print each reading as JSON."
        )
        parser.add_argument(
            "--report", metavar="FILE", help="Write per-file results as JSON lines."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress output.")
        parser.add_argument("--batch-size", type=int, default=500, help="Stories per transaction.")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="Processes that parse while the database is written (one per core, at most 4).",
        )
        parser.add_argument(
            "--writers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="Connections storing batches at once, on PostgreSQL (one per core, at most 4).",
        )
        for option, default, description in [
            ("--max-file-size", settings.LEGACY_IMPORT_MAX_FILE_BYTES, "Reject larger files."),
            (
                "--max-archive-size",
                settings.LEGACY_IMPORT_MAX_ARCHIVE_BYTES,
                "Stop reading an archive that expands beyond this (zip bombs).",
            ),
            (
                "--memory-budget",
                settings.LEGACY_IMPORT_MEMORY_BUDGET_BYTES,
                "Bytes of dumps held in memory at once, at least twice --max-file-size.",
            ),
        ]:
            parser.add_argument(
                option, type=int, default=default, metavar="BYTES", help=description
            )

    def handle(self, *args, **options):
        if options["jsonl"] and not options["dry_run"]:
            raise CommandError("--jsonl prints a dry run's readings: use it with --dry-run.")
        if min(options["batch_size"], options["workers"], options["writers"]) < 1:
            raise CommandError("--batch-size, --workers and --writers must be at least 1.")
        if options["memory_budget"] < 2 * options["max_file_size"]:
            raise CommandError("--memory-budget must be at least twice --max-file-size.")

        limits = Limits(options["max_file_size"], options["max_archive_size"])
        dumps = self._with_progress(iter_dumps(options["paths"], limits), options)
        # Rejections, conflicts and skips wait for the summary in a file, not in memory: an
        # archive can hold hundreds of thousands of them.
        with (
            self._open_report(options["report"]) as report,
            tempfile.TemporaryFile("w+", encoding="utf-8") as noted,
        ):
            counts = self._import(dumps, options, report, noted)
            noted.seek(0)
            self._summarise(counts, noted, options)
        if counts["rejected"]:
            raise FilesRejected(
                f"{counts['rejected']:,} of {counts.total():,} files were rejected."
            )

    def execute(self, *args, **options):
        """From a shell, a run with rejections ends with its summary and exit status 2.

        The summary has already said how many files were rejected and why, so they are not
        announced a second time as an error banner that reads like a crash. Callers of
        `call_command` still get the exception, with its `returncode`.
        """
        try:
            return super().execute(*args, **options)
        except FilesRejected as rejected:
            if not self._called_from_command_line:
                raise
            sys.exit(rejected.returncode)

    def _import(
        self, dumps: Iterator[DumpFile], options, report: TextIO | None, noted: TextIO
    ) -> Counter[str]:
        """Import `dumps`, each outcome written where it belongs; the outcomes counted."""
        counts: Counter[str] = Counter()
        run = import_dumps(
            dumps,
            dry_run=options["dry_run"],
            workers=options["workers"],
            batch_size=options["batch_size"],
            writers=options["writers"],
            memory_budget=options["memory_budget"],
        )
        try:
            # Closed before any message: the run's processes and threads stop first.
            with closing(run):
                for outcome in run:
                    counts[outcome.result] += 1
                    if note := self._note(outcome):
                        noted.write(note + "\n")
                    if options["jsonl"]:
                        self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
                    if report:
                        report.write(json.dumps(outcome.report_line(), ensure_ascii=False) + "\n")
        except (OperationalError, InterfaceError) as exc:
            reason = next(iter(str(exc).strip().splitlines()), type(exc).__name__)
            raise CommandError(
                f"The database stopped the import after {counts.total():,} files ({reason}). "
                "Every batch stored before that is kept: run the same command again to resume."
            ) from exc
        return counts

    @staticmethod
    def _note(outcome: FileResult) -> str | None:
        """The summary's line for a rejection, a skipped story or a conflict."""
        if outcome.result == "rejected":
            return f"  rejected {outcome.dump.path}: {outcome.dump.error}"
        if outcome.result == "skipped":
            return (
                f"  skipped {outcome.dump.path}: story {outcome.dump.record.legacy_id} was "
                f"{outcome.reason}; the import does not bring it back"
            )
        if outcome.result == "conflict":
            return (
                f"  conflict {outcome.dump.path}: story {outcome.dump.record.legacy_id} was "
                "changed by an editor since its import; the editor's version was kept"
            )
        return None

    @staticmethod
    def _open_report(path: str | None):
        if not path:
            return nullcontext()
        try:
            return open(path, "w", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write the report {path}: {exc.strerror}") from exc

    def _with_progress(self, dumps: Iterator[DumpFile], options) -> Iterator[DumpFile]:
        if options["quiet"] or options["jsonl"]:
            return dumps
        if sys.stderr.isatty():
            return tqdm(dumps, total=count_dumps(options["paths"]), unit=" files", file=sys.stderr)
        return self._plain_progress(dumps)

    def _plain_progress(self, dumps: Iterator[DumpFile]) -> Iterator[DumpFile]:
        started = time.monotonic()
        for done, dump in enumerate(dumps, start=1):
            yield dump
            if done % PLAIN_PROGRESS_EVERY == 0:
                rate = done / max(time.monotonic() - started, 1e-9)
                self.stderr.write(f"read {done:,} files ({rate:,.0f} files/s)")

    def _summarise(self, counts: Counter, noted: TextIO, options) -> None:
        # With --jsonl, stdout carries the readings alone, so the summary goes to stderr.
        out = self.stderr if options["jsonl"] else self.stdout
        if options["dry_run"]:
            line = f"Dry run, nothing stored: {counts.total():,} files read, {counts['read']:,} ok"
        else:
            line = (
                f"{counts.total():,} files read: {counts['new']:,} new, "
                f"{counts['updated']:,} updated, {counts['unchanged']:,} unchanged, "
                f"{counts['conflict']:,} conflicts"
            )
            if counts["skipped"]:
                line += f", {counts['skipped']:,} skipped"
        out.write(f"{line}, {counts['rejected']:,} rejected.")
        for note in noted:
            out.write(note.removesuffix("\n"))
