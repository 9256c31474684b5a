"""The admin's story form: the editor's text plus the save's kind, note and starting version."""

from django import forms
from django.contrib.admin import widgets
from django.utils import timezone

from ..editorial import services
from ..models import Article, Revision, refuse_control_characters

SAVE_KIND_CHOICES = [
    (Revision.Kind.UPDATE, "Update: substantive news; moves “Updated”, adds a public note"),
    (Revision.Kind.CORRECTION, "Correction: fixes an error; moves “Updated”, adds a public note"),
    (Revision.Kind.SILENT_FIX, "Silent fix: typos and style; no time change, no note"),
]


class ArticleAdminForm(forms.ModelForm):
    """Carries the version the editor started from, so a stale save is refused, not applied.

    `user` is set on the class by `ArticleAdmin.get_form()`.
    """

    # Not named "version": a form field named like the model field would be copied onto the
    # instance, and the story's version is only ever raised by articles.editorial.services.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    save_kind = forms.ChoiceField(
        label="Kind of change",
        choices=SAVE_KIND_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text="Readers can see this story: say what kind of change you are saving.",
    )
    update_note = forms.CharField(
        label="Note for readers",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Required for an update or a correction; shown in the story's update log.",
        validators=[refuse_control_characters],
    )
    publish_at = forms.SplitDateTimeField(
        label="Publish at",
        widget=widgets.AdminSplitDateTime,
        required=False,
        help_text="Used by the “Publish” button. Leave empty to publish now; a future time "
        "holds the story until then (an embargo that lifts by itself).",
    )

    user = None

    class Meta:
        model = Article
        fields = ["headline", "slug", "deck", "byline", "body", "dateline", "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin lists the fields this user and story get (see ArticleAdmin.get_fieldsets);
        # declared fields left out of that list must not be validated either.
        for name in list(self.fields):
            if self._meta.fields and name not in self._meta.fields:
                del self.fields[name]
        self.conflict = None
        if self.instance.pk is not None and "loaded_version" in self.fields:
            self.fields["loaded_version"].initial = self.instance.version
            if self.instance.is_scheduled and "publish_at" in self.fields:
                self.fields["publish_at"].initial = timezone.localtime(self.instance.published_at)
        if self.is_bound:
            self.data = self.data.copy()

    @property
    def publishing(self) -> bool:
        return "_publish" in self.data

    def clean(self):
        cleaned = super().clean()
        article = self.instance
        if article.pk is not None:
            self._check_version(cleaned.get("loaded_version"))

        if self.publishing:
            self._clean_publishing(cleaned)
        elif cleaned.get("publish_at") and "publish_at" in self.changed_data:
            self.add_error("publish_at", "To schedule the story, use the “Publish” button.")
        elif "save_kind" in self.fields:
            kind, note = cleaned.get("save_kind"), cleaned.get("update_note", "").strip()
            if not kind:
                self.add_error("save_kind", "Choose update, correction or silent fix.")
            elif kind in (Revision.Kind.UPDATE, Revision.Kind.CORRECTION) and not note:
                self.add_error("update_note", "Tell readers what changed.")
        return cleaned

    def _clean_publishing(self, cleaned):
        if self.user is not None and not self.user.has_perm("articles.publish_article"):
            raise forms.ValidationError("You may not publish stories; an editor must.")
        if self.instance.is_published:
            raise forms.ValidationError("This story is already published.")
        if self.instance.status == Article.Status.WITHDRAWN:
            raise forms.ValidationError("A withdrawn story cannot be published again.")
        at = cleaned.get("publish_at")
        if at is not None and at < timezone.now() - services.PUBLISH_CLOCK_SLACK:
            self.add_error("publish_at", "Choose a time in the future, or leave it empty.")

    def _check_version(self, version):
        """Refuse a save that started from an older version, and show what changed since.

        The refused form keeps the editor's text; its hidden version moves to the current one,
        so saving again (after reading the changes) is a deliberate choice.
        """
        current = self.instance.version
        if version == current:
            return
        started = (
            self.instance.revisions.filter(number__lte=version or 0).order_by("-number").first()
        )
        # clean() runs before the form's data is copied onto the instance: it still holds
        # the stored text.
        stored = {name: getattr(self.instance, name) for name in ("headline", "deck", "body")}
        meanwhile = list(
            self.instance.revisions.filter(number__gt=version or 0)
            .select_related("editor")
            .order_by("number")[:20]
        )
        self.conflict = {
            "started_version": version,
            "current_version": current,
            "started": started,
            "stored": stored,
            "meanwhile": meanwhile,
            "status": self.instance.get_status_display(),
        }
        self.data["loaded_version"] = current
        started_from = f"version {version}" if version else "an unknown version"
        raise forms.ValidationError(
            "Someone else saved this story while you were editing it "
            f"(you started from {started_from}; it is now at version {current}). "
            "Nothing was saved. Your text is kept below: read what changed meanwhile, "
            "merge it into your text if needed, then save again.",
            code="stale",
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Reason shown to readers",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Readers see this note instead of the story.",
        validators=[refuse_control_characters],
    )
