import pytest
from django.core.cache import cache

from articles.caching import process_pages


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages, as a fresh deployment would."""
    cache.clear()
    process_pages.clear()
    yield
    cache.clear()
    process_pages.clear()
