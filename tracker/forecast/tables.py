"""The lists of saved scenarios and of the places held."""

import django_tables2 as tables

from tracker.models import PlacementCapacity, Scenario


class ScenarioTable(tables.Table):
    name = tables.Column("Scenario", linkify=True)
    author = tables.Column("Made by", accessor="author__username")
    created_at = tables.DateTimeColumn(format="j F Y H:i", verbose_name="Saved")
    changes = tables.Column("What it changes", accessor="pk", orderable=False, empty_values=())

    class Meta:
        model = Scenario
        fields = ["name", "author", "created_at"]
        empty_text = "No scenarios saved yet."

    def render_changes(self, record):
        return "; ".join(record.scenario_settings.describe())

    def value_changes(self, record):
        return self.render_changes(record)


class PlacementCapacityTable(tables.Table):
    category = tables.Column("Category")
    in_house_places = tables.Column("In-house places", attrs={"th": {"class": "govuk-table__header--numeric"},
                                                              "td": {"class": "govuk-table__cell--numeric"}})
    framework_places = tables.Column("Framework places", attrs={"th": {"class": "govuk-table__header--numeric"},
                                                                "td": {"class": "govuk-table__cell--numeric"}})
    edit = tables.LinkColumn("tracker_capacity_update", args=[tables.A("pk")], text="Change", verbose_name="",
                             orderable=False, exclude_from_export=True)

    class Meta:
        model = PlacementCapacity
        fields = ["category", "in_house_places", "framework_places"]
        empty_text = "No places recorded yet: all forecast demand counts as spot."
