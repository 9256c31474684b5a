"""Agency wires: the sources polled, and the queue of agency items with every version kept."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F

from ..models import Article
from .reading import AgencyPicture, Format, Kind, PubStatus


class WireSource(models.Model):
    class Kind(models.TextChoices):
        FOLDER = "folder", "Watched folder"
        URL = "url", "Feed URL (HTTP pull)"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    location = models.CharField(
        max_length=500, help_text="The folder's path on the server, or the feed's http(s) URL."
    )
    poll_seconds = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1)], help_text="How often it is polled."
    )
    language = models.CharField(
        max_length=35, blank=True, help_text="The items' language when they do not say."
    )
    withdraw_on_kill = models.BooleanField(
        "withdraw on agency kill",
        default=True,
        help_text="When the agency cancels an item, withdraw the story made from it at once.",
    )
    enabled = models.BooleanField(default=True)
    # Conditional GET: what the feed's server said last time.
    etag = models.CharField(max_length=255, blank=True, editable=False)
    last_modified = models.CharField(max_length=64, blank=True, editable=False)
    polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WireItem(models.Model):
    """An agency item in the queue, as its newest version says."""

    source = models.ForeignKey(
        WireSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    format = models.CharField(max_length=10, choices=[(f.value, f.value) for f in Format])
    kind = models.CharField(
        max_length=10, choices=[(k.value, k.value) for k in Kind], default=Kind.TEXT.value
    )
    agency = models.CharField(max_length=100, blank=True)
    uri = models.CharField(max_length=255, unique=True)
    version = models.CharField(max_length=40, blank=True)
    version_number = models.BigIntegerField(null=True, blank=True, editable=False)
    pub_status = models.CharField(
        "status", max_length=10, choices=[(s.value, s.value) for s in PubStatus]
    )
    urgency = models.PositiveSmallIntegerField(null=True, blank=True)
    slugline = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=35, blank=True)
    headline = models.CharField(max_length=255)
    deck = models.TextField(blank=True)
    byline = models.CharField(max_length=200, blank=True)
    located = models.CharField(max_length=100, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    pictures = models.JSONField(
        default=list,
        blank=True,
        help_text="A picture item's own picture, or the pictures sent with a text item.",
    )
    body = models.TextField(blank=True, help_text="The agency's HTML, sanitised.")
    body_text = models.TextField(blank=True, help_text="The body's words, for search and diffs.")
    ed_note = models.TextField("note to editors", blank=True)
    version_created = models.DateTimeField(null=True, blank=True)
    first_created = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(help_text="When the newest version arrived.")
    file_name = models.CharField(max_length=500, blank=True)
    story = models.OneToOneField(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wire_item",
        help_text="The story an editor made from this item.",
    )
    used_version = models.CharField(
        max_length=40, blank=True, help_text="The agency's version the story was made from."
    )
    # What the agency changed since the story was made, for its editors (`lifecycle.py`).
    desk_alert = models.TextField(blank=True, editable=False)
    desk_alert_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = [F("received_at").desc(), F("id").desc()]
        indexes = [
            models.Index(F("received_at").desc(), F("id").desc(), name="wireitem_newest"),
            models.Index(fields=["pub_status", "received_at"], name="wireitem_status"),
        ]

    def __str__(self) -> str:
        return self.headline

    @property
    def is_canceled(self) -> bool:
        return self.pub_status == PubStatus.CANCELED

    @property
    def is_picture(self) -> bool:
        return self.kind == Kind.PICTURE

    @property
    def agency_pictures(self) -> list[AgencyPicture]:
        return [AgencyPicture.from_json(picture) for picture in self.pictures]


class WireItemVersion(models.Model):
    """Every version of an item that was stored, for the diffs between them."""

    item = models.ForeignKey(WireItem, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=40, blank=True)
    pub_status = models.CharField(max_length=10)
    urgency = models.PositiveSmallIntegerField(null=True, blank=True)
    headline = models.CharField(max_length=255)
    body_text = models.TextField(blank=True)
    ed_note = models.TextField(blank=True)
    version_created = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version}"
