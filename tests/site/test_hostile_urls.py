"""No address readers can type answers 500: malformed values give 400 or 404.

A property test walks every public URL pattern of the URLconf (not a hand-written list), fills
its parameters and its query string with arbitrary text, numbers past every column's range
and NUL characters, and asserts that nothing answers 5xx. Bounded to run in seconds in CI.
"""

import re
from urllib.parse import quote, urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.site.filters import ArticleFilter
from tests.factories import ArticleFactory, DatelineFactory, TagFactory

pytestmark = pytest.mark.django_db

HOSTILE = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def public_routes(patterns=None, prefix=""):
    """Every route of the URLconf but the admin's, as "stories/<int:pk>/<str:slug>/"."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":
                yield from public_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


ROUTES = sorted(set(public_routes()))
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")

numbers = st.one_of(
    st.integers(min_value=0, max_value=10**30),
    st.sampled_from([0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**20]),
).map(str)
texts = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(["\x00", "a\x00b", "%00", "..", "???", "🇮🇳", "\x01\x07\x1b", "<script>"]),
    numbers,
)
PARAMETER_VALUES = {
    "int": numbers,
    "dd": st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}"),
    "str": texts,
    None: texts,
}
QUERY_NAMES = sorted({"q", "page", "before", "after", *ArticleFilter.base_filters})
query_values = st.one_of(
    texts,
    st.dates().map(str),
    st.sampled_from(["9999-12-31", "0001-01-01", "2016-02-30", "-1", "1e9", ""]),
)
query_strings = st.lists(
    st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=10)), query_values),
    max_size=4,
).map(lambda pairs: urlencode(pairs))


@pytest.fixture
def some_stories():
    tag = TagFactory(name="Monsoon", slug="monsoon")
    place = DatelineFactory(country="India", city="Mumbai")
    ArticleFactory.create_batch(3, published=True, tags=[tag], dateline=place)


def path_for(route: str, data) -> str:
    def fill(match):
        value = data.draw(PARAMETER_VALUES.get(match.group(1), texts), label=match.group(2))
        return quote(value, safe="")

    return "/" + PARAMETER.sub(fill, route)


@pytest.mark.parametrize("route", ROUTES)
@HOSTILE
@given(data=st.data())
def test_no_public_address_answers_a_server_error(client, some_stories, route, data):
    path = path_for(route, data)
    query = data.draw(query_strings, label="query")

    response = client.get(f"{path}?{query}" if query else path)

    assert response.status_code < 500, (path, query)


def test_every_public_route_is_driven():
    assert "search/" in ROUTES
    assert "stories/<int:pk>/<str:slug>/" in ROUTES
    assert "sitemaps/<int:year>-<dd:month>.xml" in ROUTES
    assert not any(route.startswith("admin/") for route in ROUTES)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/search/?q=%00", 400),
        ("/search/?q=flood%00", 400),
        ("/tags/%00/", 400),
        ("/feeds/tags/%00.rss", 400),
        ("/feeds/places/india%00.atom", 400),
        ("/?tag=%00", 400),
        ("/sitemaps/2147483648-01.xml", 404),
        ("/sitemaps/99999999999999999999-01.xml", 404),
        ("/archive/2147483648/01/01/", 404),
        ("/stories/99999999999999999999/", 404),
        ("/api/ninjs/stories/99999999999999999999/", 404),
    ],
)
def test_the_addresses_that_used_to_fail(client, some_stories, url, status):
    assert client.get(url).status_code == status
