"""What a careless paste or a hostile editor types into the admin: refused clearly, never a 500."""

import pytest
from django.db import connection
from django.utils.html import escape

from articles.admin.changelist import planner_row_estimate
from articles.editorial import actions
from articles.models import Article, Dateline, Tag, Update
from tests.admin.helpers import ADD, CHANGELIST, change_url, form_data
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

BELL = "\x07"
REFUSED = "Remove the invisible control characters (U+0007)"


def errors_of(response) -> str:
    assert response.status_code == 200
    return escape(str(response.context["adminform"].form.errors))


@pytest.mark.parametrize("field", ["headline", "deck", "byline", "body"])
def test_the_story_form_refuses_control_characters(editor_client, field):
    data = form_data(Article(), headline="Dam gates opened", body="Water rose.", loaded_version="")
    data[field] = f"Dam{BELL} gates{BELL}"

    response = editor_client.post(ADD, data)

    assert escape(REFUSED) in errors_of(response)
    assert not Article.objects.exists()


def test_the_story_form_keeps_tabs_and_line_breaks_as_newlines(editor_client):
    body = "First\tparagraph.\r\n\r\nSecond paragraph."
    data = form_data(Article(), headline="Dam", slug="dam", body=body, loaded_version="")

    response = editor_client.post(ADD, data)

    assert response.status_code == 302
    assert Article.objects.get().body == "First\tparagraph.\n\nSecond paragraph."


def test_every_character_refused_is_named_once(editor_client):
    data = form_data(Article(), headline="a\x01b\x1bc\x01", body="Water.", loaded_version="")

    response = editor_client.post(ADD, data)

    assert "(U+0001, U+001B)" in errors_of(response)


def test_the_note_for_readers_refuses_control_characters(editor_client):
    article = ArticleFactory(published=True)
    data = form_data(article, body="Changed.", save_kind="update", update_note=f"Toll{BELL}.")

    response = editor_client.post(change_url(article), data)

    assert escape(REFUSED) in errors_of(response)
    assert not Update.objects.exists()


def test_a_withdrawal_reason_refuses_control_characters(editor_client):
    article = ArticleFactory(published=True)
    url = f"/admin/articles/article/{article.pk}/withdraw/"

    response = editor_client.post(
        url, {f"version_{article.pk}": 1, "reason": f"Legal{BELL}.", "post": "yes"}
    )

    assert escape(REFUSED) in response.text
    assert Article.objects.get().status == "published"


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/articles/tag/add/", {"name": f"Flood{BELL}", "slug": "flood"}),
        ("/admin/articles/dateline/add/", {"country": f"India{BELL}", "city": "Mumbai"}),
        ("/admin/articles/dateline/add/", {"country": "India", "city": f"Mumbai{BELL}"}),
    ],
)
def test_tag_and_dateline_forms_refuse_control_characters(editor_client, url, data):
    response = editor_client.post(url, {"region": "", **data})

    assert escape(REFUSED) in errors_of(response)
    assert not Tag.objects.exists()
    assert not Dateline.objects.exists()


RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows reads backwards
HIDDEN = {
    "\u202e": "U+202E RIGHT-TO-LEFT OVERRIDE",
    "\u2067": "U+2067 RIGHT-TO-LEFT ISOLATE",
    "\u200b": "U+200B ZERO WIDTH SPACE",
    "\u200d": "U+200D ZERO WIDTH JOINER",
}


@pytest.mark.parametrize("character", HIDDEN)
@pytest.mark.parametrize("field", ["headline", "byline"])
def test_the_story_form_refuses_invisible_formatting_in_a_line_naming_it(
    editor_client, field, character
):
    data = form_data(Article(), headline="Dam gates", slug="dam", body="Water.", loaded_version="")
    data[field] = f"dam{character}gates"

    response = editor_client.post(ADD, data)

    assert HIDDEN[character] in errors_of(response)
    assert not Article.objects.exists()


@pytest.mark.parametrize("character", HIDDEN)
def test_a_slug_holds_letters_digits_and_hyphens_only(editor_client, character):
    data = form_data(Article(), headline="Dam", body="Water.", loaded_version="")
    data["slug"] = f"dam{character}gates"

    response = editor_client.post(ADD, data)

    assert "slug" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_the_body_refuses_a_bidi_override_but_keeps_joiners(editor_client):
    data = form_data(
        Article(), headline="Dam", slug="dam", body=f"Dam {RLO}nepo", loaded_version=""
    )
    refused = editor_client.post(ADD, data)
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in errors_of(refused)

    data["body"] = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001f469\u200d\U0001f4bb"
    assert editor_client.post(ADD, data).status_code == 302
    assert Article.objects.get().body == data["body"]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/articles/tag/add/", {"name": f"Flood{RLO}", "slug": "flood"}),
        ("/admin/articles/tag/add/", {"name": "Flo\u200bod", "slug": "flood"}),
        ("/admin/articles/dateline/add/", {"country": f"India{RLO}", "city": "Mumbai"}),
        ("/admin/articles/dateline/add/", {"country": "India", "city": "Mum\u2066bai"}),
    ],
)
def test_tag_and_dateline_forms_refuse_invisible_formatting(editor_client, url, data):
    response = editor_client.post(url, {"region": "", **data})

    assert "Remove the invisible formatting characters (U+" in errors_of(response)
    assert not Tag.objects.exists()
    assert not Dateline.objects.exists()


