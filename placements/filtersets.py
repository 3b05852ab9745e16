"""django-filter filtersets for the list pages: ``<Model>Filter``."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from placements.choices import (
    CommissioningRoute,
    LegalStatus,
    Ownership,
    PlacementCategory,
    ProvisionKind,
)
from placements.models import Child, Placement, Provider
from placements.selectors import covering


class ChildFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or case reference", method="filter_q")
    legal_status = django_filters.ChoiceFilter(choices=LegalStatus.choices, empty_label="Any")
    team = django_filters.CharFilter(label="Team", lookup_expr="icontains")
    current_category = django_filters.ChoiceFilter(
        label="Current placement", choices=PlacementCategory.choices, empty_label="Any"
    )

    class Meta:
        model = Child
        fields = ["q", "legal_status", "team", "current_category"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(case_ref__icontains=value) | Q(given_name__icontains=value) | Q(family_name__icontains=value)
        )


class ProviderFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label="Name or URN", method="filter_name")
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, empty_label="Any")
    provision = django_filters.ChoiceFilter(label="Provision", choices=ProvisionKind.choices, empty_label="Any")
    regulated = django_filters.BooleanFilter(label="Regulated")

    class Meta:
        model = Provider
        fields = ["name", "ownership", "provision", "regulated"]

    def filter_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(urn__iexact=value))


class PlacementFilter(django_filters.FilterSet):
    OPEN_CHOICES = (("open", "Open today"), ("ended", "Ended"))

    child = django_filters.CharFilter(label="Child's name or case reference", method="filter_child")
    category = django_filters.ChoiceFilter(choices=PlacementCategory.choices, empty_label="Any")
    route = django_filters.ChoiceFilter(label="Route", choices=CommissioningRoute.choices, empty_label="Any")
    ownership = django_filters.ChoiceFilter(
        label="Provider ownership", field_name="provider__ownership", choices=Ownership.choices, empty_label="Any"
    )
    state = django_filters.ChoiceFilter(label="Open or ended", choices=OPEN_CHOICES, method="filter_state", empty_label="Any")
    started_after = django_filters.DateFilter(label="Started on or after", field_name="start", lookup_expr="gte")
    started_before = django_filters.DateFilter(label="Started on or before", field_name="start", lookup_expr="lte")

    class Meta:
        model = Placement
        fields = ["child", "category", "route", "ownership", "state", "started_after", "started_before"]

    def filter_child(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(child__case_ref__icontains=value)
            | Q(child__given_name__icontains=value)
            | Q(child__family_name__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "open":
            return queryset.filter(covering(today))
        if value == "ended":
            return queryset.filter(end__lte=today)
        return queryset
