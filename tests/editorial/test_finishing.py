"""One write, one finish: every write to stories records exactly one change, with the keys of
every page it made stale, and builds each story's history and output once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editorial import actions, derived, places
from articles.models import Article, PageChange, Revision
from tests.admin.helpers import change_url, form_data
from tests.factories import ArticleFactory, DatelineFactory, TagFactory
from tests.importer.helpers import dump_text, run_import, write_dump

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(monkeypatch):
    """What the writes made in the test's block: change records, and history builds (one
    call builds the history of every story a write changed)."""

    class Finished:
        builds = 0

        def __enter__(self):
            self.before = PageChange.objects.count()
            self.builds = 0
            return self

        def __exit__(self, *exc_info):
            self.changes = PageChange.objects.count() - self.before

    finished = Finished()
    build = derived.public_histories

    def counted(article_ids):
        finished.builds += 1
        return build(article_ids)

    monkeypatch.setattr(derived, "public_histories", counted)
    return finished


@pytest.fixture
def live(editor):
    """A story readers see, published through the actions."""
    article = Article(headline="Floods close the coast road", body="Water rose overnight.")
    actions.save_article(article, by=editor, tags=[TagFactory(name="Floods")])
    actions.publish_article(article, by=editor)
    return Article.objects.get(pk=article.pk)


def last_keys() -> set[str]:
    return set(PageChange.objects.order_by("-seq").first().keys.split())


@pytest.mark.parametrize("kind", [Revision.Kind.UPDATE, Revision.Kind.CORRECTION])
def test_an_update_or_a_correction_is_one_change_and_one_history(live, editor, finished, kind):
    live.body = "Water rose overnight.\n\nThe road reopened at noon."
    with finished:
        actions.save_article(live, by=editor, kind=kind, note="Adds the reopening.")

    assert (finished.changes, finished.builds) == (1, 1)
    assert f"story-{live.pk}" in last_keys()
    stored = Article.objects.get(pk=live.pk)
    assert "Adds the reopening." in stored.public_history
    assert "The road reopened at noon." in stored.body_html


def test_a_silent_fix_is_one_change_and_one_history(live, editor, finished):
    live.headline = "Floods close the coastal road"
    with finished:
        actions.save_article(live, by=editor, kind=Revision.Kind.SILENT_FIX)

    assert (finished.changes, finished.builds) == (1, 1)
    assert "Floods close the coastal road" in Article.objects.get(pk=live.pk).summary_html


def test_publishing_is_one_change_naming_every_list_the_story_joins(editor, finished):
    article = ArticleFactory(tags=[TagFactory()])
    with finished:
        actions.publish_article(Article.objects.get(pk=article.pk), by=editor)

    assert (finished.changes, finished.builds) == (1, 1)
    tag = article.tags.get()
    assert {"list-latest", f"list-tag-{tag.pk}", f"list-place-{article.dateline_id}"} <= (
        last_keys()
    )


def test_a_new_story_published_at_once_is_one_change(editor, finished):
    with finished:
        actions.publish_article(Article(headline="Straight out", body="Text."), by=editor)

    assert (finished.changes, finished.builds) == (1, 1)


def test_scheduling_is_one_change(editor, finished):
    article = ArticleFactory()
    with finished:
        actions.publish_article(article, by=editor, at=timezone.now() + timedelta(hours=2))

    assert (finished.changes, finished.builds) == (1, 1)


@pytest.mark.parametrize(
    "write",
    [
        lambda story, editor: actions.withdraw_article(story, by=editor, reason="Legal."),
        lambda story, editor: actions.unpublish_article(story, by=editor, reason="Too soon."),
    ],
    ids=["withdraw", "unpublish"],
)
def test_taking_a_story_down_is_one_change_naming_the_lists_it_leaves(
    live, editor, finished, write
):
    filed = set(live.list_keys.split())
    with finished:
        write(live, editor)

    assert (finished.changes, finished.builds) == (1, 1)
    assert filed <= last_keys()
    assert Article.objects.get(pk=live.pk).list_keys == ""


def test_republishing_is_one_change_and_one_history(live, editor, finished):
    actions.withdraw_article(live, by=editor, reason="Checking a figure.")
    with finished:
        actions.republish_article(live, by=editor, note="The figure is confirmed.")

    assert (finished.changes, finished.builds) == (1, 1)
    assert "The figure is confirmed." in Article.objects.get(pk=live.pk).public_history


def test_a_tag_merge_is_one_change_for_every_story_it_moves(editor, finished):
    keep, duplicate = TagFactory(name="Monsoon"), TagFactory(name="Monsoon rains")
    stories = [ArticleFactory(published=True, tags=[duplicate]) for _ in range(3)]
    with finished:
        places.merge_tags(keep, [duplicate])

    assert (finished.changes, finished.builds) == (1, 1)
    keys = last_keys()
    assert {f"tag-{duplicate.pk}", f"list-tag-{duplicate.pk}", f"list-tag-{keep.pk}"} <= keys
    assert {f"story-{story.pk}" for story in stories} <= keys


def test_a_place_merge_is_one_change_and_the_stories_print_the_kept_place(editor, finished):
    keep = DatelineFactory(country="India", region="", city="Mumbai")
    duplicate = DatelineFactory(country="India", region="", city="Bombay")
    story = ArticleFactory(published=True, dateline=duplicate)
    with finished:
        places.merge_datelines(keep, [duplicate])

    assert (finished.changes, finished.builds) == (1, 1)
    assert {f"place-{duplicate.pk}", f"list-place-{keep.pk}"} <= last_keys()
    assert "MUMBAI" in Article.objects.get(pk=story.pk).summary_html


def test_an_import_batch_is_one_change_and_one_history(tmp_path, finished):
    first = write_dump(tmp_path / "a" / "000_00000000000000a1.txt", dump_text("First scrape"))
    run_import(first, "--quiet", "--workers", "1")
    for n in range(5):
        write_dump(tmp_path / "b" / f"{n:03}_{n:016x}.txt", dump_text(f"Story {n}"))
    write_dump(tmp_path / "b" / "009_00000000000000a1.txt", dump_text("Second scrape"))

    with finished:
        run_import(tmp_path / "b", "--quiet", "--workers", "1", "--batch-size", "100")

    assert (finished.changes, finished.builds) == (1, 1)
    assert "Second scrape" in Article.objects.get(legacy_id="00000000000000a1").summary_html


def test_an_import_makes_one_change_per_batch(tmp_path, finished):
    for n in range(6):
        write_dump(tmp_path / f"{n:03}_{n:016x}.txt", dump_text(f"Story {n}"))

    with finished:
        run_import(tmp_path, "--quiet", "--workers", "1", "--batch-size", "2")

    assert finished.changes == 3
    assert finished.builds == 0  # new stories have no history to build: it is made empty


def test_the_admin_checks_a_save_once_and_records_one_change(
    editor_client, live, finished, monkeypatch
):
    validated = []
    validate = actions.SaveArticle.validate

    def counted(action):
        validated.append(action)
        return validate(action)

    monkeypatch.setattr(actions.SaveArticle, "validate", counted)
    data = form_data(live, body="Water rose overnight.\n\nRoads reopened.")
    data.update(save_kind="update", update_note="Adds the reopening.", _save="1")
    with finished:
        response = editor_client.post(change_url(live), data)

    assert response.status_code == 302
    assert len(validated) == 1
    assert (finished.changes, finished.builds) == (1, 1)
