"""django-filter filtersets for the list pages: ``<Model>Filter``."""

import django_filters
from datetime import date

from django.db.models import Q
from django.utils import timezone

from placements import rules

from placements.choices import (
    CommissioningRoute,
    CostAvoidanceSource,
    LegalStatus,
    Ownership,
    PlacementCategory,
    ProvisionKind,
    SearchStatus,
)
from placements.models import Child, CostAvoidance, Placement, PlacementSearch, Provider
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
    framework = django_filters.ChoiceFilter(label="Framework", method="filter_framework", empty_label="Any",
                                            choices=(("yes", "On a framework"), ("no", "On no framework (spot)")))

    class Meta:
        model = Provider
        fields = ["name", "ownership", "provision", "regulated", "framework"]

    def filter_framework(self, queryset, name, value):
        """Reads the ``on_framework`` annotation of ``selectors.provider_list``."""
        return queryset.filter(on_framework=value == "yes")

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


class SearchFilter(django_filters.FilterSet):
    OPEN_CHOICES = (("open", "Open"), ("mine", "My open searches"), ("closed", "Closed"))

    state = django_filters.ChoiceFilter(label="Which searches", choices=OPEN_CHOICES, method="filter_state",
                                        empty_label="All")
    status = django_filters.ChoiceFilter(choices=SearchStatus.choices, empty_label="Any")
    category_requested = django_filters.ChoiceFilter(label="Type wanted", choices=PlacementCategory.choices,
                                                     empty_label="Any")
    child = django_filters.CharFilter(label="Child's case reference", field_name="child__case_ref",
                                      lookup_expr="icontains")

    class Meta:
        model = PlacementSearch
        fields = ["state", "status", "category_requested", "child"]

    def filter_state(self, queryset, name, value):
        closed = [SearchStatus.PLACED, SearchStatus.WITHDRAWN, SearchStatus.NO_PLACEMENT_FOUND]
        if value == "open":
            return queryset.exclude(status__in=closed)
        if value == "mine":
            return queryset.exclude(status__in=closed).filter(officer=self.request.user)
        if value == "closed":
            return queryset.filter(status__in=closed)
        return queryset


def financial_year_choices():
    today = timezone.localdate()
    start = rules.financial_year_start(today).year
    return [(str(year), rules.financial_year_label(year)) for year in range(start, start - 6, -1)]


class CostAvoidanceFilter(django_filters.FilterSet):
    financial_year = django_filters.ChoiceFilter(label="Financial year", choices=financial_year_choices,
                                                 method="filter_year", empty_label="All years")
    source = django_filters.ChoiceFilter(choices=CostAvoidanceSource.choices, empty_label="Any")
    recorded_by = django_filters.ModelChoiceFilter(label="Officer", queryset=None, empty_label="Anyone")

    class Meta:
        model = CostAvoidance
        fields = ["financial_year", "source", "recorded_by"]

    def __init__(self, *args, show_officer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth.models import User

        if show_officer:
            self.filters["recorded_by"].queryset = User.objects.filter(
                pk__in=CostAvoidance.objects.values("recorded_by")).order_by("first_name")
        else:  # panel members see the log's totals, not who recorded what
            del self.filters["recorded_by"]

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(date_agreed__range=(date(year, 4, 1), date(year + 1, 3, 31)))
