"""The public story page: URL, dateline, times, change history, JSON-LD, 404/410."""

import json
import re
import time
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from articles.editorial import actions
from articles.models import Article, Revision, Update
from articles.site.caching import process_pages
from articles.site.views import story_page_context
from tests.factories import (
    ArticleFactory,
    DatelineFactory,
    RevisionFactory,
    TagFactory,
    UpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2016, 5, 25, 1, 1, tzinfo=UTC)  # 6:31 a.m. IST
UPDATED = datetime(2016, 5, 25, 9, 45, tzinfo=UTC)  # 3:15 p.m. IST
CORRECTED = datetime(2016, 5, 26, 4, 0, tzinfo=UTC)  # 9:30 a.m. IST, the next day


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def story_with_history() -> Article:
    """A story first published, silently fixed, updated, drafted on, then corrected."""
    v1 = "Floods cut off three districts.\n\nRescue teams are on their way.\n\nRoads are closed."
    v2 = "Floods cut off three districts.\n\nRescue teams are on their way.\n\nRoads are closed."
    v2 = v2.replace("on their way", "on the way")  # a typo-level silent fix
    v3 = v2.replace("three districts", "five districts") + "\n\nThe army has been called in."
    v5 = v3.replace("The army", "The navy")
    article = ArticleFactory(
        published=True,
        headline="Floods cut off five districts",
        deck="Rescue under way",
        body=v5,
        published_at=PUBLISHED,
        updated_at=CORRECTED,
        version=5,
        dateline=DatelineFactory(country="India", region="Maharashtra", city="Mumbai"),
    )
    update = UpdateFactory(
        article=article, shown_at=UPDATED, kind=Update.Kind.UPDATE, note="Adds two districts."
    )
    correction = UpdateFactory(
        article=article,
        shown_at=CORRECTED,
        kind=Update.Kind.CORRECTION,
        note="The navy, not the army, was called in.",
    )
    headline1 = "Floods cut off three districts"
    for number, kind, body, headline, is_public, linked in [
        (1, Revision.Kind.PUBLICATION, v1, headline1, True, None),
        (2, Revision.Kind.SILENT_FIX, v2, headline1, True, None),
        (3, Revision.Kind.UPDATE, v3, article.headline, True, update),
        (4, Revision.Kind.DRAFT, v3 + "\n\nSECRET DRAFT LINE.", article.headline, False, None),
        (5, Revision.Kind.CORRECTION, v5, article.headline, True, correction),
    ]:
        RevisionFactory(
            article=article,
            number=number,
            kind=kind,
            body=body,
            headline=headline,
            deck=article.deck,
            is_public=is_public,
            update=linked,
        )
    return article


# --- URL, redirects and visibility -------------------------------------------------------


def test_story_page_shows_the_story(client):
    article = ArticleFactory(
        published=True, headline="Floods <cut> off districts", byline="Asha Rao"
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Floods &lt;cut&gt; off districts" in response.text
    assert "Asha Rao" in response.text
    assert "<p>Second paragraph with more detail.</p>" in response.text


def test_wrong_or_old_slug_redirects_permanently(client):
    article = ArticleFactory(published=True, headline="New headline")

    response = client.get(f"/stories/{article.pk}/old-headline/")

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_short_url_redirects_to_the_story(client):
    """/stories/<id>/ is the permanent identifier used by feeds' guid and ninjs uri."""
    article = ArticleFactory(published=True)

    response = client.get(f"/stories/{article.pk}/")

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_scheduled_story_appears_once_its_time_comes_within_the_cache_lifetime(
    client, settings, time_machine
):
    settings.CACHE_LIST_SECONDS = 60
    time_machine.move_to(datetime(2016, 5, 25, 1, 0, tzinfo=UTC), tick=False)
    article = ArticleFactory(
        published=True,
        headline="Embargoed budget story",
        published_at=datetime(2016, 5, 25, 1, 30, tzinfo=UTC),
    )
    assert "Embargoed budget story" not in client.get("/").text
    assert client.get(article.get_absolute_url()).status_code == 404

    time_machine.move_to(datetime(2016, 5, 25, 1, 31, 1, tzinfo=UTC), tick=False)

    assert "Embargoed budget story" in client.get("/").text
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("state", [{}, {"scheduled": True}])
def test_drafts_and_scheduled_stories_are_not_found(client, state):
    article = ArticleFactory(**state)

    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"/stories/{article.pk}/another-slug/").status_code == 404