def test_a_tag_of_punctuation_only_gets_a_spelt_out_slug(editor_client):
    response = editor_client.post("/admin/articles/tag/add/", {"name": "???", "slug": ""})

    assert response.status_code == 302
    assert Tag.objects.get().slug == "question-mark-question-mark-question-mark"


def test_a_spelt_out_slug_already_taken_is_told_not_a_500(editor_client):
    editor_client.post("/admin/articles/tag/add/", {"name": "???", "slug": ""})

    response = editor_client.post("/admin/articles/tag/add/", {"name": " ??? ", "slug": ""})

    assert "already exists" in errors_of(response)
    assert Tag.objects.count() == 1


def test_a_reporter_files_a_story_from_a_place_with_no_letters(reporter_client, editor, client):
    response = reporter_client.post(
        "/admin/articles/dateline/add/", {"country": "???", "region": "", "city": "🇮🇳"}
    )
    assert response.status_code == 302
    dateline = Dateline.objects.get()
    article = ArticleFactory(dateline=dateline, headline="!!!")
    actions.publish_article(article, by=editor)

    page = client.get(article.get_absolute_url())

    assert page.status_code == 200
    assert f'href="/places/{dateline.country_slug}/{dateline.city_slug}/"' in page.text
    assert client.get(f"/places/{dateline.country_slug}/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "?published_at__year=999999999999",
        "?published_at__year=2147483648&published_at__month=1",
        "?published_at__year=1&published_at__month=1&published_at__day=99999999999",
        "?published_at__year=9999&published_at__month=12&published_at__day=31",
        "?published_at__year=0",
        "?tags__id__exact=abc",
        "?dateline__id__exact=1.5",
        "?country=%00",
        "?q=%00",
        "?state=%00",
        # Numbers past their column's range.
        "?tags__id__exact=99999999999999999999",
        "?dateline__id__exact=-99999999999999999999",
        "?tags__id__in=1,99999999999999999999",
        "?id__gt=99999999999999999999",
        "?version=99999999999999999999",
    ],
)
def test_change_list_filters_that_cannot_apply_are_a_bad_request(editor_client, query):
    ArticleFactory(published=True)

    assert editor_client.get(CHANGELIST + query).status_code == 400


def test_change_list_filters_by_id_and_by_no_tag_still_work(editor_client):
    tagged = ArticleFactory(published=True, tags=[TagFactory()])
    untagged = ArticleFactory(published=True)
    tag_id = tagged.tags.get().pk

    def results(query):
        response = editor_client.get(CHANGELIST + query)
        assert response.status_code == 200, query
        return set(response.context["cl"].result_list)

    assert results(f"?tags__id__exact={tag_id}") == {tagged}
    assert results(f"?tags__id__in={tag_id},{tag_id + 1}") == {tagged}
    assert results("?tags__isnull=True") == {untagged}
    assert results(f"?dateline__id__exact={untagged.dateline_id}") == {untagged}


def test_the_count_of_a_list_nothing_can_match_is_zero_without_asking_the_planner():
    if connection.vendor != "postgresql":
        pytest.skip("the estimate is PostgreSQL's")

    assert planner_row_estimate(Article.objects.none()) == 0


@pytest.mark.parametrize(
    "url", ["/admin/articles/dateline/?country=%00", "/admin/articles/tag/?q=%00"]
)
def test_tag_and_dateline_lists_refuse_a_nul(editor_client, url):
    assert editor_client.get(url).status_code == 400


def test_the_versions_page_of_a_32_kb_repeated_body_answers_at_once(reporter_client, reporter):
    article = Article(headline="Bomb", body="x " * 16000)
    actions.save_article(article, by=reporter)
    article.body = "x " * 8000 + "flood " + "x " * 8000
    actions.save_article(article, by=reporter)

    response = reporter_client.get(f"/admin/articles/article/{article.pk}/versions/")

    assert response.status_code == 200
    assert "x <ins>flood</ins> x" in response.text
