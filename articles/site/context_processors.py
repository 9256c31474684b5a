from django.conf import settings


def site(request) -> dict:
    """The site's name for every template, so it is written in one setting, not in HTML."""
    return {"site_name": settings.SITE_NAME}
