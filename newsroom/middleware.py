"""Project-wide HTTP middleware."""

from django.utils.cache import patch_cache_control


class HeadWithoutBodyMiddleware:
    """Answer HEAD with the headers of GET and no body, as RFC 9110 (9.3.2) requires.

    Django renders the body for a HEAD as for a GET and leaves the WSGI server to drop it;
    gunicorn does, but logs "WSGI app sent body bytes on a no-body response" for every such
    request (a crawler's HEAD on a 404 or a 410 among them). Content-Length, already set by
    CommonMiddleware, still says how long the GET body is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []
            else:
                response.content = b""
        return response


class ErrorsNotKeptMiddleware:
    """Tell every cache not to keep an error the site gave no lifetime (404 above all).

    A shared cache keeps a response without Cache-Control for its own default (Varnish: 120 s,
    CDNs minutes), and nothing purges a "not found": a story asked for before it went live,
    or a month's sitemap before its first story, would go on answering 404 after publication,
    and anyone could ask for the next story ids in advance. A withdrawn story's 410 is kept
    like any page, with the story's surrogate key, and purged when it changes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 400 and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response
