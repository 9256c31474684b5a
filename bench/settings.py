"""Settings for the benchmark's gunicorn only: production settings plus the bare view.

The bare view lives in bench/urls.py, which production never loads. BENCH_CACHE=off swaps the
cache for a dummy one and turns off each worker's copy of pages, to measure pages rendered on
every request.
"""

import os

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_CACHE") == "off":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    PAGE_CACHE_LOCAL_PAGES = 0
    PAGE_CACHE_SHARED = False
