"""RSS 2.0 and Atom feeds for the whole site, each tag and each dateline.

Items are the newest published stories; an item's `updated` (Atom) is the story's one
"last changed" time, so a silent fix does not move it. Links are absolute from SITE_URL or
the request, never from django.contrib.sites. The newsroom is the author of the feed and of
every story without a byline, since Atom requires an author on each entry (RFC 4287 4.1.1).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.text import Truncator

from .. import formatting, lists
from .. import surrogate_keys as keys
from ..models import Article, Tag
from ..text import without_control_characters
from .caching import list_page
from .pages import datelines_for_place

FEED_LENGTH = 30
# Words of a story's first paragraph that stand in for a deck it does not have.
SUMMARY_WORDS = 40


def _xml_safe(value):
    if isinstance(value, str):
        return without_control_characters(value, multiline=True)
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    return value


class WellFormed:
    """A feed generator that drops the characters XML 1.0 cannot carry from every value.

    Forms refuse control characters, but a story stored before that rule (or by any other
    path) must not turn every feed it appears in into an error.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_xml_safe, args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class RssFeed(WellFormed, Rss201rev2Feed):
    pass


class AtomFeed(WellFormed, Atom1Feed):
    pass


def feed_view(feed_class):
    """A view making a new feed object per request (feeds keep the request on `self`).

    Django's feeds send the newest item's time as Last-Modified, which moves backwards when
    that story is withdrawn: a reader revalidating with If-Modified-Since would get a 304 and
    keep the withdrawn story. So a feed is validated by its ETag (its bytes) alone.
    """

    @list_page()
    def view(request, *args, **kwargs):
        feed = feed_class()
        response = feed(request, *args, **kwargs)
        del response["Last-Modified"]
        response.surrogate_keys = feed.surrogate_keys()
        return response

    return view


class LatestStoriesFeed(Feed):
    """RSS for the whole site; subclasses narrow it to a tag or a place (`articles.lists`)."""

    feed_type = RssFeed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs) -> lists.StoryList:
        self.object = self.story_list(**kwargs)
        return self.object

    def story_list(self, **kwargs) -> lists.StoryList:
        return lists.latest()

    def title(self, obj):
        if obj == lists.latest():
            return settings.SITE_NAME
        return f"{obj.heading} · {settings.SITE_NAME}"

    def description(self, obj=None):
        return f"The latest stories from {settings.SITE_NAME}."

    def link(self, obj):
        return formatting.absolute_url(obj.path, self.request)

    def feed_url(self, obj=None):
        return formatting.absolute_url(self.request.path, self.request)

    def items(self, obj=None):
        queryset = Article.objects.published().with_listing_data()
        self.shown = list(obj.narrow(queryset).latest_first()[:FEED_LENGTH])
        return self.shown

    def surrogate_keys(self) -> set[str]:
        return self.object.keys | keys.shown_keys(self.shown, with_tags=True)

    def item_title(self, item):
        return item.headline

    def author_name(self, obj=None):
        return settings.SITE_NAME

    def item_description(self, item):
        """The deck, or the start of the story where it has none, after the dateline."""
        lead = next(iter(item.paragraphs), "")
        summary = item.deck or Truncator(lead).words(SUMMARY_WORDS) or item.headline
        dateline = formatting.wire_dateline(item.dateline)
        return f"{dateline} — {summary}" if dateline else summary

    def item_link(self, item):
        return formatting.absolute_url(item.get_absolute_url(), self.request)

    def item_guid(self, item):
        return formatting.absolute_url(item.get_short_url(), self.request)

    item_guid_is_permalink = False

    def item_author_name(self, item):
        return item.byline or settings.SITE_NAME

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_changed_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = AtomFeed
    subtitle = LatestStoriesFeed.description


class TagFeed(LatestStoriesFeed):
    def story_list(self, slug):
        return lists.of_tag(get_object_or_404(Tag.objects.public(), slug=slug))


class TagAtomFeed(TagFeed):
    feed_type = AtomFeed
    subtitle = LatestStoriesFeed.description


class PlaceFeed(LatestStoriesFeed):
    def story_list(self, country, city=None):
        return lists.of_place(datelines_for_place(country, city), country, city)


class PlaceAtomFeed(PlaceFeed):
    feed_type = AtomFeed
    subtitle = LatestStoriesFeed.description
