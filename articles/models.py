"""The newsroom's stories and what hangs off them.

The rule for what readers may see lives here once: `Article.objects.published()` and its
instance twin `Article.is_published`. Pages, feeds, sitemaps, search and the API all start
from the queryset.
"""

import re
import unicodedata
import uuid
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.text import slugify

from .text import character_names, control_characters_in, hidden_characters_in

_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


# Fields made from others by the write path's finishing step (`articles.editorial.derived`,
# `articles.editorial.finishing`), never written by a plain save.
DERIVED_FIELDS = ("body_html", "summary_html", "structured_data", "public_history", "list_keys")

# Newest first, the id breaking ties: the order of every list, feed, page and search result.
LATEST_FIRST = ("-published_at", "-id")


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (NBSP and other Unicode spaces too) to one space."""
    return _WHITESPACE.sub(" ", text).strip()


def split_paragraphs(text: str) -> list[str]:
    """Wire copy's paragraphs: separated by blank lines, each with its spacing normalised."""
    return [normalise_space(p) for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def slug_for_name(name: str, max_length: int = 100) -> str:
    """The part of an address that names a tag or a place, stable for as long as the name.

    A name with no letter or digit to keep ("???", "!!!", a flag emoji) is spelt out by the
    Unicode names of its characters ("question-mark-question-mark-question-mark"), so that it
    still has an address of its own.
    """
    slug = slugify(name, allow_unicode=True)
    if not slug:
        spelt = (unicodedata.name(char, f"U {ord(char):X}") for char in name if not char.isspace())
        slug = slugify(" ".join(spelt))
    return slug[:max_length].strip("-")


def refuse_control_characters(text: str) -> None:
    """Validator of every text an editor types: no control characters (tab and newline pass),
    and no bidi override.

    They cannot be typed meaningfully (they come from pasting out of odd software), are
    invisible, and would make the feeds and sitemaps invalid XML, or, for an override, make the
    text read backwards. The form names the character to remove rather than saving something
    the editor did not see.
    """
    _refuse_hidden(text, multiline=True)


def refuse_hidden_characters_in_line(text: str) -> None:
    """Validator of one-line texts (headline, byline, names, places): `refuse_control_characters`,
    and no invisible formatting at all (bidi controls, zero-width spaces and joiners)."""
    _refuse_hidden(text, multiline=False)


def _refuse_hidden(text: str, *, multiline: bool) -> None:
    for found, message, code in (
        (
            control_characters_in(text, multiline=True),
            "Remove the invisible control characters (%(names)s), pasted from another program.",
            "control_characters",
        ),
        (
            hidden_characters_in(text, multiline=multiline),
            "Remove the invisible formatting characters (%(names)s): they can disguise the text.",
            "hidden_characters",
        ),
    ):
        if found:
            raise ValidationError(message, code=code, params={"names": character_names(found)})


_SLUGLINE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# The IPTC urgency scale: 1 is a flash, the most urgent; 9 the least; 5 is routine.
URGENCY_FLASH, URGENCY_ROUTINE, URGENCY_LEAST = 1, 5, 9
URGENCY_RULE = "Urgency is a whole number from 1 (flash, the most urgent) to 9 (the least)."


def validate_slugline(text: str) -> None:
    """A slugline names a running story across its versions, as the wires write it."""
    if text and not _SLUGLINE.fullmatch(text):
        raise ValidationError(
            "A slugline is lower-case letters, digits and single hyphens between them, with no "
            "spaces or other characters (for example port-strike).",
            code="slugline",
        )


class DatelineQuerySet(models.QuerySet):
    def public(self) -> "DatelineQuerySet":
        """Places readers may see named: those with a published story, and no others."""
        return self.filter(
            models.Exists(Article.objects.published().filter(dateline=models.OuterRef("pk")))
        )

    def country_spelling(self, country: str) -> str:
        """How the newsroom spells `country`: as its places already do, ignoring case and
        spacing ("india" when "India" exists is "India"); a new country as typed."""
        country = normalise_space(country)
        existing = self.filter(country__iexact=country).order_by("pk").values_list("country")
        return next(iter(existing[:1]), (country,))[0]

    def get_or_create_place(
        self, country: str, region: str = "", city: str = ""
    ) -> tuple["Dateline", bool]:
        """One row per place, however the editor or the old site typed its case and spacing."""
        place = {
            "country": normalise_space(country),
            "region": normalise_space(region or ""),
            "city": normalise_space(city or ""),
        }
        match = self.filter(**{f"{field}__iexact": value for field, value in place.items()})
        existing = match.first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                return self.create(**place), True
        except IntegrityError:
            # Someone else (an editor, a parallel import) created the place meanwhile.
            return match.get(), False


class Dateline(models.Model):
    """Where a story was reported from, formatted in wire style ("BEIRUT, Lebanon")."""

    country = models.CharField(
        max_length=100,
        validators=[refuse_hidden_characters_in_line],
        help_text="A country has one spelling: typed in another case (“india” when “India” "
        "exists), a new place takes the spelling the country already has.",
    )
    region = models.CharField(
        max_length=100,
        blank=True,
        help_text="State or province.",
        validators=[refuse_hidden_characters_in_line],
    )
    city = models.CharField(
        max_length=100, blank=True, validators=[refuse_hidden_characters_in_line]
    )

    objects = DatelineQuerySet.as_manager()

    class Meta:
        ordering = ["country", "region", "city"]
        constraints = [
            models.UniqueConstraint(
                Lower("country"), Lower("region"), Lower("city"), name="dateline_unique_place"
            ),
            models.CheckConstraint(condition=~Q(country=""), name="dateline_has_country"),
        ]
        indexes = [models.Index(fields=["country", "city"], name="dateline_country_city")]

    def __str__(self) -> str:
        return self.wire_style()

    def save(self, *args, **kwargs) -> None:
        # One spelling per country, whatever its cities and regions: readers get one "India",
        # one country page and one feed, never "India" and "india" side by side.
        self.country = Dateline.objects.exclude(pk=self.pk).country_spelling(self.country)
        self.region = normalise_space(self.region)
        self.city = normalise_space(self.city)
        super().save(*args, **kwargs)

    @property
    def country_slug(self) -> str:
        return slug_for_name(self.country)

    @property
    def city_slug(self) -> str:
        return slug_for_name(self.city)

    def wire_style(self, standalone_cities: Iterable[str] = ()) -> str:
        """The most specific place in capitals, then the next place up.

        A city the newsroom's style book lets stand alone ("BEIRUT") is not followed by its
        region or country.
        """
        places = [place for place in (self.city, self.region, self.country) if place]
        lead, *rest = places
        if self.city and self.city.casefold() in {name.casefold() for name in standalone_cities}:
            return lead.upper()
        return ", ".join([lead.upper(), *rest[:1]])


class TagQuerySet(models.QuerySet):
    def public(self) -> "TagQuerySet":
        """Tags readers may see named: those on a published story, and no others."""
        return self.filter(
            models.Exists(Article.objects.published().filter(tags=models.OuterRef("pk")))
        )


class Tag(models.Model):
    name = models.CharField(max_length=100, validators=[refuse_hidden_characters_in_line])
    slug = models.SlugField(
        max_length=100,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="Part of the tag's address; made from the name when left empty.",
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # "India" and "india" are one tag; save() has already collapsed the spacing.
            models.UniqueConstraint(Lower("name"), name="tag_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self._fill_slug()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Before the form's uniqueness check, so a name whose slug is taken is told so.
        self._fill_slug()

    def _fill_slug(self) -> None:
        self.name = normalise_space(self.name)
        if not self.slug:
            self.slug = slug_for_name(self.name)


class TagRedirect(models.Model):
    """A merged tag's old address, kept so that links to it lead to the tag it became."""

    old_slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="redirects")

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.tag.slug}"

    @classmethod
    def new_slug_for(cls, old_slug: str) -> str | None:
        """Where a merged tag's address leads now, or None if it was never merged."""
        return cls.objects.filter(old_slug=old_slug).values_list("tag__slug", flat=True).first()


class ArticleQuerySet(models.QuerySet):
    def published(self, at: datetime | None = None) -> "ArticleQuerySet":
        """What readers may see: published, and not embargoed until a later time."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=at or timezone.now())

    def seen_by_readers(self, at: datetime | None = None) -> "ArticleQuerySet":
        """Stories readers have seen: `published()` now or when they were withdrawn.

        The one rule for "readers have seen it", after `published()`: a story withdrawn before
        its embargo lifted has no publication time (the withdrawal clears it), so it is not here.
        """
        return self.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.WITHDRAWN],
            published_at__lte=at or timezone.now(),
        )

    def scheduled(self, at: datetime | None = None) -> "ArticleQuerySet":
        """Published by an editor, but embargoed until a time still to come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=at or timezone.now())

    def drafts(self) -> "ArticleQuerySet":
        return self.filter(status=Article.Status.DRAFT)

    def filed(self) -> "ArticleQuerySet":
        """Stories reporters filed to the desk, waiting for an editor."""
        return self.filter(status=Article.Status.FILED)

    def withdrawn(self) -> "ArticleQuerySet":
        return self.filter(status=Article.Status.WITHDRAWN)

    def latest_first(self) -> "ArticleQuerySet":
        """Newest first, with the id as tie-breaker so keyset pagination is stable."""
        return self.order_by(*LATEST_FIRST)

    def with_listing_data(self) -> "ArticleQuerySet":
        """What a list of stories shows, fetched up front to avoid N+1 queries."""
        return self.select_related("dateline", "lead_picture").prefetch_related("tags")

    def with_updates(self) -> "ArticleQuerySet":
        """The public update log, fetched with the story (one query for all of them)."""
        return self.prefetch_related("updates")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FILED = "filed", "Filed to the desk"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    headline = models.CharField(max_length=255, validators=[refuse_hidden_characters_in_line])
    slug = models.SlugField(
        max_length=255, allow_unicode=True, help_text="Part of the story's address."
    )
    deck = models.TextField(
        blank=True,
        help_text="The standfirst under the headline.",
        validators=[refuse_control_characters],
    )
    byline = models.CharField(
        max_length=200, blank=True, validators=[refuse_hidden_characters_in_line]
    )
    body = models.TextField(
        help_text="Text with simple markup: separate paragraphs with a blank line.",
        validators=[refuse_control_characters],
    )
    dateline = models.ForeignKey(
        Dateline, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    urgency = models.PositiveSmallIntegerField(
        default=URGENCY_ROUTINE,
        validators=[
            MinValueValidator(URGENCY_FLASH, URGENCY_RULE),
            MaxValueValidator(URGENCY_LEAST, URGENCY_RULE),
        ],
        help_text="IPTC scale: 1 flash, 2 urgent, 3 high, 5 routine (the default), 9 least.",
    )
    slugline = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_slugline],
        help_text="The running story's short name, the same on all its stories (port-strike).",
    )
    # PROTECT: a picture a story (or a version of it) shows is withdrawn, never deleted under it.
    lead_picture = models.ForeignKey(
        "Picture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The picture at the top of the story, in lists, feeds and shares.",
    )
    # The story's own caption for it (what the picture shows in this story), versioned with the
    # text; filled from the library's caption when the picture is chosen.
    lead_picture_caption = models.TextField(
        "caption",
        blank=True,
        help_text="Under the picture on this story. Empty: the library's caption.",
        validators=[refuse_control_characters],
    )

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The editor who took a filed story from the desk queue, shown to everyone.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set by an editor while the story is still moving: readers see "Developing" until then.
    # Each update moves it NEWSROOM_DEVELOPING_QUIET_SECONDS on; the editor may clear it.
    developing_until = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="First publication. A time in the future holds the story until then.",
    )
    # Not Django's usual auto_now "updated_at": this is the newsroom's public "Updated" time,
    # moved only by an update or a correction, and named as every format the site speaks names
    # it (the dumps' `Updated:` line, the page's "Updated", ninjs and feeds). Bookkeeping of
    # the row's last write is `modified_at`, which readers never see.
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The last substantive update or correction readers were told about.",
    )
    withdrawal_reason = models.TextField(
        blank=True,
        help_text="Shown to readers in place of a withdrawn story.",
        validators=[refuse_control_characters],
    )
    withdrawal_shows_headline = models.BooleanField(
        default=False,
        help_text="Whether the withdrawal notice names the story. Off unless the editor who "
        "withdrew it chose so: a legal kill may need the headline gone too.",
    )

    legacy_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    retrieved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the old site's page was scraped."
    )
    source_file = models.CharField(max_length=255, blank=True)
    legacy_story_digest = models.CharField(
        max_length=64, blank=True, help_text="Digest of the story the last import read."
    )
    legacy_file_digest = models.CharField(
        max_length=64, blank=True, help_text="Digest of the dump file last imported."
    )
    legacy_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version the last import wrote."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)  # the row's last write, of any kind
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save; protects editors from overwriting each other."
    )

    # Derived when the story is saved (`articles.editorial.derived`), so a page view never
    # recomputes them. Text, so that the importer's COPY writes them like any other column.
    # The public change history with its diffs, as JSON for `history.py` ("" is no history):
    public_history = models.TextField(blank=True, editable=False)
    # The story's paragraphs, as its page prints them:
    body_html = models.TextField(blank=True, editable=False)
    # The story as lists print it:
    summary_html = models.TextField(blank=True, editable=False)
    # Its schema.org JSON-LD, less the request's address and the tags (`structured_data.py`):
    structured_data = models.TextField(blank=True, editable=False)
    # The lists this story was last filed under (`articles.editorial.finishing`), so that a move
    # (a withdrawal, a new tag or place) also drops the lists it leaves.
    list_keys = models.TextField(blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "story"
        verbose_name_plural = "stories"
        ordering = list(LATEST_FIRST)
        constraints = [
            models.CheckConstraint(
                condition=Q(updated_at__isnull=True)
                | Q(published_at__isnull=False, updated_at__gte=F("published_at")),
                name="article_updated_not_before_published",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "filed", "published", "withdrawn"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(urgency__gte=URGENCY_FLASH, urgency__lte=URGENCY_LEAST),
                name="article_urgency_iptc_scale",
            ),
        ]
        indexes = [
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(status="published"),
                name="article_latest_published",
            ),
            models.Index(
                "dateline",
                F("published_at").desc(),
                condition=Q(status="published"),
                name="article_dateline_published",
            ),
            # The admin's change list: newest first, drafts (no time yet) leading, which is
            # what DESC means on PostgreSQL (SQLite allows no NULLS FIRST in an index).
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                name="article_admin_newest",
            ),
            # The dashboard's "recently updated" and drafts lists.
            models.Index(
                F("updated_at").desc(),
                condition=Q(status="published", updated_at__isnull=False),
                name="article_recently_updated",
            ),
            models.Index(
                F("modified_at").desc(),
                F("id").desc(),
                condition=Q(status="draft"),
                name="article_drafts_recent",
            ),
            # The change list and the desk sorted or filtered by urgency.
            models.Index("urgency", F("published_at").desc(), name="article_urgency_newest"),
            # A running story's other stories, newest first.
            models.Index(
                "slugline",
                F("published_at").desc(),
                condition=Q(status="published") & ~Q(slugline=""),
                name="article_slugline_published",
            ),
        ]
        permissions = [
            ("publish_article", "Can publish and schedule stories"),
            ("withdraw_article", "Can withdraw published stories"),
            ("edit_published_article", "Can edit published or withdrawn stories"),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self.slug_for(self.headline)
        if not self._state.adding and not args and kwargs.get("update_fields") is None:
            # The derived fields are written by their own code only: a full save from an
            # instance loaded earlier must not put back an older history or list of lists.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in DERIVED_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def get_short_url(self) -> str:
        """The address that outlives headline changes: feeds and the API use it as the id."""
        return reverse("articles:short", kwargs={"pk": self.pk})

    @staticmethod
    def slug_for(headline: str) -> str:
        return slugify(headline, allow_unicode=True)[:255] or "story"

    @property
    def is_published(self) -> bool:
        """Instance twin of `ArticleQuerySet.published()`."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def was_seen_by_readers(self) -> bool:
        """Instance twin of `ArticleQuerySet.seen_by_readers()`."""
        return (
            self.status in (self.Status.PUBLISHED, self.Status.WITHDRAWN)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def was_updated(self) -> bool:
        """Whether readers are told of a change after first publication.

        An imported story may carry an "Updated" time equal to its publication: no update.
        """
        return bool(self.updated_at and self.updated_at != self.published_at)

    @property
    def last_changed_at(self) -> datetime | None:
        """The one time that says when the story last changed for readers."""
        return self.updated_at or self.published_at

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.body)


class Update(models.Model):
    """A note in a story's public update log: a substantive update or a correction."""

    class Kind(models.TextChoices):
        UPDATE = "update", "Update"
        CORRECTION = "correction", "Correction"

    # Indexed by update_article_shown below, which leads with the article.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="updates", db_index=False
    )
    shown_at = models.DateTimeField(default=timezone.now, help_text="The time readers see.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.UPDATE)
    note = models.TextField(
        help_text="Public: tell readers what changed.", validators=[refuse_control_characters]
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="article_updates",
    )

    class Meta:
        ordering = ["-shown_at", "-id"]
        indexes = [models.Index("article", F("shown_at").desc(), name="update_article_shown")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.article}"


class RevisionQuerySet(models.QuerySet):
    def seen_by_readers(self, at: datetime | None = None) -> "RevisionQuerySet":
        """Versions readers have seen: kept while the story was published (`is_public`), of a
        story whose publication time has come, as `published()` and `seen_by_readers()` say.

        A version kept while the story was scheduled is public once the embargo lifts.
        """
        return self.filter(is_public=True, article__published_at__lte=at or timezone.now())


class Revision(models.Model):
    """One saved version of a story's text, kept for editors' history and readers' diffs.

    The public change history shows the public revisions only; silent fixes and drafts stay
    in the newsroom.
    """

    class Kind(models.TextChoices):
        DRAFT = "draft", "Draft save"
        PUBLICATION = "publication", "First publication"
        SILENT_FIX = "silent_fix", "Silent fix"
        UPDATE = "update", "Update"
        CORRECTION = "correction", "Correction"
        IMPORT = "import", "Legacy import"
        REPUBLICATION = "republished", "Republished after withdrawal"

    # Indexed by revision_unique_number below, which leads with the article.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    number = models.PositiveIntegerField(help_text="The story's version this text was saved as.")
    headline = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, allow_unicode=True, db_index=False)
    deck = models.TextField(blank=True)
    byline = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # PROTECT: a place named in a story's history stays, as it does for the story itself.
    dateline = models.ForeignKey(
        Dateline, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Tag names, sorted, one a line: what readers saw, even after a tag is renamed or deleted.
    # Plain text rather than JSON so the importer's COPY writes it like any other column
    # (names never hold a line break: Tag.save normalises their spacing).
    tags = models.TextField(blank=True)
    urgency = models.PositiveSmallIntegerField(default=URGENCY_ROUTINE)
    slugline = models.CharField(max_length=64, blank=True)
    # PROTECT, as for the story: a version names the picture it showed, even once withdrawn.
    lead_picture = models.ForeignKey(
        "Picture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead_picture_caption = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Whether the story was published (now or at its embargo's end) when this text was kept;
    # whether readers have seen it is `RevisionQuerySet.seen_by_readers()`.
    is_public = models.BooleanField(help_text="Whether readers could see this text.")
    update = models.OneToOneField(
        Update, on_delete=models.SET_NULL, null=True, blank=True, related_name="revision"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="article_revisions",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.article} v{self.number} ({self.get_kind_display()})"

    @property
    def dateline_text(self) -> str:
        return str(self.dateline) if self.dateline_id else ""

    @property
    def picture_text(self) -> str:
        return picture_text(self.lead_picture) if self.lead_picture_id else ""

    @property
    def tag_names(self) -> list[str]:
        return self.tags.splitlines()

    @property
    def tag_text(self) -> str:
        return ", ".join(self.tag_names)


def picture_text(picture: "Picture | None") -> str:
    """A version's picture as an editor reads it in diffs and on the conflict screen."""
    if picture is None:
        return ""
    withdrawn = " (withdrawn)" if picture.is_withdrawn else ""
    return f"Picture {picture.pk}: {picture.alt_text}{withdrawn}"


class StatusChange(models.Model):
    """One step of a story's workflow (published, rescheduled, unpublished, withdrawn,
    republished): who, when, why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Article.Status.choices)
    to_status = models.CharField(max_length=10, choices=Article.Status.choices)
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="The publication time set by this change, if any."
    )
    reason = models.TextField(blank=True, validators=[refuse_control_characters])
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="article_status_changes",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index("article", F("at").desc(), name="statuschange_article_at")]

    def __str__(self) -> str:
        return f"{self.article}: {self.from_status} -> {self.to_status}"


class EditorPresence(models.Model):
    """Who has a story's form open: each open form's last heartbeat.

    Kept in the database, not in one worker's memory or an optional cache, so that editors
    served by different app servers see each other.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "editor"], name="presence_one_per_editor")
        ]
        indexes = [models.Index(fields=["editor", "seen_at"], name="presence_editor_seen")]

    def __str__(self) -> str:
        return f"{self.editor} on {self.article_id}"


