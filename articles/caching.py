"""Caching of public pages: shared cache, HTTP validators and Cache-Control in one decorator.

Public pages are the same for every reader (no CSRF token, no nonce, no "logged in as"), so a
rendered page can be kept in the shared cache (Redis when REDIS_URL is set) and its ETag, a
digest of its bytes, matches from one request to the next, which lets browsers and CDNs
revalidate with a 304.

A save of anything a page shows bumps the cache's generation, so the shared cache serves the
new text at once; embargoes that lift by themselves and writes that skip signals are bounded
by the cache lifetime (CACHE_LIST_SECONDS / CACHE_STORY_SECONDS), as are CDNs and browsers.
Each worker also keeps a copy of hot pages (`_ProcessPages`), which sees a bump within
PAGE_CACHE_LOCAL_SECONDS.
"""

import hashlib
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

GENERATION_KEY = "newsroom:pages:generation"


def bump_generation() -> None:
    process_pages.clear()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def pages_changed() -> None:
    """Something readers see changed: cached pages go now and again at the commit.

    Now, so that the rest of the same transaction (and a test wrapped in one) reads fresh
    pages; again once the transaction commits, since a reader between the two could have
    cached the old text under the new generation. Writes that skip model signals (the
    services' optimistic updates, the importer's bulk copies) call this themselves.
    """
    bump_generation()
    transaction.on_commit(bump_generation, robust=True)


def _changed(**kwargs) -> None:
    pages_changed()


def connect_signals() -> None:
    from .models import Article, Dateline, Revision, Tag, Update

    for model in (Article, Dateline, Revision, Tag, Update):
        post_save.connect(_changed, sender=model, dispatch_uid=f"pages-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pages-delete-{model}")
    m2m_changed.connect(_changed, sender=Article.tags.through, dispatch_uid="pages-article-tags")


def _page_key(request) -> str:
    digest = hashlib.sha256(
        f"{request.method == 'HEAD'}|{request.get_host()}|{request.get_full_path()}".encode()
    ).hexdigest()
    return f"newsroom:page:{digest}"


class _ProcessPages:
    """A small copy of hot pages in each worker, in front of the shared cache.

    The generation it trusts is re-read from the shared cache at most once every
    PAGE_CACHE_LOCAL_SECONDS (default 1 s), so a save elsewhere reaches every worker within
    that time (at once in the worker that saved); a page never outlives the lifetime it was
    given in the shared cache. It saves the shared cache's round trip on every hot request.
    """

    max_pages = 500

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.generation: int | None = None
        self.generation_read_at = 0.0

    def known_generation(self, now: float) -> int | None:
        fresh = now - self.generation_read_at < settings.PAGE_CACHE_LOCAL_SECONDS
        return self.generation if fresh else None

    def remember_generation(self, generation: int, now: float) -> None:
        self.generation, self.generation_read_at = generation, now

    def get(self, key: str, generation: int, now: float) -> tuple | None:
        entry = self.pages.get(key)
        if entry is None or entry[0] != generation or entry[1] <= now:
            return None
        self.pages.move_to_end(key)
        return entry

    def put(self, key: str, entry: tuple) -> None:
        self.pages[key] = entry
        self.pages.move_to_end(key)
        while len(self.pages) > self.max_pages:
            self.pages.popitem(last=False)


process_pages = _ProcessPages()


def _response(entry: tuple) -> HttpResponse:
    _, _, status, content, headers = entry
    return HttpResponse(content, status=status, headers=headers)


def _cached_page(key: str) -> tuple[int, HttpResponse | None]:
    """The current generation and the page kept for this URL in it.

    From this worker's copy when it is fresh enough; otherwise one shared-cache round trip
    reads both the generation and the page.
    """
    now = time.time()
    local = settings.PAGE_CACHE_LOCAL_SECONDS > 0
    generation = process_pages.known_generation(now) if local else None
    if generation is not None:
        entry = process_pages.get(key, generation, now)
        if entry is not None:
            return generation, _response(entry)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = 1
        cache.add(GENERATION_KEY, generation, timeout=None)
    if local:
        process_pages.remember_generation(generation, now)
    entry = found.get(key)
    if entry is None or entry[0] != generation or entry[1] <= now:
        return generation, None
    if local:
        process_pages.put(key, entry)
    return generation, _response(entry)


def _keep_page(key: str, generation: int, response: HttpResponse, seconds: int) -> None:
    """Keep the bytes and headers (not the response object: cheaper to load than to unpickle)."""
    entry = (
        generation,
        time.time() + seconds,
        response.status_code,
        response.content,
        dict(response.items()),
    )
    cache.set(key, entry, seconds)
    if settings.PAGE_CACHE_LOCAL_SECONDS > 0:
        process_pages.put(key, entry)


def public_page(seconds_setting: str, stale_factor: int = 5):
    """Cache a public GET view for the lifetime named by a setting, and answer conditionally.

    Browsers keep the page for the lifetime; CDNs may serve it stale for `stale_factor` times
    that while they revalidate. Views may set Last-Modified (the one rule for "changed");
    the ETag is a digest of the bytes, so it changes whenever the page would. A page is kept
    with the generation it was rendered in and ignored once a save has bumped it.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            seconds = getattr(settings, seconds_setting)
            key = _page_key(request)
            generation, response = _cached_page(key)
            if response is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                if response.status_code in (200, 410) and not response.streaming:
                    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
                    patch_cache_control(
                        response,
                        public=True,
                        max_age=seconds,
                        s_maxage=seconds,
                        stale_while_revalidate=seconds * stale_factor,
                    )
                    if seconds > 0 and not response.cookies:
                        _keep_page(key, generation, response, seconds)
            if response.status_code != 200:
                return response
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            return get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=last_modified,
                response=response,
            )

        return wrapper

    return decorator