def test_missing_story_is_not_found(client):
    assert client.get("/stories/999999/nothing/").status_code == 404


def test_withdrawn_story_is_gone_with_the_notice(client):
    article = ArticleFactory(
        withdrawn=True, headline="Unverified claim", withdrawal_reason="Sources retracted."
    )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 410
    assert "Sources retracted." in response.text
    assert "Unverified claim" not in response.text
    assert "This story has been withdrawn" in response.text


@pytest.mark.parametrize("show_headline", [False, True])
def test_the_withdrawal_notice_says_when_and_why_and_names_the_story_only_if_chosen(
    client, editor, show_headline
):
    article = ArticleFactory(
        published=True, published_at=PUBLISHED, headline="Minister resigns over land deal"
    )
    with time_machine.travel(UPDATED, tick=False):
        actions.withdraw_article(
            article, by=editor, reason="The report was wrong.", show_headline=show_headline
        )

    response = client.get(article.get_absolute_url())

    assert response.status_code == 410
    assert "This story has been withdrawn" in response.text
    assert (
        'Withdrawn <time datetime="2016-05-25T09:45:00Z">May 25, 2016, 3:15 p.m. IST</time>'
        in response.text
    )
    assert "The newsroom\u2019s notice" in response.text
    assert "The report was wrong." in response.text
    assert '<a href="/">Read the latest news</a>' in response.text
    assert ("Minister resigns over land deal" in response.text) is show_headline


def test_the_choice_to_name_a_withdrawn_story_is_recorded_and_undone_by_republishing(editor):
    article = ArticleFactory(published=True)

    actions.withdraw_article(article, by=editor, reason="Legal advice.", show_headline=True)
    article.refresh_from_db()
    assert article.withdrawal_shows_headline
    actions.republish_article(article, by=editor, note="Cleared by the lawyers.")

    article.refresh_from_db()
    assert (article.withdrawal_shows_headline, article.withdrawal_reason) == (False, "")


def test_withdrawn_story_is_gone_whatever_the_slug(client):
    article = ArticleFactory(withdrawn=True)

    assert client.get(f"/stories/{article.pk}/x/").status_code == 410


# --- Dateline and times ------------------------------------------------------------------


def test_dateline_leads_into_the_first_paragraph_in_wire_style(client):
    dateline = DatelineFactory(country="India", region="Maharashtra", city="Mumbai")
    article = ArticleFactory(published=True, dateline=dateline, body="Rain fell.\n\nMore rain.")

    response = client.get(article.get_absolute_url())

    assert '<span class="dateline">MUMBAI, Maharashtra —</span> Rain fell.' in response.text


def test_standalone_cities_stand_alone(client, settings):
    settings.DATELINE_STANDALONE_CITIES = ["Beirut"]
    dateline = DatelineFactory(country="Lebanon", region="", city="Beirut")
    article = ArticleFactory(published=True, dateline=dateline, body="Talks resumed.")

    response = client.get(article.get_absolute_url())

    assert '<span class="dateline">BEIRUT —</span> Talks resumed.' in response.text


def test_dateline_style_is_a_setting(client, settings):
    settings.DATELINE_STANDALONE_CITIES = []
    dateline = DatelineFactory(country="Lebanon", region="", city="Beirut")
    article = ArticleFactory(published=True, dateline=dateline, body="Talks resumed.")

    response = client.get(article.get_absolute_url())

    assert '<span class="dateline">BEIRUT, Lebanon —</span>' in response.text


