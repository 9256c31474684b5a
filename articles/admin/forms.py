"""The admin's story form: the editor's text, the button pressed, and what the action says.

The form states no editorial rule. It builds the action the pressed button asks for
(`editorial_action()`), asks it to check and validate, and shows its errors next to the
fields they name; `ArticleAdmin.save_model` then runs the same action without checking it
again.
"""

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.safestring import mark_safe

from .. import content
from ..diffs import field_diffs
from ..editorial import actions
from ..editorial.errors import MergeConflict, WorkflowError
from ..editorial.merge import CHOICES
from ..editorial.versions import base_revision
from ..models import (
    Article,
    Dateline,
    Picture,
    Revision,
    Tag,
    picture_text,
    refuse_control_characters,
)
from ..text import normalise_line_breaks

SAVE_KIND_CHOICES = [
    (Revision.Kind.UPDATE, "Update: substantive news; moves “Updated”, adds a public note"),
    (Revision.Kind.CORRECTION, "Correction: fixes an error; moves “Updated”, adds a public note"),
    (Revision.Kind.SILENT_FIX, "Silent fix: typos and style; no time change, no note"),
]

# The submit buttons' names, and what each asks for. Anything else (Enter, "Save") saves.
PUBLISH, SCHEDULE, REVIEW = "_publish", "_schedule", "_review"
# Publish a story readers saw before as new, with today's date (see actions.PublishArticle).
REDATE = "_publish_redated"

# Text typed in a textarea: its line ends are made "\n" where it enters.
MULTILINE_FIELDS = ("deck", "body", "update_note")

# Beside the body field: the little markup the body takes (articles.desk.markup).
BODY_SYNTAX = mark_safe(
    '<span class="body-syntax">Separate paragraphs with a blank line. '
    "<code>[words](https://example.org)</code> links (http, https, mailto); "
    "<code>*words*</code> <em>emphasis</em>; <code>**words**</code> <strong>strong</strong>; "
    "<code>## Subhead</code> on a line of its own; lines starting <code>- </code> or "
    "<code>1. </code> make a list; <code>&gt; </code> quotes. Nothing else is markup.</span>"
)

# Prefix of the merge screen's inputs: resolve_<conflict id> and resolve_<conflict id>_text.
RESOLVE = "resolve_"


