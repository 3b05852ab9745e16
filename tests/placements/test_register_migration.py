"""The migration that moves inspections from providers to Ofsted's register keeps every inspection and every
provider an existing database has (issue 19, item 4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("placements", "0017_child_name_index")]
AFTER = [("placements", "0020_inspections_by_urn")]


@pytest.mark.django_db(transaction=True)
def test_migrating_keeps_every_inspection_and_every_provider():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Provider = old.get_model("placements", "Provider")
    Inspection = old.get_model("placements", "OfstedInspection")
    common = {"ownership": "external", "provision": "childrens_home", "regulated": True, "status": "active"}
    rated = Provider.objects.create(name="Rated Home", urn="SC100001", postcode="WR1 2AB", local_authority="Anyshire",
                                    **common)
    closed = Provider.objects.create(name="Closed Home", urn="SC100002", **{**common, "status": "closed"})
    by_hand = Provider.objects.create(name="No URN But Inspected", urn=None, **common)
    lodgings = Provider.objects.create(name="Lodgings", urn=None, **{**common, "regulated": False})
    for provider, day, overall in [(rated, date(2022, 1, 1), "good"), (rated, date(2023, 6, 1), "inadequate"),
                                   (closed, date(2021, 3, 3), "outstanding"), (by_hand, date(2020, 5, 5), "good")]:
        Inspection.objects.create(provider=provider, inspection_date=day, overall=overall)
    providers_before = sorted(Provider.objects.values_list("pk", "name", "ownership", "status"))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Provider = new.get_model("placements", "Provider")
    Inspection = new.get_model("placements", "OfstedInspection")
    Entry = new.get_model("placements", "RegisterEntry")

    assert sorted(Provider.objects.values_list("pk", "name", "ownership", "status")) == providers_before
    urns = dict(Provider.objects.values_list("pk", "urn"))
    assert urns[by_hand.pk] == f"LOCAL-{by_hand.pk}" and urns[lodgings.pk] is None
    assert sorted(Inspection.objects.values_list("entry_id", "inspection_date", "overall")) == sorted([
        ("SC100001", date(2022, 1, 1), "good"), ("SC100001", date(2023, 6, 1), "inadequate"),
        ("SC100002", date(2021, 3, 3), "outstanding"), (f"LOCAL-{by_hand.pk}", date(2020, 5, 5), "good")])
    assert sorted(Entry.objects.values_list("urn", "name", "status", "postcode_key", "local_authority")) == sorted([
        ("SC100001", "Rated Home", "active", "WR12AB", "Anyshire"), ("SC100002", "Closed Home", "closed", "", ""),
        (f"LOCAL-{by_hand.pk}", "No URN But Inspected", "active", "", "")])

    # Back again (a migration can be reversed): each inspection returns to its provider.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    assert sorted(old.get_model("placements", "OfstedInspection").objects.values_list("provider_id", "overall")) == sorted(
        [(rated.pk, "good"), (rated.pk, "inadequate"), (closed.pk, "outstanding"), (by_hand.pk, "good")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
