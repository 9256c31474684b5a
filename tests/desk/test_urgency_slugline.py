"""Urgency (the IPTC scale) and sluglines: rules, versions, the admin's lists, ninjs, feeds."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.content import of_story
from articles.editorial import actions
from articles.models import Article, validate_slugline
from tests.admin.helpers import CHANGELIST, change_url, form_data
from tests.factories import ArticleFactory
from tests.site.test_api import assert_valid_ninjs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("urgency", [0, 10, 99])
def test_an_urgency_outside_the_iptc_scale_is_refused_naming_the_rule(urgency):
    story = ArticleFactory.build(urgency=urgency)
    with pytest.raises(ValidationError) as refused:
        story.full_clean(exclude=["dateline"])
    assert refused.value.message_dict["urgency"] == [
        "Urgency is a whole number from 1 (flash, the most urgent) to 9 (the least)."
    ]


def test_the_database_refuses_an_urgency_outside_the_scale():
    story = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=story.pk).update(urgency=0)


@pytest.mark.parametrize(
    "slugline",
    [
        "port strike",
        "Port-Strike",
        "port\tstrike",
        "port\x07strike",
        "port--strike",
        "-port",
        "port_strike",
        "grève",
    ],
)
def test_a_slugline_with_spaces_capitals_or_control_characters_is_refused(slugline):
    with pytest.raises(ValidationError) as refused:
        validate_slugline(slugline)
    assert "lower-case letters, digits and single hyphens" in refused.value.messages[0]


@pytest.mark.parametrize("slugline", ["", "port-strike", "g20", "2026-budget"])
def test_wire_sluglines_pass(slugline):
    validate_slugline(slugline)


def test_a_new_story_is_routine_with_no_slugline():
    story = ArticleFactory()
    assert (story.urgency, story.slugline) == (5, "")


def test_the_form_refuses_bad_values_naming_the_rule_and_saves_nothing(editor_client):
    story = ArticleFactory()
    response = editor_client.post(
        change_url(story), form_data(story, urgency="12", slugline="Port strike")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["urgency"] == [
        "Urgency is a whole number from 1 (flash, the most urgent) to 9 (the least)."
    ]
    assert "no spaces" in errors["slugline"][0]
    story.refresh_from_db()
    assert (story.urgency, story.slugline, story.version) == (5, "", 1)


def test_urgency_and_slugline_are_versioned_like_the_text(editor_client, editor):
    story = ArticleFactory()
    response = editor_client.post(
        change_url(story), form_data(story, urgency="1", slugline="port-strike")
    )
    assert response.status_code == 302

    story.refresh_from_db()
    assert (story.urgency, story.slugline, story.version) == (1, "port-strike", 2)
    revision = story.revisions.get(number=2)
    assert (revision.urgency, revision.slugline) == (1, "port-strike")
    versions = editor_client.get(f"/admin/articles/article/{story.pk}/versions/").text
    assert "Urgency" in versions
    assert "Slugline" in versions


def test_another_editors_urgency_change_is_merged_into_a_stale_save(
    editor_client, editor, second_editor
):
    story = ArticleFactory()
    actions.save_article(story, by=editor)
    started = Article.objects.get(pk=story.pk)
    story.urgency = 2
    actions.save_article(story, by=second_editor)

    review = editor_client.post(
        change_url(started), form_data(started, headline="Port strike: talks resume")
    )
    # A clean merge is shown before it is saved (the form is the merged story).
    assert review.status_code == 200
    assert "merged below without a conflict" in review.text
    assert 'name="urgency" value="2"' in review.text
    reviewed = Article.objects.get(pk=story.pk)
    response = editor_client.post(
        change_url(reviewed), form_data(reviewed, headline="Port strike: talks resume")
    )

    assert response.status_code == 302
    merged = of_story(story)
    assert (merged["headline"], merged["urgency"]) == ("Port strike: talks resume", 2)


def test_the_change_list_filters_and_sorts_by_urgency_and_slugline(editor_client):
    flash = ArticleFactory(headline="Flash", urgency=1, slugline="port-strike")
    ArticleFactory(headline="Routine on the strike", urgency=5, slugline="port-strike")
    ArticleFactory(headline="Routine elsewhere", urgency=5)

    def headlines(query):
        response = editor_client.get(CHANGELIST + query)
        assert response.status_code == 200
        return [story.headline for story in response.context["cl"].result_list]

    assert headlines("?urgency=1") == ["Flash"]
    assert sorted(headlines("?slugline=port-strike")) == ["Flash", "Routine on the strike"]
    # Columns: headline, status, urgency (3), slugline ...
    assert headlines("?o=3")[0] == "Flash"
    assert "port-strike" in editor_client.get(CHANGELIST).text
    assert flash.pk


def test_a_flash_leads_the_dashboard_and_the_lists_narrow(editor_client, editor):
    ArticleFactory(headline="Routine draft")
    flash = ArticleFactory(headline="Quake hits the coast", urgency=1, slugline="coast-quake")
    actions.save_article(flash, by=editor)
    ArticleFactory(
        headline="Old flash",
        urgency=1,
        status="published",
        published_at=timezone.now() - timedelta(days=2),
    )

    response = editor_client.get("/admin/")
    first = response.context["desk"][0]
    assert first.title == "Flash and urgent"
    assert [story.headline for story in first.stories] == ["Quake hits the coast"]
    page = response.text
    assert page.index("FLASH") < page.index("My drafts")
    assert "coast-quake" in page

    narrowed = editor_client.get("/admin/?slugline=coast-quake&sort=urgency")
    mine = next(lst for lst in narrowed.context["desk"] if lst.title == "My drafts")
    assert [story.headline for story in mine.stories] == ["Quake hits the coast"]
    assert mine.more_url.endswith("?state=draft&slugline=coast-quake")


def test_ninjs_carries_urgency_and_slugline(client):
    story = ArticleFactory(published=True, urgency=2, slugline="port-strike")
    item = client.get(f"/api/ninjs/stories/{story.pk}/").json()
    assert_valid_ninjs(item)
    assert (item["urgency"], item["slugline"]) == (2, "port-strike")

    plain = ArticleFactory(published=True)
    item = client.get(f"/api/ninjs/stories/{plain.pk}/").json()
    assert item["urgency"] == 5
    assert "slugline" not in item


def test_feeds_name_the_slugline_and_urgency_as_categories(client):
    ArticleFactory(published=True, urgency=1, slugline="port-strike")
    rss = ET.fromstring(client.get("/feeds/latest.rss").content)
    categories = [c.text for c in rss.find("channel/item").findall("category")]
    assert categories == ["slugline:port-strike", "urgency:1"]
