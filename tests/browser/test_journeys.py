"""Journeys in a real browser for the three kinds of user (issue 10), on a small demo authority.

Each step is a click or a keystroke a person would make; every page on the way is checked by
``Tab.check`` (HTTP status, console, no foreign request, axe-core WCAG 2.2 AA).
Screenshots go to test-artifacts/screenshots/; with UPDATE_SCREENSHOTS=1 the README's pictures in
docs/screenshots/ are refreshed too.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.utils import timezone

from placements.choices import Ownership, PlacementCategory
from placements.demo import demo_authority_build
from placements.models import Child, CostAvoidance, Placement, Provider
from tests.browser.waits import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = settings.BASE_DIR / "test-artifacts" / "screenshots"
README_PICTURES = settings.BASE_DIR / "docs" / "screenshots"


def screenshot(tab, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.page.screenshot(path=str(path))
    if os.environ.get("UPDATE_SCREENSHOTS"):
        README_PICTURES.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, README_PICTURES / f"{name}.png")


@pytest.fixture
def authority():
    today = timezone.localdate()
    demo_authority_build(children=60, today=today, seed=11)
    return today


def click(tab, role: str, name, label: str | None = None) -> None:
    """Click a button or link that loads a page, and check the page it lands on."""
    with tab.page.expect_navigation():
        tab.page.get_by_role(role, name=name).first.click()
    tab.check(label or f"after '{name}'")


def move(tab, status_label: str, **fields) -> None:
    page = tab.page
    page.select_option("#id_move-to_status", label=status_label)
    for name, value in fields.items():
        page.fill(f"#id_move-{name}", value)
    click(tab, "button", "Move the search on", f"moved to {status_label}")
    assert page.locator(".govuk-error-summary").count() == 0, page.locator(".govuk-error-summary").inner_text()


def test_a_placements_officer_finds_a_placement_and_the_director_approves_it(tab, authority):
    today = authority
    child = (Child.objects.filter(placements__end__isnull=True, placements__category=PlacementCategory.FOSTERING_INTERNAL,
                                  date_of_birth__gt=today - timedelta(days=365 * 15)).order_by("pk").first())
    framework_home = Provider.objects.filter(memberships__isnull=False, provision="childrens_home").order_by("pk").first()
    spot_home = Provider.objects.filter(memberships__isnull=True, provision="childrens_home",
                                        ownership=Ownership.EXTERNAL).order_by("pk").first()
    page = tab.page

    tab.log_in("officer")
    tab.open("/")  # the officer's home page: my searches, and from there a new PRF
    click(tab, "link", re.compile(r"^My open searches: \d+"), "my open searches")
    click(tab, "link", "Add", "the PRF")
    page.fill("#id_case_ref", child.case_ref.lower())  # matched whatever its case
    page.select_option("#id_category_requested", "residential")
    page.select_option("#id_urgency", "urgent")
    page.fill("#id_staffing_ratio", "2:1")
    click(tab, "button", "Save", "the new search")
    search_url = page.url
    assert re.search(r"/placements/searches/\d+/$", search_url)

    move(tab, "Permission to search confirmed", permission_confirmed_by="Group Manager, Children in Care")
    move(tab, "PRF quality assured")
    move(tab, "Internal search", note="Sent to in-house fostering and residential.")
    move(tab, "External search (framework first)", note="No in-house offer: sent to framework providers.")

    for provider, route, price, extra in ((framework_home, "framework", "6000", True), (spot_home, "spot", "6400", False)):
        page.locator("summary", has_text="Record an offer").click()
        page.select_option("#id_offer-provider", str(provider.pk))
        page.select_option("#id_offer-route", route)
        page.fill("#id_offer-weekly_offered", price)
        if extra:
            page.fill("#id_extras-0-description", "2:1 staffing for the first month")
            page.fill("#id_extras-0-weekly_amount", "2800")
            page.fill("#id_extras-0-weeks", "4")
        click(tab, "button", "Record the offer", f"offer from {provider.name}")
    assert page.get_by_text("Not on a framework").count() >= 1

    move(tab, "Offers shared with the social worker")
    click(tab, "button", re.compile(f"^Chosen by the social worker.*{re.escape(framework_home.name)}"), "option chosen")
    page.fill("#id_negotiate-weekly_agreed", "5700")
    page.uncheck("#id_negotiate-kept_extras_0")
    page.fill("#id_negotiate-note", "Challenged the 2:1 for the first month; fee reduced.")
    click(tab, "button", "Record the agreed price", "negotiated")
    move(tab, "Pre-placement checks")
    move(tab, "Awaiting Director approval")
    screenshot(tab, "officer-search")
    tab.log_out()

    tab.log_in("director")
    tab.open("/")  # the Director's home page lists the search awaiting approval
    click(tab, "link", f"Approve or refuse: {child.full_name} ({child.case_ref}), residential", "the approval page")
    approval = page.locator("main").inner_text()
    for shown in (framework_home.name, "£5,700.00", "Aged", "in residential care", spot_home.name, "Not chosen"):
        assert shown in approval, shown
    screenshot(tab, "director-approval")
    page.fill("#id_approve-note", "Approved: no alternative; review at panel in three months.")
    click(tab, "button", "Approve", "approved")
    assert "Approved to place" in page.content()
    tab.log_out()

    tab.log_in("officer")
    tab.open(search_url.replace(tab.base_url, ""))
    page.fill("#id_place-start", today.isoformat())
    page.select_option("#id_place-came_from", "fostering")
    click(tab, "button", "Place the child", "the new placement")
    placement = Placement.objects.get(search__isnull=False, child=child)
    assert page.url.endswith(f"/placements/{placement.pk}/")
    assert "£5,700.00" in page.content()

    sunday = today + timedelta(days=6 - today.weekday())
    tab.open(f"/tracker/weekly/?week_ending={sunday.isoformat()}")
    moves = page.locator("table", has=page.locator("caption", has_text="Moves"))
    assert child.case_ref in moves.inner_text()
    tab.open("/placements/cost-avoidance/")
    negotiation = CostAvoidance.objects.get(search__child=child, weekly_before__isnull=False)
    assert "Search negotiation: £" in page.content()
    assert child.case_ref in page.locator("table").last.inner_text()
    assert negotiation.amount > 0
    tab.assert_no_problems()


def test_the_director_refuses_a_search_from_the_approval_page(tab, authority):
    from placements.choices import SearchStatus
    from placements.models import PlacementSearch

    search = PlacementSearch.objects.filter(status=SearchStatus.AWAITING_APPROVAL).order_by("pk").first()
    assert search is not None, "the demo has a search awaiting approval"
    page = tab.page
    tab.log_in("director")
    tab.open("/")
    click(tab, "link", re.compile(r"^Searches awaiting my approval: \d+"), "searches awaiting approval")
    tab.page.go_back()
    page.wait_for_load_state()
    click(tab, "link", re.compile(f"^Approve or refuse: {re.escape(search.child.full_name)}"), "the approval page")
    with page.expect_navigation():
        page.get_by_role("button", name="Refuse and send back").click()
    tab.check("refused without a reason", status=400)  # the page with the error summary answers 400
    tab.console_errors.clear()
    assert "Enter why you are refusing the placement." in page.locator(".govuk-error-summary").inner_text()
    page.fill("#id_refuse-reason", "Look again at in-house residential before a spot placement.")
    click(tab, "button", "Refuse and send back", "refused")
    search.refresh_from_db()
    assert search.status == SearchStatus.NEGOTIATING
    assert "Refused by Dana Director" in page.locator(".app-chronology").inner_text()
    tab.assert_no_problems()


def test_a_senior_manager_reads_the_weekly_tracker_and_downloads_it(tab, authority):
    page = tab.page
    tab.log_in("director")
    click(tab, "link", "The weekly tracker", "the weekly tracker from home")
    assert "/tracker/weekly/" in page.url
    tab.open("/tracker/weekly/")
    click(tab, "link", "Previous week", "the previous week")
    assert "week_ending=" in page.url
    page.locator("summary", has_text="Filter open placements").click()
    page.select_option("#id_category", "residential")
    click(tab, "button", "Apply filters", "residential only")
    table = page.locator("table", has=page.locator("caption", has_text="Open placements"))
    categories = set(table.locator("tbody tr td:nth-child(4)").all_inner_texts())
    assert categories == {"Residential"}
    shown = int(re.search(r"(\d+) in all", table.locator("caption").inner_text()).group(1))
    screenshot(tab, "director-weekly-tracker")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the whole tracker as one Excel workbook").click()
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    # Filtered: the file says so in its name and on a first sheet (issue 16 item 10).
    assert "filtered-placement-category-residential" in download.value.suggested_filename
    assert book.sheetnames == ["About this file", "Open placements", "Starts", "Ceases", "Moves", "By originating team"]
    assert ("Filtered to", "Placement category: Residential") in book["About this file"].iter_rows(values_only=True)
    assert book["Open placements"].max_row - 1 == shown
    looked_after = int(page.locator(".app-figure").first.locator(".app-figure__value").inner_text().replace(",", ""))
    team_rows = list(book["By originating team"].iter_rows(values_only=True))[1:]
    assert sum(row[1] for row in team_rows) == looked_after

    tab.open("/tracker/unregulated/")
    tab.open("/tracker/dashboard/")
    wait_until(page, "document.querySelectorAll('.app-chart__figure .main-svg').length >= 9")
    tab.check("dashboard, every chart drawn")
    tab.assert_no_problems()


def test_a_panel_chair_plans_builds_issues_prints_and_minutes_a_panel(tab, authority):
    from panel.models import PanelMeeting

    page = tab.page
    # A panel that met yesterday (decisions are recorded on or after the meeting's day), on a free day.
    new_date = timezone.localdate() - timedelta(days=1)
    while PanelMeeting.objects.filter(date=new_date).exists():
        new_date -= timedelta(days=1)
    tab.log_in("chair")
    click(tab, "link", re.compile(r"^Actions overdue: \d+"), "actions overdue, from home")
    tab.open("/panel/")
    click(tab, "link", "Plan fortnightly panels", "planning")
    page.fill("#id_first", new_date.isoformat())
    page.fill("#id_count", "1")
    click(tab, "button", "Save", "panels planned")
    assert "1 meeting planned." in page.content()
    click(tab, "link", f"{new_date:%A} {new_date.day} {new_date:%B %Y}", "the new panel")
    click(tab, "button", "Build the agenda from the rules", "agenda built")
    rows = page.locator("table tbody tr")
    first_child, second_child = (rows.nth(i).locator("td").nth(1).locator("a").inner_text() for i in (0, 1))
    click(tab, "link", "Remove several items", "remove several items")
    boxes = page.locator("input[type=checkbox]")
    reasons = page.locator("input[type=text][name^=reason_]")
    for index, reason in ((0, "Seen at a special panel last week"), (1, "Returned home on Friday")):
        boxes.nth(index).check()
        reasons.nth(index).fill(reason)
    click(tab, "button", "Save", "items removed")
    removed = page.locator("text=Removed from the agenda").locator("xpath=following-sibling::ul").inner_text()
    assert first_child in removed and second_child in removed
    click(tab, "link", "Issue the agenda", "confirm the issue")
    assert "You are about to issue an agenda" in page.content()
    click(tab, "button", "Issue the agenda", "agenda issued")
    assert "Agenda issued" in page.content()
    click(tab, "link", "Add a child (addendum)", "addendum")
    late = Child.objects.exclude(panel_reviews__meeting__date=new_date).order_by("pk").first()
    page.fill("#id_case_ref", late.case_ref)
    page.fill("#id_reason", "Placement at risk since Monday")
    click(tab, "button", "Save", "child added late")
    assert "as an addendum" in page.content()

    meeting_url = page.url
    click(tab, "link", "Agenda pack (to print)", "the pack")
    assert page.locator(".app-pack__front-sheet").is_visible()  # the agenda first, then a page per child
    page.emulate_media(media="print")
    cut_off = page.evaluate("""() => [...document.querySelectorAll('main table, main dl')]
        .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth)
        .length""")
    assert cut_off == 0
    screenshot(tab, "chair-agenda-pack")
    page.emulate_media(media="screen")

    page.goto(meeting_url)
    tab.check("back to the meeting")
    item_child = page.locator("table tbody tr").first.locator("td").nth(1).locator("a").inner_text()
    page.locator("table tbody tr").first.get_by_role("link", name=re.compile("^Record decision")).click()
    page.wait_for_load_state()
    tab.check("decision form")
    page.select_option("#id_decision", "reduce_package")
    page.fill("#id_summary", "Settled well; staffing can come down from 2:1 to 1:1.")
    page.fill("#id_members_present", "Director of Through Care\nHead of Finance\nCommissioning Hub Manager")
    page.fill("#id_next_review_date", (new_date + timedelta(days=91)).isoformat())
    page.fill("#id_actions-0-description", "Agree the reduced staffing with the provider")
    page.fill("#id_actions-0-owner", "Commissioning Hub Manager")
    page.fill("#id_actions-0-due", (new_date + timedelta(days=14)).isoformat())
    # The weekly cost before is the child's own (filled in); the reduced package is a fifth less.
    before = float(page.input_value("#id_weekly_before"))
    page.fill("#id_weekly_after", f"{before * 0.8:.2f}")
    page.fill("#id_effective_from", (new_date + timedelta(days=7)).isoformat())
    click(tab, "button", "Save the decision", "decision recorded")
    assert "Reduce package" in page.content()

    page.get_by_role("link", name=item_child).first.click()
    page.wait_for_load_state()
    tab.check("the child's page")
    history = page.locator("h2", has_text="Panel history").locator("xpath=following-sibling::div").first.inner_text()
    assert f"Panel of {new_date.day} {new_date:%B %Y}" in history and "Reduce package" in history
    tab.assert_no_problems()


def test_a_panel_member_reads_the_issued_agenda_from_home(tab, authority):
    from panel.choices import MeetingStatus
    from panel.models import PanelMeeting

    meeting = (PanelMeeting.objects.filter(date__gte=authority).exclude(status=MeetingStatus.CANCELLED)
               .order_by("date").first())
    PanelMeeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.AGENDA_ISSUED)
    tab.log_in("member")
    click(tab, "link", f"Read the agenda pack for {meeting.date.day} {meeting.date:%B}", "the pack, from home")
    assert tab.page.url.endswith(f"/panel/meetings/{meeting.pk}/pack/")
    tab.assert_no_problems()


def test_a_commissioning_manager_goes_from_home_to_data_quality_and_the_forecast(tab, authority):
    tab.log_in("manager")
    click(tab, "link", "Data quality", "data quality, from home")
    assert tab.page.url.endswith("/data-quality/")
    tab.page.go_back()
    tab.page.wait_for_load_state()
    click(tab, "link", "Budgets against the forecast", "the dashboard, from home")
    assert "/tracker/dashboard/" in tab.page.url
    tab.assert_no_problems()


def test_the_weekly_cost_is_in_view_at_1280px_and_columns_can_be_chosen(tab, authority):
    """Issue 16, item 7: at 1280px the weekly tracker's weekly cost column shows without scrolling sideways."""
    page = tab.page
    assert page.viewport_size["width"] == 1280
    tab.log_in("director")
    click(tab, "link", "The weekly tracker", "the weekly tracker from home")
    table = page.locator("table", has=page.locator("caption", has_text="Open placements"))
    header = table.locator("th", has_text="Weekly cost")
    in_view = header.evaluate("""th => { const r = th.getBoundingClientRect();
        const box = th.closest('.app-table-scroll').getBoundingClientRect();
        return r.width > 0 && r.left >= box.left && r.right <= box.right && r.right <= window.innerWidth; }""")
    assert in_view, "the weekly cost column is off screen at 1280px"
    scrolls = table.evaluate("t => t.closest('.app-table-scroll').scrollWidth > t.closest('.app-table-scroll').clientWidth")
    assert not scrolls, "the open placements table scrolls sideways at 1280px"

    chooser = page.locator("details.app-column-chooser").last
    chooser.locator("summary").click()
    chooser.get_by_label("Originating team").uncheck()
    chooser.get_by_label("Framework or spot").uncheck()
    with page.expect_navigation():
        chooser.get_by_role("button", name="Show these columns").click()
    tab.check("columns chosen")
    table = page.locator("table", has=page.locator("caption", has_text="Open placements"))
    shown = table.locator("thead th").all_inner_texts()
    assert not any("Originating team" in text or "Framework or spot" in text for text in shown)
    assert any("Weekly cost" in text for text in shown)
    tab.assert_no_problems()


