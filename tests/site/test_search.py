"""Search: full-text with ranking on PostgreSQL, plain matching on SQLite, published only."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.site import search as search_module
from articles.site.search import search
from tests.factories import ArticleFactory, DatelineFactory, TagFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="full-text search with a stored vector is PostgreSQL only; SQLite has the fallback",
)


def headlines(html: str) -> list[str]:
    return re.findall(r'<h2 class="summary-headline"><a href="[^"]+">([^<]+)</a>', html)


def test_search_finds_published_stories_only(client):
    found = ArticleFactory(published=True, headline="Cyclone reaches the coast")
    ArticleFactory(headline="Cyclone draft")
    ArticleFactory(scheduled=True, headline="Cyclone embargoed")
    ArticleFactory(withdrawn=True, headline="Cyclone withdrawn")

    response = client.get("/search/", {"q": "cyclone"})

    assert response.status_code == 200
    assert headlines(response.text) == [found.headline]


def test_empty_search_shows_the_form_and_no_results(client):
    ArticleFactory(published=True)

    response = client.get("/search/")

    assert response.status_code == 200
    assert headlines(response.text) == []
    assert 'name="q"' in response.text


def test_search_form_has_no_csrf_token(client):
    response = client.get("/search/", {"q": "anything"})

    assert "csrfmiddlewaretoken" not in response.text
    assert not response.cookies


def test_search_can_be_narrowed_by_tag_and_country(client):
    tag = TagFactory(slug="weather", name="Weather")
    india = DatelineFactory(country="India")
    lebanon = DatelineFactory(country="Lebanon", region="")
    match = ArticleFactory(published=True, headline="Storm in India", tags=[tag], dateline=india)
    ArticleFactory(published=True, headline="Storm in Lebanon", tags=[tag], dateline=lebanon)
    ArticleFactory(published=True, headline="Storm untagged", dateline=india)

    html = client.get("/search/", {"q": "storm", "tag": "weather", "country": "India"}).text

    assert headlines(html) == [match.headline]


def test_search_finds_words_in_the_body(client):
    article = ArticleFactory(published=True, headline="Council meets", body="The budget passed.")

    assert headlines(client.get("/search/", {"q": "budget"}).text) == [article.headline]


def test_search_pages_through_results(client):
    moment = timezone.now() - timedelta(days=1)
    for i in range(25):
        ArticleFactory(published=True, headline=f"Harbour news {i}", published_at=moment)

    first = client.get("/search/", {"q": "harbour"}).text
    next_link = re.search(r'<a rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get("/search/?" + next_link).text

    assert len(headlines(first)) == 20
    assert len(headlines(second)) == 5
    assert not set(headlines(first)) & set(headlines(second))


@postgres_only
def test_ranking_puts_headline_matches_first():
    body_only = ArticleFactory(
        published=True,
        headline="Council meets",
        body="Talk turned to the drought at length.",
        published_at=timezone.now() - timedelta(hours=1),
    )
    headline = ArticleFactory(
        published=True,
        headline="Drought grips the north",
        body="Fields are dry.",
        published_at=timezone.now() - timedelta(hours=5),
    )

    results = list(search(Article.objects.published().with_listing_data(), "drought"))

    assert results == [headline, body_only]


@postgres_only
def test_websearch_syntax_phrases_and_exclusions():
    both = ArticleFactory(published=True, headline="Water supply cut in Pune")
    ArticleFactory(published=True, headline="Supply of water restored in Delhi")
    published = Article.objects.published()

    assert list(search(published, '"water supply"')) == [both]
    assert list(search(published, "water -pune")) != [both]
    assert both not in list(search(published, "water -pune"))


@postgres_only
def test_stemming_matches_other_forms_of_a_word():
    article = ArticleFactory(published=True, headline="Farmers protesting at the border")

    assert list(search(Article.objects.published(), "protest")) == [article]


@postgres_only
def test_only_a_bounded_set_of_candidates_is_ranked(monkeypatch):
    monkeypatch.setattr(search_module, "CANDIDATES", 3)
    moment = timezone.now() - timedelta(days=1)
    stories = [
        ArticleFactory(published=True, headline="Flood", published_at=moment - timedelta(hours=i))
        for i in range(5)
    ]

    results = list(search(Article.objects.published(), "flood"))

    assert set(results) == set(stories[:3])


@postgres_only
def test_search_uses_the_stored_vector():
    ArticleFactory(published=True, headline="Earthquake")

    with CaptureQueriesContext(connection) as queries:
        list(search(Article.objects.published(), "earthquake"))

    sql = queries.captured_queries[0]["sql"]
    # The candidates are found by the GIN-indexed column inside the subquery (alias U0).
    assert "U0.search_vector @@ (websearch_to_tsquery" in sql
    assert "LIMIT 400" in sql


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the SQLite fallback")
def test_sqlite_fallback_matches_every_word_in_any_field():
    both = ArticleFactory(published=True, headline="Water supply", body="Pune is dry.")
    ArticleFactory(published=True, headline="Water news", body="Delhi is wet.")

    assert list(search(Article.objects.published(), "water pune")) == [both]
