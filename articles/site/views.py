"""The public site: story pages and lists of stories.

Every view starts from `Article.objects.published()` (through `PublishedArticleMixin`), so
drafts, scheduled and withdrawn stories never show, whatever the URL. Pages are the same for
every reader, tagged with the surrogate keys of what they show, and kept by `caching.py`.
"""

from datetime import date, timedelta

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from .. import formatting, lists
from .. import surrogate_keys as keys
from ..desk.labels import label_ends_at
from ..models import Article, Tag, TagRedirect
from . import front
from .caching import list_page, story_page
from .filters import ArticleFilter
from .pages import datelines_for_place, story_page_context, withdrawal_notice
from .pagination import PAGE_SIZE, KeysetPage, encode_cursor, keyset_page
from .search import CANDIDATES, search


class PublishedArticleMixin:
    """Every public view starts from `published()`, the one rule for what readers see."""

    def get_queryset(self):
        return Article.objects.published()


@method_decorator(story_page(), name="dispatch")
class ArticleDetail(PublishedArticleMixin, DetailView):
    """A story at /stories/<id>/<slug>/; /stories/<id>/ or an old slug redirects there.

    A withdrawn story answers 410 Gone with the newsroom's notice.
    """

    def get_queryset(self):
        return super().get_queryset().select_related("dateline")

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            notice = withdrawal_notice(kwargs["pk"])
            if notice is None:
                raise
            response = TemplateResponse(
                request, "articles/article_withdrawn.html", {"withdrawal": notice}, status=410
            )
            response.surrogate_keys = {keys.story_key(kwargs["pk"])}
            return response
        if kwargs.get("slug") != self.object.slug:
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        context = story_page_context(self.object, request)
        response = self.render_to_response(context)
        response.surrogate_keys = keys.shown_keys([self.object, *context["running_story"]]) | {
            keys.tag_key(tag.pk) for tag in context["tags"]
        }
        if self.object.slugline:
            response.surrogate_keys.add(keys.running_story_key(self.object.slugline))
        response.labels_end_at = label_ends_at([self.object])
        # No Last-Modified: the page changes with no time of the story moving (a silent fix,
        # a tag renamed), and If-Modified-Since would keep the old text; the ETag is exact.
        return response


class ArticleList(PublishedArticleMixin, ListView):
    """A newest-first list of published stories (`articles.lists`), a keyset page at a time."""

    template_name = "articles/article_list.html"
    context_object_name = "article_list"
    filterset = None

    def story_list(self) -> lists.StoryList:
        return lists.latest()

    def get_queryset(self):
        # Each story's summary (its thumbnail too) was stored when it was saved: its dateline,
        # tags, text and picture are not fetched; their ids tag the page.
        return (
            super()
            .get_queryset()
            .only(
                "published_at",
                "dateline_id",
                "lead_picture_id",
                "summary_html",
                "urgency",
                "developing_until",
            )
        )

    def narrow(self, queryset):
        return self.list.narrow(queryset)

    def get_feeds(self) -> list[tuple[str, str]]:
        return []

    def get(self, request, *args, **kwargs):
        self.list = self.story_list()
        queryset = self.narrow(self.get_queryset())
        self.page = keyset_page(queryset, request.GET)
        self.object_list = self.page.object_list
        return self.tagged(self.render_to_response(self.get_context_data()))

    def tagged(self, response):
        # No Last-Modified on a list: a withdrawal or a silent fix changes it without moving
        # any story's time, so only the ETag (a digest of the page) can tell it is unchanged.
        response.surrogate_keys = self.list.keys | keys.shown_keys(self.object_list)
        response.labels_end_at = label_ends_at(self.object_list)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page=self.page,
            heading=self.list.heading,
            filter=self.filterset,
            feeds=self.get_feeds(),
            canonical_url=formatting.absolute_url(self.request.path, self.request),
        )
        return context


FILTERS = ("tag", "country", "since", "until")
PAGES = ("before", "after")