class ArticleAdminForm(forms.ModelForm):
    """Carries the version the editor started from, so a stale save is merged, not applied.

    `user` is set on the class by `ArticleAdmin.get_form()`.
    """

    # Not named "version": a form field named like the model field would be copied onto the
    # instance, and the story's version is only ever raised by articles.editorial.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    restore_from = forms.IntegerField(widget=forms.HiddenInput, required=False)
    merge_signature = forms.CharField(widget=forms.HiddenInput, required=False)
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
        help_text="Used by the “Schedule” button: a future time holds the story until then "
        "(an embargo that lifts by itself).",
    )

    user = None

    class Meta:
        model = Article
        fields = list(content.NAMES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "lead_picture" in self.fields:
            self.fields["lead_picture"].help_text = (
                "Choose from the picture library, or upload one with “+”. A withdrawn picture "
                "cannot be chosen."
            )
        # The admin lists the fields this user and story get (see ArticleAdmin.get_fieldsets);
        # declared fields left out of that list must not be validated either.
        for name in list(self.fields):
            if self._meta.fields and name not in self._meta.fields:
                del self.fields[name]
        if "body" in self.fields:
            self.fields["body"].help_text = BODY_SYNTAX
        if "urgency" in self.fields:
            # A form that does not send it (an older page, a script) keeps the story's.
            self.fields["urgency"].required = False
        self.action = None
        self.conflict = None
        self.review = None
        article = self.instance
        if article.pk is not None and "loaded_version" in self.fields:
            self.fields["loaded_version"].initial = article.version
            if article.is_scheduled and "publish_at" in self.fields:
                self.fields["publish_at"].initial = timezone.localtime(article.published_at)
        restored = getattr(article, "restored_from", None)
        if restored is not None and "tags" in self.fields:
            self.initial["tags"] = list(
                Tag.objects.filter(name__in=restored.tag_names).values_list("pk", flat=True)
            )
            self.initial["restore_from"] = restored.number
        if self.is_bound:
            self.data = self.data.copy()

    def clean_urgency(self):
        return self.cleaned_data.get("urgency") or self.instance.urgency

    def clean_lead_picture(self):
        picture = self.cleaned_data.get("lead_picture")
        unchanged = picture is not None and picture.pk == self.instance.lead_picture_id
        if picture is not None and picture.is_withdrawn and not unchanged:
            raise forms.ValidationError(
                "This picture was withdrawn (a rights problem): choose another.", code="withdrawn"
            )
        return picture

    def clean_lead_picture_caption(self):
        """A new picture brings the library's caption, unless the editor wrote one."""
        caption = self.cleaned_data.get("lead_picture_caption", "")
        picture = self.cleaned_data.get("lead_picture")
        if picture is not None and not caption.strip():
            return picture.caption
        return caption

    @property
    def pressed(self) -> str:
        for name in (PUBLISH, REDATE, SCHEDULE, REVIEW):
            if name in self.data:
                return name
        return ""

    def editorial_values(self, cleaned) -> dict:
        """The editor's version of the story, as the editorial layer's snapshot."""
        return content.of_form(cleaned)

    def decisions(self) -> dict:
        return {
            key.removeprefix(RESOLVE): (
                self.data[key],
                normalise_line_breaks(self.data.get(f"{key}_text", "")),
            )
            for key in self.data
            if key.startswith(RESOLVE) and not key.endswith("_text") and self.data[key] in CHOICES
        }

    def editorial_action(self, cleaned) -> actions.ArticleAction:
        article, pressed = self.instance, self.pressed
        common = {
            "by": self.user,
            # A form that does not say where it started is merged against an unknown start,
            # so every difference is a conflict: it can never overwrite unseen.
            "expected_version": (cleaned.get("loaded_version") or 0) if article.pk else None,
            "values": self.editorial_values(cleaned),
            "decisions": self.decisions(),
            "signature": cleaned.get("merge_signature", ""),
        }
        if pressed in (PUBLISH, REDATE):
            return actions.PublishArticle(article, redate=pressed == REDATE, **common)
        if pressed == SCHEDULE:
            schedule = actions.ScheduleArticle.for_story(article)
            return schedule(article, at=cleaned.get("publish_at"), **common)
        save = {"kind": cleaned.get("save_kind") or None, "note": cleaned.get("update_note", "")}
        restored = self._restored_revision(cleaned.get("restore_from"))
        if restored is not None:
            return actions.RestoreRevision(article, restored, **save, **common)
        return actions.SaveArticle(article, **save, **common)

    def _restored_revision(self, number):
        if self.instance.pk is None or number is None:
            return None
        return self.instance.revisions.filter(number=number).first()

    def clean(self):
        cleaned = super().clean()
        for name in MULTILINE_FIELDS:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = normalise_line_breaks(cleaned[name])
        if self.errors:
            return cleaned
        if (
            self.pressed != SCHEDULE
            and cleaned.get("publish_at")
            and ("publish_at" in self.changed_data)
        ):
            self.add_error("publish_at", "To schedule the story, use the “Schedule” button.")
            return cleaned
        if self.pressed == REVIEW:
            self._show_review(self.editorial_values(cleaned))
        self.action = self.editorial_action(cleaned)
        try:
            self.action.check()
            self.action.validate()
        except PermissionDenied as refusal:
            raise forms.ValidationError(str(refusal)) from refusal
        except WorkflowError as error:
            self.add_error(error.field if error.field in self.fields else None, str(error))
        except MergeConflict as conflict:
            self._show_conflict(conflict)
        merged = self.action.merged
        if merged is not None and not merged.conflicts:
            # Merged with no conflict: still shown before it is saved, as the editor has not
            # seen their text with the other editor's changes in it.
            state = self.action.state
            self._show_conflict(
                MergeConflict(self.instance.pk, self.action.started_from, state.version, merged)
            )
        return cleaned

    def _show_review(self, values):
        """The live story's safe default: show what readers would see change; save nothing."""
        self.review = field_diffs(readable(content.of_story(self.instance)), readable(values))
        raise forms.ValidationError(
            "Nothing is saved yet. Below is what readers would see change: choose the kind "
            "of change, then press “Publish this change”.",
            code="review",
        )

    def _show_conflict(self, conflict: MergeConflict):
        """Refuse the save and come back with the merged text, the conflicts to decide.

        The fields hold the newest version with the editor's changes merged in (and the
        editor's own text where it conflicts); the start stays the version the editor
        began from, so saving again merges again and never reverts the other side.
        """
        merged = conflict.merge
        started = base_revision(self.instance, conflict.expected_version)
        self.conflict = {
            "started_version": conflict.expected_version or None,
            "current_version": conflict.current_version,
            "status": self.instance.get_status_display(),
            "meanwhile": list(
                self.instance.revisions.filter(number__gt=conflict.expected_version or 0)
                .select_related("editor")
                .order_by("number")[:20]
            ),
            "started": started,
            "diffs": field_diffs(
                readable(content.of_revision(started)) if started else None,
                readable(content.of_story(self.instance)),
            ),
            "merged_diffs": field_diffs(
                readable(content.of_story(self.instance)),
                readable(merged.with_mine_in_conflicts()),
            ),
            "conflicts": [
                {
                    "conflict": item,
                    "original": shown(item.field, item.original),
                    "mine": shown(item.field, item.mine),
                    "theirs": shown(item.field, item.theirs),
                    "choice": self.decisions().get(item.id, ("", ""))[0],
                }
                for item in merged.conflicts
            ],
            "signature": merged.signature,
        }
        showing = merged.with_mine_in_conflicts()
        for field in content.FIELDS:
            if field.kind == "tags":
                names = showing[field.name]
                tags = Tag.objects.filter(name__in=names).values_list("pk", flat=True)
                self.data.setlist(field.name, [str(pk) for pk in tags])
            else:
                self.data[field.name] = showing[field.name] or ""
        self.data["merge_signature"] = merged.signature
        count = len(merged.conflicts)
        if not count:
            # Nothing to decide: the form now holds the merged story, so it starts from the
            # version merged against; saving it saves what the editor reviewed, and a save
            # made meanwhile is merged again (and shown again).
            self.data["loaded_version"] = str(conflict.current_version)
            self.data["merge_signature"] = ""
        if count:
            settle = (
                f"merged below, except {count} {'place' if count == 1 else 'places'} where you "
                "both changed the same text: choose mine, theirs or the original for each "
                "(or write your own), then save again."
            )
        else:
            settle = "merged below without a conflict: check the merged story, then save it again."
        raise forms.ValidationError(
            "Someone else saved this story while you were editing it (you started from "
            f"{started_label(conflict.expected_version)}; it is now at version "
            f"{conflict.current_version}). Nothing is saved yet. Their changes and yours are "
            + settle,
            code="stale",
        )


def started_label(version: int | None) -> str:
    return f"version {version}" if version else "an unknown version"


def readable(snapshot: dict | None) -> dict | None:
    """A snapshot with the dateline and tags as the words an editor reads."""
    if snapshot is None:
        return None
    return {
        **snapshot,
        **{
            field.readable_name: shown(field.name, snapshot[field.name])
            for field in content.FIELDS
            if not field.is_text
        },
    }


def shown(name: str, value) -> str:
    if value is None:
        return ""
    kind = content.BY_NAME[name].kind
    if kind == "place":
        place = Dateline.objects.filter(pk=value).first()
        return str(place) if place else ""
    if kind == "picture":
        return picture_text(Picture.objects.filter(pk=value).first())
    if kind == "tags":
        return ", ".join(value)
    return value


class ReasonForm(forms.Form):
    """The one input of unpublish, withdraw, republish and the hand-off: why (for readers,
    the desk or the reporter)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        validators=[refuse_control_characters],
    )

    def __init__(self, *args, label: str, help_text: str, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text

    def action_arguments(self) -> dict:
        """The form's answers as the editorial action's arguments."""
        return dict(self.cleaned_data)


class WithdrawalForm(ReasonForm):
    """A withdrawal's reason, and whether the notice readers get names the story."""

    show_headline = forms.BooleanField(
        label="Name the story in the notice",
        required=False,
        help_text="Readers who follow a link see the headline above the reason. Leave this "
        "off when the headline itself must go (a legal kill).",
    )
