"""The data version moves with every change the figures read, however it is written, and the trackers
and dashboard show remembered figures only while nothing has changed (placements.freshness)."""

from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from placements import freshness
from placements.care.store import care_segments_rebuild
from placements.models import Child, CostLine, Placement
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db

SUNDAY = date(2024, 3, 10)


def test_every_table_the_figures_read_has_a_trigger():
    """A new model in these apps fails here until a migration installs its trigger
    (``freshness.install_triggers(schema_editor, [table])`` in a RunPython)."""
    tables = freshness.watched_tables(apps)
    assert {"placements_placement", "placements_costline", "placements_child", "panel_panelreview",
            "tracker_budget", "placements_provider", "placements_ofstedinspection"} <= set(tables)
    assert set(tables) <= freshness.tables_with_triggers()
    assert "placements_importupload" not in freshness.tables_with_triggers()


def write_by(way: str, child: Child) -> None:
    if way == "save":
        child.family_name = "Renamed"
        child.save()
    elif way == "bulk_create":
        Child.objects.bulk_create([Child(case_ref="BULK1", date_of_birth=date(2012, 1, 1))])
    elif way == "update":
        Child.objects.filter(pk=child.pk).update(team="North")
    elif way == "delete":
        Child.objects.filter(pk=child.pk).delete()
    elif way == "raw SQL":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE placements_child SET team = %s WHERE id = %s", ["South", child.pk])


@pytest.mark.parametrize("way", ["save", "bulk_create", "update", "delete", "raw SQL"])
def test_the_version_moves_however_a_record_is_written(way):
    child = make_child(case_ref="V001")
    before = freshness.data_version()
    write_by(way, child)
    assert freshness.data_version() != before


def test_reading_and_an_update_of_nothing_leave_the_version_alone():
    make_child(case_ref="V001")
    before = freshness.data_version()
    list(Child.objects.all())
    Placement.objects.count()
    assert freshness.data_version() == before


def test_a_figure_is_computed_once_until_the_data_changes():
    calls = []

    def compute(day):
        calls.append(day)
        return Child.objects.count()

    make_child(case_ref="V001")
    assert freshness.remembered("children", compute, SUNDAY) == 1
    assert freshness.remembered("children", compute, SUNDAY) == 1
    assert len(calls) == 1  # remembered
    assert freshness.remembered("children", compute, date(2024, 3, 17)) == 1
    assert len(calls) == 2  # other arguments, another figure
    make_child(case_ref="V002")
    assert freshness.remembered("children", compute, SUNDAY) == 2  # the data changed: computed again
    assert len(calls) == 3


def test_a_figure_read_from_another_database_is_never_given_for_this_one(monkeypatch):
    """One cache, two databases whose versions are the same numbers (two deployments sharing a cache, or a
    benchmark moving between databases): each database's figure is its own."""
    make_child(case_ref="V001")
    assert freshness.remembered("children", lambda day: "this database's figure", SUNDAY) == "this database's figure"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(connection.settings_dict["NAME"]) + "-another")
    assert freshness.remembered("children", lambda day: "the other's figure", SUNDAY) == "the other's figure"


def test_a_figure_computed_by_other_code_is_never_given_after_a_deployment(monkeypatch):
    """A cache shared by the app's servers outlives a deployment: a figure kept by the code before it (its
    numbers by an old definition, its shape an old class's) is computed again by the new code."""
    make_child(case_ref="V001")
    assert freshness.remembered("children", lambda day: "by the old code", SUNDAY) == "by the old code"
    assert freshness.remembered("children", lambda day: "by the new code", SUNDAY) == "by the old code"  # same code
    monkeypatch.setattr(freshness, "code_version", lambda: "the next release")
    assert freshness.remembered("children", lambda day: "by the new code", SUNDAY) == "by the new code"


def test_the_code_version_follows_a_change_to_any_apps_module(tmp_path, settings):
    for app in ("placements", "tracker", "panel"):
        (tmp_path / app / "sub").mkdir(parents=True)
        (tmp_path / app / "sub" / "rules.py").write_text("LIMIT = 1\n")
    settings.BASE_DIR = tmp_path
    versions = []
    try:
        for app in ("placements", "tracker", "panel"):
            freshness.code_version.cache_clear()
            versions.append(freshness.code_version())
            (tmp_path / app / "sub" / "rules.py").write_text("LIMIT = 2\n")
        freshness.code_version.cache_clear()
        versions.append(freshness.code_version())
        assert len(set(versions)) == 4  # each app's change gave another version
        assert freshness.code_version() == versions[-1]  # worked out once a process
    finally:
        freshness.code_version.cache_clear()


