"""Telling the shared caches in front of the site (Varnish nodes, a CDN) which pages to drop.

Pages carry their surrogate keys (`Surrogate-Key`, and `Cache-Tag` for CDNs that read that
one); every change is recorded with its keys in the change log the app servers share
(`PageChange`, numbered). After a change commits, each cache node named by the purger
(PAGE_PURGER; `VarnishPurger` has one node per VARNISH_PURGE_URLS) is sent, independently of
the others, every change it has not had: `PurgeNode.purged_through` records, in the same
database, the last change each node was sent. So one node that cannot be reached never keeps
the others stale, and what it missed is not lost:
- a node that fails is marked behind and retried in the background with a bounded backoff
  (1 s doubling to PAGE_PURGE_RETRY_MAX_SECONDS), until it has had every change it missed;
  saves meanwhile do not wait for it;
- that record survives a restart of the app: each app process, at its first request, resumes
  the retries of any node still behind;
- an operator sees a node behind in the log (a warning at each failed try, a line when it
  caught up) and with `manage.py check_cache_nodes`, which can also deliver at once.
Keys are sent in batches under the header size a cache accepts (PURGE_HEADER_BYTES).

A page rendered just before a commit can reach a cache just after the purge, so each change's
keys are sent once more PAGE_PURGE_REPEAT_SECONDS later; a node that misses that repeat is set
back to before the change, so the retries send it again. A purge never fails an editor's save.
Changes older than the change log keeps (a day, longer than any page lives) are not resent.
"""

import logging
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.signals import request_started, setting_changed
from django.db import close_old_connections, connections, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Least
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PageChange, PurgeNode

logger = logging.getLogger(__name__)

_KEY = re.compile(r"^[a-z0-9-]+$")
# Varnish refuses a request header over 8 KB (http_req_hdr_len): ~620 keys. Half of it is safe
# behind any proxy and still purges hundreds of keys a request.
PURGE_HEADER_BYTES = 4096


def key_batches(keys: Collection[str], limit: int = PURGE_HEADER_BYTES) -> Iterator[str]:
    """The well-formed keys, space-separated, in runs no longer than `limit` bytes.

    The keys become a regular expression in the VCL: only our own alphabet gets there.
    """
    batch: list[str] = []
    size = 0
    for key in sorted(key for key in keys if _KEY.match(key)):
        if batch and size + 1 + len(key) > limit:
            yield " ".join(batch)
            batch, size = [], 0
        size += len(key) + (1 if batch else 0)
        batch.append(key)
    if batch:
        yield " ".join(batch)


class VarnishNode:
    """One Varnish: `PURGE /` with the keys, space-separated, in `Purge-Keys`."""

    timeout = 2.0

    def __init__(self, url: str):
        self.name = url

    def purge(self, keys: Collection[str]) -> None:
        for names in key_batches(keys):
            request = urllib.request.Request(
                self.name, method="PURGE", headers={"Purge-Keys": names}
            )
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()


class VarnishPurger:
    """Every Varnish of VARNISH_PURGE_URLS, each purged on its own."""

    def __init__(self, urls: Collection[str] | None = None):
        urls = settings.VARNISH_PURGE_URLS if urls is None else urls
        self.nodes = [VarnishNode(url) for url in urls]


@dataclass(frozen=True)
class _WholeCache:
    """A purger of one cache with no nodes of its own (a CDN's API): itself, as one node."""

    name: str
    purge: Callable[[Collection[str]], None]


@cache
def purger():
    """The configured purger, or None when no shared cache is told (PAGE_PURGER unset)."""
    return import_string(settings.PAGE_PURGER)() if settings.PAGE_PURGER else None


def nodes() -> list:
    chosen = purger()
    if chosen is None:
        return []
    return getattr(chosen, "nodes", None) or [_WholeCache(settings.PAGE_PURGER, chosen.purge)]


