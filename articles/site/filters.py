"""Narrowing of the latest list and of search results: tag, country and date range.

Filters narrow, never decide: the view passes `published()` in, the FilterSet only narrows it.
The tag and country choices come from one query (a UNION of the two), made once for the worker
and again only after a change moved a story on or off the lists (`filter_choices`), and forms
share them rather than copy them, so a filtered page costs no more than an unfiltered one, and
the news front has room for the tags of its stories.
"""

from datetime import timedelta
from html import escape

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import CharField, F, Value
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import formatting
from ..models import Article, Dateline, Tag
from ..surrogate_keys import LATEST
from .caching import caching_on, process_pages


def _choices_from_database() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The tag choices and the country choices, both from one query (a UNION of the two)."""
    kind = CharField()
    tags = Tag.objects.public().order_by().values_list(Value("tag", kind), "slug", "name")
    countries = (
        Dateline.objects.public()
        .order_by()
        .annotate(label=F("country"))
        .values_list(Value("country", kind), "country", "label")
        .distinct()
    )
    rows = sorted(tags.union(countries), key=lambda row: (row[2].casefold(), row[2]))
    return (
        [(value, label) for row_kind, value, label in rows if row_kind == "tag"],
        [(value, label) for row_kind, value, label in rows if row_kind == "country"],
    )


def filter_choices() -> tuple[list, list]:
    """The tag and the country choices, built once for this worker.

    Built again after a change that moved a story on or off the lists, renamed or merged a
    tag or a place: every such change names the latest list (`list-latest`). The worker learns
    of changes when it checks a kept page, or here when it keeps no lists.
    """
    if caching_on() and settings.CACHE_LIST_SECONDS > 0:
        # A list rendered with choices older than a change is stamped older than it, and
        # dropped when the worker next reads the change: no query is spent here.
        seen = process_pages.last_seen()[0]
    else:
        seen = process_pages.catch_up()
    built = process_pages.filter_choices
    if built is None or process_pages.changed.get(LATEST, 0) > built[0]:
        built = process_pages.filter_choices = (seen, *_choices_from_database())
    return built[1], built[2]


class SharedChoiceField(django_filters.fields.ChoiceField):
    """Its choices are shared by every form, not deep-copied into each: they are built once
    (`filter_choices`) and never changed by a form, and copying a thousand tags cost a third
    of the home page."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result.choices = self._choices.choices
        return result


class SharedChoiceFilter(django_filters.ChoiceFilter):
    field_class = SharedChoiceField


class PlainSelect(forms.Select):
    """A <select> built in Python: the template-rendered widget costs a template per option,
    which made a list page with hundreds of tags several times slower to render.

    The options of a set of choices shared by every form (`filter_choices`) are escaped once
    and kept; a request only marks its chosen option.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = escape("" if value is None else str(value))
        options = _options_html(self.choices).replace(
            f'<option value="{chosen}">', f'<option value="{chosen}" selected>', 1
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(attrs),
            mark_safe(options),  # every value escaped by `_options_html`
        )


# The options of the shared choices, by the identity of their list and their empty label.
_rendered_options: dict[tuple[int, str], tuple[list, str]] = {}


def _options_html(choices) -> str:
    """Every option, escaped, none selected (values are unique, so one can be marked after)."""
    shared = getattr(choices, "choices", None)  # the list a ChoiceIterator walks
    key = (id(shared), str(getattr(choices.field, "empty_label", ""))) if shared else None
    kept = _rendered_options.get(key) if key else None
    if kept is not None and kept[0] is shared:
        return kept[1]
    html = "".join(
        f'<option value="{escape(str(option_value))}">{escape(str(label))}</option>'
        for option_value, label in choices
    )
    if key:
        if len(_rendered_options) >= 16:  # choices built again: the old ones are not used
            _rendered_options.clear()
        _rendered_options[key] = (shared, html)
    return html


def validate_archive_day(day) -> None:
    if not formatting.FIRST_DAY <= day <= formatting.LAST_DAY:
        raise ValidationError(
            "Choose a day between %(first)s and %(last)s.",
            params={"first": formatting.FIRST_DAY, "last": formatting.LAST_DAY},
        )


class ArticleFilter(django_filters.FilterSet):
    tag = SharedChoiceFilter(
        label="Tag", choices=(), method="filter_tag", empty_label="Any tag", widget=PlainSelect
    )
    country = SharedChoiceFilter(
        label="Country",
        choices=(),
        field_name="dateline__country",
        empty_label="Any country",
        widget=PlainSelect,
    )
    since = django_filters.DateFilter(
        label="From",
        method="filter_since",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_archive_day],
    )
    until = django_filters.DateFilter(
        label="To",
        method="filter_until",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_archive_day],
    )

    class Meta:
        model = Article
        fields = ["tag", "country", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the choices once: a callable would be read again to render the form.
        tags, countries = filter_choices()
        self.filters["tag"].extra["choices"] = tags
        self.filters["country"].extra["choices"] = countries

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__slug=value)

    def filter_since(self, queryset, name, value):
        """From the start of that day in the newsroom's zone."""
        return queryset.filter(published_at__gte=formatting.day_start(value))

    def filter_until(self, queryset, name, value):
        """Up to the end of that day in the newsroom's zone."""
        return queryset.filter(published_at__lt=formatting.day_start(value + timedelta(days=1)))

    @property
    def is_narrowed(self) -> bool:
        return self.is_bound and any(self.form.cleaned_data.get(name) for name in self.filters)
