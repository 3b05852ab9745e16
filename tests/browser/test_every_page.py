"""Every page, in a real browser: status, console, no third-party requests, WCAG 2.2 AA (axe-core)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from placements.demo import demo_authority_build
from placements.models import Child
from tests.browser.waits import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots land in test-artifacts/ (not committed); the README's pictures are taken on purpose.
SCREENSHOT = settings.BASE_DIR / "test-artifacts" / "screenshots" / "home.png"


def first_row_link(tab, pattern: str) -> str:
    """The first link in a table row whose address matches ``pattern`` (a detail page)."""
    hrefs = [a.get_attribute("href") for a in tab.page.locator("table tbody tr a[href]").all()]
    matching = [href for href in hrefs if re.fullmatch(pattern, href.split("?")[0])]
    assert matching, f"no link matching {pattern} in a table row of {tab.page.url}"
    return matching[0]


def role_screenshot(tab, name: str) -> None:
    """A role's home page for the README (copied to docs/screenshots/ with UPDATE_SCREENSHOTS=1)."""
    import os
    import shutil

    path = SCREENSHOT.parent / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(path))
    if os.environ.get("UPDATE_SCREENSHOTS"):
        pictures = settings.BASE_DIR / "docs" / "screenshots"
        pictures.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, pictures / f"{name}.png")


def save_screenshot(tab) -> None:
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    height = tab.page.evaluate("document.documentElement.scrollHeight")
    # Whole page while it stays a reasonable size; the first screenful otherwise.
    tab.page.screenshot(path=str(SCREENSHOT), full_page=height <= 2000)


@pytest.mark.parametrize("username", ["admin", "officer"])
def test_every_page(tab, username):
    demo_authority_build(children=60, today=timezone.localdate(), seed=1)

    tab.log_in(username)
    tab.check(f"/ (just signed in as {username})")
    tab.open("/")
    if username == "admin":
        save_screenshot(tab)
    else:
        role_screenshot(tab, f"home-{username}")

    tab.open("/children/")
    child = first_row_link(tab, r"/children/\d+/")
    tab.open(child)
    tab.open("/children/new/")

    tab.open("/providers/")
    tab.open(first_row_link(tab, r"/providers/\d+/"))
    tab.open("/providers/register/")
    tab.open("/providers/register/?q=fostering&on_list=yes")
    tab.open(first_row_link(tab, r"/providers/register/\d+/"))
    tab.open("/providers/register/?on_list=no")
    tab.open(first_row_link(tab, r"/providers/register/\d+/"))
    if username == "admin":
        tab.open("/providers/new/?find=fostering")
        tab.open("/providers/new/?find=nothing-like-this")
        tab.open("/providers/new/?find=supported")
        use = tab.page.get_by_role("link", name=re.compile("Use this provider")).first.get_attribute("href")
        tab.open(f"/providers/new/{use}".split("#")[0])

    tab.open("/frameworks/")
    framework = first_row_link(tab, r"/frameworks/\d+/")
    tab.open(framework)
    if username == "admin":
        tab.open("/frameworks/new/")
        tab.open(f"{framework}edit/")
        tab.open(f"{framework}uplifts/new/")
        tab.open(f"{framework}members/new/")
        tab.open(framework)
        membership = tab.page.get_by_role("link", name=re.compile("Change or end")).first.get_attribute("href")
        tab.open(membership)
        tab.page.fill("#id_end", "1989-12-31")  # a day out of bounds: the error summary, axe-checked
        with tab.page.expect_navigation():
            tab.page.get_by_role("button", name="Save").click()
        tab.check(f"{membership} (with errors)")

    tab.open("/placements/")
    placement = first_row_link(tab, r"/placements/\d+/")
    tab.open(placement)
    tab.open(f"{placement}cost-lines/new/")

    tab.open("/placements/searches/")
    tab.open(first_row_link(tab, r"/placements/searches/\d+/"))
    tab.open("/placements/searches/?state=closed")
    tab.open(first_row_link(tab, r"/placements/searches/\d+/"))
    tab.open("/placements/searches/new/")
    tab.page.check("#id_child_recorded_1")  # the child not yet recorded: the child's fields revealed
    tab.check("/placements/searches/new/ (adding the child)")
    tab.open(f"/placements/searches/{awaiting_approval().pk}/approval/")
    tab.open("/placements/cost-avoidance/")
    tab.open("/placements/cost-avoidance/new/")

    tab.open("/tracker/weekly/")
    tab.open("/tracker/weekly/?category=residential")
    tab.open("/tracker/unregulated/")
    tab.open("/tracker/residential/")
    tab.open("/tracker/residential/?month=2024-13")  # a bad month: the error summary, axe-checked
    tab.open("/tracker/dashboard/")
    wait_until(tab.page, "document.querySelectorAll('.app-chart__figure .main-svg').length >= 9")
    tab.open("/tracker/dashboard/?category=residential&start=2025-01")
    if username == "admin":
        tab.open("/tracker/budgets/")
        tab.open("/tracker/budgets/new/")
    tab.open("/tracker/forecast/")
    wait_until(tab.page, "document.querySelectorAll('.app-chart__figure .main-svg').length >= 4")
    tab.open("/tracker/forecast/?months=12&reference_months=12")
    tab.open("/tracker/forecast/?months=7")  # a bad choice: the error summary, axe-checked
    tab.open("/tracker/forecast/scenarios/")
    scenario = first_row_link(tab, r"/tracker/forecast/scenarios/\d+/")
    tab.open(scenario)
    wait_until(tab.page, "document.querySelectorAll('.app-chart__figure .main-svg').length >= 4")
    if username == "admin":
        tab.open("/tracker/forecast/scenarios/new/")
        tab.page.fill("#id_entry_multiplier", "9")
        with tab.page.expect_navigation():
            tab.page.get_by_role("button", name="Save").click()
        tab.check("/tracker/forecast/scenarios/new/ (with errors)")
        tab.open("/tracker/forecast/capacity/")
        tab.open("/tracker/forecast/capacity/new/")

    tab.open("/data-quality/")
    tab.open("/data-quality/?on=2024-03-31")
    tab.open("/data-quality/?on=1899-01-01", status=400)  # a day out of range: the error summary, axe-checked
    if username == "admin":
        tab.open("/imports/")
        tab.page.check("input[name=kind][value=providers]")
        tab.page.set_input_files("input[name=files]", str(settings.BASE_DIR / "fixtures" / "providers.csv"))
        with tab.page.expect_navigation():
            tab.page.get_by_role("button", name="Check the files").click()
        tab.check("/imports/ (preview of fixtures/providers.csv)")
        assert "/imports/" in tab.page.url and tab.page.url != tab.base_url + "/imports/"
        preview = tab.page.url.removeprefix(tab.base_url)
        with tab.page.expect_navigation():
            tab.page.get_by_role("button", name="Import these changes").click()
        tab.check("/data-quality/ (after confirming the import)")
        tab.open(preview)  # the preview of files since imported: when and by whom
        tab.open("/imports/history/")
        record = first_row_link(tab, r"/imports/history/\d+/")
        tab.open(record)
        with tab.page.expect_navigation():
            tab.page.get_by_role("button", name="Undo this import").click()
        tab.check("/imports/history/ (after undoing the import)")
        tab.open(record)  # undone: says so, and offers no undo
    tab.open("/panel/")
    meeting = first_row_link(tab, r"/panel/meetings/\d+/")
    tab.open(meeting)
    if username == "admin":
        with tab.page.expect_navigation():
            tab.page.get_by_role("button", name="Build the agenda from the rules").click()
        tab.check(f"{meeting} (agenda built)")
        tab.open(f"{meeting}add-child/")
        tab.open("/panel/meetings/plan/")
    tab.open(f"{meeting}pack/")
    tab.open("/panel/actions/")
    tab.open("/panel/consolidation/")
    tab.open("/panel/consolidation/new/")

    if username == "admin":
        tab.open("/audit/")  # the audit trail, for administrators
        tab.open("/audit/views/")
        tab.open("/audit/?action=1&date_from=not-a-date")  # a bad date: the error summary, axe-checked
    else:
        tab.open("/audit/", status=403)

    tab.open("/no-such-page/", status=404)

    tab.log_out()
    tab.open("/login/")
    tab.assert_no_problems()


