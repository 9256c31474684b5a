"""Tags and datelines stay clean: one row per name, merges, counts that link and stay cheap."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import IntegrityError, transaction

from articles.admin.places import COUNT_UP_TO
from articles.editorial import places
from articles.models import Article, Dateline, Tag, TagRedirect
from tests.factories import ArticleFactory, DatelineFactory, TagFactory

pytestmark = pytest.mark.django_db

TAGS = "/admin/articles/tag/"
DATELINES = "/admin/articles/dateline/"


def test_a_tag_that_exists_in_another_case_or_spacing_is_offered_not_duplicated(editor_client):
    india = TagFactory(name="India")
    for typed in ("india", "  INDIA ", "India"):
        response = editor_client.post(f"{TAGS}add/", {"name": typed, "slug": "india-2"})
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["name"]
        assert errors == [f'“India” already exists: <a href="{TAGS}{india.pk}/change/">use it</a>.']
        assert "violated" not in response.text
    assert Tag.objects.count() == 1
    # Its slug comes along, but only the name's message is shown.
    response = editor_client.post(f"{TAGS}add/", {"name": "india", "slug": "india"})
    assert response.context["adminform"].form.errors.as_data().keys() == {"name"}


def test_renaming_a_tag_to_its_own_name_in_another_case_is_allowed(editor_client):
    tag = TagFactory(name="monsoon")
    response = editor_client.post(f"{TAGS}{tag.pk}/change/", {"name": "Monsoon", "slug": "monsoon"})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "Monsoon"


def test_the_database_refuses_a_second_tag_of_the_same_name_in_another_case():
    TagFactory(name="Elections", slug="elections")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="ELECTIONS", slug="elections-2")


def test_a_place_that_exists_in_another_case_or_spacing_is_offered(editor_client):
    mumbai = DatelineFactory(country="India", region="Maharashtra", city="Mumbai")
    data = {"country": "india ", "region": "MAHARASHTRA", "city": " mumbai"}
    response = editor_client.post(f"{DATELINES}add/", data)
    assert response.context["adminform"].form.errors["city"] == [
        f'“india, MAHARASHTRA, mumbai” already exists: <a href="{DATELINES}{mumbai.pk}/change/">'
        "use it</a>."
    ]
    assert "violated" not in response.text
    assert Dateline.objects.count() == 1
    # The same city elsewhere is another place.
    data["region"] = "Karnataka"
    assert editor_client.post(f"{DATELINES}add/", data).status_code == 302


def test_a_country_alone_that_exists_says_so(editor_client):
    DatelineFactory(country="India", region="", city="")
    response = editor_client.post(
        f"{DATELINES}add/", {"country": "INDIA", "region": "", "city": ""}
    )
    assert "“INDIA” already exists" in response.text


def merge(client, changelist, rows, keep):
    return client.post(
        changelist,
        {
            "action": "merge_selected",
            "_selected_action": [row.pk for row in rows],
            "keep": keep.pk,
            "post": "yes",
        },
        follow=True,
    )


def test_merging_tags_moves_the_stories_and_records_it(editor_client, client):
    india, duplicate, other = TagFactory(name="India"), TagFactory(name="Bharat"), TagFactory()
    both = ArticleFactory(published=True, tags=[india, duplicate])
    only_duplicate = ArticleFactory(published=True, tags=[duplicate, other])
    ArticleFactory(published=True, tags=[india])

    confirm = editor_client.post(
        TAGS, {"action": "merge_selected", "_selected_action": [india.pk, duplicate.pk]}
    )
    assert "Keep which tag?" in confirm.text
    assert Tag.objects.count() == 3

    response = merge(editor_client, TAGS, [india, duplicate], keep=india)

    assert "Merged “Bharat” into “India”" in response.text
    assert not Tag.objects.filter(pk=duplicate.pk).exists()
    assert set(both.tags.all()) == {india}
    assert set(only_duplicate.tags.all()) == {india, other}
    assert india.articles.count() == 3
    entry = LogEntry.objects.get(object_id=str(india.pk))
    assert entry.get_change_message() == "Merged “Bharat” into this tag."
    # The old address leads to the kept tag, for readers and search engines.
    old = client.get("/tags/bharat/")
    assert old.status_code == 301
    assert old["Location"] == "/tags/india/"
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_a_tag_merged_twice_still_redirects_to_the_last_one_kept():
    first, second, third = (TagFactory(name=name) for name in ("Delhi", "New Delhi", "NCR"))
    places.merge_tags(second, [first])
    places.merge_tags(third, [second])
    assert TagRedirect.new_slug_for("delhi") == third.slug
    assert TagRedirect.new_slug_for("new-delhi") == third.slug


def test_merging_datelines_moves_the_stories(editor_client):
    bombay = DatelineFactory(country="India", region="Maharashtra", city="Bombay")
    mumbai = DatelineFactory(country="India", region="Maharashtra", city="Mumbai")
    moved = ArticleFactory.create_batch(2, dateline=bombay)
    response = merge(editor_client, DATELINES, [bombay, mumbai], keep=mumbai)
    assert "2 stories moved" in response.text
    assert not Dateline.objects.filter(pk=bombay.pk).exists()
    assert {
        article.dateline for article in Article.objects.filter(pk__in=[a.pk for a in moved])
    } == {mumbai}


def test_merging_needs_two_rows(editor_client):
    tag = TagFactory()
    response = editor_client.post(
        TAGS, {"action": "merge_selected", "_selected_action": [tag.pk]}, follow=True
    )
    assert "Choose two tags or more to merge." in response.text


def test_reporters_cannot_merge(reporter_client):
    a, b = TagFactory(), TagFactory()
    assert "merge_selected" not in reporter_client.get(TAGS).text
    merge(reporter_client, TAGS, [a, b], keep=a)
    assert Tag.objects.count() == 2


def test_story_counts_link_to_the_filtered_story_list(editor_client):
    mumbai = DatelineFactory(city="Mumbai")
    tag = TagFactory(name="Transport")
    ArticleFactory.create_batch(2, dateline=mumbai, tags=[tag])
    ArticleFactory()

    page = editor_client.get(DATELINES).text
    assert f'<a href="/admin/articles/article/?dateline__id__exact={mumbai.pk}">2</a>' in page
    page = editor_client.get(TAGS).text
    assert f'<a href="/admin/articles/article/?tags__id__exact={tag.pk}">2</a>' in page

    listed = editor_client.get(f"/admin/articles/article/?dateline__id__exact={mumbai.pk}")
    assert listed.context["cl"].result_count == 2
    listed = editor_client.get(f"/admin/articles/article/?tags__id__exact={tag.pk}")
    assert listed.context["cl"].result_count == 2


def test_counts_stop_at_the_cap(editor_client, monkeypatch):
    monkeypatch.setattr("articles.admin.places.COUNT_UP_TO", 2)
    tag = TagFactory(name="Busy")
    ArticleFactory.create_batch(3, tags=[tag])
    assert ">2+</a>" in editor_client.get(TAGS).text
    assert COUNT_UP_TO == 1000
