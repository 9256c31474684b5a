from django.contrib import admin
from django.urls import include, path

from articles.site import media

urlpatterns = [
    path("admin/", admin.site.urls),
    *media.urlpatterns(),
    path("", include("articles.site.urls")),
]

# 404.html is rendered by Django's own view with the request's context; the 500 page needs the
# site's name without it.
handler500 = "articles.site.errors.server_error"
