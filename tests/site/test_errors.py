"""Error pages keep the site's header and a way back to the news."""

import pytest

from articles.site import views
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def assert_site_page_titled(response, title: str, site_name: str) -> None:
    page = response.content.decode()
    assert f"<title>{title} · {site_name}</title>" in page
    assert f'<a class="site-name" href="/">{site_name}</a>' in page
    assert '<a href="/">Read the latest news</a>' in page


def test_missing_page_has_the_site_and_costs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert_site_page_titled(response, "Page not found", "Newsroom")


def test_a_failing_page_answers_with_the_sites_error_page(client, settings, monkeypatch):
    settings.SITE_NAME = "Evening Wire"
    story = ArticleFactory(published=True)

    def fail(*args, **kwargs):
        raise RuntimeError("a fault in the story page")

    monkeypatch.setattr(views, "story_page_context", fail)
    client.raise_request_exception = False

    response = client.get(story.get_absolute_url())

    assert response.status_code == 500
    assert_site_page_titled(response, "Something went wrong", "Evening Wire")
    assert "a fault in the story page" not in response.content.decode()