def test_the_add_a_child_form_works_with_the_keyboard_alone(tab, authority):
    page = tab.page
    tab.log_in("officer")
    tab.open("/children/new/")
    order = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        if focused.startswith("id_") and focused not in order:
            order.append(focused)
            outline = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; }""")
            assert outline, f"no visible focus on {focused}"
        if focused == "Save":
            break
    assert order[:4] == ["id_case_ref", "id_given_name", "id_family_name", "id_date_of_birth"]
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    # Polled from here: a string predicate polled in the page is compiled there, which the app's CSP refuses.
    page.wait_for_selector(".govuk-error-summary")
    for _ in range(100):
        if page.evaluate("() => !!(document.activeElement && document.activeElement.closest('.govuk-error-summary'))"):
            break
        page.wait_for_timeout(50)
    else:
        raise AssertionError("the error summary did not take the focus")
    tab.check("the form with errors, reached by keyboard")
    tab.assert_no_problems()


def test_the_trackers_headline_figures_fit_a_phone(chromium, live_server, authority):
    context = chromium.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "director")
    page.fill("#id_password", "placements-demo")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    for path in ("/tracker/weekly/", "/tracker/unregulated/", "/"):
        page.goto(live_server.url + path)
        fits = page.evaluate("""() => { const f = document.querySelector('.app-figures');
            return f.scrollWidth <= f.clientWidth && f.getBoundingClientRect().right <= window.innerWidth
                && document.documentElement.scrollWidth <= window.innerWidth; }""")
        assert fits, f"{path} scrolls sideways at 375px"
    context.close()


SAMPLE_RETURNS = Path("/work/shared/data/ssda903/demand-model-v1")
OFSTED_FILES = [Path("/work/shared/data/ofsted/Provider_level_at_31_Aug_2024.csv"),
                Path("/work/shared/data/ofsted/Provider_level_in_year_2023-24.csv")]


def distinct_urns(paths) -> set[str]:
    """The providers in Ofsted's files, read with csv alone (the at-31-August file is UTF-8, the in-year one
    Windows-1252)."""
    urns = set()
    for path in paths:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        urns |= {row["URN"].strip().upper() for row in csv.DictReader(io.StringIO(text))}
    return urns


def record_counts() -> dict:
    """How many rows each table of the records holds (what ``dumpdata`` would write, counted); the daily
    figures' appended changes by what they sum to (``placements.care.daily``: an undo appends the difference)."""
    from django.apps import apps

    from placements.care import daily

    counts = {model._meta.label: model.objects.count() for label in ("placements", "tracker", "panel")
              for model in apps.get_app_config(label).get_models()
              if model._meta.label not in ("placements.ImportRecord", "placements.ImportUpload",
                                           "placements.DataVersion", "placements.DayChange")}
    counts["daily figures"] = daily.summed()
    return counts


