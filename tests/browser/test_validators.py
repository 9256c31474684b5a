"""Every kind of page a reader meets, checked by third-party validators.

axe-core (the npm package) runs inside Debian's Chromium on each page at a phone's and a
laptop's width and must find no violation; the Nu Html Checker (the npm `vnu-jar`, on Debian's
Java) reads the same pages as served, and the style sheet, all in one run of the JVM, and must
find no error.
`npm ci` installs both (see README); without them these tests skip here and fail in CI.
Screenshots of each page at both widths are kept in the artefacts folder.
"""

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import RequestFactory

from articles.models import Article, StatusChange
from articles.site.errors import server_error
from tests.factories import ArticleFactory, DatelineFactory, TagFactory, make_picture
from tests.helpers import DESKTOP, PHONE, missing_tool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def page_types(newsroom, media) -> dict[str, str]:
    """One address of each kind of page, with the stories that make it a real example (the
    main story with a lead picture, so its figure, and the lists' thumbnails, are checked)."""
    Article.objects.filter(pk=newsroom.pk).update(lead_picture=make_picture())
    ArticleFactory(
        published=True,
        headline="Ferry service resumes across the harbour",
        deck="",
        byline="",
        dateline=DatelineFactory(country="India", region="", city="Kochi"),
        published_at=datetime(2016, 5, 25, 4, 0, tzinfo=UTC),
    )
    # Older stories, enough for the front's sections by tag and place.
    energy, health = TagFactory(name="Energy"), TagFactory(name="Health")
    for n in range(24):
        ArticleFactory(
            published=True,
            headline=f"Grid and clinic report number {n}",
            tags=[energy if n % 2 else health],
            dateline=DatelineFactory(country="Nepal" if n % 3 else "Sri Lanka", city=f"Town {n}"),
            published_at=datetime(2016, 5, 20, n % 24, 0, tzinfo=UTC),
        )
    withdrawn = ArticleFactory(
        withdrawn=True,
        withdrawal_reason="Sources retracted the claim.",
        withdrawal_shows_headline=True,
    )
    StatusChange.objects.create(
        article=withdrawn, from_status="published", to_status="withdrawn", reason="Retracted."
    )
    return {
        "home": "/",
        "story": newsroom.get_absolute_url(),
        "tag": "/tags/monsoon/",
        "place": "/places/india/mumbai/",
        "day": "/archive/2016/05/25/",
        "search": "/search/?q=floods",
        "search-no-results": "/search/?q=zebra",
        "not-found": "/no-such-page/",
        "withdrawn": withdrawn.get_absolute_url(),
    }


@pytest.fixture(scope="session")
def axe_script() -> str:
    if not AXE.exists():
        missing_tool(f"axe-core is not installed ({AXE}): run `npm ci`")
    return AXE.read_text()


@pytest.fixture(scope="session")
def nu_checker() -> list[str]:
    """The command that runs the Nu Html Checker on files."""
    java = shutil.which("java")
    if java is None:
        missing_tool("no Java runtime (apt-get install default-jre-headless)")
    if not VNU.exists():
        missing_tool(f"the Nu Html Checker is not installed ({VNU}): run `npm ci`")
    return [java, "-jar", str(VNU), "--format", "json", "--also-check-css", "--exit-zero-always"]


# Ask axe for what it found, small enough to read in a failed assertion.
RUN_AXE = """() => axe.run(document).then(result => result.violations.map(violation => ({
    rule: violation.id,
    help: violation.help,
    where: violation.nodes.map(node => node.target.join(" ")),
})))"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_has_no_accessibility_violation(
    browser, live_server, artefacts_dir, page_types, axe_script, width
):
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    violations = {}
    try:
        for name, path in page_types.items():
            page.goto(live_server.url + path)
            page.screenshot(
                path=f"{artefacts_dir}/{name}-{WIDTHS[width]['width']}px.png", full_page=True
            )
            # Evaluated through the DevTools protocol, which the page's CSP does not govern.
            page.evaluate(axe_script)
            if found := page.evaluate(RUN_AXE):
                violations[name] = found
    finally:
        context.close()

    assert violations == {}


def test_axe_finds_violations_it_is_shown(page, axe_script):
    """Guards the test above against an axe that checks nothing and so finds nothing."""
    page.set_content(
        '<!doctype html><html lang="en"><title>x</title><body><main><h1>x</h1>'
        '<form role="search"><input type="search" name="q" aria-label="Search"></form>'
        '<form role="search"><input type="search" name="q" aria-label="Search"></form>'
        "</main></body></html>"
    )
    page.evaluate(axe_script)

    assert [found["rule"] for found in page.evaluate(RUN_AXE)] == ["landmark-unique"]


def nu_errors(command: list[str], files: list[Path]) -> dict[str, list[str]]:
    """The checker's errors in each file, read from one run of the JVM for all of them."""
    finished = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=120, check=True
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(finished.stderr)["messages"]:
        if message["type"] in ("error", "non-document-error"):
            where = Path(message.get("url", "")).name
            line = message.get("lastLine", "?")
            errors.setdefault(where, []).append(f"line {line}: {message['message']}")
    return errors


def test_every_page_type_is_valid_html(client, page_types, nu_checker, tmp_path):
    files = []
    for name, path in page_types.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(client.get(path).content)
    # The 500 page is rendered by its handler, as Django does when a view fails.
    files.append(tmp_path / "server-error.html")
    files[-1].write_bytes(server_error(RequestFactory().get("/")).content)
    files.append(ROOT / "static" / "css" / "site.css")

    assert nu_errors(nu_checker, files) == {}


def test_the_checker_finds_errors_it_is_shown(nu_checker, tmp_path):
    """Guards the test above against a checker that reads nothing and so finds nothing."""
    broken = tmp_path / "broken.html"
    broken.write_text('<!doctype html><html lang="en"><title>x</title><form action=""></form>')

    errors = nu_errors(nu_checker, [broken])

    assert list(errors) == ["broken.html"]
    assert "Bad value “” for attribute “action” on element “form”" in errors["broken.html"][0]
