"""/robots.txt: crawlers kept out of the admin and search, and told where the sitemap is."""

import pytest

pytestmark = pytest.mark.django_db


def test_robots_txt_names_the_sitemap_from_the_request(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Sitemap: http://testserver/sitemap.xml",
    ]
    assert "public" in response["Cache-Control"]


def test_robots_txt_sitemap_uses_site_url(client, settings):
    settings.SITE_URL = "https://news.example.org"

    response = client.get("/robots.txt")

    assert "Sitemap: https://news.example.org/sitemap.xml\n" in response.text
    assert "testserver" not in response.text
