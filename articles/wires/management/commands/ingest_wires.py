"""manage.py ingest_wires: agency files, folders and feed URLs into the wire queue."""

import json
import os
import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from articles.wires.ingest import Result, default_limits, ingest_documents
from articles.wires.sources import Follower, documents_for, only_follower
from articles.wires.store import Outcome

# Exit status when the run finished but some files were rejected (1 means it could not run).
EXIT_REJECTED = 2
PROGRESS_EVERY = 500


class Command(BaseCommand):
    help = (
        "Read agency wire files (ninjs, NewsML-G2, RSS, Atom): files, folders (in sorted "
        "order) and feed URLs, once; or, with --follow, poll every source configured in the "
        "admin until stopped (SIGTERM)."
    )

    def add_arguments(self, parser):
        parser.add_argument("locations", nargs="*", metavar="PATH_OR_URL")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and report; store nothing."
        )
        parser.add_argument(
            "--jsonl", action="store_true", help="Print one JSON object per item read."
        )
        parser.add_argument(
            "--follow", action="store_true", help="Poll every configured source until stopped."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="Processes that parse files while the database is written (one per core, "
            "at most 4).",
        )

    def handle(self, *args, **options):
        if options["follow"]:
            if options["locations"] or options["dry_run"]:
                raise CommandError("--follow polls the configured sources: give no paths.")
            return self.follow(options)
        if not options["locations"]:
            raise CommandError("Give at least one file, folder or URL (or --follow).")
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        documents = documents_for(options["locations"], default_limits(), options["workers"])
        counts = self.report(ingest_documents(documents, dry_run=options["dry_run"]), options)
        self.summarise(counts, options)
        if counts["rejected"]:
            raise CommandError(
                f"{counts['rejected']:,} files were rejected.", returncode=EXIT_REJECTED
            )

    def report(self, results, options) -> Counter:
        counts: Counter = Counter()
        for result in results:
            counts[result.outcome.value] += 1
            if options["jsonl"]:
                self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
                continue
            if result.outcome in (Outcome.REJECTED, Outcome.SKIPPED):
                self.stderr.write(f"  {result.outcome} {result.source}: {result.reason}")
            if counts.total() % PROGRESS_EVERY == 0:
                self.stderr.write(f"read {counts.total():,} items")
        return counts

    def summarise(self, counts: Counter, options) -> None:
        # With --jsonl, stdout carries the readings alone, so the summary goes to stderr.
        out = self.stderr if options["jsonl"] else self.stdout
        prefix = "Dry run, nothing stored: " if options["dry_run"] else ""
        out.write(
            f"{prefix}{counts.total() - counts['rejected']:,} items read: "
            f"{counts['new']:,} new, {counts['updated']:,} updated, "
            f"{counts['unchanged']:,} unchanged, {counts['skipped']:,} skipped; "
            f"{counts['rejected']:,} files rejected."
        )

    def follow(self, options) -> None:
        def report(source, results: list[Result]) -> None:
            counts = self.report(results, options)
            if counts and not options["jsonl"]:
                self.stdout.write(f"{source.name}: " + ", ".join(
                    f"{n} {outcome}" for outcome, n in sorted(counts.items())
                ))  # fmt: skip
            sys.stdout.flush()

        try:
            with only_follower():
                self.stderr.write("Following the wire sources; stop with SIGTERM.")
                Follower(report).run()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write("Stopped.")
