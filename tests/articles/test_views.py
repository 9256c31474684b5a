import pytest
from django.utils import timezone

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_home_lists_published_stories_only(client):
    published = ArticleFactory(published=True, headline="Port workers end strike")
    hidden = [ArticleFactory(), ArticleFactory(scheduled=True), ArticleFactory(withdrawn=True)]

    response = client.get("/")

    assert response.status_code == 200
    assert published.headline in response.text
    for article in hidden:
        assert article.headline not in response.text


@pytest.mark.parametrize("state", [{}, {"scheduled": True}, {"withdrawn": True}])
def test_unpublished_story_pages_are_not_found(client, state):
    article = ArticleFactory(**state)

    assert client.get(article.get_absolute_url()).status_code == 404


def test_story_page_shows_the_story_with_its_times(client):
    article = ArticleFactory(published=True, headline="Floods <cut> off districts")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Floods &lt;cut&gt; off districts" in response.text
    local_time = timezone.localtime(article.published_at)
    assert f'datetime="{local_time.isoformat()}"' in response.text
    assert "IST" in response.text
