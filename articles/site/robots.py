"""/robots.txt: what crawlers may read, and where the sitemap is."""

from django.http import HttpResponse
from django.urls import reverse

from . import formatting
from .caching import list_page


@list_page()
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
