"""Requests carrying a NUL character are refused before any view sees them."""

from django.http import HttpResponseBadRequest


class RefuseNulBytesMiddleware:
    """Answers 400 to a NUL character anywhere in the path or the query string.

    No address or filter of the site can contain one, and PostgreSQL refuses NUL in any text
    it is sent, so a `%00` in a search, a tag address or an admin filter would otherwise end in
    a database error (500) far from where the input came in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("Addresses cannot contain NUL characters.")
        return self.get_response(request)