def test_published_and_updated_times_in_the_newsroom_zone(client):
    article = ArticleFactory(published=True, published_at=PUBLISHED, updated_at=UPDATED)

    html = client.get(article.get_absolute_url()).text

    assert '<time datetime="2016-05-25T01:01:00Z">May 25, 2016, 6:31 a.m. IST</time>' in html
    assert '<time datetime="2016-05-25T09:45:00Z">May 25, 2016, 3:15 p.m. IST</time>' in html
    assert "<dt>Updated</dt>" in html


def test_never_updated_story_shows_no_updated_time(client):
    article = ArticleFactory(published=True, published_at=PUBLISHED)

    html = client.get(article.get_absolute_url()).text

    assert "<dt>Published</dt>" in html
    assert "<dt>Updated</dt>" not in html


def test_time_just_after_midnight_ist_is_the_next_day(client):
    """18:31 UTC on May 24 is 12:01 a.m. on May 25 in India."""
    moment = datetime(2016, 5, 24, 18, 31, tzinfo=UTC)
    article = ArticleFactory(published=True, published_at=moment)

    html = client.get(article.get_absolute_url()).text

    assert '<time datetime="2016-05-24T18:31:00Z">May 25, 2016, 12:01 a.m. IST</time>' in html
    assert 'href="/archive/2016/05/25/"' in html


def test_tags_are_links(client):
    tag = TagFactory(name="Monsoon")
    article = ArticleFactory(published=True, tags=[tag])

    html = client.get(article.get_absolute_url()).text

    assert f'<a href="/tags/{tag.slug}/">Monsoon</a>' in html


# --- Public change history ---------------------------------------------------------------


def test_change_history_lists_updates_and_corrections_newest_first(client):
    article = story_with_history()

    html = client.get(article.get_absolute_url()).text

    correction_at = html.index("The navy, not the army, was called in.")
    update_at = html.index("Adds two districts.")
    assert correction_at < update_at
    assert 'class="history-entry history-correction"' in html
    assert '<strong class="history-kind">Correction</strong>' in html
    assert '<time datetime="2016-05-26T04:00:00Z">May 26, 2016, 9:30 a.m. IST</time>' in html


def test_change_history_diffs_against_the_previous_public_version(client):
    article = story_with_history()
    article.refresh_from_db()  # the history is stored with the story as it is saved

    entries = story_page_context(article)["history"]

    correction, update = entries
    correction_text = " ".join(diff.html for diff in correction.diffs)
    assert "The <del>army</del> <ins>navy</ins> has been" in correction_text
    update_text = " ".join(diff.html for diff in update.diffs)
    assert "<del>three</del> <ins>five</ins>" in update_text
    assert "<ins>The army has been called in.</ins>" in update_text
    # The update is compared with the silent fix before it, so the fix is not shown as news.
    assert "their" not in update_text
    assert [diff.label for diff in update.diffs] == ["Headline", "Text"]


def test_silent_fixes_and_drafts_never_show(client):
    article = story_with_history()

    html = client.get(article.get_absolute_url()).text

    assert "SECRET DRAFT LINE" not in html
    assert "Silent fix" not in html
    assert html.count('class="history-entry') == 2


def test_diffs_are_escaped(client):
    article = ArticleFactory(
        published=True, published_at=PUBLISHED, updated_at=UPDATED, body="Safe text."
    )
    update = UpdateFactory(article=article, shown_at=UPDATED, note="<b>note</b>")
    RevisionFactory(article=article, number=1, body="Safe text.")
    RevisionFactory(
        article=article,
        number=2,
        kind=Revision.Kind.UPDATE,
        body="Safe <script>alert(1)</script> text.",
        update=update,
    )

    html = client.get(article.get_absolute_url()).text

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;note&lt;/b&gt;" in html


def test_updates_without_revisions_show_their_note_without_a_diff(client):
    article = ArticleFactory(published=True, published_at=PUBLISHED, updated_at=UPDATED)
    UpdateFactory(article=article, shown_at=UPDATED, note="Imported note from the old site.")

    response = client.get(article.get_absolute_url())
    article.refresh_from_db()
    entries = story_page_context(article)["history"]

    assert "Imported note from the old site." in response.text
    assert entries[0].diffs == []
    assert "What changed" not in response.text


