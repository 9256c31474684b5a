"""docker-compose.yml and .env.example are checked here, since no Docker engine runs in CI."""

import ast
import re
from pathlib import Path

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]


def variables_read_by_settings() -> set[str]:
    """Names passed to the env_* helpers in newsroom/settings.py."""
    tree = ast.parse((PROJECT_DIR / "newsroom" / "settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("env_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())


def test_settings_read_the_expected_variables():
    assert {
        "SECRET_KEY",
        "DEBUG",
        "DATABASE_URL",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "REDIS_URL",
        "NEWSROOM_TIME_ZONE",
    } <= variables_read_by_settings()


def test_env_example_documents_every_variable_and_no_other():
    documented = set(
        re.findall(r"^([A-Z][A-Z0-9_]*)=", (PROJECT_DIR / ".env.example").read_text(), re.MULTILINE)
    )

    assert documented == variables_read_by_settings()


def test_postgres_has_a_health_check_and_a_volume(compose):
    db = compose["services"]["db"]

    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_redis_is_a_service(compose):
    assert compose["services"]["redis"]["image"].startswith("redis:")


def test_web_runs_gunicorn_after_migrations_and_healthy_services(compose):
    services = compose["services"]
    web, migrate = services["web"], services["migrate"]

    assert web["command"][:2] == ["gunicorn", "newsroom.wsgi"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", ["web", "migrate", "wires"])
def test_every_variable_compose_sets_is_read_by_the_settings(compose, service):
    environment = compose["services"][service]["environment"]

    assert set(environment) <= variables_read_by_settings()
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert environment["VARNISH_PURGE_URLS"] == "http://varnish:80/"


def test_varnish_is_the_front_door_with_the_repository_vcl(compose):
    varnish, web = compose["services"]["varnish"], compose["services"]["web"]

    assert varnish["image"].startswith("varnish:")
    assert varnish["volumes"] == ["./deploy/varnish.vcl:/etc/varnish/default.vcl:ro"]
    assert varnish["ports"] == ["8000:80"]
    assert varnish["command"][varnish["command"].index("-a") + 1] == ":80"
    assert "ports" not in web  # readers reach gunicorn through Varnish only
    assert varnish["depends_on"]["web"]["condition"] == "service_started"


def test_the_vcl_points_at_the_web_service_and_bans_by_surrogate_key(compose):
    vcl = (PROJECT_DIR / "deploy" / "varnish.vcl").read_text()
    bind = next(arg for arg in compose["services"]["web"]["command"] if arg.startswith("--bind="))

    assert '.host = "web";' in vcl
    assert f'.port = "{bind.rsplit(":", 1)[1]}";' in vcl
    assert "obj.http.Surrogate-Key" in vcl
    assert "set beresp.grace = 0s;" in vcl  # a banned page is never served stale


def test_only_the_app_servers_may_purge(compose):
    vcl = (PROJECT_DIR / "deploy" / "varnish.vcl").read_text()
    acl = re.search(r"acl purgers \{(.*?)\}", vcl, re.DOTALL)[1]
    entries = [line.split("#")[0].strip() for line in acl.splitlines()]

    # No network ranges: every other machine of a private network would be admitted.
    assert [entry for entry in entries if entry] == ['"localhost";', '("web");']
    assert "web" in compose["services"]


def test_ci_installs_the_servers_the_tests_start():
    ci = (PROJECT_DIR / ".ci" / "run").read_text()

    assert "varnish" in ci
    assert "redis-server" in ci


def test_compose_database_url_matches_the_database_service(compose):
    db = compose["services"]["db"]["environment"]
    url = compose["services"]["web"]["environment"]["DATABASE_URL"]

    expected = (
        f"postgres://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@db:5432/{db['POSTGRES_DB']}"
    )
    assert url == expected


def test_dockerfile_installs_the_lock_and_serves_with_gunicorn():
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()

    assert "pip install --require-hashes -r requirements/base.lock" in dockerfile
    assert "collectstatic" in dockerfile
    assert '"gunicorn", "newsroom.wsgi"' in dockerfile


def test_the_wire_follower_is_a_service_that_stops_cleanly(compose):
    wires = compose["services"]["wires"]
    command = wires["command"]

    assert command == ["python", "manage.py", "ingest_wires", "--follow"]
    assert wires["stop_signal"] == "SIGTERM"  # the follower finishes its pass and exits
    assert wires["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert wires["environment"]["DATABASE_URL"].startswith("postgres://")  # the advisory lock
    assert wires["volumes"][0].split(":")[0] in compose["volumes"]
    assert "ports" not in wires
