"""django-tables2 tables: one ``<Model>Table`` per list, declarative columns.

Columns read annotations made by ``placements.selectors`` so a page of rows
costs no extra queries.
"""

import django_tables2 as tables
from django.utils import timezone

from placements import rules
from placements.choices import OfstedRating, PlacementCategory
from placements.models import Child, CostAvoidance, CostLine, Placement, PlacementSearch, Provider


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
    """Dates as '3 Jul 2023' on the page; in exports the date itself, so CSV writes it as 2023-07-03 and Excel
    holds a date it can sort and filter, not text."""

    def __init__(self, verbose_name=None, **kwargs):
        kwargs.setdefault("format", "j M Y")
        kwargs.setdefault("short", False)
        kwargs.setdefault("attrs", {"td": {"class": "app-nowrap"}})
        super().__init__(verbose_name=verbose_name, **kwargs)

    def value(self, value):
        return value if value else ""


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
    frameworks = tables.Column("Framework", accessor="pk", order_by=("-on_framework", "name"))
    open_placements = tables.Column("Children placed now", attrs={"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}})
    local_authority = tables.Column("Area")

    class Meta:
        model = Provider
        fields = ("name", "urn", "ownership", "provision", "regulated", "latest_rating", "frameworks", "open_placements",
                  "local_authority")
        empty_text = "No providers match these filters."

    def render_ownership(self, record):
        return "Internal" if record.ownership == "internal" else "External"

    def render_latest_rating(self, value):
        return OfstedRating(value).label

    def render_frameworks(self, record):
        names = [m.framework.name for m in getattr(record, "current_memberships", [])]
        return ", ".join(names) if names else "None (spot)"

    def value_frameworks(self, record):
        return self.render_frameworks(record)


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


class SearchTable(tables.Table):
    received = DateColumn("PRF received", linkify=True)
    child = tables.Column("Child", accessor="child__case_ref", attrs={"td": {"class": "app-nowrap"}})
    name = tables.Column("Name", accessor="child__family_name", order_by=("child__family_name",), empty_values=())
    category_requested = tables.Column("Type wanted")
    urgency = tables.Column("Urgency")
    status = tables.Column("Status")
    officer = tables.Column("Officer", accessor="officer__first_name", default="Not allocated", empty_values=())
    days_open = tables.Column("Days open", accessor="received", order_by=("received",), attrs={
        "th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}})

    class Meta:
        model = PlacementSearch
        fields = ()
        sequence = ("received", "child", "name", "category_requested", "urgency", "status", "officer", "days_open")
        empty_text = "No searches match these filters."

    def render_name(self, record):
        return record.child.full_name

    def value_name(self, record):
        return record.child.full_name

    def render_officer(self, record):
        return record.officer.get_full_name() or record.officer.username if record.officer else "Not allocated"

    def value_officer(self, record):
        return self.render_officer(record)

    def render_days_open(self, record):
        return ((record.closed_on or timezone.localdate()) - record.received).days

    def value_days_open(self, record):
        return self.render_days_open(record)


class CostAvoidanceTable(tables.Table):
    date_agreed = DateColumn("Agreed")
    child = tables.Column("Child", accessor="child__case_ref", linkify=lambda record: record.child.get_absolute_url())
    source = tables.Column("Source")
    weekly_before = MoneyColumn("Weekly before", default="")
    weekly_after = MoneyColumn("Weekly after", default="")
    one_off = MoneyColumn("One-off", default="")
    effective_from = DateColumn("From")
    horizon_end = DateColumn("Horizon end")
    amount = MoneyColumn("Amount avoided")
    recorded_by = tables.Column("Recorded by", accessor="recorded_by__username")
    note = tables.Column("Note")

    class Meta:
        model = CostAvoidance
        fields = ()
        sequence = ("date_agreed", "child", "source", "weekly_before", "weekly_after", "one_off", "effective_from",
                    "horizon_end", "amount", "recorded_by", "note")
        empty_text = "No cost avoidance matches these filters."

    def render_recorded_by(self, record):
        return record.recorded_by.get_full_name() or record.recorded_by.username
