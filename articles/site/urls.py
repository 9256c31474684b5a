from django.urls import path, register_converter

from . import api, feeds, robots, sitemaps, views


class TwoDigits:
    regex = "[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


register_converter(TwoDigits, "dd")

app_name = "articles"

urlpatterns = [
    path("", views.LatestArticleList.as_view(), name="latest"),
    path("stories/<int:pk>/", views.ArticleDetail.as_view(), name="short"),
    path("stories/<int:pk>/<str:slug>/", views.ArticleDetail.as_view(), name="detail"),
    path("tags/<str:slug>/", views.TagArticleList.as_view(), name="tag"),
    path("places/<str:country>/", views.PlaceArticleList.as_view(), name="country"),
    path("places/<str:country>/<str:city>/", views.PlaceArticleList.as_view(), name="city"),
    path("archive/<int:year>/<dd:month>/<dd:day>/", views.DayArchive.as_view(), name="day"),
    path("search/", views.SearchResults.as_view(), name="search"),
    # Feeds
    path("feeds/latest.rss", feeds.feed_view(feeds.LatestStoriesFeed), name="feed-rss"),
    path("feeds/latest.atom", feeds.feed_view(feeds.LatestStoriesAtomFeed), name="feed-atom"),
    path("feeds/tags/<str:slug>.rss", feeds.feed_view(feeds.TagFeed), name="tag-feed-rss"),
    path("feeds/tags/<str:slug>.atom", feeds.feed_view(feeds.TagAtomFeed), name="tag-feed-atom"),
    path(
        "feeds/places/<str:country>.rss",
        feeds.feed_view(feeds.PlaceFeed),
        name="country-feed-rss",
    ),
    path(
        "feeds/places/<str:country>.atom",
        feeds.feed_view(feeds.PlaceAtomFeed),
        name="country-feed-atom",
    ),
    path(
        "feeds/places/<str:country>/<str:city>.rss",
        feeds.feed_view(feeds.PlaceFeed),
        name="city-feed-rss",
    ),
    path(
        "feeds/places/<str:country>/<str:city>.atom",
        feeds.feed_view(feeds.PlaceAtomFeed),
        name="city-feed-atom",
    ),
    # Crawlers and sitemaps
    path("robots.txt", robots.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="sitemap-news"),
    path("sitemaps/<int:year>-<dd:month>.xml", sitemaps.sitemap_month, name="sitemap-month"),
    # ninjs API
    path("api/ninjs/latest/", api.latest, name="ninjs-latest"),
    path("api/ninjs/stories/<int:pk>/", api.story, name="ninjs-story"),
]
