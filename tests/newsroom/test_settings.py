"""Settings are read from the environment; each case imports them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-0123456789abcdefghij",
    "ALLOWED_HOSTS": "news.example.org",
    "DATABASE_URL": "postgres://newsroom:secret@db:5432/newsroom",
}


def run_with_only(env: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    """Run Python with newsroom.settings and no environment but `env` (and PATH, HOME)."""
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, *command],
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def read_settings(env: dict[str, str], *names: str) -> subprocess.CompletedProcess:
    """Import the settings under `env` and print the named ones as JSON."""
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    return run_with_only(env, "-c", script)


def settings_from(env: dict[str, str], *names: str) -> dict:
    result = read_settings(env, *names)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_missing_secret_key_with_debug_off_fails_clearly():
    result = read_settings({"DEBUG": "false"}, "SECRET_KEY")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_debug_is_off_by_default_and_nothing_insecure_is_assumed():
    values = settings_from(
        {"SECRET_KEY": "x" * 60},
        "DEBUG",
        "ALLOWED_HOSTS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
    )

    assert values == {
        "DEBUG": False,
        "ALLOWED_HOSTS": [],
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
    }


def test_debug_allows_a_local_run_without_a_secret():
    values = settings_from({"DEBUG": "true"}, "DEBUG", "ALLOWED_HOSTS")

    assert values["DEBUG"] is True
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]


def test_embedded_sqlite_is_the_default_database():
    database = settings_from({"DEBUG": "true"}, "DATABASES")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(PROJECT_DIR / "db.sqlite3")


def test_database_url_selects_postgresql_with_persistent_connections():
    database = settings_from(PRODUCTION, "DATABASES")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == ("db", "newsroom", "newsroom")
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_database_pool_replaces_persistent_connections():
    env = {**PRODUCTION, "DATABASE_POOL": "true", "DATABASE_POOL_MAX_SIZE": "4"}
    database = settings_from(env, "DATABASES")["DATABASES"]["default"]

    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4}


def test_redis_url_selects_the_shared_cache():
    env = {**PRODUCTION, "REDIS_URL": "redis://redis:6379/0"}
    cache = settings_from(env, "CACHES")["CACHES"]["default"]

    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://redis:6379/0"
    # A Redis that does not answer is given up on quickly: pages render without it.
    assert cache["OPTIONS"]["socket_timeout"] <= 0.5


def test_lists_and_time_zone_from_the_environment():
    env = {
        **PRODUCTION,
        "ALLOWED_HOSTS": "news.example.org, www.news.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
        "NEWSROOM_TIME_ZONE": "Europe/London",
    }
    values = settings_from(env, "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "TIME_ZONE", "USE_TZ")

    assert values == {
        "ALLOWED_HOSTS": ["news.example.org", "www.news.example.org"],
        "CSRF_TRUSTED_ORIGINS": ["https://news.example.org"],
        "TIME_ZONE": "Europe/London",
        "USE_TZ": True,
    }


def test_newsroom_time_zone_defaults_to_india():
    assert settings_from(PRODUCTION, "TIME_ZONE") == {"TIME_ZONE": "Asia/Kolkata"}


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("DATABASE_CONN_MAX_AGE", "1m")])
def test_malformed_values_fail_clearly(name, value):
    result = read_settings({**PRODUCTION, name: value}, "DEBUG")

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} must be" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_with_only(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_trusted_proxies_are_networks():
    env = {**PRODUCTION, "TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,2001:db8::/32"}

    assert settings_from(env, "TRUSTED_PROXIES") == {
        "TRUSTED_PROXIES": ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]
    }
    assert settings_from(PRODUCTION, "TRUSTED_PROXIES") == {"TRUSTED_PROXIES": []}


@pytest.mark.parametrize("value", ["1", "10.0.0.0/33", "load-balancer"])
def test_a_trusted_proxy_that_is_not_a_network_fails_clearly(value):
    result = read_settings({**PRODUCTION, "TRUSTED_PROXIES": value}, "TRUSTED_PROXIES")

    assert result.returncode != 0
    assert "ImproperlyConfigured: TRUSTED_PROXIES must be IP networks" in result.stderr
