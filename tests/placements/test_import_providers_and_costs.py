"""The providers and cost lines imports (SPEC section 5), and the README's example files."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from placements.choices import CostKind, Ownership, ProvisionKind, RecordSource
from placements.imports import ImportRefused, SourceFile
from placements.imports.costs import costs_apply, costs_plan
from placements.imports.providers import providers_apply, providers_plan
from placements.models import (Child, CostLine, Framework, FrameworkMembership, OfstedInspection, Placement, Provider,
                               RegisterEntry)
from placements.register import ratings
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db

PROVIDERS = "URN,NAME,OWNERSHIP,PROVISION,REGULATED,FRAMEWORK,POSTCODE"
COSTS = "CHILD,DECOM,KIND,DESCRIPTION,WEEKLY_AMOUNT,FROM,TO"
TODAY = date(2026, 11, 26)


def csv_file(name: str, header: str, *rows: str) -> SourceFile:
    return SourceFile(name, ("\n".join([header, *rows]) + "\n").encode())


def import_providers(*rows: str, header: str = PROVIDERS):
    plan = providers_plan([csv_file("providers.csv", header, *rows)], today=TODAY)
    assert not plan.result.errors, [str(e) for e in plan.result.errors]
    return providers_apply(plan)


def import_costs(*rows: str):
    plan = costs_plan([csv_file("costs.csv", COSTS, *rows)], today=TODAY)
    assert not plan.result.errors, [str(e) for e in plan.result.errors]
    return costs_apply(plan)


def refused(plan_function, name: str, header: str, *rows: str):
    plan = plan_function([csv_file(name, header, *rows)], today=TODAY)
    assert plan.result.errors
    with pytest.raises(ImportRefused):
        (providers_apply if plan_function is providers_plan else costs_apply)(plan)
    return plan.result.errors


# --- Providers -------------------------------------------------------------------------------


def test_new_providers_are_created_with_their_details():
    result = import_providers(
        "SC100001,Hillside Homes,external,childrens_home,yes,,EX1 1AA",
        ",Town Lodgings,external,Other arrangement,no,,",
    )
    assert result.counts["Providers"].new == 2
    hillside = Provider.objects.get(urn="SC100001")
    assert (hillside.ownership, hillside.provision, hillside.regulated, hillside.postcode) == (
        Ownership.EXTERNAL, ProvisionKind.CHILDRENS_HOME, True, "EX1 1AA")
    assert hillside.source == RecordSource.IMPORT
    lodgings = Provider.objects.get(name="Town Lodgings")
    assert (lodgings.urn, lodgings.regulated, lodgings.provision) == (None, False, ProvisionKind.OTHER)


def test_a_provider_is_matched_by_urn_or_else_by_name_and_updated():
    make_provider(name="Old Name", urn="SC100001", provision=ProvisionKind.CHILDRENS_HOME)
    make_provider(name="Town Lodgings", urn=None, provision=ProvisionKind.OTHER, regulated=False)
    result = import_providers(
        "sc100001,New Name,external,childrens_home,yes,,",
        ",town lodgings,external,other,no,,",
    )
    assert (result.counts["Providers"].changed, result.counts["Providers"].unchanged) == (2, 0)
    assert Provider.objects.get(urn="SC100001").name == "New Name"
    assert Provider.objects.count() == 2


def test_reimporting_providers_changes_nothing():
    rows = ["SC100001,Hillside Homes,internal,childrens_home,yes,,EX1 1AA"]
    import_providers(*rows)
    result = import_providers(*rows)
    assert (result.new, result.changed, result.unchanged) == (0, 0, 1)


def test_a_framework_membership_is_added_from_the_day_given():
    framework = Framework.objects.create(name="Regional Fostering", category="fostering_ifa", lead_authority="Anyshire")
    import_providers("SC100001,Hillside Fostering,external,fostering_agency,yes,Regional fostering,,01/04/2023",
                     header=PROVIDERS + ",FRAMEWORK_FROM")
    membership = FrameworkMembership.objects.get()
    assert (membership.framework, membership.start, membership.end) == (framework, date(2023, 4, 1), None)
    result = import_providers("SC100001,Hillside Fostering,external,fostering_agency,yes,Regional Fostering,")
    assert result.counts["Framework memberships"].unchanged == 1


@pytest.mark.parametrize("row, column, reason", [
    ("SC1,Home,outsourced,childrens_home,yes,,", "OWNERSHIP", "must be internal or external"),
    ("SC1,Home,external,castle,yes,,", "PROVISION", "is not a provision kind"),
    ("SC1,Home,external,childrens_home,maybe,,", "REGULATED", "must be yes or no"),
    ("SC1,,external,childrens_home,yes,,", "NAME", "NAME is missing"),
    ("SC1,Home,external,childrens_home,yes," + "F" * 151 + ",", "FRAMEWORK", "is longer than a framework's name"),
])
def test_a_bad_provider_row_is_refused_and_nothing_is_written(row, column, reason):
    [error] = refused(providers_plan, "providers.csv", PROVIDERS, "SC2,Fine Home,external,childrens_home,yes,,", row)
    assert (error.line, error.column) == (3, column) and reason in error.reason
    assert not Provider.objects.exists()


def test_a_provider_twice_in_the_file_is_refused():
    [error] = refused(providers_plan, "providers.csv", PROVIDERS, "SC1,Home,external,childrens_home,yes,,",
                      "SC1,Home again,external,childrens_home,yes,,")
    assert error.line == 3 and "also on line 2" in error.reason


def test_a_providers_file_with_other_columns_says_which_were_expected():
    [error] = refused(providers_plan, "list.csv", "NAME,TYPE", "Home,home")
    assert "URN, NAME, OWNERSHIP, PROVISION, REGULATED, FRAMEWORK, POSTCODE" in error.reason


# --- Cost lines ------------------------------------------------------------------------------


@pytest.fixture
def placement():
    child = make_child(case_ref="C1")
    return make_placement(child, make_provider(), start=date(2024, 1, 1), end=date(2024, 7, 1), reason_ended="moved")


def test_cost_lines_are_added_to_the_placement_that_started_on_decom(placement):
    result = import_costs("C1,01/01/2024,core,Core weekly fee,\"5,800.00\",01/01/2024,",
                          "C1,01/01/2024,additional,2:1 staffing,1500,01/01/2024,31/01/2024")
    assert result.counts["Cost lines"].new == 2
    additional, core = placement.cost_lines.order_by("kind")
    assert (additional.kind, additional.weekly_amount, additional.date_to) == (
        CostKind.ADDITIONAL, Decimal("1500.00"), date(2024, 1, 31))
    assert (core.kind, core.weekly_amount, core.date_from, core.date_to) == (
        CostKind.CORE, Decimal("5800.00"), date(2024, 1, 1), None)


def test_reimporting_cost_lines_changes_nothing_and_a_to_date_ends_a_line(placement):
    import_costs("C1,01/01/2024,core,Core weekly fee,5800,01/01/2024,")
    again = import_costs("C1,01/01/2024,core,Core weekly fee,5800.00,01/01/2024,")
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)
    ended = import_costs("C1,01/01/2024,core,Core weekly fee,5800,01/01/2024,31/03/2024",
                         "C1,01/01/2024,core,Core weekly fee,5200,01/04/2024,")
    assert (ended.new, ended.changed) == (1, 1)
    assert list(placement.cost_lines.order_by("date_from").values_list("weekly_amount", "date_to")) == [
        (Decimal("5800.00"), date(2024, 3, 31)), (Decimal("5200.00"), None)]


def test_a_cost_line_whose_amount_differs_from_the_one_recorded_is_refused(placement):
    make_cost_line(placement, "5800", date(2024, 1, 1))
    [error] = refused(costs_plan, "costs.csv", COSTS, "C1,01/01/2024,core,Core weekly fee,6000,01/01/2024,")
    assert error.column == "WEEKLY_AMOUNT" and "never by editing the amount" in error.reason


@pytest.mark.parametrize("row, column, reason", [
    ("C1,01/01/2024,core,Fee,100,31/12/2023,", "FROM", "is before the placement started"),
    ("C1,01/01/2024,core,Fee,100,01/07/2024,", "FROM", "is on or after the day the placement ended"),
    ("C1,01/01/2024,core,Fee,100,01/01/2024,02/07/2024", "TO", "is after the placement ended"),
    ("C1,01/01/2024,core,Fee,100,01/03/2024,01/02/2024", "TO", "is before FROM"),
    ("C9,01/01/2024,core,Fee,100,01/01/2024,", "CHILD", "is not a child known here"),
    ("C1,02/01/2024,core,Fee,100,02/01/2024,", "DECOM", "has no placement that started on this day"),
    ("C1,01/01/2024,extra,Fee,100,01/01/2024,", "KIND", "must be core or additional"),
    ("C1,01/01/2024,core,Fee,-5,01/01/2024,", "WEEKLY_AMOUNT", "is negative"),
    ("C1,01/01/2024,core,Fee,12.345,01/01/2024,", "WEEKLY_AMOUNT", "more than two decimal places"),
    ("C1,01/01/2024,core,Fee,lots,01/01/2024,", "WEEKLY_AMOUNT", "is not an amount of money"),
    ("C1,01/01/2024,core,Fee,999999999999999999999999999999,01/01/2024,", "WEEKLY_AMOUNT", "a week: check the figure"),
    ("C1,01/01/2024,core,Fee,100,30/02/2024,", "FROM", "is not a real date"),
])
def test_a_bad_cost_line_is_refused_and_nothing_is_written(placement, row, column, reason):
    errors = refused(costs_plan, "costs.csv", COSTS, "C1,01/01/2024,core,Good line,100,01/01/2024,", row)
    [error] = errors
    assert (error.file, error.line, error.column) == ("costs.csv", 3, column)
    assert reason in error.reason
    assert not CostLine.objects.exists()


def test_a_decom_inside_a_placement_points_to_the_day_it_started(placement):
    [error] = refused(costs_plan, "costs.csv", COSTS, "C1,01/03/2024,core,Fee,100,01/03/2024,")
    assert "The placement covering that day started on 01/01/2024." in error.reason


def test_the_same_cost_line_twice_in_a_file_is_refused(placement):
    [error] = refused(costs_plan, "costs.csv", COSTS, "C1,01/01/2024,core,Fee,100,01/01/2024,",
                      "C1,01/01/2024,core,fee,100,01/01/2024,")
    assert error.line == 3 and "also on line 2" in error.reason


def test_the_costs_command_exits_with_code_2_on_a_bad_file(tmp_path, placement, capsys):
    path = tmp_path / "costs.csv"
    path.write_text(f"{COSTS}\nC1,01/01/2024,core,Fee,100,01/01/2020,\n")
    with pytest.raises(CommandError) as raised:
        call_command("import_costs", str(path))
    assert raised.value.returncode == 2
    assert "costs.csv, line 2, CHILD C1, FROM: '01/01/2020' is before the placement started" in capsys.readouterr().err


# --- The README's example files --------------------------------------------------------------

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def test_the_readme_example_files_import_cleanly_in_order_and_again_change_nothing(capsys):
    steps = [
        ("import_providers", ["providers.csv"]),
        ("import_ofsted", ["ofsted_provider_level.csv"]),
        ("import_ssda903", ["ssda903_header.csv", "ssda903_episodes.csv"]),
        ("import_costs", ["costs.csv"]),
    ]
    for command, names in steps:
        call_command(command, *[str(FIXTURES / name) for name in names], verbosity=0)
    # Ofsted's file fills the register (3 entries) and leaves the provider list (3, from the providers file) alone.
    assert (Provider.objects.count(), RegisterEntry.objects.count(), OfstedInspection.objects.count()) == (3, 3, 3)
    assert (Child.objects.count(), Placement.objects.count(), CostLine.objects.count()) == (3, 6, 4)
    residential = Placement.objects.get(child__case_ref="EX0001", place_code="K2")
    assert residential.provider.name == "Example Children's Homes (Hillside)"
    assert [i.overall for i in ratings.inspections_of(residential.provider)] == ["requires_improvement"]
    capsys.readouterr()
    for command, names in steps:
        call_command(command, *[str(FIXTURES / name) for name in names], verbosity=0)
        assert ": 0 new, 0 changed," in capsys.readouterr().out