def test_the_weekly_tracker_shows_a_placement_bulk_inserted_after_it_was_first_read(client, admin_user):
    client.force_login(admin_user)
    url = reverse("tracker_weekly") + f"?week_ending={SUNDAY}"
    home = make_provider(name="Oak House", urn="SC1")
    first = make_placement(make_child(case_ref="W001"), home, category="residential", start=date(2023, 1, 1))
    make_cost_line(first, "5000", first.start)
    assert client.get(url).context["tracker"].figures.looked_after == 1

    with CaptureQueriesContext(connection) as again:
        assert client.get(url).context["tracker"].figures.looked_after == 1
    with CaptureQueriesContext(connection) as fresh_view:
        client.get(url + "&fresh=1")  # same figures (the filter form ignores it), so also remembered
    # Only the tables are written again for the new address (tracker.weekly_page): the figures are not counted.
    assert not [query for query in fresh_view.captured_queries if "placements_daychange" in query["sql"]]
    with CaptureQueriesContext(connection) as fresh_again:
        client.get(url + "&fresh=1")
    assert len(again) == len(fresh_again)

    # As an import writes: bulk inserts, no model signals.
    child = Child.objects.bulk_create([Child(case_ref="W002", date_of_birth=date(2012, 1, 1))])[0]
    placement = Placement.objects.bulk_create([Placement(child=child, provider=home, category="residential",
                                                         start=date(2024, 3, 5))])[0]
    CostLine.objects.bulk_create([CostLine(placement=placement, description="Core fee", weekly_amount="6000",
                                           date_from=date(2024, 3, 5))])
    care_segments_rebuild([child.pk])  # bulk inserts send no signals: a bulk writer rebuilds, as the import does
    tracker = client.get(url).context["tracker"]
    assert tracker.figures.looked_after == 2
    assert tracker.figures.starts == 1


def test_the_remembered_dashboard_makes_fewer_queries_and_shows_a_change(client, admin_user):
    client.force_login(admin_user)
    home = make_provider(name="Oak House", urn="SC1")
    placement = make_placement(make_child(case_ref="D001"), home, category="residential", start=date(2024, 1, 1))
    make_cost_line(placement, "5000", placement.start)
    url = reverse("tracker_dashboard") + "?start=2024-01&end=2024-03"
    with CaptureQueriesContext(connection) as first_view:
        first = client.get(url)
    with CaptureQueriesContext(connection) as second_view:
        second = client.get(url)
    assert len(second_view) < len(first_view)
    assert second.content.count(b"Oak House") == first.content.count(b"Oak House")
    assert first.context["charts"][0].table.table.data[-1]["looked_after"] == 1

    make_placement(make_child(case_ref="D002"), home, category="residential", start=date(2024, 2, 1))
    assert client.get(url).context["charts"][0].table.table.data[-1]["looked_after"] == 2


# --- Each writer invalidates only what it changed (issue 17, item 2) -----------------------------------------

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="SQLite keeps one version for all tables: any write recomputes")


def counted(calls):
    def compute(day):
        calls.append(day)
        return Placement.objects.filter(child__team="North").count()
    return compute


@on_postgresql
def test_a_figure_is_computed_again_only_when_a_table_it_read_changes():
    calls = []
    child = make_child(case_ref="T001", team="North")
    placement = make_placement(child, make_provider())
    assert freshness.remembered("north placements", counted(calls), SUNDAY) == 1
    # A write to a table the figure never read (cost lines): kept.
    make_cost_line(placement, "100.00", placement.start)
    assert freshness.remembered("north placements", counted(calls), SUNDAY) == 1
    assert len(calls) == 1
    # A write to a table it read only through a join (children): computed again.
    make_child(case_ref="T002", team="North").placements.create(provider=placement.provider, start=placement.start,
                                                                category=placement.category)
    assert freshness.remembered("north placements", counted(calls), SUNDAY) == 2
    assert len(calls) == 2
    Child.objects.filter(pk=child.pk).update(team="South")  # the joined table alone
    assert freshness.remembered("north placements", counted(calls), SUNDAY) == 1
    assert len(calls) == 3


@on_postgresql
def test_a_figure_that_uses_another_is_computed_again_when_the_others_tables_change():
    inner_calls, outer_calls = [], []

    def inner():
        inner_calls.append(1)
        return CostLine.objects.count()

    def outer(day):
        outer_calls.append(day)
        return Child.objects.count() * 1000 + freshness.remembered("lines", inner)

    child = make_child(case_ref="T003")
    placement = make_placement(child, make_provider())
    assert freshness.remembered("lines", inner) == 0  # the inner figure is already kept...
    assert freshness.remembered("outer", outer, SUNDAY) == 1000
    assert freshness.remembered("outer", outer, SUNDAY) == 1000
    assert len(outer_calls) == 1
    make_cost_line(placement, "100.00", placement.start)  # ...so only its tables say the outer read cost lines
    assert freshness.remembered("outer", outer, SUNDAY) == 1001
    assert len(outer_calls) == 2


@on_postgresql
def test_figures_read_from_the_derived_segments_see_a_rebuild():
    from placements.models import CareSegment

    calls = []

    def segments():
        calls.append(1)
        return CareSegment.objects.count()

    child = make_child(case_ref="T004", date_of_birth=date(2012, 1, 1))
    before = freshness.remembered("segments", segments)
    make_placement(child, make_provider(), start=date(2024, 1, 1))  # the signal rebuilds the child's segments
    assert freshness.remembered("segments", segments) == before + 1
    assert len(calls) == 2
