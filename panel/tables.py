"""The panel's tables: the agenda (and its CSV, which starts case_ref, reasons), actions, consolidation."""

import django_tables2 as tables

from placements.tables import DateColumn, MoneyColumn


class AgendaTable(tables.Table):
    case_ref = tables.Column("case_ref", accessor="child__case_ref")
    reasons = tables.Column("reasons", accessor="reasons_joined")
    on_agenda = tables.Column("On the agenda", accessor="carried", orderable=False)
    position = tables.Column("Item")
    name = tables.Column("Name", accessor="child__full_name")
    age = tables.Column("Age", accessor="child__date_of_birth")
    category = tables.Column("Placement", accessor="placement__category", default="No open placement")
    provider = tables.Column("Provider", accessor="placement__provider__name", default="No provider")
    weekly_cost = MoneyColumn("Weekly cost")
    reason_texts = tables.Column("Reasons in words", accessor="reason_texts")
    social_worker = tables.Column("Social worker")
    team_manager = tables.Column("Team manager")
    iro = tables.Column("IRO")
    decision = tables.Column("Decision")

    class Meta:
        orderable = False

    def __init__(self, *args, on, **kwargs):
        self.on = on
        super().__init__(*args, **kwargs)

    def render_on_agenda(self, value):
        return "Carried to the next meeting" if value else "On the agenda"

    value_on_agenda = render_on_agenda

    def render_age(self, record):
        return record.child.age_on(self.on)

    def value_age(self, record):
        return record.child.age_on(self.on)

    def render_category(self, record):
        return record.placement.get_category_display()

    def value_category(self, record):
        return record.placement.get_category_display()

    def render_reason_texts(self, value):
        return "; ".join(value)

    def value_reason_texts(self, value):
        return "; ".join(value)


class ActionTable(tables.Table):
    due = DateColumn("Due")
    description = tables.Column("Action")
    owner = tables.Column("Owner")
    child = tables.Column("Child", accessor="review__child__case_ref",
                          linkify=lambda record: record.review.child.get_absolute_url())
    meeting = DateColumn("Agreed at the panel of", accessor="review__meeting__date",
                         linkify=lambda record: record.review.meeting.get_absolute_url())
    state = tables.Column("State", accessor="due", orderable=False)
    done = tables.TemplateColumn(template_name="panel/includes/action_done.html", verbose_name="",
                                 orderable=False, exclude_from_export=True)

    class Meta:
        orderable = False
        empty_text = "No open actions."

    def __init__(self, *args, on, **kwargs):
        self.on = on
        super().__init__(*args, **kwargs)

    def render_state(self, value):
        return "Overdue" if value < self.on else "Due"


class ConsolidationTable(tables.Table):
    date = DateColumn("Meeting date")
    child = tables.Column("Child", accessor="child__case_ref", linkify=lambda record: record.child.get_absolute_url())
    name = tables.Column("Name", accessor="child__full_name")
    placement = tables.Column("Placement at risk", accessor="placement__category")
    provider = tables.Column("Provider", accessor="placement__provider__name", default="No provider")
    outcome = tables.Column("Outcome", default="Not known yet")
    outcome_date = DateColumn("Outcome known", default="")
    record = tables.TemplateColumn(template_name="panel/includes/consolidation_outcome.html", verbose_name="",
                                   exclude_from_export=True)

    class Meta:
        orderable = False
        empty_text = "No consolidation meetings recorded."

    def render_placement(self, record):
        return record.placement.get_category_display()
