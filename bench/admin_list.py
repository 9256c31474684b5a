"""Time the editors' admin on a large PostgreSQL database.

    DATABASE_URL=postgres://... python bench/admin_list.py [--stories 1000000]

Fills the database (not the test database: use a scratch one) with synthetic stories if it
holds fewer than asked, then requests the admin's pages as a superuser and prints, for each,
the number of queries, the median time of three requests and the slowest query.

Measured on the 2-core development machine on 2026-11-26 (nothing else running), with
1,000,000 stories: the story list 56 ms in 8 queries (no COUNT(*): the planner's estimate),
page 100 70 ms, filtered by status 69 ms, by country 135 ms, a year 341 ms, a full-text search
28 ms (the stored GIN-indexed vector; ILIKE over every body took 4-5 s), a story's change form
35 ms. The datelines and tags pages counted each one's stories: 1.2 s and 0.6 s at this size;
they now stop counting at 1,000 (`bench/admin_places.py`, docs/performance.md).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The test settings: production's, with static files served without a collected manifest.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article  # noqa: E402

FILL = """
INSERT INTO articles_dateline (country, region, city)
SELECT c, '', 'Bench city ' || g
FROM unnest(ARRAY['India', 'Lebanon', 'Kenya', 'Brazil']) c, generate_series(1, 25) g
ON CONFLICT DO NOTHING;
INSERT INTO articles_tag (name, slug)
SELECT 'Bench tag ' || g, 'bench-tag-' || g FROM generate_series(1, 50) g
ON CONFLICT DO NOTHING;
INSERT INTO articles_article (headline, slug, deck, byline, body, status, published_at,
    withdrawal_reason, source_file, legacy_story_digest, legacy_file_digest, created_at,
    modified_at, version, dateline_id)
SELECT 'Story ' || g || ' about the monsoon and the markets', 'story-' || g,
    'A deck for story ' || g, '',
    'First paragraph of story ' || g || '.' || E'\\n\\n' || 'Second paragraph with detail.',
    CASE WHEN g % 50 = 0 THEN 'draft' ELSE 'published' END,
    CASE WHEN g % 50 = 0 THEN NULL ELSE timestamptz '2016-01-01' + g * interval '5 minutes' END,
    '', '', '', '', now(), now(), 1,
    (SELECT min(id) FROM articles_dateline) + (g % 100)
FROM generate_series(1, %(missing)s) g;
INSERT INTO articles_article_tags (article_id, tag_id)
SELECT a.id, (SELECT min(id) FROM articles_tag) + (a.id % 50)
FROM articles_article a
WHERE NOT EXISTS (SELECT 1 FROM articles_article_tags t WHERE t.article_id = a.id);
ANALYZE;
"""


def fill(stories: int) -> None:
    """Add synthetic stories until the database holds `stories` of them."""
    missing = stories - Article.objects.count()
    if missing > 0:
        print(f"Adding {missing:,} stories...", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(FILL.replace("%(missing)s", str(missing)))


def superuser_client() -> Client:
    user, _ = get_user_model().objects.get_or_create(
        username="bench-superuser", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def median_ms(run, rounds: int) -> float:
    """The median time of `rounds` calls of `run`, in milliseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def prepare(parser: argparse.ArgumentParser):
    """Parse a bench's arguments, fill the scratch database, and log a superuser in."""
    parser.add_argument("--stories", type=int, default=1_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        parser.error("set DATABASE_URL to a scratch PostgreSQL database")
    fill(args.stories)
    return args, superuser_client()


def main():
    _, client = prepare(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    story = Article.objects.order_by("-id").first()
    pages = [
        "/admin/articles/article/",
        "/admin/articles/article/?p=100",
        "/admin/articles/article/?state=published",
        "/admin/articles/article/?country=Lebanon",
        "/admin/articles/article/?published_at__year=2020",
        "/admin/articles/article/?q=monsoon+story+99999",
        f"/admin/articles/article/{story.pk}/change/",
        "/admin/articles/dateline/",
        "/admin/articles/tag/",
    ]
    print(f"{Article.objects.count():,} stories")
    for url in pages:

        def get(url=url):
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)

        with CaptureQueriesContext(connection) as queries:
            get()
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        print(
            f"{url:52} {len(queries):3} queries {median_ms(get, 3):7.0f} ms"
            f"   slowest {float(slowest['time']) * 1000:5.0f} ms: {slowest['sql'][:60]}"
        )


if __name__ == "__main__":
    main()
