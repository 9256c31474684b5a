"""Telling the shared caches in front of the site (Varnish, a CDN) which pages to drop.

Pages carry their surrogate keys (`Surrogate-Key`, and `Cache-Tag` for CDNs that read that
one); after every change commits, `purge_after_commit` hands its keys to the purger named by
PAGE_PURGER. A purger is a class with `purge(keys)`; `VarnishPurger` bans the keys in each
Varnish of VARNISH_PURGE_URLS (deploy/varnish.vcl answers the request).

A page rendered just before a commit can reach the shared cache just after the purge, so the
keys are purged once more PAGE_PURGE_REPEAT_SECONDS later. A purge that fails is logged and
never fails the editor's save: the page's own lifetime (s-maxage) bounds what it misses.
"""

import logging
import re
import threading
import urllib.request
from collections.abc import Collection
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_KEY = re.compile(r"^[a-z0-9-]+$")


class VarnishPurger:
    """Bans by surrogate key: `PURGE /` with the keys, space-separated, in `Purge-Keys`."""

    timeout = 2.0

    def __init__(self, urls: Collection[str] | None = None):
        self.urls = list(settings.VARNISH_PURGE_URLS if urls is None else urls)

    def purge(self, keys: Collection[str]) -> None:
        # The keys become a regular expression in the VCL: only our own alphabet gets there.
        names = " ".join(sorted(key for key in keys if _KEY.match(key)))
        if not names:
            return
        for url in self.urls:
            request = urllib.request.Request(url, method="PURGE", headers={"Purge-Keys": names})
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()


@cache
def purger():
    """The configured purger, or None when no shared cache is told (PAGE_PURGER unset)."""
    return import_string(settings.PAGE_PURGER)() if settings.PAGE_PURGER else None


def purge(keys: Collection[str]) -> None:
    chosen = purger()
    if chosen is None:
        return
    try:
        chosen.purge(keys)
    except Exception:
        logger.exception("purging %d surrogate keys failed", len(keys))


def _purge_now_and_again(keys: Collection[str]) -> None:
    purge(keys)
    if settings.PAGE_PURGE_REPEAT_SECONDS > 0:
        timer = threading.Timer(settings.PAGE_PURGE_REPEAT_SECONDS, purge, args=(keys,))
        timer.daemon = True
        timer.start()


def purge_after_commit(keys: Collection[str]) -> None:
    if purger() is not None:
        frozen = frozenset(keys)
        transaction.on_commit(lambda: _purge_now_and_again(frozen), robust=True)


@receiver(setting_changed)
def _forget_purger(setting, **kwargs) -> None:
    if setting in ("PAGE_PURGER", "VARNISH_PURGE_URLS"):
        purger.cache_clear()
