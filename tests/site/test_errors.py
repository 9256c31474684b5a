"""Error pages keep the site's header and a way back to the news."""

import pytest

from articles.site import views
from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_a_failing_page_answers_with_the_sites_error_page(client, settings, monkeypatch):
    settings.SITE_NAME = "Evening Wire"
    story = ArticleFactory(published=True)

    def fail(*args, **kwargs):
        raise RuntimeError("a fault in the story page")

    monkeypatch.setattr(views, "story_page_context", fail)
    client.raise_request_exception = False

    response = client.get(story.get_absolute_url())

    assert response.status_code == 500
    page = response.content.decode()
    assert "<title>Something went wrong · Evening Wire</title>" in page
    assert '<a class="site-name" href="/">Evening Wire</a>' in page
    assert '<a href="/">Read the latest news</a>' in page
    assert "a fault in the story page" not in page