def awaiting_approval():
    from placements.choices import SearchStatus
    from placements.models import PlacementSearch

    search = PlacementSearch.objects.filter(status=SearchStatus.AWAITING_APPROVAL).order_by("pk").first()
    assert search is not None, "the demo has a search awaiting approval"
    return search


@pytest.mark.parametrize("username", ["director", "chair", "member", "manager"])
def test_each_roles_home_page(tab, username):
    """Each role's own home page (issue 16), and the Director's approval page with its decision forms."""
    demo_authority_build(children=60, today=timezone.localdate(), seed=1)
    tab.log_in(username)
    tab.check(f"/ (home page of {username})")
    role_screenshot(tab, f"home-{username}")
    if username == "director":
        tab.open(f"/placements/searches/{awaiting_approval().pk}/approval/")
        assert tab.page.get_by_role("button", name="Approve").count() == 1
    tab.assert_no_problems()


def test_future_date_of_birth_is_refused(tab):
    demo_authority_build(children=60, today=timezone.localdate(), seed=1)
    children_before = Child.objects.count()
    tomorrow = timezone.localdate() + timedelta(days=1)

    tab.log_in("officer")
    tab.open("/children/new/")
    page = tab.page
    page.fill("#id_case_ref", "BROWSER-TEST-1")
    page.fill("#id_given_name", "Future")
    page.fill("#id_family_name", "Child")
    page.fill("#id_date_of_birth", tomorrow.isoformat())
    page.locator("#id_sex").select_option(index=1)
    page.locator("#id_legal_status").select_option(index=1)
    tab.console_errors.clear()
    tab.requests.clear()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible(), "no GOV.UK error summary after a future date of birth"
    assert "Date of birth must be today or in the past" in summary.inner_text()
    # GOV.UK Frontend's ErrorSummary moves focus to the summary so screen readers announce it.
    wait_until(page, "document.activeElement && document.activeElement.closest('.govuk-error-summary')")
    tab.check("/children/new/ (with errors)")

    assert Child.objects.count() == children_before
    assert not Child.objects.filter(case_ref="BROWSER-TEST-1").exists()
    tab.assert_no_problems()
