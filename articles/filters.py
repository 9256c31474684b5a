"""Narrowing of the latest list and of search results: tag, country and date range.

Filters narrow, never decide: the view passes `published()` in, the FilterSet only narrows it.
The tag and country choices come from one query each, so a filtered page costs no more
queries than an unfiltered one.
"""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from .models import Article, Dateline, Tag


def tag_choices() -> list[tuple[str, str]]:
    return list(Tag.objects.order_by("name").values_list("slug", "name"))


def country_choices() -> list[tuple[str, str]]:
    countries = Dateline.objects.order_by("country").values_list("country", flat=True).distinct()
    return [(country, country) for country in countries]


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class ArticleFilter(django_filters.FilterSet):
    tag = django_filters.ChoiceFilter(
        label="Tag", choices=(), method="filter_tag", empty_label="Any tag"
    )
    country = django_filters.ChoiceFilter(
        label="Country",
        choices=(),
        field_name="dateline__country",
        empty_label="Any country",
    )
    since = django_filters.DateFilter(
        label="From",
        method="filter_since",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label="To",
        method="filter_until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields = ["tag", "country", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read each list of choices once: a callable would be read again to render the form.
        self.filters["tag"].extra["choices"] = tag_choices()
        self.filters["country"].extra["choices"] = country_choices()

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__slug=value)

    def filter_since(self, queryset, name, value):
        """From the start of that day in the newsroom's zone."""
        return queryset.filter(published_at__gte=_local_midnight(value))

    def filter_until(self, queryset, name, value):
        """Up to the end of that day in the newsroom's zone."""
        return queryset.filter(published_at__lt=_local_midnight(value + timedelta(days=1)))

    @property
    def is_narrowed(self) -> bool:
        return self.is_bound and any(self.form.cleaned_data.get(name) for name in self.filters)
