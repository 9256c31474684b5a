"""The connections one import run writes on: several at once on PostgreSQL.

PostgreSQL computes each story's English search vector in the server process of the connection
that writes the story, so an import on one connection uses one core however many the machine
has. Several writers, each a thread with its own connection committing its own batches, let
the server use them all. A legacy id is always routed to the same writer, whose batches are
stored one after another, so two of the importer's own transactions never race on a story.
"""

import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection, connections

from .sources import ParsedDump
from .store import ImportOutcome


def usable_writers(requested: int) -> int:
    """How many writers this run can use: one unless parallel commits are possible and safe.

    Each writer commits on its own connection, so there must be a server that lets several
    connections write at once (PostgreSQL, not SQLite), and the caller must not be inside a
    transaction of its own: the writers could neither see its uncommitted rows nor be rolled
    back with it.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(requested, 1)


class Writers:
    """Batches of parsed dumps stored by `store`, each writer's batches in the order given.

    With one writer the batches are stored at once in the calling thread, on its connection
    (and inside its transaction, if any).
    """

    def __init__(self, count: int, store: Callable[[Sequence[ParsedDump]], list[ImportOutcome]]):
        self.count = count
        self._store = store
        threads = count if count > 1 else 0
        self._threads = [
            ThreadPoolExecutor(1, thread_name_prefix=f"import-writer-{n}") for n in range(threads)
        ]

    def writer_for(self, legacy_id: str) -> int:
        """The writer of every batch holding this story (a stable hash, not Python's salted one)."""
        return zlib.crc32(legacy_id.encode()) % self.count

    def submit(self, writer: int, batch: Sequence[ParsedDump]) -> Future:
        if not self._threads:
            stored = Future()
            stored.set_result(self._store(batch))
            return stored
        return self._threads[writer].submit(self._store, batch)

    def __enter__(self) -> "Writers":
        return self

    def __exit__(self, *exc_info) -> None:
        """Let submitted batches finish (each is whole or nothing), then close the connections."""
        for thread in self._threads:
            thread.submit(connections.close_all)
            thread.shutdown(wait=True)
