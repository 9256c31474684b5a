"""A reader's first look at the site, in headless Chromium."""

import pytest

from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_goes_from_home_to_a_story(page, live_server, artefacts_dir):
    article = ArticleFactory(published=True, headline="Monsoon session opens with farm bill")

    page.goto(live_server.url)
    page.get_by_role("link", name=article.headline).click()

    assert page.get_by_role("heading", level=1).inner_text() == article.headline
    assert "IST" in page.locator("time").first.inner_text()
    page.screenshot(path=f"{artefacts_dir}/story-desktop.png", full_page=True)
