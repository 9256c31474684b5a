"""Pages stay byte for byte what they were before their output was made at write time.

A corpus of the legacy samples and generated stories (updates, corrections, silent fixes and
drafts through the admin's form, hostile text, many places and tags, a withdrawal) is built at
a pinned time, every public page of it is fetched, and each page's digest is compared with
`page_corpus.json`, which the code before the change wrote on each database (set
WRITE_PAGE_CORPUS=path to write the digests of the code under test).
"""

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from articles.models import Article, Dateline, Tag, Update
from tests.admin.helpers import change_url, form_data
from tests.factories import ArticleFactory, TagFactory, UpdateFactory
from tests.helpers import member_of
from tests.importer.helpers import GOOD_SAMPLES, run_import

CORPUS = Path(__file__).with_name("page_corpus.json")
NOW = datetime(2026, 5, 25, 12, 0, tzinfo=UTC)

HOSTILE = [
    ("Ceasefire <b>holds</b> & talks resume", "Leaders said “enough”. <script>x</script>"),
    ("Rupee hits 83.2 against the dollar", "Traders\u2019 desks were busy.\n\n\n  Spaced   text."),
    ("Ünïcödé headline — with dashes", "Paragraph one.\n\nParagraph two.\n\nParagraph three."),
]


def build_corpus(client) -> list[str]:
    """The corpus's stories, written as an editor and the importer write them; its addresses."""
    run_import(*GOOD_SAMPLES, "--quiet", "--workers", "1", "--writers", "1")
    editor = member_of("Editors", "corpus-editor")
    client.force_login(editor)
    places = [
        Dateline.objects.get_or_create_place("India", "Maharashtra", "Mumbai")[0],
        Dateline.objects.get_or_create_place("Lebanon", "", "Beirut")[0],
        Dateline.objects.get_or_create_place("Sri Lanka", "Western", "")[0],
    ]
    tags = [TagFactory(name=name) for name in ("Monsoon", "Markets", "Politics & Policy")]
    stories = []
    for n in range(12):
        headline, body = HOSTILE[n % len(HOSTILE)]
        stories.append(
            ArticleFactory(
                published=True,
                headline=f"{headline} ({n})",
                body=body,
                deck="" if n % 4 == 0 else f"Deck {n} <i>in</i> italics",
                byline="" if n % 3 else f"Reporter {n}",
                dateline=None if n == 5 else places[n % len(places)],
                tags=tags[: n % 4],
                published_at=NOW - timedelta(hours=n * 7),
            )
        )
    UpdateFactory(article=stories[1], shown_at=NOW - timedelta(hours=1), note="Imported note.")
    client.logout()
    client.force_login(editor)
    live = Article.objects.get(pk=stories[0].pk)
    posts = [
        {"body": live.body + "\n\nA new paragraph.", "save_kind": "update", "update_note": "N1"},
        {"headline": live.headline + " again", "save_kind": "correction", "update_note": "C1"},
        {"deck": "A fixed deck", "save_kind": "silent_fix"},
    ]
    for changes in posts:
        live = Article.objects.get(pk=live.pk)
        client.post(change_url(live), {**form_data(live, **changes), "_save": "1"})
    withdrawn = stories[2]
    client.post(
        f"/admin/articles/article/{withdrawn.pk}/withdraw/",
        {f"version_{withdrawn.pk}": withdrawn.version, "reason": "Not verified.", "post": "yes"},
    )
    client.logout()

    urls = ["/", "/?before=x", "/search/?q=rupee", "/feeds/latest.rss", "/feeds/latest.atom"]
    for article in Article.objects.order_by("pk"):
        urls += [article.get_absolute_url(), f"/api/ninjs/stories/{article.pk}/"]
    for tag in Tag.objects.order_by("pk"):
        urls += [f"/tags/{tag.slug}/", f"/feeds/tags/{tag.slug}.rss"]
    for place in Dateline.objects.order_by("pk"):
        urls.append(f"/places/{place.country_slug}/")
        if place.city:
            urls.append(f"/places/{place.country_slug}/{place.city_slug}/")
    for day in sorted({story.published_at.date() for story in stories}):
        urls.append(f"/archive/{day:%Y}/{day:%m}/{day:%d}/")
    return urls


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_pages_are_byte_for_byte_what_they_were(client, settings):
    settings.SITE_URL = ""
    settings.CACHE_LIST_SECONDS = settings.CACHE_STORY_SECONDS = 0
    with time_machine.travel(NOW, tick=False):
        urls = build_corpus(client)
        pages = {}
        for url in urls:
            response = client.get(url)
            pages[url] = f"{response.status_code} {hashlib.sha256(response.content).hexdigest()}"
    assert Update.objects.count() >= 3

    written = os.environ.get("WRITE_PAGE_CORPUS")
    if written:
        Path(written).write_text(json.dumps(pages, indent=1, sort_keys=True) + "\n")
    # Each database ranks search results and orders equal rows its own way.
    expected = json.loads(CORPUS.read_text())[connection.vendor]
    assert [url for url in expected if pages.get(url) != expected[url]] == []
    assert set(pages) == set(expected)
