"""The derived segments stay in step with the records through every kind of write (``placements.care.store``)."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placements.care import daily
from placements.care.store import care_segments_deferred, care_segments_rebuild
from placements.choices import LegalStatus
from placements.models import CareSegment, Child, LegalStatusPeriod, Placement
from placements.management.commands import rebuild_care_segments
from tests.factories import make_child, make_placement, make_provider

pytestmark = pytest.mark.django_db
FIELDS = rebuild_care_segments.FIELDS  # every column, what the segments carry of placement and child included
BASE = date(2023, 1, 1)


def maintained():
    return sorted(CareSegment.objects.values_list(*FIELDS))


def rebuilt():
    with transaction.atomic():
        care_segments_rebuild()
        rows = maintained()
        transaction.set_rollback(True)
    return rows


WRITES = st.lists(st.tuples(st.sampled_from(["add", "end", "delete", "status", "birthday", "period", "move",
                                             "category", "provider", "regulated", "ownership"]),
                            st.integers(0, 2), st.integers(0, 400)), min_size=1, max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=WRITES)
def test_after_any_sequence_of_writes_the_segments_are_what_a_rebuild_from_scratch_gives(writes):
    with transaction.atomic():
        children = [make_child(case_ref=f"K{n}", date_of_birth=date(2006, 6, 1) + timedelta(days=200 * n))
                    for n in range(3)]
        providers = [make_provider(name=f"P{n}", urn=f"SCK{n}") for n in range(2)]
        for which, child_number, days in writes:
            child = children[child_number]
            day = BASE + timedelta(days=days)
            placements = list(child.placements.order_by("pk"))
            if which == "add" or not placements:
                make_placement(child, providers[days % 2] if days % 3 else None, start=day,
                               place_provider="PR1" if days % 5 == 0 else "")
            elif which == "category":
                placement = placements[-1]
                placement.category = "unregulated" if placement.category != "unregulated" else "residential"
                placement.desired_not_met_market = not placement.desired_not_met_market
                placement.save()
            elif which == "provider":
                placement = placements[-1]
                placement.provider = None if placement.provider_id else providers[days % 2]
                placement.save()
            elif which == "regulated":
                provider = providers[days % 2]
                provider.regulated = not provider.regulated
                provider.save()
            elif which == "ownership":
                provider = providers[days % 2]
                provider.ownership = "internal" if provider.ownership == "external" else "external"
                provider.save()
            elif which == "end":
                placement = placements[-1]
                placement.end, placement.reason_ended = placement.start + timedelta(days=1 + days % 90), "other"
                placement.save()
            elif which == "delete":
                placements[0].delete()
            elif which == "status":
                placement = placements[-1]
                placement.legal_status = LegalStatus.V3 if placement.legal_status != LegalStatus.V3 else LegalStatus.C2
                placement.save()
            elif which == "birthday":
                child.date_of_birth = date(2005, 1, 1) + timedelta(days=days * 5)
                child.save()
            elif which == "period":
                LegalStatusPeriod.objects.get_or_create(child=child, start=day, defaults={
                    "legal_status": LegalStatus.V4 if days % 2 else LegalStatus.C1,
                    "end": day + timedelta(days=30)})
            elif which == "move":
                placement = placements[-1]
                placement.start = day
                if placement.end and placement.end <= day:
                    placement.end = None
                    placement.reason_ended = ""
                placement.save()
        assert maintained() == rebuilt()
        transaction.set_rollback(True)


def test_a_deferred_block_rebuilds_once_for_the_children_it_touched():
    child = make_child()
    with care_segments_deferred() as touched:
        placement = Placement.objects.bulk_create([Placement(child=child, category="residential", legal_status="C2",
                                                             start=BASE, came_from="home", route="spot")])[0]
        assert not CareSegment.objects.exists()  # not yet: at the end of the block
        touched.add(child.pk)
    assert list(CareSegment.objects.values_list("placement_id", "start")) == [(placement.pk, BASE)]


def test_deleting_a_child_takes_their_segments_and_rebuilds_nothing():
    child = make_child()
    make_placement(child, None, start=BASE)
    assert CareSegment.objects.count() == 1
    child.delete()
    assert not CareSegment.objects.exists() and not Child.objects.exists()


def test_the_command_finds_and_mends_a_table_out_of_step(capsys):
    child = make_child()
    make_placement(child, None, start=BASE)
    with connection.cursor() as cursor:  # a write that goes round the app
        cursor.execute("DELETE FROM placements_caresegment")
    with pytest.raises(CommandError, match="1 segment\\(s\\) and 0 daily figure\\(s\\) are out of step"):
        call_command("rebuild_care_segments", "--check")
    assert not CareSegment.objects.exists()
    call_command("rebuild_care_segments")
    assert "1 looked-after segments; 1 changed." in capsys.readouterr().out
    call_command("rebuild_care_segments", "--check")


def test_the_command_finds_and_mends_daily_figures_out_of_step(capsys):
    child = make_child()
    make_placement(child, None, start=BASE)
    # The days the child's figures change: looked after from BASE, a start and a new placement that day; long in
    # care from two years on; until the 18th birthday, a cease.
    days = len(daily.summed())
    assert days >= 3
    with connection.cursor() as cursor:  # a write that goes round the app
        cursor.execute("DELETE FROM placements_daychange")
    with pytest.raises(CommandError, match=f"0 segment\\(s\\) and {days} daily figure\\(s\\) are out of step"):
        call_command("rebuild_care_segments", "--check")
    call_command("rebuild_care_segments")
    assert f"{days} changed." in capsys.readouterr().out
    call_command("rebuild_care_segments", "--check")
    assert daily.totals_on(BASE)[()].looked_after == 1


def test_the_migrations_fill_of_the_carried_facts_is_what_a_rebuild_gives():
    """Migrations 0024 and 0026 filled the facts of every segment in a few statements of their own: the same values
    as the rebuild works out, whoever the provider, whatever the PLACE_PROVIDER, with moves into, out of and
    between temporary placements."""
    import importlib
    from types import SimpleNamespace

    unregistered = make_provider(name="Lodgings", urn=None, regulated=False)
    council = make_provider(name="Council", urn="SCCOUNCIL", ownership="internal")
    for n, (provider, place_provider, category) in enumerate([
            (unregistered, "", "supported_accommodation"), (council, "", "residential"), (None, "PR1", "fostering_internal"),
            (None, "PR4", "residential"), (None, "PR0", "unregulated"), (None, "", "residential")]):
        child = make_child(case_ref=f"F{n}", date_of_birth=date(2008, 1, 1) + timedelta(days=n))
        make_placement(child, provider, start=BASE, place_provider=place_provider, category=category,
                       desired_not_met_market=n % 2 == 0)
    mover = make_child(case_ref="MOVES", date_of_birth=date(2009, 5, 5))
    days = [0, 10, 15, 35, 65, None]  # each placement ends the day the next begins
    for n, code in enumerate(["U1", "T1", "U1", "R1", "U4"]):
        make_placement(mover, None, start=BASE + timedelta(days=days[n]), place_code=code, category="fostering_internal",
                       end=BASE + timedelta(days=days[n + 1]) if days[n + 1] is not None else None)
    kept = maintained()
    assert sum(row[FIELDS.index("begins_with_move")] for row in kept) == 2  # U1 to R1 to U4: not into or out of T1
    assert sum(row[FIELDS.index("begins_with_start")] for row in kept) == 7  # each of the six others, and the mover
    assert sum(row[FIELDS.index("ends_with_cease")] for row in kept) == 7  # every child at 18
    CareSegment.objects.update(child_date_of_birth=None, placement_start=None, placement_category="",
                               placement_ownership="", placement_unregulated=False,
                               placement_desired_not_met_market=False, placement_provider=None,
                               placement_place_code="", begins_with_start=False, begins_with_move=False,
                               ends_with_cease=False)
    with connection.cursor() as cursor:  # what a migration's RunPython uses of its schema editor
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        for name in ("0024_care_segments_carry_placement_facts", "0026_segments_carry_place_code_and_move"):
            importlib.import_module(f"placements.migrations.{name}").fill(None, editor)
    assert maintained() == kept
    assert {row[FIELDS.index("placement_ownership")] for row in kept} == {"internal", "external", ""}
    assert {row[FIELDS.index("placement_unregulated")] for row in kept} == {True, False}
