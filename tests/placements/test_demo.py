"""The demo authority is generated, deterministic, calibrated to the source papers, and replaceable."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Avg, Sum

from placements import demo, rules, selectors
from placements.models import Child, CostLine, Placement, Provider
from tests.factories import make_child, make_placement, make_provider

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def authority(django_db_setup, django_db_blocker):
    """One 700-child authority shared by this module's read-only tests, removed afterwards."""
    with django_db_blocker.unblock():
        demo.demo_authority_build(children=700, today=TODAY, seed=2023)
        yield
        demo.demo_remove()


def fingerprint():
    return (
        list(Child.objects.order_by("case_ref").values_list("case_ref", "given_name", "date_of_birth")[:50]),
        Placement.objects.count(),
        CostLine.objects.aggregate(total=Sum("weekly_amount"))["total"],
    )


def test_the_demo_has_about_700_looked_after_and_651_in_paid_placements(authority):
    figures = selectors.day_counts(TODAY)
    assert figures.looked_after == 700
    assert figures.in_paid_placements == 651
    assert figures.residential_share == Decimal(14)


@pytest.mark.parametrize("category, paper_share", [("residential", 40), ("fostering_ifa", 83),
                                                    ("supported_accommodation", 55)])
def test_external_framework_shares_are_the_papers(authority, category, paper_share):
    external = selectors.looked_after_placements(TODAY).filter(category=category, provider__ownership="external")
    share = rules.share(external.filter(route="framework").count(), external.count())
    assert abs(share - paper_share) <= 2


@pytest.mark.parametrize("category, route, paper_fee", [
    ("residential", "framework", 5761), ("residential", "spot", 5821),
    ("fostering_ifa", "framework", 880), ("fostering_ifa", "spot", 1025),
    ("supported_accommodation", "framework", 806), ("supported_accommodation", "spot", 1310),
])
def test_average_weekly_fees_are_close_to_the_papers_table(authority, category, route, paper_fee):
    placements = selectors.looked_after_placements(TODAY).filter(category=category, route=route,
                                                                 provider__ownership="external")
    average = CostLine.objects.filter(selectors.in_force(TODAY), kind="core", placement__in=placements).aggregate(
        average=Avg("weekly_amount"))["average"]
    assert abs(average - paper_fee) / paper_fee < Decimal("0.06")


def test_the_demo_has_three_financial_years_of_history_with_moves_and_ceases(authority):
    for year in (2023, 2024, 2025):
        starts = Placement.objects.filter(start__range=(date(year, 4, 1), date(year + 1, 3, 31)))
        ended = Placement.objects.filter(end__range=(date(year, 4, 1), date(year + 1, 3, 31)))
        assert starts.filter(category="residential").count() > 40
        assert ended.filter(reason_ended__in=["moved", "breakdown"]).exists()
        assert ended.filter(reason_ended__in=["returned_home", "turned_18", "adopted", "special_guardianship"]).count() > 150


def test_the_demo_has_downgrades_dol_orders_and_add_ons_that_end(authority):
    from placements.models import DeprivationOfLiberty, OfstedInspection

    assert OfstedInspection.objects.filter(overall="inadequate").exists()
    assert DeprivationOfLiberty.objects.filter(end__isnull=True).exists()
    assert CostLine.objects.filter(kind="additional", date_to__lt=TODAY).exists()
    assert CostLine.objects.filter(kind="additional", date_to__isnull=True).exists()


def test_no_demo_placement_overlaps_another_of_the_same_child(authority):
    previous = {}
    for p in Placement.objects.order_by("child_id", "start"):
        last = previous.get(p.child_id)
        assert last is None or (last.end is not None and last.end <= p.start), p.child_id
        previous[p.child_id] = p


def test_every_demo_cost_line_lies_within_its_placement(authority):
    for line in CostLine.objects.select_related("placement"):
        line.full_clean()


def test_the_same_seed_gives_the_same_demo():
    demo.demo_authority_build(children=70, today=TODAY, seed=7)
    first = fingerprint()
    demo.demo_authority_build(children=70, today=TODAY, seed=7)
    assert fingerprint() == first


def test_re_running_replaces_the_demo_and_keeps_real_records():
    real_child = make_child(case_ref="REAL-1")
    real_provider = make_provider(name="A real provider", urn="SC999")
    make_placement(real_child, real_provider)
    demo.demo_authority_build(children=70, today=TODAY, seed=7)
    count = Child.objects.count()
    demo.demo_authority_build(children=70, today=TODAY, seed=7)
    assert Child.objects.count() == count
    assert Child.objects.filter(case_ref="REAL-1").exists()
    assert Provider.objects.filter(name="A real provider").exists()
    assert User.objects.filter(username="officer", groups__name="placements_officer").exists()


def test_the_command_scales_and_prints_the_logins(capsys):
    call_command("load_demo", "--children", "35", "--today", "2026-11-26")
    out = capsys.readouterr().out
    assert "officer" in out and demo.DEMO_PASSWORD in out
    assert selectors.day_counts(TODAY).looked_after == 35

