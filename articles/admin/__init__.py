"""The editors' admin: stories with their workflow and history (`stories.py`), datelines and
tags (`places.py`), each person's notices (`notices.py`), the picture library (`pictures.py`).
Importing the package registers them, as Django's autodiscovery expects."""

from django.conf import settings
from django.contrib import admin

from . import notices, pictures, places, stories

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "The newsroom"
# The story list needs the width more than a second copy of the app menu.
admin.site.enable_nav_sidebar = False

__all__ = ["notices", "pictures", "places", "stories"]
