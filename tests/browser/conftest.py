import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages, as a fresh deployment would."""
    cache.clear()
    yield
    cache.clear()
