"""Caching of public pages: what a kept page shows, when it stops being current, its headers.

Public pages are the same for every reader (no CSRF token, no nonce, no "logged in as"), so a
rendered page is kept: in this worker's memory (hot pages) and in the shared cache (Redis
when REDIS_URL is set). Each page is kept with the surrogate keys of what it shows
(`editorial/finishing.py`) and the number of the last change it had seen when it was rendered.

Before serving a kept page, the worker reads the changes recorded since the last it saw, one
small query on the database every server shares (`PageChange`), and a page one of whose keys
changed later is not served; a page rendered afresh costs no such query. So a save or a kill
shows on the next request to any worker, with Redis or without it. Redis being down only costs
its speed (pages render, saves never touch it), and a page kept in Redis before the outage is
checked against the changes like any other.

Kept pages are served by `KeptPagesMiddleware`, near the top of the middleware: a kept page
answers before CSRF, authentication, messages, framing and CSP headers and login throttling
run, since it was stored with the headers they gave it when it was rendered. The views say
what is kept and for how long with `story_page()` and `list_page()`.

Browsers keep a page CACHE_BROWSER_SECONDS (default 0) and revalidate with its ETag; shared
caches (Varnish, a CDN) may keep it for the page's lifetime only when a purger tells them what
to drop (PAGE_PURGER), and a list is never kept past the next embargo to lift. Query
parameters a page does not read are dropped before it renders, so `?cachebust=N` serves the
kept page and creates no entry.
"""

import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from ..editorial.finishing import next_publication
from ..models import PageChange

logger = logging.getLogger(__name__)

