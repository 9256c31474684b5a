""" "Breaking" and "Developing" on the story page and in lists: when they show, that screen
readers hear them, and that no kept page shows one past its end (pinned clocks)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from articles.desk.labels import ClearDeveloping, MarkDeveloping
from articles.editorial import actions
from articles.models import Revision
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
BREAKING = (
    '<span class="label label-breaking">Breaking<span class="visually-hidden">:</span></span>'
)
DEVELOPING = (
    '<span class="label label-developing">Developing<span class="visually-hidden">:</span></span>'
)


def flash(**fields):
    return ArticleFactory(
        headline="Quake hits the coast",
        status="published",
        published_at=NOON,
        urgency=1,
        slugline="coast-quake",
        **fields,
    )


def test_a_flash_is_breaking_for_six_hours_on_its_page_and_in_lists(client):
    story = flash()
    routine = ArticleFactory(headline="Council budget", status="published", published_at=NOON)

    with time_machine.travel(NOON + timedelta(hours=5, minutes=59), tick=False):
        page = client.get(story.get_absolute_url()).text
        assert f"<h1>{BREAKING} Quake hits the coast</h1>" in page
        assert f'<h2 class="front-headline">{BREAKING} <a ' in client.get("/").text
        latest = client.get("/archive/2026/12/04/").text
        # In lists the label comes before the story's summary: screen readers meet it first.
        summaries = re.findall(
            r'(<span class="label[^\n]*?)?<article class="summary">\s*'
            r'<h2 class="summary-headline"><a [^>]*>([^<]*)</a>',
            latest,
        )
        assert (BREAKING + " ", "Quake hits the coast") in summaries
        assert ("", "Council budget") in summaries
        assert BREAKING not in client.get(routine.get_absolute_url()).text

    with time_machine.travel(NOON + timedelta(hours=6), tick=False):
        assert BREAKING not in client.get(story.get_absolute_url()).text
        assert BREAKING not in client.get("/").text


def test_a_kept_page_is_not_served_after_its_label_ends(client, settings):
    settings.CACHE_STORY_SECONDS = settings.CACHE_LIST_SECONDS = 24 * 3600
    story = flash()

    with time_machine.travel(NOON + timedelta(hours=5, minutes=50), tick=False):
        assert BREAKING in client.get(story.get_absolute_url()).text
        assert BREAKING in client.get("/").text
    with time_machine.travel(NOON + timedelta(hours=6, seconds=1), tick=False):
        assert BREAKING not in client.get(story.get_absolute_url()).text
        assert BREAKING not in client.get("/").text


def test_shared_caches_are_told_to_keep_the_page_only_until_the_label_ends(client, settings):
    settings.PAGE_PURGER = "articles.purge.VarnishPurger"
    settings.VARNISH_PURGE_URLS = []
    settings.CACHE_STORY_SECONDS = 3600
    story = flash()
    with time_machine.travel(NOON + timedelta(hours=5, minutes=50), tick=False):
        response = client.get(story.get_absolute_url())
    assert "s-maxage=600" in response["Cache-Control"]


def test_urgency_three_is_never_breaking(client):
    story = ArticleFactory(status="published", published_at=NOON, urgency=3)
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        assert BREAKING not in client.get(story.get_absolute_url()).text


def test_developing_is_set_by_an_editor_kept_alive_by_updates_and_ends_when_quiet(
    client, editor, settings
):
    settings.NEWSROOM_DEVELOPING_QUIET_SECONDS = 3600
    story = ArticleFactory(status="published", published_at=NOON, urgency=5)
    with time_machine.travel(NOON + timedelta(minutes=10), tick=False):
        MarkDeveloping(story, by=editor).execute()
        assert DEVELOPING in client.get(story.get_absolute_url()).text
    with time_machine.travel(NOON + timedelta(minutes=50), tick=False):
        story.refresh_from_db()
        story.body += "\n\nRescuers reached the town."
        actions.save_article(story, by=editor, kind=Revision.Kind.UPDATE, note="Rescue")
    with time_machine.travel(NOON + timedelta(minutes=100), tick=False):
        assert DEVELOPING in client.get(story.get_absolute_url()).text
    with time_machine.travel(NOON + timedelta(minutes=111), tick=False):
        assert DEVELOPING not in client.get(story.get_absolute_url()).text


def test_an_editor_clears_developing_and_reporters_cannot_label(client, editor, reporter):
    story = ArticleFactory(status="published", published_at=NOON)
    with time_machine.travel(NOON + timedelta(minutes=10), tick=False):
        client.force_login(reporter)
        client.post(
            f"/admin/articles/article/{story.pk}/developing/",
            {f"version_{story.pk}": story.version, "post": "yes"},
        )
        story.refresh_from_db()
        assert story.developing_until is None

        MarkDeveloping(story, by=editor).execute()
        story.refresh_from_db()
        ClearDeveloping(story, by=editor).execute()
        client.logout()
        assert DEVELOPING not in client.get(story.get_absolute_url()).text


def test_a_story_page_lists_the_running_storys_other_stories(client):
    story = flash()
    earlier = ArticleFactory(
        headline="Tremor felt inland",
        status="published",
        published_at=NOON - timedelta(hours=1),
        slugline="coast-quake",
    )
    ArticleFactory(headline="Draft on the quake", slugline="coast-quake")
    ArticleFactory(headline="Elsewhere", status="published", published_at=NOON)

    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        page = client.get(story.get_absolute_url()).text

    assert "More on this story" in page
    assert f'<a href="{earlier.get_absolute_url()}">Tremor felt inland</a>' in page
    assert "Draft on the quake" not in page
    assert "Elsewhere</a>" not in page


def test_a_story_joining_the_running_story_shows_on_the_kept_pages_of_the_others(
    client, editor, settings
):
    settings.CACHE_STORY_SECONDS = 3600
    story = ArticleFactory(published=True, slugline="coast-quake")
    assert "More on this story" not in client.get(story.get_absolute_url()).text

    newer = ArticleFactory(headline="Aftershock rattles the coast", slugline="coast-quake")
    actions.publish_article(newer, by=editor)

    assert "Aftershock rattles the coast" in client.get(story.get_absolute_url()).text
