from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.LatestArticleList.as_view(), name="latest"),
    path("stories/<int:pk>/<str:slug>/", views.ArticleDetail.as_view(), name="detail"),
]