# The changes whose rows a worker remembers: far more than are made in a page's lifetime.
ROWS_REMEMBERED = 20_000
# A worker starting afresh reads the changes of this long plus the longest page lifetime.
START_MARGIN = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A rendered page as kept: bytes and headers, cheaper to load than a pickled response."""

    # The last change recorded when the page was rendered, as (seq, row id): the row id tells a
    # change from another of the same number in a record since replaced (a database restored).
    seen: tuple[int, int | None]
    keys: frozenset[str]
    expires_at: float
    status: int
    content: bytes
    headers: dict[str, str]

    def response(self) -> HttpResponse:
        return HttpResponse(self.content, status=self.status, headers=self.headers)


class _WorkerPages:
    """This worker's knowledge of the recorded changes, and its copy of hot pages.

    Shared by the threads of a threaded worker: what they change is changed under one lock.
    """

    def __init__(self):
        self._lock = threading.RLock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self.pages: OrderedDict[str, CachedPage] = OrderedDict()
        self.changed: dict[str, int] = {}  # the last change of each key
        self.seen = None  # the last change read, as (seq, row id)
        self.row_of: dict[int, int | None] = {0: None}  # the row of each change read
        self.known_from = 0  # every change after this one is in `changed`
        self.next_publication_at: datetime | None = None
        self.next_publication_read = False
        self.shared_down_until = 0.0
        # The list filters' choices, with the change they were built at (`filters.py`).
        self.filter_choices: tuple | None = None

    def _learn(self, rows) -> None:
        for row_id, seq, keys, next_publication_at in rows:
            for key in keys.split():
                self.changed[key] = seq
            self.seen = (seq, row_id)
            self.row_of[seq] = row_id
            self.next_publication_at = next_publication_at
            self.next_publication_read = True
        if len(self.row_of) > ROWS_REMEMBERED:
            # Pages stamped before the oldest change remembered are no longer trusted.
            kept = sorted(self.row_of)[-ROWS_REMEMBERED // 2 :]
            self.row_of = {seq: self.row_of[seq] for seq in kept}
            self.known_from = max(self.known_from, kept[0])

    def catch_up(self) -> int:
        """Read the changes recorded since the last one seen (one query); the last change."""
        with self._lock:
            return self._catch_up()

    def _catch_up(self) -> int:
        if self.seen is not None:
            rows = _changes_from(self.seen[0])
            if self.seen[1] is None:  # nothing was recorded yet: every row is new
                self._learn(rows)
                return self.seen[0]
            if rows and (rows[0][1], rows[0][0]) == self.seen:
                self._learn(rows[1:])
                return self.seen[0]
            # The change last seen is gone (a database restored, a test rolled back): restart.
            self._clear()
        longest = max(settings.CACHE_LIST_SECONDS, settings.CACHE_STORY_SECONDS)
        horizon = timezone.now() - timedelta(seconds=longest) - START_MARGIN
        last = PageChange.objects.order_by("-seq").values("seq")[:1]
        rows = list(
            PageChange.objects.filter(Q(at__gte=horizon) | Q(seq__in=last))
            .order_by("seq")
            .values_list(*CHANGE_FIELDS)
        )
        self.known_from = rows[0][1] - 1 if rows else 0
        self.seen = (0, None)
        self._learn(rows)
        return self.seen[0]

    def last_seen(self) -> tuple[int, int | None]:
        """The last change this worker read: a page rendered now reflects at least that much.

        A new page is stamped with it rather than with a fresh read, which costs no query;
        a change read later that the page already shows only makes it miss once more.
        """
        with self._lock:
            if self.seen is None:
                self._catch_up()
            return self.seen

    def first_embargo(self, now: datetime) -> datetime | None:
        """The next scheduled publication, read again only once the last one known passed."""
        known = self.next_publication_at
        if not self.next_publication_read or (known is not None and known <= now):
            self.next_publication_at, self.next_publication_read = next_publication(now), True
        return self.next_publication_at

    def is_current(self, page: CachedPage, seen: int, now: float) -> bool:
        seq, row_id = page.seen
        return (
            self.known_from <= seq <= seen
            and self.row_of.get(seq, -1) == row_id
            and now < page.expires_at
            and all(self.changed.get(key, 0) <= seq for key in page.keys)
        )

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        if settings.PAGE_CACHE_LOCAL_PAGES <= 0:
            return
        with self._lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > settings.PAGE_CACHE_LOCAL_PAGES:
                self.pages.popitem(last=False)

    def shared_get(self, key: str) -> CachedPage | None:
        if not settings.PAGE_CACHE_SHARED or time.monotonic() < self.shared_down_until:
            return None
        try:
            page = cache.get(key)
        except Exception:
            self._shared_failed("read")
            return None
        return page if isinstance(page, CachedPage) else None

    def shared_set(self, key: str, page: CachedPage, seconds: float) -> None:
        if not settings.PAGE_CACHE_SHARED or time.monotonic() < self.shared_down_until:
            return
        try:
            cache.set(key, page, math.ceil(seconds))
        except Exception:
            self._shared_failed("write")

    def _shared_failed(self, what: str) -> None:
        """The shared cache is down: pages render without it, and it is tried again soon."""
        logger.warning("page cache %s failed; serving without the shared cache", what)
        self.shared_down_until = time.monotonic() + settings.PAGE_CACHE_RETRY_SECONDS


process_pages = _WorkerPages()

CHANGE_FIELDS = ("id", "seq", "keys", "next_publication_at")


def _changes_from(seq: int) -> list[tuple]:
    """The changes numbered `seq` and after, oldest first: the one query a kept page costs.

    Plain SQL on the unique index of `seq`: this runs before every kept page is served, where
    the ORM's own work would cost more than the query.
    """
    table = connection.ops.quote_name(PageChange._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in CHANGE_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE seq >= %s ORDER BY seq", [seq])
        rows = cursor.fetchall()
    if connection.vendor != "sqlite":
        return rows
    # SQLite keeps times in UTC without their zone: read them as the ORM would.
    return [(*row[:3], row[3] and row[3].replace(tzinfo=UTC)) for row in rows]


def caching_on() -> bool:
    return settings.PAGE_CACHE_LOCAL_PAGES > 0 or settings.PAGE_CACHE_SHARED


def _page_key(request, query: QueryDict) -> str:
    page = f"{request.method == 'HEAD'}|{request.get_host()}|{request.path}|{query.urlencode()}"
    return f"newsroom:page:{hashlib.sha256(page.encode()).hexdigest()}"


def _known_query(request, names: tuple[str, ...]) -> tuple[QueryDict, bool]:
    """The query parameters the page reads, in a fixed order, and whether others were sent."""
    known = QueryDict(mutable=True)
    for name in sorted(set(request.GET) & set(names)):
        known.setlist(name, request.GET.getlist(name))
    return known, len(known) != len(request.GET)


def _kept_page(key: str, now: float) -> CachedPage | None:
    """The page kept for `key` (this worker's copy, else Redis's) if no change since made it stale.

    The record of changes is read only when there is a page to check: a miss costs nothing.
    """
    local = process_pages.get(key)
    shared = None if local is not None else process_pages.shared_get(key)
    if local is None and shared is None:
        return None
    seen = process_pages.catch_up()
    if local is not None:
        if process_pages.is_current(local, seen, now):
            return local
        shared = process_pages.shared_get(key)
    if shared is not None and process_pages.is_current(shared, seen, now):
        process_pages.put(key, shared)
        return shared
    return None


def _keepable(response) -> bool:
    return response.status_code in (200, 410) and not response.streaming and not response.cookies


def _tag(response) -> frozenset[str]:
    """Surrogate-Key for Varnish and Fastly, Cache-Tag for Cloudflare and others."""
    keys = frozenset(getattr(response, "surrogate_keys", ()))
    if keys:
        response["Surrogate-Key"] = " ".join(sorted(keys))
        response["Cache-Tag"] = ",".join(sorted(keys))
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    return keys


def _label_end(response, now: float, moment: datetime) -> float:
    """When a label the page shows ends ("Breaking", "Developing": `response.labels_end_at`),
    as a time like `now`; the page is kept no longer. Infinity when it shows none."""
    end = getattr(response, "labels_end_at", None)
    return math.inf if end is None else now + (end - moment).total_seconds()


def _cache_control(response, shared_seconds: float, private: bool) -> None:
    browser = settings.CACHE_BROWSER_SECONDS
    if private:
        patch_cache_control(response, private=True, max_age=browser, must_revalidate=True)
        return
    shared = max(0, int(shared_seconds)) if settings.PAGE_PURGER else browser
    patch_cache_control(
        response,
        public=True,
        max_age=min(browser, shared),
        s_maxage=shared,
        must_revalidate=True,
    )


@dataclass(frozen=True, slots=True)
class KeptPage:
    """How a public view's pages are kept: for the number of seconds a setting names, with the
    query parameters it reads, and (a list) never past the next embargo to lift."""

    seconds_setting: str
    query: tuple[str, ...]
    until_embargo: bool


def _marked(policy: KeptPage):
    def decorator(view):
        view.kept_page = policy
        return view

    return decorator


def story_page(query: tuple[str, ...] = ()):
    """A public page of one story, kept for CACHE_STORY_SECONDS; answers conditionally.

    The view tags its response with `surrogate_keys`; its ETag is a digest of the bytes.
    """
    return _marked(KeptPage("CACHE_STORY_SECONDS", query, until_embargo=False))


def list_page(query: tuple[str, ...] = ()):
    """A public list, kept for CACHE_LIST_SECONDS and never past the next embargo to lift.

    `query` names the parameters it reads; any others are dropped before it renders.
    """
    return _marked(KeptPage("CACHE_LIST_SECONDS", query, until_embargo=True))


def _kept_page_policy(request) -> KeptPage | None:
    """How the view this request goes to keeps its pages, if it is a public page."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    policy = getattr(view, "kept_page", None)
    if policy is None and hasattr(view, "view_class"):
        # A class-based view marked on its dispatch (`method_decorator`).
        policy = getattr(view.view_class.dispatch, "kept_page", None)
    return policy


