"""The server-error page, with the site's header and a way back like every other page."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request):
    """Django's own 500 view renders `500.html` with an empty context, so that a failing context
    processor cannot break the error page too; this one adds only the site's name, a setting.
    """
    page = loader.get_template("500.html").render({"site_name": settings.SITE_NAME})
    return HttpResponseServerError(page)
