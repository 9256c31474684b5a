import os
import shutil

import pytest
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import empty

from articles.models import originals_storage
from articles.site.caching import process_pages
from tests.helpers import member_of, missing_tool, use_picture_storages

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@receiver(setting_changed)
def _picture_storages_changed(setting, **kwargs):
    """As Django does for `default_storage`: the originals' storage is looked up again."""
    if setting == "STORAGES":
        originals_storage._wrapped = empty


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages, as a fresh deployment would."""
    cache.clear()
    process_pages.clear()
    yield
    cache.clear()
    process_pages.clear()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by Playwright; never a downloaded browser."""
    if CHROMIUM is None:
        missing_tool("no Chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django's async-safety check would refuse ORM
    # calls made by the test itself while it is open.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(name="media")
def media_fixture(settings, tmp_path):
    """Local picture folders of the test's own: (public renditions, private originals)."""
    public, private = tmp_path / "public", tmp_path / "originals"
    backend = "django.core.files.storage.FileSystemStorage"
    use_picture_storages(
        settings,
        {"BACKEND": backend, "OPTIONS": {"location": public, "base_url": "/media/"}},
        {"BACKEND": backend, "OPTIONS": {"location": private}},
    )
    return public, private


@pytest.fixture
def artefacts_dir():
    """Where browser tests keep their screenshots for people to look at."""
    path = os.environ.get("TEST_ARTEFACTS_DIR", "test-artefacts")
    os.makedirs(path, exist_ok=True)
    return path


# Newsroom accounts in their groups, for the admin, workflow and service tests.
@pytest.fixture(name="editor")
def editor_fixture(db):
    return member_of("Editors", "editor")


@pytest.fixture(name="second_editor")
def second_editor_fixture(db):
    return member_of("Editors", "second-editor")


@pytest.fixture(name="reporter")
def reporter_fixture(db):
    return member_of("Reporters", "reporter")


@pytest.fixture(name="editor_client")
def editor_client_fixture(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(name="reporter_client")
def reporter_client_fixture(client, reporter):
    client.force_login(reporter)
    return client


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server the test starts; Django's e-mail goes to it."""
    from tests.desk.smtp import SmtpServer

    server = SmtpServer().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()