def last_change() -> int:
    return PageChange.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def deliver(node, through: int | None = None) -> bool:
    """Send `node` every recorded change it has not had (up to `through`); whether it has them.

    A node seen for the first time starts from the change before `through`.
    """
    through = last_change() if through is None else through
    record, _ = PurgeNode.objects.get_or_create(
        name=node.name, defaults={"purged_through": max(through - 1, 0)}
    )
    if record.purged_through >= through:
        return True
    missed = list(
        PageChange.objects.filter(seq__gt=record.purged_through).values_list("seq", "keys")
    )
    reached = max((seq for seq, _ in missed), default=through)
    keys = {key for _, names in missed for key in names.split()}
    try:
        node.purge(keys)
    except Exception as error:
        _fell_behind(node, record, error)
        return False
    PurgeNode.objects.filter(pk=record.pk).update(
        purged_through=Greatest(F("purged_through"), reached), failing_since=None, last_error=""
    )
    if record.failing_since is not None:
        logger.warning(
            "cache node %s caught up: %d missed changes sent after %s",
            node.name,
            len(missed),
            timezone.now() - record.failing_since,
        )
    return True


def _fell_behind(node, record: PurgeNode, error: Exception) -> None:
    now = timezone.now()
    since = record.failing_since or now
    PurgeNode.objects.filter(pk=record.pk).update(failing_since=since, last_error=str(error)[:500])
    logger.warning(
        "cache node %s is behind: purges since change %d not delivered (failing since %s: %s);"
        " retrying in the background",
        node.name,
        record.purged_through,
        since.isoformat(timespec="seconds"),
        error,
    )
    retries.wake()


def deliver_all() -> list[str]:
    """Every node sent what it missed; the names of those still behind."""
    through = last_change()
    return [node.name for node in nodes() if not deliver(node, through)]


def _purge_change(keys: frozenset[str], seq: int) -> None:
    """Just after the change's commit: each node not known to be behind gets what it misses."""
    failing = set(
        PurgeNode.objects.filter(failing_since__isnull=False).values_list("name", flat=True)
    )
    for node in nodes():
        if node.name in failing:
            retries.wake()  # its retries send this change too; the save does not wait for it
        else:
            deliver(node, seq)
    if settings.PAGE_PURGE_REPEAT_SECONDS > 0:
        timer = threading.Timer(settings.PAGE_PURGE_REPEAT_SECONDS, _repeat, args=(keys, seq))
        timer.daemon = True
        timer.start()


def _repeat(keys: frozenset[str], seq: int) -> None:
    try:
        for node in nodes():
            try:
                node.purge(keys)
            except Exception as error:
                record = PurgeNode.objects.get(name=node.name)
                PurgeNode.objects.filter(pk=record.pk).update(
                    purged_through=Least(F("purged_through"), seq - 1)
                )
                _fell_behind(node, record, error)
    finally:
        connections.close_all()  # this thread's own


def purge_after_commit(keys: Collection[str], seq: int) -> None:
    """Once the change `seq` commits, the caches are told (see the module's description)."""
    if purger() is not None:
        frozen = frozenset(keys)
        transaction.on_commit(lambda: _purge_change(frozen, seq), robust=True)


class _Retries:
    """This process's background retries of the nodes behind, one thread while any is."""

    def __init__(self):
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="purge-retries", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        delay = 1.0
        try:
            while True:
                time.sleep(delay)
                close_old_connections()
                try:
                    if not deliver_all():
                        return
                except Exception:
                    logger.exception("retrying the purges of the cache nodes failed")
                delay = min(delay * 2, settings.PAGE_PURGE_RETRY_MAX_SECONDS)
        finally:
            connections.close_all()  # this thread's own


retries = _Retries()


def behind() -> list[PurgeNode]:
    """The configured nodes that have not had every change, with their records."""
    names = [node.name for node in nodes()]
    through = last_change()
    records = {record.name: record for record in PurgeNode.objects.filter(name__in=names)}
    return [
        records[name]
        for name in names
        if name in records
        and (records[name].purged_through < through or records[name].failing_since)
    ]


def _resume_after_start(**kwargs) -> None:
    """At an app process's first request: resume the retries of nodes left behind."""
    request_started.disconnect(_resume_after_start, dispatch_uid="purge-resume")
    if purger() is not None and behind():
        retries.wake()


def connect_signals() -> None:
    request_started.connect(_resume_after_start, dispatch_uid="purge-resume")


@receiver(setting_changed)
def _forget_purger(setting, **kwargs) -> None:
    if setting in ("PAGE_PURGER", "VARNISH_PURGE_URLS"):
        purger.cache_clear()
