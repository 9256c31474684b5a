"""Benchmark of manage.py import_legacy on PostgreSQL, against the database's own limit.

Generates N realistic dumps (varied as FORMAT.md allows: with and without site header, deck,
Updated line and Location; BOM, CRLF and CR line endings; Windows-1252 and double-encoded
files; every date spelling), then, for each of several rounds, times each in its own process:

  1. parsing alone (a dry run: reading + parsing, no database; first round only),
  2. the import of all N new files into an empty PostgreSQL database,
  3. a re-run of the same files (all unchanged),
  4. the limit: one raw COPY of the very rows the import stored (places, stories, revisions
     and status changes, taken from the imported tables) into an empty copy of the schema,
     with the same generated search vector and indexes, in one transaction: the fastest this
     PostgreSQL can store them.

Peak memory is that of the whole process tree (the command and its parsing workers), sampled.
The machine may be shared: the load (`uptime`) is printed before and after, and the summary
gives medians over the rounds, with each round's import as a ratio to that round's limit.

Usage: .venv/bin/python bench/import_legacy.py [--count 100000] [--rounds 3]
           [--database newsroom_import_bench]
Targets on a 2-core machine: new >= 3,000 files/s and >= 0.6x the COPY limit, re-run >= 15,000
files/s, peak memory of the process tree < 300 MB.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import psycopg

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


# The tables an import writes, in the order their keys need; PostgreSQL fills the search vector.
STORED_TABLES = [
    "articles_dateline",
    "articles_article",
    "articles_revision",
    "articles_statuschange",
]


@dataclass(frozen=True)
class Timing:
    seconds: float
    peak_mb: float  # resident memory of the whole process tree at its sampled peak
    status: int
    cpu_seconds: float  # of the process tree (the command and its parsing workers)
    server_cpu_seconds: float  # of the PostgreSQL processes serving the command's database


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status") as status:
                rss = next(line for line in status if line.startswith("VmRSS:"))
            total += int(rss.split()[1])
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    stack += [int(child) for child in children.read().split()]
        except (OSError, StopIteration):
            continue  # the process ended meanwhile
    return total / 1024


def cpu_seconds(pid: int) -> float | None:
    """User and system time of a process, from /proc (None once it has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(command: list[str], env: dict, server: psycopg.Connection, database: str) -> Timing:
    """Wall time, peak memory, CPU time and exit status of one command.

    The CPU the server spends for the command is read from the processes serving its
    database (sampled, so it misses at most the last moments of a connection): on a shared
    machine, CPU-seconds say what the import costs better than the wall clock does.
    """
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL)
    peak, done, backends = 0.0, threading.Event(), {}

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, tree_rss_mb(child.pid))
            serving = server.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [database]
            ).fetchall()
            for (pid,) in serving:
                backends[pid] = cpu_seconds(pid) or backends.get(pid, 0.0)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    return Timing(
        elapsed,
        peak,
        os.waitstatus_to_exitcode(status),
        usage.ru_utime + usage.ru_stime,
        sum(backends.values()),
    )


class Databases:
    """Bench databases on one server: created from a migrated template, dropped at the end."""

    def __init__(self, host: str, name: str):
        self.host = host
        self.template = f"template_{name}"

    def url(self, name: str) -> str:
        return f"postgres://postgres@{self.host}:5432/{name}"

    def create_template(self, env: dict) -> None:
        self._run("dropdb", "--if-exists", self.template)
        self._run("createdb", self.template)
        migrate = [sys.executable, "manage.py", "migrate", "-v0"]
        subprocess.run(
            migrate,
            cwd=PROJECT_DIR,
            env={**env, "DATABASE_URL": self.url(self.template)},
            check=True,
        )

    def fresh(self, name: str) -> str:
        self._run("dropdb", "--if-exists", name)
        self._run("createdb", "-T", self.template, name)
        return name

    def drop(self, *names: str) -> None:
        for name in names:
            self._run("dropdb", "--if-exists", name)

    def _run(self, *command: str) -> None:
        subprocess.run([*command, "-h", self.host, "-U", "postgres"], check=True)