def upload_files(tab, kind_label: str, paths) -> None:
    tab.open("/imports/")
    tab.page.get_by_label(kind_label).check()
    tab.page.set_input_files("input[name=files]", [str(p) for p in paths])
    click(tab, "button", "Check the files", f"preview of {kind_label}")


def test_a_commissioning_manager_of_an_empty_authority_imports_a_year_finds_a_bad_row_and_undoes_an_import(
        tab, tmp_path):
    if not SAMPLE_RETURNS.exists():
        pytest.skip("the shared sample returns are not on this machine")
    from placements.demo import create_demo_users
    from placements.models import ImportRecord

    create_demo_users()
    tab.log_in("manager")
    page = tab.page

    # A year of the return, all eight tables at once.
    upload_files(tab, "SSDA903 return", sorted((SAMPLE_RETURNS / "2017").glob("*.csv")))
    assert "Check the changes before importing" in page.content()
    click(tab, "button", "Import these changes", "imported 2017/18")
    assert "SSDA903 return imported. Children: 687 new" in page.content()
    assert record_counts()["placements.Child"] == 687

    # A providers file naming a framework not set up here: the preview says it will be set up.
    providers = tmp_path / "providers.csv"
    providers.write_text("URN,NAME,OWNERSHIP,PROVISION,REGULATED,FRAMEWORK,POSTCODE\n"
                         "SC977001,Hillside Homes,external,childrens_home,yes,Regional Residential,EX1 1AA\n")
    upload_files(tab, "Providers", [providers])
    assert "\u201cRegional Residential\u201d is not a framework set up here: importing sets it up" in page.content()
    click(tab, "button", "Import these changes", "imported providers")
    tab.open("/frameworks/")
    click(tab, "link", "Regional Residential", "the framework set up by the import")
    assert "Hillside Homes" in page.content()

    # Ofsted's two real files: they fill Ofsted's register and leave the provider list as it was.
    from placements.models import RegisterEntry

    provider_list = sorted(Provider.objects.values_list("pk", "name", "urn", "ownership", "status"))
    upload_files(tab, "Ofsted provider-level data", OFSTED_FILES)
    preview = page.content()
    assert "Ofsted register entries" in preview and "Ofsted inspections" in preview
    assert "your provider list is not changed" in preview
    click(tab, "button", "Import these changes", "imported Ofsted's files")
    in_files = distinct_urns(OFSTED_FILES)
    assert f"Ofsted register entries: {len(in_files):,} new" in page.content()
    assert sorted(Provider.objects.values_list("pk", "name", "urn", "ownership", "status")) == provider_list
    assert set(RegisterEntry.objects.values_list("urn", flat=True)) == in_files
    tab.open("/providers/?name=Affinity")
    assert "No providers match these filters." in page.content()  # Ofsted's providers are not on the list
    # The manager looks a provider up in the register by postcode, without its space.
    tab.open("/providers/register/?q=cm49nr")
    click(tab, "link", "SC469688", "the register entry found by postcode")
    assert "Affinity Fostering" in page.content() and "Outstanding" in page.content()
    assert "Not on your provider list" in page.content()

    # Costs: the placements with no cost line, downloaded as a costs file, filled in and imported.
    tab.open("/data-quality/")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("a costs file to fill in")).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows and all(row["WEEKLY_AMOUNT"] == "" for row in rows)
    costs = tmp_path / "costs.csv"
    with costs.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "WEEKLY_AMOUNT": "1000.00"} for row in rows)
    upload_files(tab, "Cost lines", [costs])
    click(tab, "button", "Import these changes", "imported costs")
    assert f"Cost lines: {len(rows):,} new" in page.content()
    after_first = record_counts()

    # The next year, on top.
    upload_files(tab, "SSDA903 return", sorted((SAMPLE_RETURNS / "2018").glob("*.csv")))
    click(tab, "button", "Import these changes", "imported 2018/19")
    assert record_counts() != after_first

    # A broken file: the error names the CHILD and which year's file it is.
    broken = tmp_path / "episodes.csv"
    lines = (SAMPLE_RETURNS / "2019" / "episodes.csv").read_text().splitlines()
    columns = lines[0].split(",")
    cells = lines[5].split(",")
    cells[columns.index("PLACE")] = "Q9"
    lines[5] = ",".join(cells)
    broken.write_text("\n".join(lines) + "\n")
    upload_files(tab, "SSDA903 return", [SAMPLE_RETURNS / "2019" / "header.csv", broken])
    row = page.locator("#bad-rows ~ div table tbody tr").first.inner_text()
    assert cells[columns.index("CHILD")] in row and "the 2019/20 return" in row and "Q9" in row
    assert "Import these changes" not in page.content()

    # Undo the latest import: the records are as they were after the first year.
    tab.open("/imports/")
    click(tab, "link", "Import history", "the import history")
    click(tab, "link", re.compile(r"\d+ \w+ \d{4} \d\d:\d\d"), "the latest import")
    assert "Returns covered" in page.content() and "2018/19" in page.content()
    click(tab, "button", "Undo this import", "after undoing the latest import")
    assert "SSDA903 return import undone." in page.content()
    assert record_counts() == after_first
    history = page.locator("table tbody").inner_text()
    assert history.count("SSDA903 return") == 3 and "Undo of the SSDA903 return import" in history
    assert "Providers" in history and "Cost lines" in history
    assert ImportRecord.objects.filter(kind=ImportRecord.UNDO).count() == 1
    tab.assert_no_problems()
