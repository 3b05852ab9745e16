"""Tables of the data quality page: placements, each linking to its child and to itself."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone

from placements.imports import ssda903_codes as codes
from placements.models import Placement
from placements.tables import DateColumn


class QualityPlacementTable(tables.Table):
    child = tables.Column("Child", accessor="child__case_ref", linkify=("child_detail", {"pk": tables.A("child_id")}),
                          attrs={"td": {"class": "app-nowrap"}})
    # empty_values=(): an imported child has no name, and full_name then gives the case reference.
    child_name = tables.Column("Name", accessor="child__family_name", order_by=("child__family_name", "child__given_name"),
                               empty_values=())
    category = tables.Column("Category")
    place_code = tables.Column("PLACE", default="")
    provider = tables.Column("Provider", accessor="provider__name", default="No provider")
    start = DateColumn("Start", linkify=("placement_detail", {"pk": tables.A("pk")}))
    end = DateColumn("End", default="Open")

    class Meta:
        model = Placement
        fields = ("child", "child_name", "category", "place_code", "provider", "start", "end")
        orderable = True

    def render_child_name(self, record):
        return record.child.full_name

    def value_child_name(self, record):
        return record.child.full_name


class ExternalWithoutProviderTable(QualityPlacementTable):
    urn = tables.Column("URN in the return", default="None given")

    class Meta(QualityPlacementTable.Meta):
        fields = ("child", "child_name", "category", "place_code", "urn", "start", "end")
        exclude = ("provider",)


class OverlapTable(QualityPlacementTable):
    overlap_start = DateColumn("Another placement begins")

    class Meta(QualityPlacementTable.Meta):
        fields = ("child", "child_name", "category", "place_code", "provider", "start", "end", "overlap_start")


class TemporaryTooLongTable(QualityPlacementTable):
    days = tables.Column("Days", accessor="start", orderable=False,
                         attrs={"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}})
    allowed = tables.Column("Days allowed", accessor="place_code", orderable=False,
                            attrs={"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}})

    class Meta(QualityPlacementTable.Meta):
        fields = ("child", "child_name", "place_code", "provider", "start", "end", "days", "allowed")
        exclude = ("category",)

    def render_days(self, record):
        return ((record.end or timezone.localdate()) - record.start).days

    def value_days(self, record):
        return self.render_days(record)

    def render_allowed(self, value):
        return codes.PLACE[value].max_days

    def value_allowed(self, value):
        return codes.PLACE[value].max_days
