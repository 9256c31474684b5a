from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.site.urls")),
]

# 404.html is rendered by Django's own view with the request's context; the 500 page needs the
# site's name without it.
handler500 = "articles.site.errors.server_error"
