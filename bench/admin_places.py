"""Time the datelines and tags pages, the dashboard and the presence heartbeat at scale.

    DATABASE_URL=postgres://.../scratch python bench/admin_places.py [--stories N] [--rounds 5]

Fills a scratch PostgreSQL database as `bench/admin_list.py` does (100 datelines of 10,000
stories each, 50 tags of 20,000), then, in the same run, times each page (median of
`--rounds` requests) and, beside the two lists, the per-row exact count they used to run, so
the ratio is measured on the same data and the same machine load.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.admin_list import median_ms, prepare

# isort: split
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article

# The lists' counts before: every story of each row on the page, counted.
EXACT_COUNTS = {
    "datelines": """
        SELECT d.id, (SELECT COUNT(*) FROM articles_article a WHERE a.dateline_id = d.id)
        FROM articles_dateline d ORDER BY d.country, d.region, d.city, d.id LIMIT 100""",
    "tags": """
        SELECT t.id, (SELECT COUNT(*) FROM articles_article_tags l WHERE l.tag_id = t.id)
        FROM articles_tag t ORDER BY t.name, t.id LIMIT 100""",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args, client = prepare(parser)
    with connection.cursor() as cursor:
        # As autovacuum leaves a table at rest: counts can then read the indexes alone.
        cursor.execute("VACUUM ANALYZE")
    story = Article.objects.order_by("-id").first()
    print(f"{Article.objects.count():,} stories, median of {args.rounds} rounds")

    def get(url):
        assert client.get(url, secure=True).status_code == 200, url

    def beat():
        url = f"/admin/articles/article/{story.pk}/presence/"
        assert client.post(url, {"version": story.version}, secure=True).status_code == 200

    def exact(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()

        return run

    pages = {
        "/admin/articles/dateline/": lambda: get("/admin/articles/dateline/"),
        "  (exact per-row counts, as before)": exact(EXACT_COUNTS["datelines"]),
        "/admin/articles/tag/": lambda: get("/admin/articles/tag/"),
        "  (exact per-row counts, as before)  ": exact(EXACT_COUNTS["tags"]),
        "/admin/ (dashboard)": lambda: get("/admin/"),
        "presence heartbeat": beat,
    }
    for name, run in pages.items():
        run()  # warm the caches
        with CaptureQueriesContext(connection) as queries:
            run()
        print(f"{name:40} {len(queries):3} queries {median_ms(run, args.rounds):8.1f} ms")


if __name__ == "__main__":
    main()
