"""manage.py import_legacy: load the old site's text dumps into the newsroom."""

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.importer.run import FileResult, import_dumps
from articles.importer.sources import DumpFile, Limits, count_dumps, iter_dumps

PLAIN_PROGRESS_EVERY = 5_000
# Exit status when the run finished but some files were rejected (1 means it could not run).
EXIT_REJECTED = 2


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
        parser.add_argument(
            "--max-file-size",
            type=int,
            default=settings.LEGACY_IMPORT_MAX_FILE_BYTES,
            metavar="BYTES",
        )
        parser.add_argument(
            "--max-archive-size",
            type=int,
            default=settings.LEGACY_IMPORT_MAX_ARCHIVE_BYTES,
            metavar="BYTES",
            help="Stop reading an archive that expands beyond this (zip bombs).",
        )

    def handle(self, *args, **options):
        if options["jsonl"] and not options["dry_run"]:
            raise CommandError("--jsonl prints a dry run's readings: use it with --dry-run.")
        if min(options["batch_size"], options["workers"], options["writers"]) < 1:
            raise CommandError("--batch-size, --workers and --writers must be at least 1.")

        limits = Limits(options["max_file_size"], options["max_archive_size"])
        dumps = self._with_progress(iter_dumps(options["paths"], limits), options)
        counts: Counter[str] = Counter()
        noted: list[FileResult] = []
        with self._open_report(options["report"]) as report:
            for outcome in import_dumps(
                dumps,
                dry_run=options["dry_run"],
                workers=options["workers"],
                batch_size=options["batch_size"],
                writers=options["writers"],
            ):
                counts[outcome.result] += 1
                if outcome.result in {"rejected", "conflict", "skipped"}:
                    noted.append(outcome)
                if options["jsonl"]:
                    self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
                if report:
                    report.write(json.dumps(outcome.report_line(), ensure_ascii=False) + "\n")

        self._summarise(counts, noted, options)
        if counts["rejected"]:
            raise CommandError(
                f"{counts['rejected']:,} of {counts.total():,} files were rejected.",
                returncode=EXIT_REJECTED,
            )

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

    def _summarise(self, counts: Counter, noted: list[FileResult], options) -> None:
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
        for outcome in noted:
            if outcome.result == "rejected":
                out.write(f"  rejected {outcome.dump.path}: {outcome.dump.error}")
            elif outcome.result == "skipped":
                out.write(
                    f"  skipped {outcome.dump.path}: story {outcome.dump.record.legacy_id} was "
                    f"{outcome.reason}; the import does not bring it back"
                )
            else:
                out.write(
                    f"  conflict {outcome.dump.path}: story {outcome.dump.record.legacy_id} was "
                    "changed by an editor since its import; the editor's version was kept"
                )