@method_decorator(list_page(query=FILTERS + PAGES), name="dispatch")
class LatestArticleList(ArticleList):
    """The home page: the news front (`front.py`); narrowed or paged, the plain list."""

    def get(self, request, *args, **kwargs):
        if any(request.GET.get(name) for name in FILTERS + PAGES):
            return super().get(request, *args, **kwargs)
        self.list = self.story_list()
        stories = list(front.front_queryset(self.narrow(self.get_queryset())))
        self.front = front.make_front(stories, PAGE_SIZE)
        self.object_list = stories[:PAGE_SIZE]
        older = None
        if len(stories) > PAGE_SIZE:
            older = f"?before={encode_cursor(stories[PAGE_SIZE - 1])}"
        self.page = KeysetPage(self.object_list, older_query=older, newer_query=None)
        self.template_name = "articles/front.html"
        response = self.render_to_response(self.get_context_data(front=self.front))
        response.surrogate_keys = self.list.keys | self.front.surrogate_keys()
        response.labels_end_at = label_ends_at(self.front.stories)
        return response

    def narrow(self, queryset):
        self.filterset = ArticleFilter(self.request.GET, queryset=super().narrow(queryset))
        return self.filterset.qs if self.filterset.is_valid() else queryset.none()

    def get_feeds(self):
        return [("RSS", reverse("articles:feed-rss")), ("Atom", reverse("articles:feed-atom"))]


@method_decorator(list_page(query=PAGES), name="dispatch")
class TagArticleList(ArticleList):
    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A tag merged into another: its old address leads to the one it became.
            new_slug = TagRedirect.new_slug_for(kwargs["slug"])
            if new_slug is None:
                raise
            return HttpResponsePermanentRedirect(reverse("articles:tag", kwargs={"slug": new_slug}))

    def story_list(self):
        self.tag = get_object_or_404(Tag.objects.public(), slug=self.kwargs["slug"])
        return lists.of_tag(self.tag)

    def get_feeds(self):
        slug = self.tag.slug
        return [
            ("RSS", reverse("articles:tag-feed-rss", kwargs={"slug": slug})),
            ("Atom", reverse("articles:tag-feed-atom", kwargs={"slug": slug})),
        ]


@method_decorator(list_page(query=PAGES), name="dispatch")
class PlaceArticleList(ArticleList):
    """Stories from a country (/places/india/) or a city in it (/places/india/mumbai/)."""

    def story_list(self):
        country, city = self.kwargs["country"], self.kwargs.get("city")
        return lists.of_place(datelines_for_place(country, city), country, city)

    def get_feeds(self):
        kwargs = {"country": self.kwargs["country"]}
        if self.kwargs.get("city"):
            kwargs["city"] = self.kwargs["city"]
            names = ("city-feed-rss", "city-feed-atom")
        else:
            names = ("country-feed-rss", "country-feed-atom")
        return [
            ("RSS", reverse(f"articles:{names[0]}", kwargs=kwargs)),
            ("Atom", reverse(f"articles:{names[1]}", kwargs=kwargs)),
        ]


@method_decorator(list_page(query=PAGES), name="dispatch")
class DayArchive(ArticleList):
    """The stories first published on one day in the newsroom's time zone."""

    def story_list(self):
        try:
            self.day = date(int(self.kwargs["year"]), int(self.kwargs["month"]), self.day_number)
            return lists.of_day(self.day)
        except (ValueError, OverflowError):
            raise Http404("No such day.") from None

    @property
    def day_number(self) -> int:
        return int(self.kwargs["day"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["previous_day_url"] = lists.day_url(self.day - timedelta(days=1))
        if self.day < timezone.localdate():
            context["next_day_url"] = lists.day_url(self.day + timedelta(days=1))
        return context


@method_decorator(list_page(query=("q", "page", *FILTERS)), name="dispatch")
class SearchResults(ArticleList):
    """Search, best match first: a page number walks the bounded set of ranked candidates."""

    template_name = "articles/search.html"

    def story_list(self):
        return lists.StoryList("Search", reverse("articles:search"), frozenset({keys.SEARCH}))

    def get(self, request, *args, **kwargs):
        self.list = self.story_list()
        self.terms = request.GET.get("q", "").strip()
        queryset = self.get_queryset()
        self.filterset = ArticleFilter(request.GET, queryset=queryset)
        narrowed = self.filterset.qs if self.filterset.is_valid() else queryset.none()
        try:
            number = max(1, min(int(request.GET.get("page", 1)), CANDIDATES // PAGE_SIZE))
        except ValueError:
            number = 1
        start = (number - 1) * PAGE_SIZE
        rows = list(search(narrowed, self.terms)[start : start + PAGE_SIZE + 1])
        self.object_list = rows[:PAGE_SIZE]
        query = request.GET.copy()
        query.pop("page", None)
        self.pages = {
            "number": number,
            "previous": f"?{query.urlencode()}&page={number - 1}" if number > 1 else None,
            "next": (
                f"?{query.urlencode()}&page={number + 1}"
                if len(rows) > PAGE_SIZE and number < CANDIDATES // PAGE_SIZE
                else None
            ),
        }
        self.page = None
        return self.tagged(self.render_to_response(self.get_context_data()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(terms=self.terms, pages=self.pages)
        return context
