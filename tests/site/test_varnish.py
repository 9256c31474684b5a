"""Varnish in front, as docker-compose.yml runs it: pages are kept there and dropped at once.

A real varnishd from Debian's package runs the repository's deploy/varnish.vcl in front of a
gunicorn of the tests; the editor's withdrawal commits in this process, whose purger bans the
story's keys in Varnish."""

import http.client
import time
from datetime import UTC, datetime

import pytest
from django.core.files.storage import storages
from django.test import override_settings
from django.utils.http import http_date

from articles.pictures.library import withdraw_picture
from tests.factories import ArticleFactory, make_picture
from tests.site.servers import Gunicorn, Varnish, fetch, fetch_file, port
from tests.site.test_live_workers import kept_story, responses_showing, warm, withdraw

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def varnish(django_db_setup):
    purge_url = f"http://127.0.0.1:{port(10)}/"
    site = Gunicorn(port(12), workers=3, VARNISH_PURGE_URLS=purge_url)
    front = Varnish(port(10), backend_port=port(12))
    yield front
    front.stop()
    site.stop()


@pytest.fixture(autouse=True)
def purging(varnish):
    """This process writes as an app server does: telling Varnish of every change."""
    with override_settings(
        VARNISH_PURGE_URLS=[varnish.url + "/"],
        PAGE_PURGER="articles.purge.VarnishPurger",
        PAGE_PURGE_REPEAT_SECONDS=0,
    ):
        yield


IDENTITY = {"Accept-Encoding": "identity"}


def served_from_varnish(headers) -> bool:
    """A hit names two transactions in X-Varnish: this one and the one that fetched it."""
    return len(headers["X-Varnish"].split()) == 2


def test_varnish_keeps_public_pages(varnish):
    article, urls = kept_story()
    fetch(varnish.url + urls[0])

    _, headers, body = fetch(varnish.url + urls[0])

    assert served_from_varnish(headers)
    assert article.headline in body
    assert f"story-{article.pk}" in headers["Surrogate-Key"].split()


def test_a_withdrawn_story_is_gone_from_varnish_once_the_kill_commits(varnish, editor):
    article, urls = kept_story()
    warm(varnish.url, article, urls)
    assert served_from_varnish(fetch(varnish.url + urls[0])[1])

    withdraw(article, editor)

    assert responses_showing(varnish.url, article, urls) == []
    assert fetch(varnish.url + urls[0])[0] == 410


def test_an_update_elsewhere_leaves_other_pages_in_varnish(varnish, editor):
    from articles.editorial.actions import save_article

    article, _ = kept_story()
    other, _ = kept_story("Another story entirely")
    fetch(varnish.url + other.get_absolute_url())
    article.refresh_from_db()
    article.body = "A silent fix."

    save_article(article, by=editor, kind="silent_fix")

    assert served_from_varnish(fetch(varnish.url + other.get_absolute_url())[1])


def test_unknown_query_parameters_create_no_entries_in_varnish(varnish):
    kept_story()
    for _ in range(2):
        _, headers, _ = fetch(f"{varnish.url}/?cachebust=7")

    assert not served_from_varnish(headers)
    assert "private" in headers["Cache-Control"]


def test_only_the_app_servers_may_purge_and_only_with_keys(varnish):
    status, _, _ = fetch(varnish.url + "/", method="PURGE", headers={"Purge-Keys": ".* |x"})

    assert status == 400


def test_a_withdrawn_picture_is_gone_from_varnish_pages_and_renditions(varnish):
    picture = make_picture()  # in the folders the tests' gunicorn serves too
    article = ArticleFactory(published=True, lead_picture=picture)
    renditions = [storages["default"].url(r["name"]) for r in picture.renditions]
    pages = [article.get_absolute_url(), "/", f"/api/ninjs/stories/{article.pk}/"]
    for url in pages + renditions:
        fetch_file(varnish.url + url)
    assert served_from_varnish(fetch_file(varnish.url + renditions[0])[1])

    withdraw_picture(picture, reason="The agency withdrew it.")

    stale = [
        url for url in pages for _ in range(3) if picture.folder in fetch(varnish.url + url)[2]
    ]
    assert stale == []
    assert {fetch_file(varnish.url + url)[0] for url in renditions} == {404}


def test_a_purge_from_another_machine_is_refused(varnish):
    """127.0.0.2 is this host's loopback too, but not an app server of the VCL's list."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", int(varnish.url.rsplit(":", 1)[1]), timeout=5, source_address=("127.0.0.2", 0)
    )
    connection.request("PURGE", "/", headers={"Purge-Keys": "list-latest"})

    assert connection.getresponse().status == 403
    connection.close()


def test_a_story_asked_for_before_it_went_live_is_found_once_published(varnish, editor):
    from articles.editorial.actions import publish_article

    draft = ArticleFactory(headline="Embargoed budget details")
    for address in (f"/stories/{draft.pk}/", "/sitemaps/2011-03.xml"):
        assert [fetch(varnish.url + address)[0] for _ in range(2)] == [404, 404]

    draft.refresh_from_db()
    publish_article(draft, by=editor)
    old = ArticleFactory(published=True, published_at=datetime(2011, 3, 9, 12, tzinfo=UTC))

    status, _, body = fetch(varnish.url + f"/stories/{draft.pk}/", headers=IDENTITY)
    assert status == 301 or "Embargoed budget details" in body
    assert "Embargoed budget details" in fetch(varnish.url + draft.get_absolute_url())[2]
    _, _, sitemap = fetch(varnish.url + "/sitemaps/2011-03.xml", headers=IDENTITY)
    assert old.get_absolute_url() in sitemap


@pytest.mark.parametrize("change", ["silent_fix", "update", "correction", "withdrawal"])
def test_revalidating_through_varnish_never_keeps_a_changed_page(varnish, editor, change):
    from articles.editorial.actions import save_article, withdraw_article

    article, urls = kept_story()
    address = varnish.url + urls[0]
    fetch(address)
    _, before, old_body = fetch(address, headers=IDENTITY)
    assert served_from_varnish(before)
    article.refresh_from_db()
    if change == "withdrawal":
        withdraw_article(article, by=editor, reason="Could not be verified.")
    else:
        article.body = "The changed text."
        save_article(
            article, by=editor, kind=change, note="" if change == "silent_fix" else "Changed."
        )

    for validator in (
        {"If-Modified-Since": http_date(time.time())},
        {"If-None-Match": before["ETag"]},
    ):
        status, headers, body = fetch(address, headers={**IDENTITY, **validator})
        assert status == (410 if change == "withdrawal" else 200)
        assert body != old_body
        assert headers["ETag"] != before["ETag"]
