"""Project-wide HTTP middleware."""


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
