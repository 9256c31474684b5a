"""The version store's migration: versions saved before it take the story's other fields."""

import importlib

import pytest
from django.apps import apps

from articles.models import Revision
from tests.factories import ArticleFactory, RevisionFactory, TagFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("articles.migrations.0007_revision_covers_every_field")


def test_old_versions_are_filled_from_their_story_and_keep_their_text():
    article = ArticleFactory(
        published=True, byline="By Staff", tags=[TagFactory(name="Ports"), TagFactory(name="Aid")]
    )
    old = RevisionFactory(article=article, number=1, headline="Old headline", slug="")
    untouched = RevisionFactory(slug="")  # another story's

    migration.fill_from_stories(apps, None)

    old.refresh_from_db()
    assert (old.headline, old.slug, old.byline, old.dateline, old.tag_names) == (
        "Old headline",
        article.slug,
        "By Staff",
        article.dateline,
        ["Aid", "Ports"],
    )
    untouched.refresh_from_db()
    assert untouched.slug == untouched.article.slug
    assert Revision.objects.count() == 2
