"""django-tables2 tables: one ``<Model>Table`` per list, declarative columns.

Columns read annotations made by ``placements.selectors`` so a page of rows
costs no extra queries.
"""

import django_tables2 as tables
from django.utils import timezone

from placements import rules
from placements.choices import OfstedRating, PlacementCategory
from placements.models import Child, CostLine, Placement, Provider


class MoneyColumn(tables.Column):
    """Pounds and pence, right-aligned, exported as a plain number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return f"£{rules.money_round(value):,.2f}"

    def value(self, value):
        return rules.money_round(value) if value is not None else ""


class DateColumn(tables.DateColumn):
    """Dates as '3 Jul 2023' on the page, ISO in exports."""

    def __init__(self, verbose_name=None, **kwargs):
        kwargs.setdefault("format", "j M Y")
        kwargs.setdefault("short", False)
        kwargs.setdefault("attrs", {"td": {"class": "app-nowrap"}})
        super().__init__(verbose_name=verbose_name, **kwargs)

    def value(self, value):
        return value.isoformat() if value else ""


class ChildTable(tables.Table):
    case_ref = tables.Column("Case reference", linkify=True, attrs={"td": {"class": "app-nowrap"}})
    name = tables.Column("Name", accessor="family_name", order_by=("family_name", "given_name"), empty_values=())
    age = tables.Column("Age", accessor="date_of_birth", order_by=("-date_of_birth",))
    date_of_birth = DateColumn("Date of birth")
    legal_status = tables.Column("Legal status")
    current_category = tables.Column("Current placement", orderable=True, default="Not placed")
    team = tables.Column("Team")

    class Meta:
        model = Child
        fields = ("case_ref", "name", "age", "date_of_birth", "legal_status", "current_category", "team")
        empty_text = "No children match these filters."

    def render_name(self, record):
        return record.full_name

    def value_name(self, record):
        return record.full_name

    def render_age(self, value):
        return rules.age_on(value, timezone.localdate())

    def value_age(self, value):
        return rules.age_on(value, timezone.localdate())

    def render_current_category(self, value):
        return PlacementCategory(value).label


class ProviderTable(tables.Table):
    name = tables.Column(linkify=True)
    urn = tables.Column("Ofsted URN", default="")
    ownership = tables.Column()
    provision = tables.Column("Provision")
    regulated = tables.BooleanColumn(yesno="Yes,No")
    latest_rating = tables.Column("Latest Ofsted rating", default="Not inspected")
    open_placements = tables.Column("Children placed now", attrs={"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}})
    local_authority = tables.Column("Area")

    class Meta:
        model = Provider
        fields = ("name", "urn", "ownership", "provision", "regulated", "latest_rating", "open_placements", "local_authority")
        empty_text = "No providers match these filters."

    def render_ownership(self, record):
        return "Internal" if record.ownership == "internal" else "External"

    def render_latest_rating(self, value):
        return OfstedRating(value).label


class PlacementTable(tables.Table):
    child = tables.Column("Child", accessor="child__case_ref", linkify=("child_detail", {"pk": tables.A("child_id")}),
                          attrs={"td": {"class": "app-nowrap"}})
    child_name = tables.Column("Name", accessor="child__family_name", order_by=("child__family_name", "child__given_name"),
                               empty_values=())
    category = tables.Column("Category")
    provider = tables.Column("Provider", accessor="provider__name", default="No provider")
    route = tables.Column("Route")
    start = DateColumn("Start", linkify=("placement_detail", {"pk": tables.A("pk")}))
    end = DateColumn("End", default="Open")
    weekly_cost_today = MoneyColumn("Weekly cost today", orderable=True)

    class Meta:
        model = Placement
        fields = ("child", "child_name", "category", "provider", "route", "start", "end", "weekly_cost_today")
        empty_text = "No placements match these filters."

    def render_child_name(self, record):
        return record.child.full_name

    def value_child_name(self, record):
        return record.child.full_name


class CostLineTable(tables.Table):
    kind = tables.Column()
    description = tables.Column()
    weekly_amount = MoneyColumn("Weekly amount")
    date_from = DateColumn("From")
    date_to = DateColumn("To", default="In force")

    class Meta:
        model = CostLine
        fields = ("kind", "description", "weekly_amount", "date_from", "date_to")
        orderable = False
