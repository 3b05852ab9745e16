"""Tables of the data quality page: placements, each linking to its child and to itself.

Their downloads write dates as the imports read them (dd/mm/yyyy), so a corrected row goes back in; the
placements with no cost line also download as a costs file to fill in (``CostsFileTable``).
"""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone

from placements.imports import ssda903_codes as codes
from placements.models import Episode, Placement
from placements.tables import DateColumn as PageDateColumn


class DateColumn(PageDateColumn):
    """Dates as on every page, and dd/mm/yyyy in the downloads, as the imports take them."""

    def value(self, value):
        return value.strftime("%d/%m/%Y") if value else ""


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


def _label(year: int) -> str:
    from placements.rules import financial_year_label

    return financial_year_label(year)


class OpenNotInNextReturnTable(tables.Table):
    """Episodes open at the end of one return that the next return does not have (kept open as last known)."""

    child = tables.Column("Child", accessor="child__case_ref", linkify=("child_detail", {"pk": tables.A("child_id")}),
                          attrs={"td": {"class": "app-nowrap"}})
    decom = DateColumn("Episode began")
    place = tables.Column("PLACE")
    legal_status = tables.Column("Legal status")
    return_year = tables.Column("Open at the end of")
    missing_from = tables.Column("Not in the return for", accessor="return_year", orderable=False)

    class Meta:
        model = Episode
        fields = ("child", "decom", "place", "legal_status", "return_year", "missing_from")
        orderable = True

    def render_return_year(self, value):
        return _label(value)

    def value_return_year(self, value):
        return _label(value)

    def render_missing_from(self, value):
        return _label(value + 1)

    def value_missing_from(self, value):
        return _label(value + 1)


NUMERIC = {"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}}


def _refs(value) -> str:
    shown = ", ".join(value[:20])
    return f"{len(value)}: {shown}{' ...' if len(value) > 20 else ''}" if value else "0"


class ReconciliationTable(tables.Table):
    """Each return's 31 March count alone beside the app's (``reconciliation.ReturnReconciliation`` rows)."""

    label = tables.Column("Return", orderable=False)
    day = DateColumn("On", orderable=False)
    by_return = tables.Column("Looked after by that return alone", attrs=NUMERIC, orderable=False)
    by_app = tables.Column("Looked after here (all returns)", attrs=NUMERIC, orderable=False)
    difference = tables.Column("Difference", attrs=NUMERIC, orderable=False)
    kept_open = tables.Column("Kept open from an earlier return", orderable=False)
    only_later = tables.Column("Only in a later return", orderable=False)
    not_counted = tables.Column("In that return's count, changed by a later one", orderable=False)

    def render_difference(self, value):
        return f"{value:+d}" if value else "0"

    def render_kept_open(self, value):
        return _refs(value)

    value_kept_open = render_kept_open

    def render_only_later(self, value):
        return _refs(value)

    value_only_later = render_only_later

    def render_not_counted(self, value):
        return _refs(value)

    value_not_counted = render_not_counted


class CostsFileTable(tables.Table):
    """Placements as rows of a costs import (``placements.imports.costs.COLUMNS``), the amount to fill in."""

    CHILD = tables.Column("CHILD", accessor="child__case_ref")
    DECOM = DateColumn("DECOM", accessor="start")
    KIND = tables.Column("KIND", accessor="pk", empty_values=())
    DESCRIPTION = tables.Column("DESCRIPTION", accessor="pk", empty_values=())
    WEEKLY_AMOUNT = tables.Column("WEEKLY_AMOUNT", accessor="pk", empty_values=())
    FROM = DateColumn("FROM", accessor="start")
    TO = tables.Column("TO", accessor="pk", empty_values=())

    def value_KIND(self, value):
        return "core"

    def value_DESCRIPTION(self, value):
        return "Core weekly fee"

    def value_WEEKLY_AMOUNT(self, value):
        return ""

    def value_TO(self, value):
        return ""
