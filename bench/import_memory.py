"""Peak memory of manage.py import_legacy's whole process tree on hostile and normal input.

Three inputs, each read by a fresh command (two parsing workers unless --workers says
otherwise), while this script samples the resident memory of the command and every process under
it (parsing workers, multiprocessing's helpers) from /proc every 50 ms:

  1. a zip of 5,000 members of 1 MiB each (valid dumps, at the default file limit),
  2. a zip of 300,000 members that are all rejected (empty files), and the same as a .tar.gz,
  3. the normal archive: 100,000 realistic dumps in a folder (bench/import_legacy.py's).

The normal archive is imported into an empty PostgreSQL database. The two hostile zips are
dry runs unless --store-hostile is given: a dry run goes through the same reading, parsing
workers and batches, and storing 5 GB of text costs the database half an hour on a 2-core
machine without adding to this process tree more than one batch (--large-members sets a smaller
zip to store).

The peak is the largest sum over the tree seen at one sample (resident pages shared between
processes count once per process, so the sum errs high). Each input runs --rounds times; the
median and the range are printed.

Usage: .venv/bin/python bench/import_memory.py [--rounds 3]
       [--only zip-1mib,rejected,rejected-tar,normal] [--store-hostile] [--large-members 5000]
       [--project DIR]   (another checkout's manage.py, to compare with the code before)
       [-- EXTRA IMPORT OPTIONS]   (e.g. -- --memory-budget 33554432)
"""

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from bench.import_legacy import generate  # noqa: E402

MIB = 1024 * 1024
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.05


def dump_of_exactly(size: int, n: int) -> bytes:
    head = f"Story {n}\n\nPublished : May 25, 2016, 6:31 am IST\n\n".encode()
    paragraph = (f"Paragraph of story {n} about the port workers' strike. " * 8).encode()
    body = (paragraph + b"\n\n") * (size // (len(paragraph) + 2) + 1)
    return (head + body)[: size - 1] + b"."


def zip_of_large_members(path: Path, count: int = 5_000, size: int = MIB) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n in range(count):
            archive.writestr(f"{n // 1000:02}/{n:05}_{n:016x}.txt", dump_of_exactly(size, n))


def zip_of_rejected_members(path: Path, count: int = 300_000) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(count):
            archive.writestr(f"{n // 10_000:02}/{n:06}_{n:016x}.txt", b"")


def tar_of_rejected_members(path: Path, count: int = 300_000) -> None:
    with tarfile.open(path, "w:gz", compresslevel=1) as archive:
        for n in range(count):
            archive.addfile(tarfile.TarInfo(f"{n // 10_000:02}/{n:06}_{n:016x}.txt"))


def children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                # The command name, in parentheses, may hold spaces: the fields follow the last ")".
                fields = stat.read().rpartition(b")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def resident_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES
    except OSError:
        return 0


def tree_of(root: int) -> list[int]:
    children, tree, stack = children_by_parent(), [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, []))
    return tree


def peak_memory(command: list[str], env: dict) -> tuple[float, int, int, int, int]:
    """(seconds, peak tree bytes, peak bytes of one process, most processes, exit status)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=env["PROJECT"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peaks = {"tree": 0, "largest": 0, "processes": 0}

    def sample() -> None:
        while child.poll() is None:
            sizes = [resident_bytes(pid) for pid in tree_of(child.pid)]
            peaks["tree"] = max(peaks["tree"], sum(sizes))
            peaks["largest"] = max(peaks["largest"], max(sizes))
            peaks["processes"] = max(peaks["processes"], len(sizes))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, errors = child.communicate()
    sampler.join()
    if child.returncode not in (0, 2):
        sys.stderr.write(errors.decode(errors="replace")[-2000:])
    return (
        time.perf_counter() - started,
        peaks["tree"],
        peaks["largest"],
        peaks["processes"],
        child.returncode,
    )


def fresh_database(name: str, host: str, env: dict) -> None:
    subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", host, "-U", "postgres", name], check=True)
    migrate = [sys.executable, "manage.py", "migrate", "-v0"]
    subprocess.run(migrate, cwd=env["PROJECT"], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="zip-1mib,rejected,rejected-tar,normal")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="newsroom_h12i_memory_bench")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--project", type=Path, default=PROJECT_DIR)
    parser.add_argument("--store-hostile", action="store_true")
    parser.add_argument("--large-members", type=int, default=5_000)
    parser.add_argument("extra", nargs="*", help="more options for import_legacy, after --")
    args = parser.parse_args()

    url = f"postgres://postgres@{args.host}:5432/{args.database}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "DEBUG": "false",
        "PROJECT": str(args.project.resolve()),
    }
    dry_run = [] if args.store_hostile else ["--dry-run"]
    inputs = {
        "zip-1mib": (
            f"{args.large_members:,} members of 1 MiB in a zip",
            "large.zip",
            lambda path: zip_of_large_members(path, args.large_members),
            dry_run,
        ),
        "rejected": (
            "300,000 rejected members in a zip",
            "rejected.zip",
            zip_of_rejected_members,
            dry_run,
        ),
        "rejected-tar": (
            "300,000 rejected members in a .tar.gz",
            "rejected.tar.gz",
            tar_of_rejected_members,
            dry_run,
        ),
        "normal": ("100,000 dumps in a folder", "dumps", lambda path: generate(path, 100_000), []),
    }
    command = [
        sys.executable,
        "manage.py",
        "import_legacy",
        "--quiet",
        "--workers",
        str(args.workers),
        "--max-archive-size",
        str(8 * 1024**3),  # 5,000 MiB expanded: past the 4 GiB default, which would stop it
        *args.extra,
    ]
    with tempfile.TemporaryDirectory(prefix="newsroom-memory-bench-") as tmp:
        for key in args.only.split(","):
            label, name, make, options = inputs[key]
            path = Path(tmp) / name
            started = time.perf_counter()
            make(path)
            print(f"{label}: generated in {time.perf_counter() - started:.0f} s", flush=True)
            runs = []
            for _ in range(args.rounds):
                fresh_database(args.database, args.host, env)
                runs.append(peak_memory([*command, *options, str(path)], env))
            trees = [run[1] / 1e6 for run in runs]
            print(
                f"  {' '.join(options) or 'import'}: process tree "
                f"{statistics.median(trees):.0f} MB "
                f"(range {min(trees):.0f}-{max(trees):.0f}), "
                f"largest process {statistics.median(run[2] for run in runs) / 1e6:.0f} MB, "
                f"{max(run[3] for run in runs)} processes, "
                f"{statistics.median(run[0] for run in runs):.0f} s, "
                f"exit {sorted({run[4] for run in runs})}",
                flush=True,
            )
            if path.is_dir():
                subprocess.run(["rm", "-rf", str(path)], check=True)
            else:
                path.unlink()
    subprocess.run(["dropdb", "-h", args.host, "-U", "postgres", "--if-exists", args.database])


if __name__ == "__main__":
    main()
