"""Search the trail by child (case reference), user and date range."""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType

from audit.apps import audited_models
from audit.models import AccessEvent, ChangeEntry
from placements.forms import DateInput


def _record_types():
    types = ContentType.objects.get_for_models(*audited_models())
    return sorted(((ct.pk, str(model._meta.verbose_name).capitalize()) for model, ct in types.items()),
                  key=lambda pair: pair[1])


class TrailFilter(django_filters.FilterSet):
    """What both halves of the trail are searched by."""

    case_ref = django_filters.CharFilter(label="Child's case reference", method="filter_case_ref")
    user = django_filters.CharFilter(label="User name", method="filter_user")
    date_from = django_filters.DateFilter(label="From", method="filter_from", widget=DateInput())
    date_to = django_filters.DateFilter(label="To", method="filter_to", widget=DateInput())

    user_field = ""
    time_field = ""

    def filter_case_ref(self, queryset, name, value):
        return queryset.filter(case_ref__iexact=value.strip())

    def filter_user(self, queryset, name, value):
        return queryset.filter(**{f"{self.user_field}__iexact": value.strip()})

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.time_field}__date__gte": value})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.time_field}__date__lte": value})


class ChangeEntryFilter(TrailFilter):
    action = django_filters.ChoiceFilter(
        label="Change", choices=[(v, str(label).capitalize()) for v, label in ChangeEntry.Action.choices[:3]],
        empty_label="Any",
    )
    record_type = django_filters.ChoiceFilter(label="Record", field_name="content_type", choices=_record_types,
                                              empty_label="Any")

    user_field = "actor__username"
    time_field = "timestamp"

    class Meta:
        model = ChangeEntry
        fields = ["case_ref", "user", "date_from", "date_to", "action", "record_type"]


class AccessEventFilter(TrailFilter):
    kind = django_filters.ChoiceFilter(label="What", choices=AccessEvent.Kind.choices, empty_label="Any")

    user_field = "username"
    time_field = "at"

    class Meta:
        model = AccessEvent
        fields = ["case_ref", "user", "date_from", "date_to", "kind"]
