"""Where an uncached page's time goes: SQL, template rendering, the rest (one process).

    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/profile_pages.py [--requests 300]

Runs against the database bench/serve.py filled, with the page cache off, through Django's
test client (the whole middleware stack, no network), and prints per page the mean time of a
request and the shares of SQL (an execute wrapper) and of template rendering (cProfile's
cumulative time in TemplateResponse.rendered_content): whether the template engine is worth
replacing.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_site_bench"
        ),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        BENCH_CACHE="off",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.serve import pages

    client = Client()
    for name, path in pages().items():
        if name in ("search", "page 1,000"):
            continue
        for _ in range(20):
            client.get(path)
        sql = [0.0]

        def timed(execute, *a, sql=sql, **k):
            began = time.perf_counter()
            try:
                return execute(*a, **k)
            finally:
                sql[0] += time.perf_counter() - began

        profile = cProfile.Profile()
        with connection.execute_wrapper(timed):
            began = time.perf_counter()
            profile.enable()
            for _ in range(args.requests):
                client.get(path)
            profile.disable()
            total = time.perf_counter() - began
        stats = pstats.Stats(profile)
        render = sum(
            row[3]
            for func, row in stats.stats.items()
            if func[2] == "render"
            and func[0].endswith("django/template/base.py")
            and not any(caller[2] == "render" and caller[0] == func[0] for caller in row[4])
        )
        per = 1000 / args.requests
        # cProfile slows Python down; the shares, not the absolute times, are the result.
        print(
            f"{name:<10} {total * per:6.2f} ms/request under the profiler: "
            f"SQL {100 * sql[0] / total:4.1f}%, templates {100 * render / total:4.1f}%"
        )


if __name__ == "__main__":
    main()
