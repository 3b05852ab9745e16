"""Filters on the weekly tracker's list of open placements."""

import django_filters

from placements.choices import CommissioningRoute, Ownership, PlacementCategory
from placements.models import Placement


class WeeklyPlacementFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=PlacementCategory.choices, empty_label="Any")
    # The queryset carries ``ownership`` (selectors.placement_ownership): the provider's, else PLACE_PROVIDER's.
    ownership = django_filters.ChoiceFilter(label="Internal or external", field_name="ownership",
                                            choices=Ownership.choices, empty_label="Any")
    route = django_filters.ChoiceFilter(label="Framework or spot", choices=CommissioningRoute.choices,
                                        empty_label="Any")
    team = django_filters.CharFilter(label="Originating team", field_name="child__team", lookup_expr="icontains")

    class Meta:
        model = Placement
        fields = ["category", "ownership", "route", "team"]
