"""The news front: what leads, what follows, and the sections, from one list of stories."""

from datetime import UTC, datetime, timedelta

import pytest

from articles.models import Article
from articles.site.caching import process_pages
from articles.site.front import FRONT_STORIES, TOP_STORIES, make_front
from articles.site.pagination import PAGE_SIZE
from tests.factories import ArticleFactory, DatelineFactory, TagFactory, make_picture

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 5, 25, 6, 30, tzinfo=UTC)


def newest_first(count: int, **kwargs) -> list[Article]:
    return [
        ArticleFactory(published=True, published_at=NOON - timedelta(hours=n), **kwargs)
        for n in range(count)
    ]


def loaded() -> list[Article]:
    return list(
        Article.objects.published()
        .select_related("dateline")
        .prefetch_related("tags")
        .latest_first()[:FRONT_STORIES]
    )


def test_the_newest_leads_then_the_top_stories_then_the_latest_by_time():
    stories = newest_first(25)

    front = make_front(loaded(), PAGE_SIZE)

    assert front.lead == stories[0]
    assert front.top == stories[1 : 1 + TOP_STORIES]
    assert front.latest == stories[1 + TOP_STORIES : PAGE_SIZE]


def test_sections_by_tag_and_place_show_the_stories_after_the_first_page_once():
    energy, health, everywhere = (TagFactory(name=n) for n in ("Energy", "Health", "Demo"))
    nepal = DatelineFactory(country="Nepal", city="Kathmandu")
    page = newest_first(PAGE_SIZE)
    older = [
        ArticleFactory(
            published=True,
            published_at=NOON - timedelta(days=2, hours=n),
            tags=[energy if n < 4 else health],
            dateline=nepal if n % 2 else DatelineFactory(country="Bhutan", city=f"Town {n}"),
        )
        for n in range(6)
    ]
    for story in [*page, *older]:
        story.tags.add(everywhere)

    front = make_front(loaded(), PAGE_SIZE)

    sections = {section.heading: section.stories for section in front.sections}
    assert sections == {
        "Energy": older[:3],
        "Health": older[4:6],
        "Bhutan": [older[0], older[2], older[4]],
        "Nepal": [older[1], older[3], older[5]],
    }
    assert {section.url for section in front.sections} == {
        "/tags/energy/",
        "/tags/health/",
        "/places/bhutan/",
        "/places/nepal/",
    }


def test_a_tag_or_place_with_one_story_is_no_section():
    newest_first(PAGE_SIZE)
    ArticleFactory(published=True, published_at=NOON - timedelta(days=3), tags=[TagFactory()])

    assert make_front(loaded(), PAGE_SIZE).sections == []


def test_an_empty_newsroom_has_an_empty_front(client):
    assert make_front([], PAGE_SIZE).lead is None
    assert "No stories here yet." in client.get("/").text


def test_the_front_carries_the_keys_of_what_it_shows(client):
    stories = newest_first(3)

    keys = set(client.get("/")["Surrogate-Key"].split())

    assert {"list-latest", *(f"story-{story.pk}" for story in stories)} <= keys


def test_a_filter_or_a_cursor_gives_the_plain_list(client):
    newest_first(3, tags=[TagFactory(slug="energy")])

    assert 'class="front-story' in client.get("/").text
    assert 'class="front-story' in client.get("/", {"tag": ""}).text  # the empty form
    for narrowed in ({"tag": "energy"}, {"before": "garbage"}):
        page = client.get("/", narrowed).text
        assert 'class="front-story' not in page
        assert page.count('class="summary"') == 3


def test_the_front_with_its_sections_costs_at_most_three_queries(
    client, django_assert_max_num_queries, media
):
    energy, nepal = TagFactory(name="Energy"), DatelineFactory(country="Nepal", city="Pokhara")
    picture = make_picture()
    for n in range(FRONT_STORIES):
        ArticleFactory(
            published=True,
            published_at=NOON - timedelta(hours=n),
            tags=[energy, TagFactory()] if n % 2 else [],
            dateline=nepal if n % 3 else DatelineFactory(),
            lead_picture=picture if n % 4 == 0 else None,
        )
    process_pages.catch_up()  # a worker that has served before: it knows the changes so far

    with django_assert_max_num_queries(3):
        page = client.get("/").text

    assert '<a href="/tags/energy/">Energy</a>' in page
    assert '<a href="/places/nepal/">Nepal</a>' in page
    assert 'class="front-story front-story-lead has-picture"' in page