def test_story_without_updates_has_no_history_section(client):
    article = ArticleFactory(published=True)

    assert "Updates and corrections" not in client.get(article.get_absolute_url()).text


# --- JSON-LD, canonical, Open Graph ------------------------------------------------------


def test_news_article_json_ld(client):
    article = story_with_history()
    article.byline = "Asha Rao"
    article.save()
    TagFactory(name="Floods").articles.add(article)

    response = client.get(article.get_absolute_url())
    data = json_ld(response.text)

    url = f"http://testserver{article.get_absolute_url()}"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.headline
    assert data["datePublished"] == "2016-05-25T01:01:00Z"
    assert data["dateModified"] == "2016-05-26T04:00:00Z"
    assert data["dateline"] == "MUMBAI, Maharashtra"
    assert data["locationCreated"]["address"]["addressLocality"] == "Mumbai"
    assert data["author"] == {"@type": "Person", "name": "Asha Rao"}
    assert data["url"] == url
    assert data["keywords"] == ["Floods"]
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The navy, not the army, was called in.",
            "datePublished": "2016-05-26T04:00:00Z",
        }
    ]
    assert f'<link rel="canonical" href="{url}">' in response.text
    assert f'<meta property="og:url" content="{url}">' in response.text
    assert '<meta property="og:type" content="article">' in response.text


def test_json_ld_cannot_be_broken_out_of(client):
    article = ArticleFactory(published=True, headline="A </script><script>alert(1)</script> b")

    html = client.get(article.get_absolute_url()).text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)

    assert "<" not in block.group(1)
    assert json.loads(block.group(1))["headline"] == article.headline


def test_canonical_links_use_site_url_when_set(client, settings):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(published=True)

    html = client.get(article.get_absolute_url()).text

    assert f'href="https://news.example.org{article.get_absolute_url()}"' in html
    assert "example.com" not in html


def test_story_page_context_serves_a_preview_of_a_draft():
    """The editors' preview renders the same template with the same context function."""
    from django.template.loader import render_to_string

    article = ArticleFactory(headline="Draft for preview", published_at=None)

    html = render_to_string("articles/article_detail.html", story_page_context(article))

    assert "Draft for preview" in html


# --- Queries, sessions, headers ----------------------------------------------------------


def test_story_page_costs_two_queries_however_long_its_history(client, django_assert_num_queries):
    article = story_with_history()
    article.tags.add(TagFactory(), TagFactory(), TagFactory())
    for _ in range(5):
        UpdateFactory(article=article, shown_at=UPDATED)
    process_pages.catch_up()  # a worker that has served before: it knows the changes so far

    # The story with its dateline, then its tags; the history was made when it was saved.
    with django_assert_num_queries(2):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200


def test_anonymous_readers_cause_no_session_queries_and_no_cookies(client):
    article = story_with_history()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())

    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "csrfmiddlewaretoken" not in response.text
    assert "nonce" not in response.text


def test_story_page_sends_validators_and_a_browser_lifetime_with_revalidation(client, settings):
    settings.CACHE_STORY_SECONDS = 300
    article = ArticleFactory(published=True, published_at=PUBLISHED, updated_at=UPDATED)

    response = client.get(article.get_absolute_url())

    assert "Last-Modified" not in response  # the ETag is the validator that follows the bytes
    assert response["ETag"].startswith('"')
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    # No shared cache is told what to drop, so none may keep the page longer than a browser.
    assert directives == {"public", "max-age=0", "s-maxage=0", "must-revalidate"}
    assert f"story-{article.pk}" in response["Surrogate-Key"].split()


def test_shared_caches_keep_pages_longer_only_when_a_purger_tells_them(client, settings):
    settings.CACHE_STORY_SECONDS = 300
    settings.PAGE_PURGER = "tests.site.test_purge.RecordingPurger"
    article = ArticleFactory(published=True)

    response = client.get(article.get_absolute_url())

    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=0", "s-maxage=300", "must-revalidate"}
    assert not any(d.startswith("stale-") for d in directives)


