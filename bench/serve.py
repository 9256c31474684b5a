"""Fill PostgreSQL with stories, serve the site with gunicorn as in production, and measure it.

    .venv/bin/python bench/serve.py                  # 100,000 stories, 3 rounds of 5 s a page
    .venv/bin/python bench/serve.py --skip-fill --rounds 1   # a quick look at a filled database

The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/newsroom_site_bench;
it is created if missing and never the site's own). The server is gunicorn with DEBUG off, a
generated SECRET_KEY and collected static files, run twice: with no cache (every request
renders) and with the shared Redis cache (BENCH_REDIS_URL, default db 3). Load comes from
`wrk` on 127.0.0.1 (apt-get install wrk) with a fixed number of connections; the bare view in
bench/urls.py is measured in the same rounds as the ceiling, and every figure is also given as
the median over the rounds of its ratio to that round's bare view. Besides each page alone, a
read mix like a real site's (Zipf over every story, newest most read: 85% story pages, 10% home,
5% tag pages) runs without writes and with an editor publishing a substantive update every 5 s
through the editorial actions. Results go to bench/output/.
"""

import argparse
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
OUTPUT_DIR = PROJECT_DIR / "bench" / "output"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/newsroom_site_bench"
WORDS = [
    "government",
    "minister",
    "police",
    "court",
    "city",
    "state",
    "rain",
    "flood",
    "election",
    "vote",
    "farmers",
    "market",
    "railway",
    "port",
    "strike",
    "talks",
    "budget",
    "hospital",
    "school",
    "water",
    "power",
    "storm",
    "monsoon",
    "river",
    "bridge",
    "council",
    "report",
    "officials",
    "said",
    "villagers",
    "protest",
    "army",
    "navy",
    "rescue",
    "teams",
    "district",
    "border",
    "trade",
    "prices",
    "fuel",
    "airport",
    "metro",
    "cabinet",
    "parliament",
    "bill",
    "harbour",
    "festival",
    "cricket",
]
COUNTRIES = ["India", "Lebanon", "Nepal", "Sri Lanka", "Bangladesh", "Pakistan", "Bhutan"]


def sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "."


def fill(count: int) -> None:
    """Bulk-insert `count` published stories with datelines, tags and some updates."""
    from django.db import connection

    from articles.editorial import derived
    from articles.models import Article, Dateline, Tag, Update

    existing = Article.objects.count()
    if existing >= count:
        print(f"database already holds {existing} stories")
        return
    rng = random.Random(5)
    datelines = [
        Dateline.objects.get_or_create_place(country, "", f"City {n}")[0]
        for n, country in enumerate(COUNTRIES * 30)
    ]
    tags = [Tag.objects.get_or_create(name=f"Topic {n}")[0] for n in range(300)]
    start = datetime(2023, 1, 1, tzinfo=UTC)
    step = (datetime.now(UTC) - timedelta(hours=1) - start) / count
    tag_links = Article.tags.through
    batch = 5000
    began = time.monotonic()
    for first in range(existing, count, batch):
        stories = []
        for n in range(first, min(first + batch, count)):
            published = start + step * n
            headline = sentence(rng, 7)[:-1]
            body = "\n\n".join(sentence(rng, rng.randint(15, 30)) for _ in range(5))
            updated = published + timedelta(hours=2) if n % 10 == 0 else None
            stories.append(
                Article(
                    headline=headline,
                    slug=headline.lower().replace(" ", "-")[:80],
                    deck=sentence(rng, 12),
                    byline="Staff reporter",
                    body=body,
                    dateline=rng.choice(datelines),
                    status=Article.Status.PUBLISHED,
                    published_at=published,
                    updated_at=updated,
                )
            )
        created = Article.objects.bulk_create(stories)
        tag_links.objects.bulk_create(
            tag_links(article_id=story.pk, tag_id=tag.pk)
            for story in created
            for tag in rng.sample(tags, 2)
        )
        Update.objects.bulk_create(
            Update(article=story, shown_at=story.updated_at, note="Adds the latest figures.")
            for story in created
            if story.updated_at
        )
        # What the write path stores with every story; bulk_create goes around it.
        derived.store(story.pk for story in created)
        print(f"  {first + len(created):>7} stories ({time.monotonic() - began:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer at {url}")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def run_wrk(url: str, duration: int, connections: int, script: Path | None = None) -> dict:
    extra = ["-s", str(script)] if script else []
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"wrk measured nothing at {url}:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": to_ms(latency["50"]),
        "p99_ms": to_ms(latency["99"]),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def pages() -> dict[str, str]:
    """The paths measured, found in the filled database."""
    from articles.models import Article, Tag
    from articles.site.pagination import encode_cursor

    published = Article.objects.published()
    story = published.filter(updated_at__isnull=False).latest_first()[500]
    tag = Tag.objects.order_by("name")[7]
    deep = published.latest_first()[20 * 1000 - 1]
    return {
        "bare view": "/bench/bare/",
        "home": "/",
        "story": story.get_absolute_url(),
        "tag page": f"/tags/{tag.slug}/",
        "page 1,000": f"/?before={encode_cursor(deep)}",
        "search": "/search/?q=harbour+flood",
    }


def zipf_ranks(rng: random.Random, count: int, samples: int, exponent: float = 1.0) -> list[int]:
    """`samples` ranks in [0, count), rank r drawn with weight 1 / (r + 1) ** exponent."""
    weights = [1 / (rank + 1) ** exponent for rank in range(count)]
    return rng.choices(range(count), weights=weights, k=samples)


