"""manage.py demo_newsroom: a living demo written through the editorial actions."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from articles.demo import DAYS, DEMO_ACCOUNT, DEMO_BYLINE, DEMO_TAG, demo_stories
from articles.models import Article, Revision, StatusChange, Tag, Update

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo_newsroom", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings, editor):  # the editor fixture makes the Editors group
    settings.DEBUG = True
    run_demo()
    return demo_stories()


def test_it_refuses_production_settings(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="never with production settings"):
        run_demo()
    assert Article.objects.count() == 0


def test_a_few_dozen_stories_of_the_last_days_are_published(demo):
    now = timezone.now()
    published = demo.published()
    times = sorted(published.values_list("published_at", flat=True))

    assert published.count() >= 30
    assert times[0] >= now - timedelta(days=DAYS)
    assert times[0] <= now - timedelta(days=DAYS - 1)
    assert times[-1] > now - timedelta(hours=6)
    assert len({t.date() for t in times}) >= DAYS


def test_the_stories_have_tags_and_datelines_and_are_marked_as_demo_content(demo):
    assert all(article.dateline_id for article in demo)
    assert set(demo.values_list("byline", flat=True)) == {DEMO_BYLINE}
    tags = Tag.objects.public().exclude(name=DEMO_TAG)
    assert tags.count() >= 10
    assert all(tag.articles.count() >= 2 for tag in tags)
    assert demo.values("dateline__country").distinct().count() >= 5


def test_the_demo_shows_updates_a_correction_a_withdrawal_and_a_schedule(demo):
    updates = Update.objects.filter(article__in=demo)

    assert updates.filter(kind=Update.Kind.UPDATE).count() >= 5
    assert updates.filter(kind=Update.Kind.CORRECTION).count() == 1
    withdrawn = demo.withdrawn().get()
    assert "could not be verified" in withdrawn.withdrawal_reason
    scheduled = Article.objects.scheduled().get()
    assert scheduled in demo
    assert scheduled.published_at < timezone.now() + timedelta(hours=12)


def test_every_step_went_through_the_editorial_actions_at_its_own_time(demo):
    for article in demo.published():
        publication = article.status_changes.get(to_status=Article.Status.PUBLISHED)
        assert publication.by.username == DEMO_ACCOUNT
        assert publication.at == article.published_at
        assert article.revisions.filter(kind=Revision.Kind.PUBLICATION).exists()
    for update in Update.objects.filter(article__in=demo):
        assert update.revision.is_public
        assert update.shown_at == update.article.updated_at or update.article.updates.count() > 1
    kill = StatusChange.objects.get(to_status=Article.Status.WITHDRAWN)
    assert kill.at > kill.article.published_at


def test_the_demo_account_cannot_log_in(demo):
    publication = StatusChange.objects.filter(by__username=DEMO_ACCOUNT).first()

    assert not publication.by.has_usable_password()
    assert not publication.by.is_staff


def test_running_it_again_adds_nothing(demo):
    count = Article.objects.count()

    out = run_demo()

    assert "already here" in out
    assert Article.objects.count() == count


def test_the_home_page_and_the_demo_tag_page_show_the_stories(demo, client):
    newest = demo.published().latest_first().first()

    home = client.get("/").text
    tag_page = client.get(f"/tags/{Tag.objects.get(name=DEMO_TAG).slug}/").text

    assert newest.headline in home
    assert newest.headline in tag_page
