"""The trackers' tables. Each exports to CSV and Excel with the rows the page shows."""

import django_tables2 as tables
from django_tables2.data import TableListData

from placements import rules
from placements.choices import Ownership, PlacementCategory
from placements.models import Placement
from placements.table_rows import DirectRows
from placements.tables import DateColumn, MoneyColumn
from tracker.written_rows import Addresses, Cell, Dates, WrittenRows, attribute, choice_label, shown, text

NUMERIC = {"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}}
NOWRAP = {"td": {"class": "app-nowrap"}}


def ownership_label(placement: Placement) -> str:
    """Internal, external, or neither (parents, another council, other public provision): ``Placement.ownership``."""
    return {Ownership.INTERNAL: "Internal", Ownership.EXTERNAL: "External"}.get(placement.internal_or_external, "Neither")


class OnDateTable(tables.Table):
    """A table whose ages and durations are as at one day (the week's Sunday, the month's end)."""

    def __init__(self, *args, on, **kwargs):
        self.on = on
        super().__init__(*args, **kwargs)

    def age(self, placement: Placement) -> int:
        return placement.child.age_on(self.on)


class WeeklyPlacementTable(WrittenRows, OnDateTable):
    case_ref = tables.Column("Child", accessor="child__case_ref", attrs=NOWRAP,
                             linkify=("child_detail", {"pk": tables.A("child_id")}))
    name = tables.Column("Name", accessor="child__family_name", order_by=("child__family_name", "child__given_name"),
                         empty_values=())
    age = tables.Column("Age", accessor="child__date_of_birth", order_by=("-child__date_of_birth",))
    category = tables.Column("Category")
    provider = tables.Column("Provider", accessor="provider__name", default="No provider")
    ownership = tables.Column("Internal or external", accessor="ownership", empty_values=())
    route = tables.Column("Framework or spot")
    weekly_cost = MoneyColumn("Weekly cost")
    start = DateColumn("Start", linkify=("placement_detail", {"pk": tables.A("pk")}))
    weeks = tables.Column("Weeks in placement", accessor="start", order_by=("-start",), attrs=NUMERIC)
    team = tables.Column("Originating team", accessor="child__team")

    class Meta:
        model = Placement
        fields = ()
        sequence = ("case_ref", "name", "age", "category", "provider", "ownership", "route", "weekly_cost",
                    "start", "weeks", "team")
        empty_text = "No child was looked after on this day."

    def render_name(self, record):
        return record.child.full_name

    def value_name(self, record):
        return record.child.full_name

    def render_age(self, record):
        return self.age(record)

    def value_age(self, record):
        return self.age(record)

    def render_ownership(self, record):
        return ownership_label(record)

    def value_ownership(self, record):
        return ownership_label(record)

    def render_weeks(self, record):
        return (self.on - record.start).days // 7

    def value_weeks(self, record):
        return (self.on - record.start).days // 7

    def cells(self) -> dict[str, Cell]:
        """Each column's cell as django-tables2 writes it (``tracker.written_rows``): a placement's own choices
        by their labels, the table's own render methods."""
        dates, child, placement = Dates(), Addresses("child_detail"), Addresses("placement_detail")
        money = self.columns["weekly_cost"].column.render
        return {
            "case_ref": Cell(attribute("child__case_ref"), shown, link=lambda record: child(record.child_id)),
            "name": Cell(attribute("child__family_name"), lambda record, _value: text(self.render_name(record))),
            "age": Cell(attribute("child__date_of_birth"), lambda record, _value: text(self.render_age(record))),
            "category": Cell(choice_label(Placement, "category"), shown),
            "provider": Cell(attribute("provider__name"), shown),
            "ownership": Cell(attribute("ownership"), lambda record, _value: text(self.render_ownership(record))),
            "route": Cell(choice_label(Placement, "route"), shown),
            "weekly_cost": Cell(attribute("weekly_cost"), lambda record, value: text(money(value))),
            "start": Cell(attribute("start"), lambda record, value: dates(value),
                          link=lambda record: placement(record.pk)),
            "weeks": Cell(attribute("start"), lambda record, _value: text(self.render_weeks(record))),
            "team": Cell(attribute("child__team"), shown),
        }


class SlicedRows(TableListData):
    """A table's rows that the database gives a slice at a time (``tracker.selectors.WeekEvents``): django-tables2
    makes a list of any other rows it is given (the week's thousands, for a page of 100); here a page is a
    slice, and every row is read only when the table is downloaded."""

    def order_by(self, aliases):
        if aliases:  # (the tables given such rows are not orderable: a list, sorted, as django-tables2 sorts one)
            self.data = list(self.data)
            super().order_by(aliases)


class EventTable(WrittenRows, tables.Table):
    """The week's starts, ceases or moves (rows are tracker.selectors.EventRow)."""

    day = DateColumn("Day", accessor="event__day")
    case_ref = tables.Column("Child", accessor="placement__case_ref", attrs=NOWRAP,
                             linkify=lambda record: record.placement.child_url)
    name = tables.Column("Name", accessor="placement__full_name")
    category = tables.Column("Placement", accessor="placement__category")
    provider = tables.Column("Provider", accessor="placement__provider_name", default="No provider")
    team = tables.Column("Originating team", accessor="placement__team")
    weekly_cost = MoneyColumn("Weekly cost")
    reason = tables.Column("Reason")

    class Meta:
        orderable = False
        empty_text = "None this week."
        sequence = ("day", "case_ref", "name", "category", "provider", "weekly_cost", "reason", "team")

    def render_category(self, value):
        return PlacementCategory(value).label

    def value_category(self, value):
        return PlacementCategory(value).label

    def cells(self) -> dict[str, Cell]:
        """Each column's cell as django-tables2 writes it (``tracker.written_rows``), from the rows' plain values."""
        dates, child = Dates(), Addresses("child_detail")
        money = self.columns["weekly_cost"].column.render
        return {
            "day": Cell(attribute("event__day"), lambda row, value: dates(value)),
            "case_ref": Cell(attribute("placement__case_ref"), shown, link=lambda row: child(row.placement.child_id)),
            "name": Cell(attribute("placement__full_name"), shown),
            "category": Cell(attribute("placement__category"), lambda row, value: text(self.render_category(value))),
            "provider": Cell(attribute("placement__provider_name"), shown),
            "team": Cell(attribute("placement__team"), shown),
            "weekly_cost": Cell(attribute("weekly_cost"), lambda row, value: text(money(value))),
            "reason": Cell(attribute("reason"), shown),
        }


class MoveTable(EventTable):
    moved_from = tables.Column("Moved from", accessor="previous__category")
    previous_provider = tables.Column("Previous provider", accessor="previous__provider_name", default="No provider")

    class Meta(EventTable.Meta):
        sequence = ("day", "case_ref", "name", "moved_from", "previous_provider", "category", "provider", "weekly_cost",
                    "reason", "team")

    def render_moved_from(self, value):
        return PlacementCategory(value).label

    def value_moved_from(self, value):
        return PlacementCategory(value).label

    def cells(self) -> dict[str, Cell]:
        return {**super().cells(),
                "moved_from": Cell(attribute("previous__category"),
                                   lambda row, value: text(self.render_moved_from(value))),
                "previous_provider": Cell(attribute("previous__provider_name"), shown)}


class TeamTable(DirectRows, tables.Table):
    team = tables.Column("Originating team")
    looked_after = tables.Column("Looked after", attrs=NUMERIC)
    starts = tables.Column("Starts", attrs=NUMERIC)
    ceases = tables.Column("Ceases", attrs=NUMERIC)
    moves = tables.Column("Moves", attrs=NUMERIC)
    weekly_cost = MoneyColumn("Weekly cost")

    class Meta:
        orderable = False
        empty_text = "No teams this week."


class UnregulatedTable(DirectRows, OnDateTable):
    case_ref = tables.Column("Child", accessor="child__case_ref", attrs=NOWRAP,
                             linkify=("child_detail", {"pk": tables.A("child_id")}))
    name = tables.Column("Name", accessor="child__full_name", orderable=False)
    age = tables.Column("Age", accessor="child__date_of_birth", orderable=False)
    flag = tables.Column("Watched group", accessor="pk", orderable=False)
    subject_to_dol = tables.BooleanColumn("Subject to a DoL order", yesno="Yes,No", orderable=False)
    category = tables.Column("Category", orderable=False)
    provider = tables.Column("Provider", accessor="provider__name", default="No provider", orderable=False)
    start = DateColumn("Start", orderable=False, linkify=("placement_detail", {"pk": tables.A("pk")}))
    weekly_cost = MoneyColumn("Weekly cost", orderable=False)
    team = tables.Column("Originating team", accessor="child__team", orderable=False)

    class Meta:
        empty_text = "No child was in unregulated provision on this day."

    def flag_for(self, record) -> str:
        from tracker.selectors import unregulated_flag

        return unregulated_flag(record, self.on)

    def render_flag(self, record):
        flag = self.flag_for(record)
        return flag or "Neither"

    def value_flag(self, record):
        return self.flag_for(record)

    def render_age(self, record):
        return self.age(record)

    def value_age(self, record):
        return self.age(record)


class ResidentialTable(DirectRows, OnDateTable):
    case_ref = tables.Column("Child", accessor="child__case_ref", attrs=NOWRAP,
                             linkify=("child_detail", {"pk": tables.A("child_id")}))
    name = tables.Column("Name", accessor="child__full_name")
    age = tables.Column("Age", accessor="child__date_of_birth")
    legal_status = tables.Column("Legal status")
    came_from = tables.Column("Came from")
    provider = tables.Column("Provider", accessor="provider__name", default="No provider")
    route = tables.Column("Framework or spot")
    start = DateColumn("Start", linkify=("placement_detail", {"pk": tables.A("pk")}))
    weekly_cost = MoneyColumn("Weekly cost")
    additional = tables.Column("Additional cost lines in force", accessor="pk")

    class Meta:
        orderable = False
        empty_text = "No child was in residential care on this day."

    def render_age(self, record):
        return self.age(record)

    def value_age(self, record):
        return self.age(record)

    def additional_text(self, record) -> str:
        return "; ".join(
            f"{line.description} £{rules.money_round(line.weekly_amount):,.2f}" for line in record.additional_lines
        )

    def render_additional(self, record):
        return self.additional_text(record) or "None"

    def value_additional(self, record):
        return self.additional_text(record)


class BreakdownTable(DirectRows, tables.Table):
    """New residential placements: one row per age band or origin, one column per period."""

    class Meta:
        orderable = False


def breakdown_table(periods, groups: list[str], attribute: str, heading: str) -> BreakdownTable:
    """On the page each period is one column, '11% (6)'; in the downloads two, the count and the share
    (a number each, so a spreadsheet can add them up)."""
    rows = []
    for group in groups:
        row = {"group": group}
        for index, period in enumerate(periods):
            count = getattr(period, attribute)[group]
            share = period.share(count)
            row[f"p{index}"] = f"{share:.0f}% ({count})" if share is not None else "0"
            row[f"p{index}_count"] = count
            row[f"p{index}_share"] = round(float(share), 1) if share is not None else None
        rows.append(row)
    totals = {"group": "All new residential placements"}
    for index, period in enumerate(periods):
        totals.update({f"p{index}": str(period.total), f"p{index}_count": period.total,
                       f"p{index}_share": 100.0 if period.total else None})
    rows.append(totals)
    columns = [("group", tables.Column(heading))]
    for index, period in enumerate(periods):
        columns += [
            (f"p{index}", tables.Column(period.label, attrs=NUMERIC, exclude_from_export=True)),
            (f"p{index}_count", tables.Column(f"{period.label}: placements", visible=False)),
            (f"p{index}_share", tables.Column(f"{period.label}: share (%)", visible=False, default="")),
        ]
    return BreakdownTable(rows, extra_columns=columns)


class BudgetTable(tables.Table):
    financial_year = tables.Column("Financial year")
    category = tables.Column("Category")
    amount = MoneyColumn("Budget")
    note = tables.Column("Note")
    edit = tables.LinkColumn("tracker_budget_update", args=[tables.A("pk")], text="Change", verbose_name="",
                             orderable=False, exclude_from_export=True)

    class Meta:
        empty_text = "No budgets entered yet."

    def render_financial_year(self, value):
        return rules.financial_year_label(value)
