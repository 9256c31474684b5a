"""/robots.txt: what crawlers may read, and where the sitemap is."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control

from .. import formatting


# Nothing in it changes when stories do, so it needs no page cache or purge: an hour in any cache.
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    """The editors' admin and search results stay out of crawlers' way; the sitemap's address
    is absolute, as the robots exclusion standard requires (RFC 9309 and sitemaps.org)."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('articles:search')}",
        f"Sitemap: {formatting.absolute_url(reverse('articles:sitemap'), request)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
