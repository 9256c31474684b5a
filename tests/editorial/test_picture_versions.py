"""The lead picture and its caption are versioned content, like the text: kept by each
version, merged three ways, diffed for editors and in the public change history."""

import json

import pytest

from articles import content
from articles.editorial import actions
from articles.editorial.merge import merge
from articles.models import URGENCY_ROUTINE, Article
from tests.factories import ArticleFactory, make_picture
from tests.pictures import images

pytestmark = pytest.mark.django_db


@pytest.fixture
def pictures(media):
    return (
        make_picture(alt_text="Rescuers lift a slab of concrete"),
        make_picture(images.plain("PNG"), "chart.png", alt_text="A chart of the death toll"),
    )


def test_a_version_keeps_the_picture_and_its_caption(editor, pictures):
    first, _ = pictures
    article = ArticleFactory(published=True)
    article.lead_picture, article.lead_picture_caption = first, "Rescuers at dawn."

    revision = actions.save_article(article, by=editor, kind="silent_fix")

    assert (revision.lead_picture, revision.lead_picture_caption) == (first, "Rescuers at dawn.")
    assert content.of_story(article)["lead_picture"] == first.pk
    assert content.of_revision(revision)["lead_picture_caption"] == "Rescuers at dawn."


def test_a_change_of_picture_and_a_change_of_headline_merge(editor, second_editor, pictures):
    first, second = pictures
    article = ArticleFactory(lead_picture=first, lead_picture_caption="One.")
    actions.save_article(article, by=editor)  # the version both editors start from
    started = article.version
    theirs = Article.objects.get(pk=article.pk)
    theirs.headline = "Their headline"
    actions.save_article(theirs, by=second_editor)

    mine = Article.objects.get(pk=article.pk)
    mine.headline = article.headline
    mine.lead_picture, mine.lead_picture_caption = second, "Two."
    actions.save_article(mine, by=editor, expected_version=started)

    mine.refresh_from_db()
    assert (mine.headline, mine.lead_picture, mine.lead_picture_caption) == (
        "Their headline",
        second,
        "Two.",
    )


def test_two_pictures_chosen_at_once_are_a_conflict(pictures):
    first, second = pictures
    original = dict.fromkeys(content.TEXT_NAMES, "") | {
        "urgency": URGENCY_ROUTINE,
        "dateline": None,
        "tags": [],
        "lead_picture": None,
    }

    result = merge(
        original, original | {"lead_picture": first.pk}, original | {"lead_picture": second.pk}
    )

    [conflict] = result.conflicts
    assert conflict.field == "lead_picture"


def test_the_public_history_shows_a_change_of_picture_and_caption(editor, pictures):
    first, second = pictures
    article = ArticleFactory(headline="Quake toll rises", body="Text.")
    article.lead_picture, article.lead_picture_caption = first, "Rescuers at dawn."
    actions.publish_article(article, by=editor)
    article.refresh_from_db()
    article.lead_picture, article.lead_picture_caption = second, "The toll, day by day."

    actions.save_article(article, by=editor, kind="update", note="A chart of the toll.")

    article.refresh_from_db()
    [entry] = json.loads(article.public_history)
    diffs = {diff["label"]: diff["html"] for diff in entry["diffs"]}
    assert set(diffs) == {"Picture", "Caption"}
    assert "<del>Rescuers" in diffs["Picture"]
    assert "chart" in diffs["Picture"]
    assert "<ins>" in diffs["Caption"]