def read_mix(samples: int = 20_000) -> Path:
    """A wrk script walking a real site's read mix: Zipf over every story, newest most read.

    85% story pages, 10% the home page, 5% tag pages (Zipf over tags by size).
    """
    from django.db.models import Count

    from articles.models import Article, Tag

    rng = random.Random(11)
    stories = list(Article.objects.published().latest_first().values_list("pk", "slug"))
    tags = list(
        Tag.objects.annotate(n=Count("articles")).order_by("-n").values_list("slug", flat=True)
    )
    story_ranks = iter(zipf_ranks(rng, len(stories), samples))
    tag_ranks = iter(zipf_ranks(rng, len(tags), samples))
    paths = []
    for _ in range(samples):
        draw = rng.random()
        if draw < 0.85:
            pk, slug = stories[next(story_ranks)]
            paths.append(f"/stories/{pk}/{slug}/")
        elif draw < 0.95:
            paths.append("/")
        else:
            paths.append(f"/tags/{tags[next(tag_ranks)]}/")
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    script = OUTPUT_DIR / "read_mix.lua"
    listed = ",\n".join(json.dumps(path) for path in paths)
    script.write_text(
        f"paths = {{\n{listed}\n}}\n"
        "counter = 0\n"
        "request = function()\n"
        "  counter = counter % #paths + 1\n"
        '  return wrk.format("GET", paths[counter])\n'
        "end\n"
    )
    return script


class Editor(threading.Thread):
    """An editor publishing a substantive update every `every` seconds, through the actions."""

    def __init__(self, every: float):
        super().__init__(daemon=True)
        self.every, self.stopping, self.saves = every, threading.Event(), 0

    def run(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import connection

        from articles.editorial.actions import save_article
        from articles.models import Article

        user, _ = get_user_model().objects.get_or_create(
            username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
        )
        newest = list(Article.objects.published().latest_first().values_list("pk", flat=True)[:50])
        rng = random.Random(7)
        while not self.stopping.wait(self.every):
            article = Article.objects.get(pk=rng.choice(newest))
            article.body += f"\n\nLatest: {sentence(rng, 12)}"
            save_article(article, by=user, kind="update", note="Adds the latest figures.")
            self.saves += 1
        connection.close()

    def stop(self) -> int:
        self.stopping.set()
        self.join()
        return self.saves


def median_of(runs: list[dict]) -> dict:
    """Per measure, the median over the rounds (the machine is shared; rounds interleave)."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def serve_and_measure(env, port, paths, duration, connections, workers, threads, rounds, mix):
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi",
            f"--workers={workers}",
            f"--threads={threads}",
            f"--worker-class={'gthread' if threads > 1 else 'sync'}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    try:
        wait_until_up(base + "/bench/bare/")
        for path in paths.values():  # warm up every worker: connections, caches, plans
            for _ in range(3 * workers):
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    response.read()
        measured: dict[str, list[dict]] = {name: [] for name in paths}
        measured["search, 1 client"] = []
        measured["read mix"] = []
        measured["read mix, update every 5 s"] = []
        for _ in range(rounds):
            for name, path in paths.items():
                measured[name].append(run_wrk(base + path, duration, connections))
            # Search latency for one reader at a time: the service time, without queueing.
            measured["search, 1 client"].append(run_wrk(base + paths["search"], duration, 1))
            measured["read mix"].append(run_wrk(base, 2 * duration, connections, mix))
            editor = Editor(every=5)
            editor.start()
            measured["read mix, update every 5 s"].append(
                {**run_wrk(base, 2 * duration, connections, mix), "saves": editor.stop()}
            )
        results = {name: median_of(runs) for name, runs in measured.items()}
        for name, runs in measured.items():  # each round's ratio to the bare view of that round
            results[name]["x_bare"] = statistics.median(
                run["rps"] / bare["rps"]
                for run, bare in zip(runs, measured["bare view"], strict=True)
            )
        for name, result in results.items():
            print(f"    {name:<17} {result}")
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gthread workers when above 1")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--skip-fill", action="store_true")
    parser.add_argument("--fill-only", action="store_true")
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    if "BENCH_PORT" in os.environ:
        args.port = int(os.environ["BENCH_PORT"])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(PROJECT_DIR))
    ensure_database(database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not args.skip_fill:
        began = time.monotonic()
        fill(args.stories)
        print(f"filled in {time.monotonic() - began:.0f} s")
    if args.fill_only:
        return
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    paths = pages()
    print("paths:", json.dumps(paths, indent=2))
    mix = read_mix()

    load_before = os.getloadavg()
    runs, loads = {}, {}
    for mode, extra in [("uncached", {"BENCH_CACHE": "off"}), ("cached", {"REDIS_URL": redis_url})]:
        print(f"  {mode}:")
        if mode == "cached":
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        runs[mode] = serve_and_measure(
            {**env, **extra},
            args.port,
            paths,
            args.duration,
            args.connections,
            args.workers,
            args.threads,
            args.rounds,
            mix,
        )
        loads[mode] = os.getloadavg()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "stories": args.stories,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "connections": args.connections,
        "workers": args.workers,
        "threads": args.threads,
        "paths": paths,
        "load_average_before_after": [load_before, os.getloadavg()],
        "load_average_after_each_mode": loads,
        "runs": runs,
    }
    (OUTPUT_DIR / "results.json").write_text(json.dumps(record, indent=2))
    print(report(record))


def report(record: dict) -> str:
    lines = [
        "| page | mode | req/s | x bare | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, results in record["runs"].items():
        for name, r in results.items():
            lines.append(
                f"| {name} | {mode} | {r['rps']:.0f} | {r['x_bare']:.2f}x "
                f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