class Autosave(models.Model):
    """An editor's unsaved edit of a story, kept while they type so a crash loses nothing.

    Never a version and never public: it is offered back to the same editor when they reopen
    the story's form (or the form for a new story, for an autosave with no story yet), and
    goes when they save the story or discard it.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    base_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version the edit started from; none for a new story."
    )
    fields = models.JSONField(help_text="The form's text fields as the editor left them.")
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "editor"],
                condition=Q(article__isnull=False),
                name="autosave_one_per_editor",
            ),
            models.UniqueConstraint(
                fields=["editor"],
                condition=Q(article__isnull=True),
                name="autosave_one_new_story_per_editor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.editor}'s unsaved edit of {self.article_id or 'a new story'}"


class PageClock(models.Model):
    """The counter of changes readers may see: one row, locked by each writer.

    The row lock makes concurrent writers take their numbers in the order they commit, so a
    reader that sees change N has seen every change before it.
    """

    seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"change {self.seq}"


class PageChange(models.Model):
    """The surrogate keys (stories, tags, places, lists) of one change, numbered by the clock.

    The database is the shared record of what changed: every app server, with or without
    Redis, reads the changes it has not seen before it serves a page it kept, so none serves
    a page an earlier change made stale. Rows older than any page's lifetime are pruned.
    """

    seq = models.BigIntegerField(unique=True)
    keys = models.TextField(help_text="Space-separated surrogate keys.")
    at = models.DateTimeField(default=timezone.now)
    # The first embargo still to lift after this change: no list is kept past it.
    next_publication_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["at"], name="pagechange_at")]

    def __str__(self) -> str:
        return f"change {self.seq}: {self.keys}"


def _original_name(picture: "Picture", filename: str) -> str:
    # The editor's file name says nothing readers need and may say what they must not.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class _OriginalsStorage(LazyObject):
    """The "picture_originals" storage, looked up when first used (as `default_storage` is)."""

    def _setup(self) -> None:
        self._wrapped = storages["picture_originals"]


originals_storage = _OriginalsStorage()


def _originals_storage():
    return originals_storage


class PictureQuerySet(models.QuerySet):
    def usable(self) -> "PictureQuerySet":
        """Pictures the newsroom may show: not withdrawn for a rights problem."""
        return self.filter(withdrawn_at__isnull=True)


class Picture(models.Model):
    """A picture in the newsroom's library: the uploaded original (kept private, metadata and
    all) and the renditions readers get, made once at upload (`articles.pictures`)."""

    image = models.ImageField(
        upload_to=_original_name,
        storage=_originals_storage,
        help_text="JPEG, PNG or WebP. Caption and credit are read from the file when it has them.",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it. Required.",
        validators=[refuse_hidden_characters_in_line],
    )
    caption = models.TextField(blank=True, validators=[refuse_control_characters])
    creator = models.CharField(
        "photographer",
        max_length=200,
        blank=True,
        validators=[refuse_hidden_characters_in_line],
    )
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="As printed under the picture, e.g. “Reuters/Jane Doe”.",
        validators=[refuse_hidden_characters_in_line],
    )
    copyright = models.CharField(
        max_length=200, blank=True, validators=[refuse_hidden_characters_in_line]
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    # Where its renditions are in the default storage, and what they are (made at upload).
    folder = models.CharField(max_length=100, editable=False)
    renditions = models.JSONField(default=list, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        blank=True, editable=False, validators=[refuse_control_characters]
    )
    # The agency's identifier of a picture taken from the wire: one library picture for each,
    # and the agency's kill of it withdraws this one (articles/wires/pictures.py).
    agency_uri = models.CharField("agency's identifier", max_length=255, blank=True, editable=False)

    objects = PictureQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(F("uploaded_at").desc(), F("id").desc(), name="picture_newest")]
        constraints = [
            models.UniqueConstraint(
                fields=["agency_uri"], condition=~Q(agency_uri=""), name="picture_agency_uri"
            )
        ]

    def __str__(self) -> str:
        return self.caption[:80] or self.alt_text[:80]

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class PurgeNode(models.Model):
    """A shared cache node (a Varnish) and the last change it was sent a purge for.

    Each node is purged on its own; one that cannot be reached is retried until it has every
    change after `purged_through` (`articles/purge.py`), by whichever app process runs.
    """

    name = models.CharField(max_length=500, unique=True, help_text="The node's purge URL.")
    purged_through = models.BigIntegerField(help_text="The last change (PageChange.seq) sent.")
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="When purges to it began failing; empty while it answers."
    )
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name


# The desk's own models, loaded with the app's.
from .desk.models import Notice, NoticePreference  # noqa: E402, F401
