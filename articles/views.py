from django.views.generic import DetailView, ListView

from .models import Article


class PublishedArticleMixin:
    """Every public view starts from `published()`, the one rule for what readers see."""

    def get_queryset(self):
        return Article.objects.published().with_listing_data()


class LatestArticleList(PublishedArticleMixin, ListView):
    paginate_by = 20

    def get_queryset(self):
        return super().get_queryset().latest_first()


class ArticleDetail(PublishedArticleMixin, DetailView):
    def get_queryset(self):
        return super().get_queryset().with_updates()
