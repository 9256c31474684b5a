"""The news front: what leads, what follows, and the sections, from one list of stories."""

from datetime import UTC, datetime, timedelta

import pytest

from articles.models import Article
from articles.site.front import FRONT_STORIES, TOP_STORIES, make_front
from articles.site.pagination import PAGE_SIZE
from tests.factories import ArticleFactory, DatelineFactory, TagFactory

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
    assert 'class="summary"' in client.get("/", {"tag": "energy"}).text
    assert 'class="summary"' in client.get("/", {"before": "garbage"}).text
