"""Caching of public pages: shared cache, HTTP validators and Cache-Control in one decorator.

Public pages are the same for every reader (no CSRF token, no nonce, no "logged in as"), so a
rendered page can be kept in the shared cache (Redis when REDIS_URL is set) and its ETag, a
digest of its bytes, matches from one request to the next, which lets browsers and CDNs
revalidate with a 304.

Every page is kept with the cache's generation; `invalidation.py` moves the generation when
something readers see changes, and a page of an older generation is never served. Embargoes
that lift by themselves are bounded by the cache lifetime (CACHE_LIST_SECONDS /
CACHE_STORY_SECONDS), as are CDNs and browsers. Each worker also keeps a copy of hot pages
(`_ProcessPages`), which sees a bump within PAGE_CACHE_LOCAL_SECONDS.
"""

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
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


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A rendered page as kept: bytes and headers, cheaper to load than a pickled response."""

    generation: int
    expires_at: float
    status: int
    content: bytes
    headers: dict[str, str]

    def is_current(self, generation: int, now: float) -> bool:
        return self.generation == generation and now < self.expires_at

    def response(self) -> HttpResponse:
        return HttpResponse(self.content, status=self.status, headers=self.headers)


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
        self.pages: OrderedDict[str, CachedPage] = OrderedDict()
        self.generation: int | None = None
        self.generation_read_at = 0.0

    def known_generation(self, now: float) -> int | None:
        fresh = now - self.generation_read_at < settings.PAGE_CACHE_LOCAL_SECONDS
        return self.generation if fresh else None

    def remember_generation(self, generation: int, now: float) -> None:
        self.generation, self.generation_read_at = generation, now

    def get(self, key: str, generation: int, now: float) -> CachedPage | None:
        page = self.pages.get(key)
        if page is None or not page.is_current(generation, now):
            return None
        self.pages.move_to_end(key)
        return page

    def put(self, key: str, page: CachedPage) -> None:
        self.pages[key] = page
        self.pages.move_to_end(key)
        while len(self.pages) > self.max_pages:
            self.pages.popitem(last=False)


process_pages = _ProcessPages()


def _cached_page(key: str) -> tuple[int, HttpResponse | None]:
    """The current generation and the page kept for this URL in it.

    From this worker's copy when it is fresh enough; otherwise one shared-cache round trip
    reads both the generation and the page.
    """
    now = time.time()
    local = settings.PAGE_CACHE_LOCAL_SECONDS > 0
    generation = process_pages.known_generation(now) if local else None
    if generation is not None:
        page = process_pages.get(key, generation, now)
        if page is not None:
            return generation, page.response()
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = 1
        cache.add(GENERATION_KEY, generation, timeout=None)
    if local:
        process_pages.remember_generation(generation, now)
    page = found.get(key)
    if not isinstance(page, CachedPage) or not page.is_current(generation, now):
        return generation, None
    if local:
        process_pages.put(key, page)
    return generation, page.response()


def _keep_page(key: str, generation: int, response: HttpResponse, seconds: int) -> None:
    page = CachedPage(
        generation=generation,
        expires_at=time.time() + seconds,
        status=response.status_code,
        content=response.content,
        headers=dict(response.items()),
    )
    cache.set(key, page, seconds)
    if settings.PAGE_CACHE_LOCAL_SECONDS > 0:
        process_pages.put(key, page)


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
