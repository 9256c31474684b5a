"""Lists of stories: home, tags, places, days; filters, keyset pagination, visibility, queries."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from articles.editorial import actions
from articles.site.caching import process_pages
from articles.site.pagination import decode_cursor, encode_cursor
from tests.factories import ArticleFactory, DatelineFactory, TagFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def headlines(html: str) -> list[str]:
    return re.findall(r'<h2 class="summary-headline"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def place():
    return DatelineFactory(country="India", region="Maharashtra", city="Mumbai")


@pytest.fixture
def tag():
    return TagFactory(name="Monsoon", slug="monsoon")


def every_surface(article) -> list[str]:
    """Every public URL on which a story could appear (its own page aside)."""
    day = timezone.localdate(article.published_at) if article.published_at else timezone.now()
    return [
        "/",
        "/tags/monsoon/",
        "/places/india/",
        "/places/india/mumbai/",
        f"/archive/{day:%Y/%m/%d}/",
        "/search/?q=Secretword",
        "/feeds/latest.rss",
        "/feeds/latest.atom",
        "/feeds/tags/monsoon.rss",
        "/feeds/tags/monsoon.atom",
        "/feeds/places/india.rss",
        "/feeds/places/india/mumbai.atom",
        "/sitemap.xml",
        f"/sitemaps/{day:%Y-%m}.xml",
        "/sitemap-news.xml",
        "/api/ninjs/latest/",
    ]


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"scheduled": True},
        {"withdrawn": True},
        {"published": True, "status": "draft"},
        {"published_at": None, "status": "draft"},
    ],
    ids=["draft", "scheduled", "withdrawn", "draft-with-a-past-time", "draft-without-time"],
)
def test_unpublished_stories_appear_on_no_surface(client, place, tag, state):
    visible = ArticleFactory(published=True, dateline=place, tags=[tag], headline="Visible one")
    hidden = ArticleFactory(dateline=place, tags=[tag], headline="Secretword hidden story", **state)
    hidden_day = timezone.localdate(hidden.published_at or visible.published_at)

    for url in [*every_surface(visible), f"/archive/{hidden_day:%Y/%m/%d}/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = response.content.decode()
        assert "hidden story" not in body, url
        assert f"/stories/{hidden.pk}/" not in body, url
    assert client.get(f"/api/ninjs/stories/{hidden.pk}/").status_code == 404


def test_published_story_appears_on_every_surface(client, place, tag):
    article = ArticleFactory(
        published=True,
        dateline=place,
        tags=[tag],
        headline="Secretword visible story",
        published_at=timezone.now() - timedelta(hours=2),
    )

    for url in every_surface(article):
        response = client.get(url)
        assert response.status_code == 200, url
        if url != "/sitemap.xml":
            assert f"/stories/{article.pk}/" in response.content.decode(), url
    assert client.get(f"/api/ninjs/stories/{article.pk}/").status_code == 200


def test_home_lists_newest_first_with_dateline_deck_and_time(client, place):
    older = ArticleFactory(
        published=True,
        headline="Older",
        published_at=datetime(2016, 5, 24, 3, 0, tzinfo=UTC),
        dateline=place,
    )
    newer = ArticleFactory(
        published=True,
        headline="Newer",
        deck="Why it matters",
        published_at=datetime(2016, 5, 25, 1, 1, tzinfo=UTC),
        updated_at=datetime(2016, 5, 25, 9, 45, tzinfo=UTC),
        dateline=place,
    )

    html = client.get("/").text

    assert headlines(html) == [newer.headline, older.headline]
    assert "MUMBAI, Maharashtra" in html
    assert "Why it matters" in html
    assert "Updated <time" in html
    assert "May 25, 2016, 3:15 p.m. IST" in html
    assert "May 24, 2016, 8:30 a.m. IST" in html


def test_tag_page_lists_only_that_tag(client, tag):
    tagged = ArticleFactory(published=True, tags=[tag], headline="Tagged")
    ArticleFactory(published=True, headline="Untagged")

    response = client.get("/tags/monsoon/")

    assert headlines(response.text) == [tagged.headline]
    assert '<h1 id="list-heading">Monsoon</h1>' in response.text
    assert 'href="/feeds/tags/monsoon.rss"' in response.text
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_place_pages_by_country_and_by_city(client, place):
    pune = DatelineFactory(country="India", region="Maharashtra", city="Pune")
    lebanon = DatelineFactory(country="Lebanon", region="", city="Beirut")
    mumbai_story = ArticleFactory(published=True, dateline=place, headline="From Mumbai")
    pune_story = ArticleFactory(published=True, dateline=pune, headline="From Pune")
    ArticleFactory(published=True, dateline=lebanon, headline="From Beirut")

    country = client.get("/places/india/").text
    city = client.get("/places/india/mumbai/").text

    assert sorted(headlines(country)) == sorted([mumbai_story.headline, pune_story.headline])
    assert headlines(city) == [mumbai_story.headline]
    assert client.get("/places/atlantis/").status_code == 404
    assert client.get("/places/india/atlantis/").status_code == 404


def test_day_archive_follows_the_newsroom_day(client):
    """00:01 IST on May 25 is 18:31 UTC on May 24: it belongs to May 25."""
    after_midnight = ArticleFactory(
        published=True,
        headline="After midnight",
        published_at=datetime(2016, 5, 24, 18, 31, tzinfo=UTC),
    )
    before_midnight = ArticleFactory(
        published=True,
        headline="Before midnight",
        published_at=datetime(2016, 5, 24, 18, 29, tzinfo=UTC),
    )

    may_25 = client.get("/archive/2016/05/25/").text
    may_24 = client.get("/archive/2016/05/24/").text

    assert headlines(may_25) == [after_midnight.headline]
    assert headlines(may_24) == [before_midnight.headline]
    assert 'href="/archive/2016/05/24/"' in may_25
    assert client.get("/archive/2016/02/30/").status_code == 404


# --- Filters -----------------------------------------------------------------------------


def test_latest_list_narrows_by_tag_country_and_date_range(client, tag, place):
    lebanon = DatelineFactory(country="Lebanon", region="", city="Beirut")
    match = ArticleFactory(
        published=True,
        tags=[tag],
        dateline=place,
        headline="Match",
        published_at=datetime(2016, 5, 25, 1, 0, tzinfo=UTC),
    )
    ArticleFactory(published=True, tags=[tag], dateline=lebanon, headline="Wrong country")
    ArticleFactory(published=True, dateline=place, headline="Wrong tag")
    ArticleFactory(
        published=True,
        tags=[tag],
        dateline=place,
        headline="Too early",
        published_at=datetime(2016, 5, 24, 18, 0, tzinfo=UTC),  # 11:30 p.m. IST on May 24
    )

    html = client.get(
        "/", {"tag": "monsoon", "country": "India", "since": "2016-05-25", "until": "2016-05-25"}
    ).text

    assert headlines(html) == [match.headline]
    assert '<option value="monsoon" selected>Monsoon</option>' in html
    assert '<option value="India" selected>India</option>' in html


def test_invalid_filter_shows_an_error_not_a_crash(client):
    ArticleFactory(published=True)

    response = client.get("/", {"since": "not-a-date", "tag": "no-such-tag"})

    assert response.status_code == 200
    assert headlines(response.text) == []
    assert 'class="error"' in response.text


# --- Keyset pagination -------------------------------------------------------------------


def test_keyset_pagination_walks_older_and_back_without_gaps_or_repeats(client):
    moment = timezone.now() - timedelta(days=1)
    # Same published_at for some: the id breaks ties.
    stories = [
        ArticleFactory(published=True, published_at=moment - timedelta(minutes=i // 3))
        for i in range(45)
    ]
    expected = [
        a.headline for a in sorted(stories, key=lambda a: (a.published_at, a.pk), reverse=True)
    ]

    seen, url, pages = [], "/", []
    while url:
        html = client.get(url).text
        pages.append(html)
        seen += headlines(html)
        older = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = "/" + older.group(1).replace("&amp;", "&") if older else None

    assert seen == expected
    assert len(pages) == 3
    newer = re.search(r'<a rel="prev" href="([^"]+)"', pages[2]).group(1).replace("&amp;", "&")
    assert headlines(client.get("/" + newer).text) == expected[20:40]


def test_pagination_keeps_the_filters(client, tag):
    for _ in range(21):
        ArticleFactory(published=True, tags=[tag])

    html = client.get("/", {"tag": "monsoon"}).text

    older = re.search(r'<a rel="next" href="([^"]+)"', html).group(1)
    assert "tag=monsoon" in older
    assert "before=" in older


@pytest.mark.parametrize("cursor", ["garbage", "1.x", "-5.3", "99999999999999999999.1", ""])
def test_malformed_cursor_is_the_first_page(client, cursor):
    ArticleFactory(published=True, headline="Only story")

    response = client.get("/", {"before": cursor})

    assert response.status_code == 200
    assert headlines(response.text) == ["Only story"]


def test_cursor_round_trips():
    article = ArticleFactory.build(
        pk=42, published_at=datetime(2016, 5, 25, 1, 1, 0, 123456, tzinfo=UTC)
    )

    assert decode_cursor(encode_cursor(article)) == (article.published_at, 42)


def test_pagination_never_counts_or_offsets(client):
    for _ in range(25):
        ArticleFactory(published=True)

    with CaptureQueriesContext(connection) as queries:
        client.get("/")

    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql
    assert "OFFSET" not in sql


# --- Queries and caching -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?tag=monsoon&country=India&since=2016-01-01",
        "/tags/monsoon/",
        "/places/india/",
        "/places/india/mumbai/",
        "/archive/2016/05/25/",
        "/search/?q=story",
    ],
)
def test_lists_cost_at_most_three_queries_whatever_the_data(
    client, django_assert_max_num_queries, url, tag, place
):
    for i in range(30):
        article = ArticleFactory(
            published=True,
            dateline=DatelineFactory() if i % 2 else place,
            tags=[tag, TagFactory()],
            published_at=datetime(2016, 5, 25, 1, i, tzinfo=UTC),
        )
        UpdateFactory(article=article)
    process_pages.catch_up()  # a worker that has served before: it knows the changes so far

    with django_assert_max_num_queries(3):
        response = client.get(url)

    assert response.status_code == 200


def test_lists_revalidate_in_browsers_and_carry_their_keys(client, settings):
    settings.CACHE_LIST_SECONDS = 60
    settings.PAGE_PURGER = "tests.site.test_purge.RecordingPurger"
    article = ArticleFactory(published=True, updated_at=None)

    response = client.get("/")

    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=0", "s-maxage=60", "must-revalidate"}
    assert {"list-latest", f"story-{article.pk}"} <= set(response["Surrogate-Key"].split())
    assert client.get("/", headers={"if-none-match": response["ETag"]}).status_code == 304
    assert article.headline in response.text


def test_list_pages_are_identical_for_every_reader(client, settings):
    settings.CACHE_LIST_SECONDS = 0
    ArticleFactory(published=True)

    first, second = client.get("/"), client.get("/")

    assert first["ETag"] == second["ETag"]
    assert not first.cookies
    assert "csrfmiddlewaretoken" not in first.text


def test_tags_and_places_of_unpublished_stories_are_not_named_anywhere(client):
    secret_place = DatelineFactory(country="Atlantis", region="", city="Poseidonia")
    secret_tag = TagFactory(name="Embargoed takeover", slug="embargoed-takeover")
    ArticleFactory(scheduled=True, dateline=secret_place, tags=[secret_tag])
    ArticleFactory(published=True)

    home = client.get("/").text

    assert "Embargoed takeover" not in home
    assert "Atlantis" not in home
    for url in [
        "/tags/embargoed-takeover/",
        "/feeds/tags/embargoed-takeover.rss",
        "/places/atlantis/",
        "/places/atlantis/poseidonia/",
        "/feeds/places/atlantis.atom",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "url",
    [
        "/?until=9999-12-31",
        "/?since=0001-01-01",
        "/search/?q=x&until=9999-12-31",
        "/archive/9999/12/31/",
        "/archive/0001/01/01/",
        "/sitemaps/9999-12.xml",
        "/sitemaps/0001-01.xml",
        "/?before=%C2%B2.1",
        "/api/ninjs/latest/?before=%C2%B2.1",
    ],
)
def test_far_off_dates_and_odd_cursors_are_answered_not_crashed_on(client, url):
    ArticleFactory(published=True)

    assert client.get(url).status_code in (200, 404)


def test_a_list_is_never_kept_stale_by_a_date_alone(client, editor):
    kept = ArticleFactory(published=True, headline="Still standing")
    killed = ArticleFactory(published=True, headline="Killed story")
    before = client.get("/")
    assert "Last-Modified" not in before

    actions.withdraw_article(killed, by=editor, reason="Could not be verified.")
    after = client.get("/", headers={"if-modified-since": http_date(time.time())})

    assert after.status_code == 200
    assert "Killed story" not in after.text
    assert kept.headline in after.text
