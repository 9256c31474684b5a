"""Benchmark of manage.py ingest_wires on PostgreSQL, against the legacy importer in the same run.

Generates N agency ninjs 3 text items (HTML bodies of 3-8 paragraphs with links, subjects,
urgency, sluglines, places; one in three with a picture in its associations, described by
four renditions as TT sends them) and N legacy dumps, then, for each of several rounds, on fresh
PostgreSQL databases made from one migrated template, times whole commands end to end
(process start, parsing, sanitising, storing, the queue's search index):

  1. `ingest_wires FOLDER` with every item new,
  2. the same again (every item unchanged),
  3. `import_legacy FOLDER --quiet` with every story new: the importer already measured
     against the database's own limit (bench/import_legacy.py, docs/legacy-import.md).

The machine may be shared: the load is printed before and after, and the summary gives
medians over the rounds, with each round's ingest as a ratio to that round's legacy import,
and the items stored per CPU-second (the command's processes and the database server's).

Usage: .venv/bin/python bench/ingest_wires.py [--count 1000] [--rounds 5]
           [--database newsroom_wires_bench]
Target on a 2-core machine: ingest of 1,000 new items >= 500 items/s end to end.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.import_legacy import WORDS, Databases, generate, load, report, timed

SUBJECTS = ["Politics", "Economy", "Shipping", "Weather", "Courts", "Health", "Sport", "Energy"]
PLACES = ["Kochi", "Mumbai", "New Delhi", "Beirut", "Kathmandu", "Colombo", "Dhaka"]


def paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(25, 60))]
    at = rng.randrange(len(words) - 3)
    address = f"https://example.org/{rng.getrandbits(32):08x}"
    link = f'<a href="{address}">{" ".join(words[at : at + 3])}</a>'
    return "<p>" + " ".join([*words[:at], link, *words[at + 3 :]]).capitalize() + ".</p>"


def picture(rng: random.Random, n: int) -> dict:
    caption = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize()
    sizes = [(4724, 3149, 10_326_191), (1024, 683, 398_957), (1024, 683, 398_957),
             (256, 171, 32_491)]  # fmt: skip
    return {
        "name": "a001",
        "type": "picture",
        "uri": f"urn:newsml:bench.example.org:2026:picture:{n:07}",
        "by": "Bench Photographer/Bench Wire",
        "descriptions": [{"role": "caption", "value": caption + "."}],
        "renditions": [
            {
                "name": f"r{i}",
                "contentType": "image/jpeg",
                "width": width,
                "height": height,
                "sizeInBytes": size,
                "href": f"https://pictures.example.org/{n:07}/r{i}.jpg",
            }
            for i, (width, height, size) in enumerate(sizes)
        ],
    }


def item(rng: random.Random, n: int) -> dict:
    headline = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 10))).capitalize()
    pictures = {"associations": [picture(rng, n)]} if n % 3 == 0 else {}
    return {
        "uri": f"urn:newsml:bench.example.org:2026:{n:07}",
        "type": "text",
        "version": str(rng.randint(1, 4)),
        "versionCreated": f"2026-11-{1 + n % 28:02}T{n % 24:02}:{n % 60:02}:00Z",
        "pubStatus": "usable",
        "urgency": rng.randint(1, 9),
        "language": "en",
        "slugline": "-".join(headline.lower().split()[:3]),
        "headlines": [{"role": "main", "value": headline}],
        "descriptions": [{"role": "summary", "value": headline + " and more."}],
        "by": "Bench Wire staff",
        "located": rng.choice(PLACES),
        "copyrightHolder": "Bench Wire",
        "subjects": [{"name": s} for s in rng.sample(SUBJECTS, 2)],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": "".join(paragraph(rng) for _ in range(rng.randint(3, 8))),
            }
        ],
        **pictures,
    }


def generate_items(folder: Path, count: int) -> int:
    rng = random.Random(20261130)
    folder.mkdir(parents=True)
    size = 0
    for n in range(count):
        data = json.dumps(item(rng, n)).encode()
        size += len(data)
        (folder / f"{n:07}.json").write_bytes(data)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default="newsroom_wires_bench")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    databases = Databases(args.host, args.database)
    env = {**os.environ, "SECRET_KEY": "bench", "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    databases.create_template(env)
    wires_db, legacy_db = args.database, f"{args.database}_legacy"
    print(f"load before: {load()}")
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-wires-bench-") as tmp,
        psycopg.connect(databases.url("postgres"), autocommit=True) as server,
    ):
        items, dumps = Path(tmp) / "items", Path(tmp) / "dumps"
        size = generate_items(items, args.count)
        generate(dumps, args.count)
        print(f"generated {args.count:,} ninjs items ({size / 1e6:.1f} MB) and as many dumps")

        ingest = [sys.executable, "manage.py", "ingest_wires", str(items)]
        legacy = [sys.executable, "manage.py", "import_legacy", str(dumps), "--quiet"]
        rounds = []
        for _ in range(args.rounds):
            databases.fresh(wires_db)
            databases.fresh(legacy_db)
            wires_env = {**env, "DATABASE_URL": databases.url(wires_db)}
            legacy_env = {**env, "DATABASE_URL": databases.url(legacy_db)}
            new = report("ingest, all new", args.count,
                         timed(ingest, wires_env, server, wires_db))  # fmt: skip
            again = report("ingest, all unchanged", args.count,
                           timed(ingest, wires_env, server, wires_db))  # fmt: skip
            old = report("legacy import, all new", args.count,
                         timed(legacy, legacy_env, server, legacy_db))  # fmt: skip
            assert new.status == again.status == old.status == 0
            ratio = old.seconds / new.seconds
            print(f"{'ingest / legacy import':24} {ratio:8.2f}x", flush=True)
            rounds.append((new, again, old, ratio))
        stored = (
            psycopg.connect(databases.url(wires_db))
            .execute("SELECT count(*) FROM wires_wireitem")
            .fetchone()[0]
        )
        databases.drop(wires_db, legacy_db, databases.template)
    print(f"load after: {load()}")
    assert stored == args.count, f"{stored} items stored"
    print(f"medians of {args.rounds} rounds ({args.count:,} items, {stored:,} stored):")
    for label, values in [
        ("ingest, all new", [args.count / r[0].seconds for r in rounds]),
        ("ingest, all unchanged", [args.count / r[1].seconds for r in rounds]),
        ("legacy import, all new", [args.count / r[2].seconds for r in rounds]),
    ]:
        print(f"{label:24} {statistics.median(values):8,.0f} items/s")
    print(f"{'ingest / legacy import':24} {statistics.median(r[3] for r in rounds):8.2f}x")
    # CPU-seconds (the command's process tree and the database server's) say what a run costs
    # better than the wall clock does on a shared machine.
    for label, index in [("ingest, all new", 0), ("legacy import, all new", 2)]:
        per_cpu = statistics.median(
            args.count / (r[index].cpu_seconds + r[index].server_cpu_seconds) for r in rounds
        )
        print(f"{label:24} {per_cpu:8,.0f} items per CPU-second")


if __name__ == "__main__":
    main()
