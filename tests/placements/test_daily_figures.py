"""The daily figures (``placements.care.daily``): kept as the data changes, they are what a recount from the records
gives, through every kind of write, and the pages' counts read them (issue 17, item 1)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placements import selectors
from placements.care import daily
from placements.care.store import care_segments_deferred
from placements.choices import LegalStatus, Ownership, PlacementCategory
from placements.models import CareSegment, Child, CostLine, DayChange, Placement
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db
BASE = date(2023, 1, 1)


def recount(on: date) -> dict[str, dict]:
    """The figures on ``on`` worked out plainly from the records, by team, sharing nothing with the app but
    the looked-after segments (tested on their own in test_care_store.py)."""
    def in_force(line):
        return line.date_from <= on and (line.date_to is None or on <= line.date_to)

    teams: dict[str, dict] = {}
    for segment in CareSegment.objects.select_related("child", "placement"):
        if not (segment.start <= on and (segment.end is None or on < segment.end)):
            continue
        weekly = sum((line.weekly_amount for line in segment.placement.cost_lines.all() if in_force(line)), Decimal(0))
        team = teams.setdefault(segment.child.team, {"looked_after": 0, "paid": 0, "cost": Decimal("0.00")})
        team["looked_after"] += 1
        team["paid"] += weekly > 0
        team["cost"] += weekly
    charged = Decimal("0.00")
    for line in CostLine.objects.select_related("placement"):
        placement = line.placement
        if in_force(line) and placement.start <= on and (placement.end is None or on < placement.end):
            charged += line.weekly_amount
    return {"teams": teams, "charged": charged}


def kept(on: date) -> dict[str, dict]:
    by_team = daily.totals_on(on, by=("team",))
    teams = {team: {"looked_after": f.looked_after, "paid": f.paid, "cost": f.cost}
             for (team,), f in by_team.items() if f.looked_after}
    return {"teams": teams, "charged": sum((f.charged for f in by_team.values()), Decimal("0.00"))}


def from_scratch() -> dict:
    with transaction.atomic():
        daily.rebuild_all()
        rows = daily.summed()
        transaction.set_rollback(True)
    return rows


def test_a_childs_changes_follow_their_segment_and_cost_lines():
    child = make_child(team="North")
    placement = make_placement(child, make_provider(), start=date(2024, 1, 1), end=date(2024, 3, 1),
                               category=PlacementCategory.RESIDENTIAL)
    make_cost_line(placement, "700.00", date(2024, 1, 1), date(2024, 1, 31))
    make_cost_line(placement, "1400.00", date(2024, 2, 1))
    on = daily.totals_on
    assert on(date(2023, 12, 31)) == {}
    jan = on(date(2024, 1, 15))[()]
    assert (jan.looked_after, jan.paid, jan.cost, jan.charged) == (1, 1, Decimal("700.00"), Decimal("700.00"))
    feb = on(date(2024, 2, 29))[()]  # the placement's last day: the second line alone, still charged
    assert (feb.looked_after, feb.paid, feb.cost, feb.charged) == (1, 1, Decimal("1400.00"), Decimal("1400.00"))
    assert on(date(2024, 3, 1)) == {}  # left: nothing counted, nothing charged, although the line has no end
    by = daily.totals_on(date(2024, 1, 15), by=("team", "category", "ownership"))
    assert list(by) == [("North", PlacementCategory.RESIDENTIAL, Ownership.EXTERNAL)]


def test_a_short_break_is_charged_but_not_looked_after_and_a_line_at_nothing_is_not_paid():
    child = make_child()
    short_break = make_placement(child, None, start=date(2024, 1, 1), legal_status=LegalStatus.V3)
    make_cost_line(short_break, "300.00", date(2024, 1, 1))
    other = make_child(case_ref="C0002")
    free = make_placement(other, None, start=date(2024, 1, 1))
    make_cost_line(free, "0.00", date(2024, 1, 1))
    figures = daily.totals_on(date(2024, 1, 10))[()]
    assert (figures.looked_after, figures.paid, figures.charged) == (1, 0, Decimal("300.00"))
    assert selectors.day_counts(date(2024, 1, 10)).weekly_cost == Decimal("300.00")


def test_spend_over_a_week_is_rule_c2_to_the_penny():
    child = make_child()
    placement = make_placement(child, None, start=date(2024, 1, 3), end=date(2024, 1, 6))  # 3, 4 and 5 January
    make_cost_line(placement, "100.00", date(2024, 1, 1))
    make_cost_line(placement, "0.07", date(2024, 1, 5), date(2024, 1, 5))
    assert daily.spend(date(2024, 1, 1), date(2024, 1, 7)) == (Decimal("300.07") / 7)
    assert daily.spend(date(2024, 1, 4), date(2024, 1, 4)) == (Decimal("100.00") / 7)
    assert daily.spend(date(2024, 1, 6), date(2024, 1, 7)) == 0


WRITES = st.lists(st.tuples(
    st.sampled_from(["add", "end", "delete", "status", "birthday", "team", "line", "end line", "drop line",
                     "ownership", "category", "delete child", "bulk line", "compact"]),
    st.integers(0, 2), st.integers(0, 400)), min_size=1, max_size=14)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=WRITES)
def test_after_any_sequence_of_writes_the_kept_figures_are_a_recount_and_a_rebuild_from_scratch(writes):
    with transaction.atomic():
        providers = [make_provider(name=f"P{n}", urn=f"SC9{n}", ownership=Ownership.EXTERNAL) for n in range(2)]
        children = [make_child(case_ref=f"K{n}", team=f"Team {n % 2}",
                               date_of_birth=date(2006, 6, 1) + timedelta(days=200 * n)) for n in range(3)]
        for which, number, days in writes:
            child = children[number]
            day = BASE + timedelta(days=days)
            if not Child.objects.filter(pk=child.pk).exists():
                children[number] = child = make_child(case_ref=f"K{number}-{days}", team="Team new")
            placements = list(child.placements.order_by("pk"))
            if which == "add" or not placements:
                make_placement(child, providers[days % 2] if days % 3 else None, start=day,
                               category=PlacementCategory.RESIDENTIAL if days % 2 else PlacementCategory.FOSTERING_IFA)
                continue
            placement = placements[-1]
            lines = list(placement.cost_lines.order_by("pk"))
            if which == "end":
                placement.end, placement.reason_ended = placement.start + timedelta(days=1 + days % 90), "other"
                placement.save()
            elif which == "delete":
                placements[0].delete()
            elif which == "status":
                placement.legal_status = LegalStatus.V3 if placement.legal_status != LegalStatus.V3 else LegalStatus.C2
                placement.save()
            elif which == "birthday":
                child.date_of_birth = date(2005, 1, 1) + timedelta(days=days * 5)
                child.save()
            elif which == "team":
                child.team = f"Team {days % 3}"
                child.save()
            elif which == "line":
                make_cost_line(placement, f"{days * 3}.{days % 100:02d}", day - timedelta(days=days % 50),
                               day + timedelta(days=days % 70) if days % 4 else None)
            elif which == "end line" and lines:
                lines[-1].date_to = lines[-1].date_from + timedelta(days=days % 40)
                lines[-1].save()
            elif which == "drop line" and lines:
                lines[0].delete()
            elif which == "ownership":
                provider = providers[days % 2]
                provider.ownership = Ownership.INTERNAL if provider.ownership == Ownership.EXTERNAL else Ownership.EXTERNAL
                provider.save()
            elif which == "category":
                placement.category = PlacementCategory.SUPPORTED_ACCOMMODATION if placement.category != PlacementCategory.SUPPORTED_ACCOMMODATION \
                    else PlacementCategory.FOSTERING_IFA
                placement.save()
            elif which == "delete child":
                child.delete()
            elif which == "compact":  # then read through the opening figures of the month
                daily.compact()
            elif which == "bulk line":  # as an import writes: no signals, the children named to the deferred block
                with care_segments_deferred() as touched:
                    CostLine.objects.bulk_create([CostLine(placement=placement, kind="core", description="Imported",
                                                           weekly_amount=Decimal(days), date_from=day)])
                    touched.add(child.pk)
        assert daily.summed() == from_scratch()
        for offset in range(0, 480, 37):
            on = BASE + timedelta(days=offset)
            assert kept(on) == recount(on), on
        for month in range(1, 16, 4):  # month ends: read through the next month's opening figures once compacted
            on = date(2023 + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            assert kept(on) == recount(on), on
        transaction.set_rollback(True)


def test_compacting_keeps_every_figure_and_spend_on_every_day_and_reads_a_months_rows_not_all():
    for number in range(6):
        child = make_child(case_ref=f"C{number}", team="North" if number % 2 else "South")
        placement = make_placement(child, None, start=date(2023, 1, 1) + timedelta(days=40 * number),
                                   end=date(2024, 6, 1) if number % 3 else None)
        make_cost_line(placement, f"{100 + number}.00", date(2023, 1, 1), date(2023, 11, 30) if number % 2 else None)
    days = [date(2022, 12, 31) + timedelta(days=n) for n in range(0, 700, 11)]
    before = {day: daily.figures_on([day], by=("team",)) for day in days}
    spend_before = [daily.spend(day, day + timedelta(days=45)) for day in days]
    summed = daily.summed()
    daily.compact()
    assert not DayChange.objects.filter(kind=DayChange.APPENDED).exists()
    assert daily.summed() == summed
    assert {day: daily.figures_on([day], by=("team",)) for day in days} == before
    assert [daily.spend(day, day + timedelta(days=45)) for day in days] == spend_before
    march = daily.totals_on(date(2023, 3, 15))[()].looked_after
    assert march == 2  # two of the six had begun by then
    make_placement(make_child(case_ref="LATER"), None, start=date(2023, 3, 10))  # appended after compacting
    assert daily.totals_on(date(2023, 3, 15))[()].looked_after == march + 1
    daily.compact()  # again, over its own opening figures: nothing counted twice
    assert daily.totals_on(date(2023, 3, 15))[()].looked_after == march + 1
    assert daily.totals_on(date(2023, 5, 15))[()].looked_after == 4 + 1


def test_month_ends_read_through_the_opening_figures_are_the_figures_read_through_every_change():
    """The dashboard's months: on the last day of a month the figures are the next month's opening figures and
    what was appended since compaction. Every measure by every dimension, before compacting, after, with changes
    appended after it, and on month ends past the last opening figures, equals the figures read day by day
    through the changes (a day that is no month end among those asked for makes ``levels`` read them so)."""
    for number in range(8):
        child = make_child(case_ref=f"C{number}", team=f"Team {number % 3}",
                           date_of_birth=date(2008, 2, 29) + timedelta(days=300 * number))
        provider = make_provider(name=f"P{number}", urn=f"SC8{number}",
                                 ownership=Ownership.EXTERNAL if number % 2 else Ownership.INTERNAL)
        first = make_placement(child, provider, start=date(2023, 1, 3) + timedelta(days=37 * number),
                               end=date(2023, 9, 1) + timedelta(days=11 * number),
                               category=PlacementCategory.RESIDENTIAL if number % 3 else PlacementCategory.FOSTERING_IFA)
        make_cost_line(first, f"{900 + number}.00", first.start, None)
        second = make_placement(child, None, start=first.end, planned_end=date(2025, 2, 28) if number % 2 else None)
        make_cost_line(second, f"{400 + number}.50", second.start + timedelta(days=number), None)
    month_ends = [date(2023 + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1) for month in range(30)]
    measures, by = daily.MEASURES, ("team", "category", "ownership")

    def through_every_change():
        extra = date(2023, 6, 15)  # not a month end
        figures = daily.levels([*month_ends, extra], measures, by)
        return {day: figures[day] for day in month_ends}

    def both_ways():
        return daily.levels(month_ends, measures, by), through_every_change()

    fast, slow = both_ways()
    assert fast == slow and any(fast.values())
    daily.compact()
    assert DayChange.objects.filter(kind=DayChange.OPENING).exists()
    assert both_ways() == (slow, slow)
    later = make_placement(make_child(case_ref="LATER", team="Team 9"), None, start=date(2023, 11, 20))  # appended
    make_cost_line(later, "123.45", date(2023, 11, 20), date(2024, 3, 31))
    fast, slow = both_ways()
    assert fast == slow and ("Team 9",) in {group[:1] for group in fast[date(2023, 12, 31)]}
    past_the_openings = date(2031, 1, 31)
    assert daily.levels([past_the_openings], measures, by)[past_the_openings] == \
        daily.levels([date(2031, 1, 30), past_the_openings], measures, by)[past_the_openings]


def test_a_reader_compacts_when_many_rows_were_appended(monkeypatch):
    monkeypatch.setattr(daily, "COMPACT_AT", 2)  # rows read, up to the day asked for
    for number in range(3):
        make_placement(make_child(case_ref=f"C{number}"), None, start=date(2024, 1, 1))
    assert DayChange.objects.filter(kind=DayChange.APPENDED).count() > 3
    assert daily.totals_on(date(2024, 1, 5))[()].looked_after == 3
    assert not DayChange.objects.filter(kind=DayChange.APPENDED).exists()
    assert daily.totals_on(date(2024, 1, 5))[()].looked_after == 3


def test_the_weekly_trackers_counts_are_the_kept_figures(client, django_user_model):
    child = make_child(team="East")
    placement = make_placement(child, make_provider(), start=date(2024, 1, 1))
    make_cost_line(placement, "2100.00", date(2024, 1, 1))
    tracker = __import__("tracker.selectors", fromlist=["weekly_tracker"]).weekly_tracker(date(2024, 1, 7))
    assert (tracker.figures.looked_after, tracker.figures.in_paid_placements) == (1, 1)
    assert tracker.figures.weekly_spend == Decimal("2100.00")
    assert [(row.team, row.looked_after, row.weekly_cost) for row in tracker.teams] == [("East", 1, Decimal("2100.00"))]
    Placement.objects.filter(pk=placement.pk).update(end=date(2024, 1, 5))  # round the app: not counted until mended
    assert selectors.day_counts(date(2024, 1, 7)).looked_after == 1
    from placements.care.store import care_segments_rebuild

    care_segments_rebuild([child.pk])
    assert selectors.day_counts(date(2024, 1, 7)).looked_after == 0


def test_an_ssda903_imports_new_children_are_counted_as_a_rebuild_counts_them(monkeypatch):
    """The import counts its new children's figures and their segments' carried facts from what it wrote
    (``daily.count_new``, ``facts.carried``), and refreshes the
    children it changed: five years of a third party's return imported in turn (the first year all new children,
    later ones mostly changes), with providers whose ownership is the opposite of the return's PLACE_PROVIDER
    (the provider's record wins), give the rows a rebuild from scratch gives, and the looked-after count of a
    day in each year is a plain count of the segments."""
    from pathlib import Path

    from placements.imports import SourceFile
    from placements.imports.ssda903 import ssda903_apply, ssda903_plan

    from placements.imports import ssda903

    # The new children's figures worked out in a process of their own, as a region's import does (every smaller
    # import test counts them in its own process).
    monkeypatch.setattr(ssda903, "COUNTED_ASIDE_FROM", 0)
    returns = Path(__file__).parent.parent / "data" / "ssda903" / "demand-model-v1"
    make_provider(name="Home taken as ours", urn="7709113", ownership=Ownership.EXTERNAL)  # PR1 in the return
    make_provider(name="Agency taken as ours", urn="9756063", ownership=Ownership.INTERNAL)  # PR4 in the return
    for year in sorted(p for p in returns.iterdir() if p.is_dir()):
        files = [SourceFile(f"{year.name}/{path.name}", path.read_bytes()) for path in sorted(year.glob("*.csv"))]
        result = ssda903_apply(ssda903_plan(files, today=date(2026, 12, 1)))
        assert result.applied, result.errors
    assert DayChange.objects.exists()
    assert daily.summed() == from_scratch()
    # What the segments carry of their placements, worked out from what the import wrote, as a rebuild reads it.
    from placements.care.store import care_segments_rebuild
    from placements.management.commands.rebuild_care_segments import FIELDS

    written = sorted(CareSegment.objects.values_list(*FIELDS))
    with transaction.atomic():
        care_segments_rebuild()
        assert sorted(CareSegment.objects.values_list(*FIELDS)) == written
        transaction.set_rollback(True)
    assert CareSegment.objects.filter(placement_provider__urn="9756063", placement_ownership=Ownership.INTERNAL).exists()
    for on in (date(2017, 9, 30), date(2019, 3, 31), date(2021, 12, 31)):
        counted = CareSegment.objects.filter(start__lte=on).exclude(end__lte=on).count()
        assert sum(f.looked_after for f in daily.totals_on(on, by=("team",)).values()) == counted > 0
    ours = Placement.objects.filter(provider__urn="9756063").first()
    assert ours is not None
    assert daily.totals_on(ours.start, by=("ownership",)).get((Ownership.INTERNAL,)) is not None
