"""ninjs 3.1 JSON for a story and the latest list, validated against IPTC's schema."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from articles.models import Update
from tests.factories import ArticleFactory, DatelineFactory, TagFactory, UpdateFactory

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/standards/ninjs-schema_3.1.json").read_text()
)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())


def assert_valid_ninjs(item: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(item), key=str)
    assert not errors, "\n".join(error.message for error in errors)


@pytest.fixture
def story():
    article = ArticleFactory(
        published=True,
        headline="Floods <cut> off districts",
        deck="Rescue under way",
        byline="Asha Rao",
        body="First paragraph.\n\nSecond & last.",
        published_at=datetime(2016, 5, 25, 1, 1, tzinfo=UTC),
        updated_at=datetime(2016, 5, 26, 4, 0, tzinfo=UTC),
        dateline=DatelineFactory(country="India", region="Maharashtra", city="Mumbai"),
        tags=[TagFactory(name="Floods", slug="floods")],
    )
    UpdateFactory(article=article, shown_at=datetime(2016, 5, 25, 9, 45, tzinfo=UTC))
    UpdateFactory(
        article=article,
        kind=Update.Kind.CORRECTION,
        shown_at=datetime(2016, 5, 26, 4, 0, tzinfo=UTC),
    )
    return article


def test_story_is_valid_ninjs_with_its_fields(client, story):
    response = client.get(f"/api/ninjs/stories/{story.pk}/")

    assert response.status_code == 200
    item = response.json()
    assert_valid_ninjs(item)
    assert item["uri"] == f"http://testserver/stories/{story.pk}/"
    assert item["type"] == "text"
    assert item["version"] == "3"
    assert item["firstCreated"] == "2016-05-25T01:01:00Z"
    assert item["versionCreated"] == "2016-05-26T04:00:00Z"
    assert item["pubStatus"] == "usable"
    assert item["headlines"] == [{"role": "main", "value": "Floods <cut> off districts"}]
    assert item["descriptions"] == [{"role": "summary", "value": "Rescue under way"}]
    # The body as stored when the story was written: led by its dateline, as wire copy is.
    assert item["bodies"][0]["value"] == story.body_html
    assert (
        item["bodies"][0]["value"]
        .strip()
        .endswith(" First paragraph.</p><p>Second &amp; last.</p>")
    )
    assert item["located"] == "MUMBAI, Maharashtra"
    assert item["subjects"][0]["name"] == "Floods"
    assert item["by"] == "Asha Rao"


def test_latest_list_items_are_valid_ninjs(client, story):
    ArticleFactory(published=True, deck="", byline="", dateline=None)
    ArticleFactory()

    body = client.get("/api/ninjs/latest/").json()

    assert len(body["items"]) == 2
    for item in body["items"]:
        assert_valid_ninjs(item)
    assert body["next"] is None


def test_latest_list_pages_by_cursor(client):
    for _ in range(25):
        ArticleFactory(published=True)

    first = client.get("/api/ninjs/latest/").json()
    second = client.get(first["next"].removeprefix("http://testserver")).json()

    assert len(first["items"]) == 20
    assert len(second["items"]) == 5
    assert not {i["uri"] for i in first["items"]} & {i["uri"] for i in second["items"]}


@pytest.mark.parametrize("state", [{}, {"scheduled": True}, {"withdrawn": True}])
def test_unpublished_stories_are_not_in_the_api(client, state):
    article = ArticleFactory(**state)

    assert client.get(f"/api/ninjs/stories/{article.pk}/").status_code == 404
    assert client.get("/api/ninjs/latest/").json()["items"] == []


def test_silent_fix_moves_neither_version_nor_version_created(client, story, settings):
    settings.CACHE_STORY_SECONDS = 0
    before = client.get(f"/api/ninjs/stories/{story.pk}/").json()

    story.body = "Fixed a typo."
    story.save()
    after = client.get(f"/api/ninjs/stories/{story.pk}/").json()

    assert after["version"] == before["version"]
    assert after["versionCreated"] == before["versionCreated"]


def test_a_story_never_updated_is_version_one(client):
    article = ArticleFactory(published=True)

    item = client.get(f"/api/ninjs/stories/{article.pk}/").json()

    assert item["version"] == "1"
    assert item["versionCreated"] == item["firstCreated"]
