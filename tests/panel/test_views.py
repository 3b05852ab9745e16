"""The chair's pages, click by click, and who may use them."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from panel import services
from panel.choices import MeetingStatus
from panel.models import ConsolidationMeeting, PanelAction, PanelMeeting
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db

MEETING = date(2024, 3, 14)


@pytest.fixture
def meeting():
    child = make_child(case_ref="P1", date_of_birth=date(2012, 1, 1), social_worker="Sam Worker")
    placement = make_placement(child, make_provider(), start=date(2023, 6, 1))
    make_cost_line(placement, "9500", placement.start)
    return PanelMeeting.objects.create(date=MEETING, chair="Chair One")


def test_a_chair_builds_and_issues_the_agenda(client, chair, meeting):
    client.force_login(chair)
    response = client.post(reverse("panel_build", args=[meeting.pk]), follow=True)
    assert "The agenda has been built from the panel&#x27;s rules: 1 child." in response.content.decode()
    assert "Aged 12, in residential care" in response.content.decode()
    client.post(reverse("panel_issue", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_ISSUED
    response = client.post(reverse("panel_issue", args=[meeting.pk]), follow=True)
    assert "already been issued" in response.content.decode()


def test_a_panel_member_reads_the_agenda_but_cannot_build_it(client, member, meeting):
    services.agenda_build(meeting=meeting)
    client.force_login(member)
    assert client.get(reverse("panel_meeting", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("panel_pack", args=[meeting.pk])).status_code == 200
    assert client.post(reverse("panel_build", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("panel_add_child", args=[meeting.pk])).status_code == 403
    # A member may not open a child's page: the name leads to the child's item in the pack instead.
    page = client.get(reverse("panel_meeting", args=[meeting.pk])).content.decode()
    item = meeting.reviews.get()
    assert f'href="{reverse("panel_pack", args=[meeting.pk])}#item-{item.pk}"' in page
    assert reverse("child_detail", args=[item.child_id]) not in page


def test_the_pack_shows_what_the_panel_reads(client, chair, meeting):
    services.agenda_build(meeting=meeting)
    client.force_login(chair)
    page = client.get(reverse("panel_pack", args=[meeting.pk])).content.decode()
    assert "Sam Worker" in page and "£9,500.00" in page and "Weekly cost £9,500.00 is above £9,000.00" in page
    assert "Not seen at panel before" in page


def test_removing_an_item_needs_a_reason(client, chair, meeting):
    services.agenda_build(meeting=meeting)
    item = meeting.reviews.get()
    client.force_login(chair)
    response = client.post(reverse("panel_remove_item", args=[item.pk]), {"reason": ""})
    assert "govuk-error-summary" in response.content.decode()
    item.refresh_from_db()
    assert not item.removed
    client.post(reverse("panel_remove_item", args=[item.pk]), {"reason": "Seen at a special panel"})
    item.refresh_from_db()
    assert item.removed and item.removed_reason == "Seen at a special panel"


def test_adding_an_unknown_child_is_a_clear_error(client, chair, meeting):
    client.force_login(chair)
    response = client.post(reverse("panel_add_child", args=[meeting.pk]), {"case_ref": "NOBODY", "reason": "x"})
    assert "No child has the case reference NOBODY." in response.content.decode()


def test_recording_a_decision_with_a_bad_next_review_date_saves_nothing(client, chair, meeting):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.get()
    client.force_login(chair)
    response = client.post(reverse("panel_minute", args=[item.pk]), {
        "decision": "continue", "summary": "Fine", "next_review_date": "2024-03-13",
        "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Update plan", "actions-0-owner": "Sam", "actions-0-due": "2024-04-01",
    })
    page = response.content.decode()
    assert "The next review date cannot be before the meeting." in page
    item.refresh_from_db()
    assert item.decision == "" and not PanelAction.objects.exists()


def test_an_action_without_an_owner_is_refused(client, chair, meeting):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.get()
    client.force_login(chair)
    response = client.post(reverse("panel_minute", args=[item.pk]), {
        "decision": "continue", "summary": "Fine", "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Update plan", "actions-0-due": "2024-04-01",
    })
    assert "An action needs what, who and by when." in response.content.decode()
    assert not PanelAction.objects.exists()


def test_a_decision_is_recorded_and_shows_in_the_childs_panel_history(client, chair, officer, meeting):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.get()
    client.force_login(chair)
    response = client.post(reverse("panel_minute", args=[item.pk]), {
        "decision": "step_down_plan", "summary": "Plan a move to foster care", "next_review_date": "2024-06-13",
        "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Find specialist carers", "actions-0-owner": "Sam", "actions-0-due": "2024-04-01",
    })
    assert response.status_code == 302
    client.force_login(officer)
    page = client.get(reverse("child_detail", args=[item.child_id])).content.decode()
    assert "Panel of 14 March 2024" in page and "Step-down plan" in page and "Find specialist carers" in page
    actions = client.get(reverse("panel_actions")).content.decode()
    assert "Find specialist carers" in actions


def test_a_consolidation_meeting_and_its_outcome(client, officer, meeting):
    client.force_login(officer)
    response = client.post(reverse("panel_consolidation_create"), {"case_ref": "P1", "date": "2024-02-01"})
    assert response.status_code == 302
    record = ConsolidationMeeting.objects.get()
    bad = client.post(reverse("panel_consolidation_outcome", args=[record.pk]),
                      {"outcome": "maintained", "outcome_date": "2024-01-31"})
    assert "The outcome cannot be known before the meeting." in bad.content.decode()
    client.post(reverse("panel_consolidation_outcome", args=[record.pk]),
                {"outcome": "maintained", "outcome_date": "2024-04-25"})
    record.refresh_from_db()
    assert record.outcome == "maintained"


def test_a_consolidation_meeting_for_a_child_not_in_placement_is_refused(client, officer, meeting):
    client.force_login(officer)
    response = client.post(reverse("panel_consolidation_create"), {"case_ref": "P1", "date": "2023-01-01"})
    assert "was not in a placement on 1 January 2023" in response.content.decode()
    assert not ConsolidationMeeting.objects.exists()


def test_generating_meetings_warns_about_bank_holidays(client, chair):
    client.force_login(chair)
    response = client.post(reverse("panel_generate"), {"first": "2024-12-11", "count": "2"}, follow=True)
    page = response.content.decode()
    assert "2 meetings planned." in page and "Wednesday 25 December 2024 is a bank holiday" in page
    assert PanelMeeting.objects.count() == 2


def test_a_decision_that_reduces_the_package_records_panel_cost_avoidance(client, chair, meeting):
    from placements.models import CostAvoidance

    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.get()
    client.force_login(chair)
    minute = {"decision": "reduce_package", "summary": "2:1 reduced to 1:1", "actions-TOTAL_FORMS": "3",
              "actions-INITIAL_FORMS": "0", "weekly_before": "9500", "weekly_after": "7500"}
    response = client.post(reverse("panel_minute", args=[item.pk]), minute)
    assert "when the saving starts" in response.content.decode()
    assert not CostAvoidance.objects.exists()
    response = client.post(reverse("panel_minute", args=[item.pk]), {**minute, "effective_from": "2024-03-21"})
    assert response.status_code == 302
    entry = CostAvoidance.objects.get()
    item.refresh_from_db()
    assert item.cost_avoidance == entry and entry.source == "panel" and entry.amount == Decimal("104000.00")


def test_the_pack_opens_with_a_front_sheet_of_the_agenda(client, chair, meeting):
    services.agenda_build(meeting=meeting)
    client.force_login(chair)
    page = client.get(reverse("panel_pack", args=[meeting.pk])).content.decode()
    item = meeting.reviews.get()
    front = page.split('app-pack__front-sheet')[1].split("</table>")[0]
    assert "Agenda" in front and f'href="#item-{item.pk}"' in front and "aged 12, in residential care" in front.lower()
    assert page.index("app-pack__front-sheet") < page.index(f'id="item-{item.pk}"')


def test_every_printed_page_is_marked_and_numbered():
    from django.conf import settings as django_settings

    css = (django_settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    print_rules = css[css.index("@page"):]
    assert "@top-center" in print_rules and "Personal data about looked-after children" in print_rules
    assert 'counter(page) " of " counter(pages)' in print_rules


def test_issuing_asks_the_chair_to_confirm_first(client, chair, meeting):
    services.agenda_build(meeting=meeting)
    client.force_login(chair)
    page = client.get(reverse("panel_issue", args=[meeting.pk])).content.decode()
    assert "You are about to issue an agenda of 1 child" in page and "frozen" in page
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED  # opening the page issues nothing
    client.post(reverse("panel_issue", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.AGENDA_ISSUED


def test_a_child_added_after_issue_is_an_addendum_with_who_and_why(client, chair, meeting):
    from tests.factories import make_child

    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    late = make_child(case_ref="LATE1", given_name="Late", family_name="Arrival")
    client.force_login(chair)
    response = client.post(reverse("panel_add_child", args=[meeting.pk]), {"case_ref": "LATE1",
                                                                          "reason": "Placement at risk this week"},
                           follow=True)
    assert "added to the agenda as an addendum" in response.content.decode()
    review = meeting.reviews.get(child=late)
    assert (review.added_late, review.added_by, review.removed, review.carried) == (True, chair, False, False)
    assert review.reason_texts[0].startswith("added after the agenda was issued by the chair")
    services.review_minute(review=review, decision="continue", summary="x", next_review_date=None, actions=[])
    with pytest.raises(services.PanelError, match="The panel has met"):
        services.agenda_add_child(meeting=meeting, child=make_child(case_ref="LATE2"), reason="too late", user=chair)


def test_several_items_are_removed_at_once_each_with_its_reason_or_none_is(client, chair):
    from tests.panel.test_agenda import external_residential

    for ref in ("R1", "R2", "R3"):
        external_residential(ref, "9500.00")
    meeting = PanelMeeting.objects.create(date=MEETING, chair="Chair One")
    services.agenda_build(meeting=meeting)
    items = {item.child.case_ref: item for item in meeting.reviews.select_related("child")}
    client.force_login(chair)
    url = reverse("panel_remove_items", args=[meeting.pk])
    refused = client.post(url, {f"remove_{items['R1'].pk}": "on", f"reason_{items['R1'].pk}": "Seen last week",
                                f"remove_{items['R2'].pk}": "on"})
    assert refused.status_code == 200 and "Say why" in refused.content.decode()
    assert not meeting.reviews.filter(removed=True).exists()  # all or nothing
    client.post(url, {f"remove_{items['R1'].pk}": "on", f"reason_{items['R1'].pk}": "Seen last week",
                      f"remove_{items['R2'].pk}": "on", f"reason_{items['R2'].pk}": "Moved home"})
    removed = dict(meeting.reviews.filter(removed=True).values_list("child__case_ref", "removed_reason"))
    assert removed == {"R1": "Seen last week", "R2": "Moved home"}


def test_who_attended_is_recorded_with_the_decision(client, chair, meeting):
    services.agenda_build(meeting=meeting)
    services.agenda_issue(meeting=meeting, user=chair)
    item = meeting.reviews.get()
    client.force_login(chair)
    form = client.get(reverse("panel_minute", args=[item.pk])).content.decode()
    assert "Who attended" in form and "Chair One" in form  # the chair, to start with
    client.post(reverse("panel_minute", args=[item.pk]), {
        "decision": "continue", "summary": "Settled", "members_present": "Chair One\nHead of Finance\nIRO Manager",
        "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0"})
    meeting.refresh_from_db()
    assert meeting.members == ["Chair One", "Head of Finance", "IRO Manager"]