def test_conditional_get_answers_304(client):
    article = ArticleFactory(published=True)
    first = client.get(article.get_absolute_url())

    by_etag = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})

    assert by_etag.status_code == 304
    assert by_etag["ETag"] == first["ETag"]


def test_etag_is_stable_across_requests_even_uncached(client, settings):
    settings.CACHE_STORY_SECONDS = 0
    article = ArticleFactory(published=True)

    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())

    assert first["ETag"] == second["ETag"]
    assert first.content == second.content


def test_a_kept_page_costs_one_query_the_record_of_changes(client, django_assert_num_queries):
    article = ArticleFactory(published=True)
    client.get(article.get_absolute_url())

    with django_assert_num_queries(1):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200


def test_an_update_is_visible_at_once_in_page_and_lists(client, django_capture_on_commit_callbacks):
    article = ArticleFactory(published=True, headline="First headline")
    assert "First headline" in client.get(article.get_absolute_url()).text
    assert "First headline" in client.get("/").text

    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Second headline"
        article.updated_at = timezone.now()
        article.save()

    assert "Second headline" in client.get(article.get_absolute_url()).text
    assert "Second headline" in client.get("/").text


def test_security_headers_and_a_strict_csp(client):
    article = story_with_history()

    response = client.get(article.get_absolute_url())

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    # The only script element on the page is the JSON-LD data block, which CSP does not run.
    assert re.findall(r"<script[^>]*>", response.text) == ['<script type="application/ld+json">']


def test_one_rule_for_changed_a_silent_fix_moves_nothing(client, settings):
    settings.CACHE_STORY_SECONDS = 0
    article = ArticleFactory(published=True, published_at=PUBLISHED, updated_at=UPDATED)
    before = client.get(article.get_absolute_url())

    article.body = "A silently fixed typo."
    article.save()
    after = client.get(article.get_absolute_url())

    assert "Last-Modified" not in after
    assert json_ld(after.text)["dateModified"] == json_ld(before.text)["dateModified"]
    assert "May 25, 2016, 3:15 p.m. IST" in after.text


def test_withdrawn_notice_is_cacheable_but_not_a_page(client):
    article = ArticleFactory(withdrawn=True)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 410
    assert "max-age" in response["Cache-Control"]


def test_signed_in_editors_get_the_same_page_without_session_queries(client, settings):
    settings.CACHE_STORY_SECONDS = 0
    article = ArticleFactory(published=True)
    anonymous = client.get(article.get_absolute_url())
    client.force_login(UserFactory(is_staff=True))

    with CaptureQueriesContext(connection) as queries:
        signed_in = client.get(article.get_absolute_url())

    assert signed_in["ETag"] == anonymous["ETag"]
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    assert "Cookie" not in signed_in.get("Vary", "")


@pytest.mark.parametrize("change", ["silent_fix", "update", "correction", "withdrawal"])
def test_every_validator_changes_when_the_page_does(client, editor, change):
    from articles.editorial.actions import save_article, withdraw_article

    article = ArticleFactory(published=True, published_at=PUBLISHED, updated_at=UPDATED)
    url = article.get_absolute_url()
    before = client.get(url)
    article.refresh_from_db()
    if change == "withdrawal":
        withdraw_article(article, by=editor, reason="Could not be verified.")
    else:
        article.body = "The changed text."
        note = "" if change == "silent_fix" else "Changed."
        save_article(article, by=editor, kind=change, note=note)

    since = client.get(url, headers={"if-modified-since": http_date(time.time())})
    matching = client.get(url, headers={"if-none-match": before["ETag"]})

    for answer in (since, matching):
        assert answer.status_code == (410 if change == "withdrawal" else 200)
        assert answer.content != before.content
        assert answer["ETag"] != before["ETag"]


def test_a_not_found_is_kept_by_no_cache(client):
    article = ArticleFactory()  # a draft: not found until it is published

    response = client.get(f"/stories/{article.pk}/")

    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"
    assert client.get("/sitemaps/2011-03.xml")["Cache-Control"] == "no-store"
