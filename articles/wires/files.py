"""Agency files on disk: which files a run reads, and their readings, parsed in worker
processes while the caller stores what came before. Pure: nothing of Django, so the workers
start without it."""

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from .reading import Format, Limits, Reading, RejectedFile, format_for_name, read_wire_file

WIRE_SUFFIXES = {".json", ".xml", ".rss", ".atom", ".ninjs"}
# Files a worker parses at a time. With the size cap this bounds the memory in flight:
# 2 chunks per worker, each at most CHUNK_FILES files of at most the limit.
CHUNK_FILES = 25


@dataclass(frozen=True)
class Refused:
    """A file rejected whole, with the reason."""

    format: Format
    reason: str


def wire_files(paths: Iterable[str]) -> Iterator[Path]:
    """The files named, and the wire files in the folders named, in sorted order within each
    (files whose name starts with a dot are being written: agencies rename them when done)."""
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


def read_path(path: Path, limits: Limits) -> list[Reading] | Refused:
    name = str(path)
    try:
        with path.open("rb") as file:
            data = file.read(limits.max_bytes + 1)  # never more than the limit in memory
        return read_wire_file(name, data, limits)
    except RejectedFile as exc:
        return Refused(exc.format, str(exc))
    except OSError as exc:
        return Refused(format_for_name(name), f"cannot read the file: {exc.strerror}")


def _read_chunk(paths: list[Path], limits: Limits) -> list[list[Reading] | Refused]:
    return [read_path(path, limits) for path in paths]


def read_paths(
    paths: Iterable[Path], limits: Limits, workers: int = 1
) -> Iterator[tuple[str, list[Reading] | Refused]]:
    """(name, readings or refusal) for each path, in order; with `workers` > 1 parsed in that
    many processes, two chunks ahead of the caller per worker."""
    paths = iter(paths)
    if workers <= 1:
        for path in paths:
            yield str(path), read_path(path, limits)
        return
    # Spawned, not forked, so that no worker holds a copy of the caller's database connection.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        in_flight = deque()
        while chunk := list(islice(paths, CHUNK_FILES)):
            if len(in_flight) >= 2 * workers:
                yield from _done(*in_flight.popleft())
            in_flight.append((chunk, pool.submit(_read_chunk, chunk, limits)))
        while in_flight:
            yield from _done(*in_flight.popleft())


def _done(chunk, future):
    return zip(map(str, chunk), future.result(), strict=True)