class KeptPagesMiddleware:
    """Serves public pages as kept, and keeps them as rendered: headers, ETag, surrogate keys.

    Placed before the middleware an anonymous reader's page does not need (CSRF,
    authentication, messages, framing and CSP headers, login throttling), so a kept page costs
    none of them: it was stored with the headers they added when it was rendered. After
    CommonMiddleware, which refuses unknown hosts and measures every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        policy = _kept_page_policy(request)
        if policy is None:
            return self.get_response(request)
        known, extra = _known_query(request, policy.query)
        request.GET = known
        seconds = getattr(settings, policy.seconds_setting)
        now, moment = time.time(), timezone.now()
        if caching_on() and seconds > 0:
            key = _page_key(request, known)
            page = _kept_page(key, now)
            if page is None:
                seen = process_pages.last_seen()
                response = self.get_response(request)
                if not _keepable(response):
                    return response
                expires_at = min(now + seconds, _label_end(response, now, moment))
                if policy.until_embargo:
                    embargo = process_pages.first_embargo(moment)
                    if embargo is not None:
                        expires_at = min(expires_at, embargo.timestamp())
                page = CachedPage(
                    seen=seen,
                    keys=_tag(response),
                    expires_at=expires_at,
                    status=response.status_code,
                    content=response.content,
                    headers=dict(response.items()),
                )
                process_pages.put(key, page)
                process_pages.shared_set(key, page, expires_at - now)
            response = page.response()
            remaining = page.expires_at - now
        else:
            response = self.get_response(request)
            if not _keepable(response):
                return response
            _tag(response)
            remaining = min(seconds, _label_end(response, now, moment) - now)
            if policy.until_embargo and settings.PAGE_PURGER:
                embargo = next_publication(moment)
                if embargo is not None:
                    remaining = min(remaining, (embargo - moment).total_seconds())
        _cache_control(response, remaining, private=extra)
        if response.status_code != 200:
            return response
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