def copy_limit(databases: Databases, imported: str, empty: str, folder: Path) -> Timing:
    """One COPY of the imported rows into an empty copy of the schema: seconds, server CPU."""
    files = {}
    with psycopg.connect(databases.url(imported), autocommit=True) as source:
        for table in STORED_TABLES:
            columns = stored_columns(source, table)
            files[table] = (columns, folder / f"{table}.copy")
            with (
                open(files[table][1], "wb") as out,
                source.cursor().copy(f"COPY {table} ({columns}) TO STDOUT") as copy,
            ):
                for data in copy:
                    out.write(data)
    with psycopg.connect(databases.url(empty)) as target:
        backend = target.execute("SELECT pg_backend_pid()").fetchone()[0]
        target.commit()
        server_cpu = cpu_seconds(backend)
        started = time.perf_counter()
        with target.transaction():
            for table, (columns, path) in files.items():
                with (
                    open(path, "rb") as rows,
                    target.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
                ):
                    while data := rows.read(1 << 20):
                        copy.write(data)
        elapsed = time.perf_counter() - started
        server_cpu = cpu_seconds(backend) - server_cpu
    for _, path in files.values():
        path.unlink()
    return Timing(elapsed, 0.0, 0, 0.0, server_cpu)


def stored_columns(connection: psycopg.Connection, table: str) -> str:
    """The table's columns minus generated ones, which COPY cannot write."""
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return ", ".join(name for (name,) in rows)


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database",
        default="newsroom_import_bench",
        help="The imported database; the others are named after it (template_NAME, limit_NAME).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--import-option",
        action="append",
        default=[],
        help="Passed to import_legacy (e.g. --import-option=--writers=1).",
    )
    args = parser.parse_args()

    databases = Databases(args.host, args.database)
    env = {**os.environ, "SECRET_KEY": "bench", "DEBUG": "false"}
    databases.create_template(env)
    imported, empty = args.database, f"limit_{args.database}"
    print(f"load before: {load()}")
    with (
        tempfile.TemporaryDirectory(prefix="newsroom-bench-") as tmp,
        psycopg.connect(databases.url("postgres"), autocommit=True) as server,
    ):
        folder = Path(tmp) / "dumps"
        started = time.perf_counter()
        size = generate(folder, args.count)
        elapsed = time.perf_counter() - started
        print(f"generated {args.count:,} dumps ({size / 1e6:,.0f} MB) in {elapsed:.1f}s")

        command = [sys.executable, "manage.py", "import_legacy", str(folder), "--quiet"]
        command += args.import_option
        env["DATABASE_URL"] = databases.url(databases.fresh(imported))
        run = partial(timed, env=env, server=server, database=imported)
        report("parse only (dry run)", args.count, run([*command, "--dry-run"]))
        rounds = []
        for _ in range(args.rounds):
            databases.fresh(imported)
            new = report("import, all new", args.count, run(command))
            again = report("re-run, all unchanged", args.count, run(command))
            limit = copy_limit(databases, imported, databases.fresh(empty), Path(tmp))
            ratio = limit.seconds / new.seconds
            print(
                f"{'COPY limit':24} {args.count / limit.seconds:8,.0f} files/s  "
                f"{limit.seconds:6.1f} s  server CPU {limit.server_cpu_seconds:5.1f} s  "
                f"import at {ratio:.2f}x the limit",
                flush=True,
            )
            rounds.append((new, again, limit, ratio))
        databases.drop(imported, empty, databases.template)
    print(f"load after: {load()}")
    print(f"medians of {args.rounds} rounds:")
    for label, values in [
        ("import, all new", [args.count / new.seconds for new, *_ in rounds]),
        ("re-run, all unchanged", [args.count / again.seconds for _, again, *_ in rounds]),
        ("COPY limit", [args.count / limit.seconds for *_, limit, _ in rounds]),
    ]:
        print(f"{label:24} {statistics.median(values):8,.0f} files/s")
    print(f"{'import / limit':24} {statistics.median(r[3] for r in rounds):8.2f}x")
    peak = max(max(new.peak_mb, again.peak_mb) for new, again, *_ in rounds)
    print(f"{'peak memory (tree)':24} {peak:8,.0f} MB")


def report(label: str, count: int, timing: Timing) -> Timing:
    print(
        f"{label:24} {count / timing.seconds:8,.0f} files/s  {timing.seconds:6.1f} s  "
        f"peak {timing.peak_mb:5.0f} MB  CPU {timing.cpu_seconds:5.1f} s + server "
        f"{timing.server_cpu_seconds:5.1f} s  exit {timing.status}",
        flush=True,
    )
    return timing


if __name__ == "__main__":
    main()
