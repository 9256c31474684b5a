"""Benchmark of manage.py import_legacy on PostgreSQL.

Generates N realistic dumps (varied as FORMAT.md allows: with and without site header, deck,
Updated line and Location; BOM, CRLF and CR line endings; Windows-1252 and double-encoded
files; every date spelling), then times, each in its own process so peak memory is its own:

  1. parsing alone (a dry run: reading + parsing, no database),
  2. the import of all N new files into an empty PostgreSQL database,
  3. a re-run of the same files (all unchanged).

Usage: .venv/bin/python bench/import_legacy.py [--count 100000] [--database newsroom_import_bench]
Targets on a 2-core machine: import >= 3,000 files/s, re-run >= 5,000 files/s, peak < 300 MB.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
WORDS = [
    "government",
    "minister",
    "police",
    "officials",
    "city",
    "river",
    "storm",
    "election",
    "market",
    "rates",
    "court",
    "council",
    "villagers",
    "rescue",
    "teams",
    "army",
    "president",
    "talks",
    "ceasefire",
    "rebels",
    "farmers",
    "prices",
    "monsoon",
    "strike",
    "workers",
    "port",
    "shipping",
    "lines",
    "backlog",
    "review",
    "inquiry",
    "report",
    "budget",
]
PLACES = [
    "India, Maharashtra, Mumbai",
    "India, Delhi, New Delhi",
    "Lebanon, Beirut",
    "Nepal",
    "India, Karnataka, Bengaluru",
    "Syria, Latakia Governorate, Coastal Region, Jableh",
    "",
]
MONTHS = [
    "Jan",
    "February",
    "Mar",
    "april",
    "May",
    "JUNE",
    "Jul",
    "Aug",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def stamp(rng: random.Random, year: int, month: int, day: int, hour: int, minute: int) -> str:
    meridiem = rng.choice(["am", "pm", "AM", "p.m.", "a.m."])
    meridiem = meridiem if hour < 12 else meridiem.replace("a", "p").replace("A", "P")
    clock = hour % 12 or 12
    day_text = rng.choice([str(day), f"{day:02}"])
    zone = rng.choice(["IST", "IST", "GMT", "UTC"])
    return f"{MONTHS[month - 1]} {day_text}, {year}, {clock}:{minute:02} {meridiem} {zone}"


def dump(rng: random.Random, n: int) -> bytes:
    year, month, day = rng.randint(2005, 2023), rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(0, 20), rng.randint(0, 59)
    headline = sentence(rng, rng.randint(5, 10)).rstrip(".") + f" ({n})"
    blocks = []
    if rng.random() < 0.7:
        blocks.append("Friday, Dec 08, 2023 | Last Update : 09:33 AM IST")
    blocks += [f"\u00a0 \u00a0{headline}", headline]
    times = f"Published\u00a0: {stamp(rng, year, month, day, hour, minute)}"
    if rng.random() < 0.6:
        times += f"\nUpdated : {stamp(rng, year, month, day, hour + rng.randint(1, 3), minute)}"
    blocks.append(times)
    if rng.random() < 0.6:
        deck = sentence(rng, rng.randint(6, 12))
        blocks += [deck, deck]
    for _ in range(rng.randint(3, 12)):
        paragraph = " ".join(sentence(rng, rng.randint(8, 25)) for _ in range(rng.randint(1, 3)))
        blocks.append(paragraph.replace(" said ", "\u2019s said\n", 1) + " \u201cquoted\u201d")
    place = rng.choice(PLACES)
    if place or rng.random() < 0.5:
        blocks.append(f"Location: {place}")
    text = "\n\n".join(blocks) + "\n"
    flavour = rng.random()
    if flavour < 0.05:
        return text.encode("cp1252")
    if flavour < 0.10:  # double-encoded: UTF-8 bytes read as Windows-1252, saved as UTF-8
        return text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    if flavour < 0.20:
        return text.replace("\n", "\r\n").encode("utf-8-sig")
    if flavour < 0.25:
        return text.replace("\n", "\r").encode("utf-8")
    return text.encode("utf-8")


def generate(folder: Path, count: int) -> int:
    rng = random.Random(20161125)
    size = 0
    for n in range(count):
        sub = folder / f"{n // 1000:04}"
        if n % 1000 == 0:
            sub.mkdir(parents=True)
        data = dump(rng, n)
        size += len(data)
        (sub / f"{n:06}_{rng.getrandbits(64):016x}.txt").write_bytes(data)
    return size


def timed(command: list[str], env: dict) -> tuple[float, float, int]:
    """(seconds, peak resident MB, exit status) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--database", default="newsroom_import_bench")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--without-search-vector",
        action="store_true",
        help="Drop the public site's generated search vector first, to show its share of the cost.",
    )
    args = parser.parse_args()

    url = f"postgres://postgres@{args.host}:5432/{args.database}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "DEBUG": "false"}
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        ["dropdb", "-h", args.host, "-U", "postgres", "--if-exists", args.database], check=True
    )
    subprocess.run(["createdb", "-h", args.host, "-U", "postgres", args.database], check=True)
    subprocess.run([*manage, "migrate", "-v0"], cwd=PROJECT_DIR, env=env, check=True)
    if args.without_search_vector:
        drop = "ALTER TABLE articles_article DROP COLUMN search_vector"
        subprocess.run(
            ["psql", "-q", "-h", args.host, "-U", "postgres", "-c", drop, args.database], check=True
        )

    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp:
        folder = Path(tmp) / "dumps"
        started = time.perf_counter()
        size = generate(folder, args.count)
        elapsed = time.perf_counter() - started
        print(f"generated {args.count:,} dumps ({size / 1e6:,.0f} MB) in {elapsed:.1f}s")

        command = [*manage, "import_legacy", str(folder), "--quiet"]
        for label, extra in [
            ("parse only (dry run)", ["--dry-run"]),
            ("import into PostgreSQL", []),
            ("re-run, all unchanged", []),
        ]:
            seconds, peak_mb, status = timed([*command, *extra], env)
            print(
                f"{label:24} {args.count / seconds:8,.0f} files/s  {seconds:6.1f} s  "
                f"peak {peak_mb:5.0f} MB  exit {status}"
            )


if __name__ == "__main__":
    main()
