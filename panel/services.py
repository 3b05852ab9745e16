"""Writes for the panel, each whole or not at all; a refused step raises ``PanelError`` with words for the chair."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import bulk as audited
from panel import selectors
from panel.choices import Decision, MeetingStatus, Rule
from panel.models import PanelAction, PanelMeeting, PanelReview
from placements import bulk_insert
from placements.choices import CostAvoidanceSource
from placements.cost_avoidance import cost_avoidance_record
from placements.cost_lines import cost_lines_replace
from placements.imports.base import gc_paused
from placements.models import AuthoritySettings, Child, Placement
from placements.plausible import problem_with_date
from placements.selectors import care_segments_on, covering


class PanelError(Exception):
    """A step the panel's rules do not allow, said in words a chair understands."""


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England."""
    return day.weekday() < 5 and day not in holidays.country_holidays("GB", subdiv="ENG", years=day.year)


def working_day_warning(day: date) -> str:
    if is_working_day(day):
        return ""
    what = "a weekend" if day.weekday() >= 5 else "a bank holiday"
    return f"{day:%A %-d %B %Y} is {what}. The meeting is saved; check the date is right."


def chairs() -> list[str]:
    return list(settings.PLACEMENTS["PANEL_CHAIRS"])


@transaction.atomic
def panel_meetings_generate(*, first: date, count: int) -> list[PanelMeeting]:
    """The next ``count`` fortnightly meetings from ``first``, chaired alternately (paragraph 72).

    Dates that already have a meeting are skipped; the chairs carry on alternating from the
    last meeting before ``first``.
    """
    if count < 1 or count > 52:
        raise PanelError("Generate between 1 and 52 meetings.")
    names = chairs()
    last = PanelMeeting.objects.filter(date__lt=first).exclude(status=MeetingStatus.CANCELLED).order_by("-date").first()
    turn = (names.index(last.chair) + 1) % len(names) if last and last.chair in names else 0
    taken = dict(PanelMeeting.objects.exclude(status=MeetingStatus.CANCELLED).values_list("date", "chair"))
    created = []
    for index in range(count):
        day = first + timedelta(days=14 * index)
        if day in taken:
            if taken[day] in names:  # the next new meeting goes to the other chair
                turn = names.index(taken[day]) + 1
            continue
        problem = problem_with_date(day)
        if problem:
            raise PanelError(f"The meeting on {day:%-d %B %Y} {problem}: plan fewer meetings or from an earlier day.")
        meeting = PanelMeeting(date=day, chair=names[turn % len(names)])
        meeting.full_clean()
        meeting.save()
        created.append(meeting)
        turn += 1
    return created


def _check_not_frozen(meeting: PanelMeeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise PanelError("This meeting has been cancelled.")
    if meeting.agenda_frozen:
        raise PanelError("The agenda has been issued: it is frozen as it was that day.")


@transaction.atomic
def panel_meeting_move(*, meeting: PanelMeeting, new_date: date, note: str = "") -> str:
    """Move a meeting; returns a warning when the new date is not a working day."""
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_not_frozen(meeting)
    if PanelMeeting.objects.filter(date=new_date).exclude(pk=meeting.pk).exclude(
            status=MeetingStatus.CANCELLED).exists():
        raise PanelError(f"There is already a panel on {new_date:%-d %B %Y}.")
    problem = problem_with_date(new_date)
    if problem:
        raise PanelError(f"The new date {problem}.")
    meeting.note = note or f"Moved from {meeting.date:%-d %B %Y}"
    meeting.date = new_date
    meeting.save()
    return working_day_warning(new_date)


@transaction.atomic
def panel_meeting_cancel(*, meeting: PanelMeeting, reason: str) -> None:
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.HELD:
        raise PanelError("A meeting that has been held cannot be cancelled.")
    if not reason.strip():
        raise PanelError("Say why the meeting is cancelled.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.note = reason.strip()
    meeting.save()


def _attendees(child: Child) -> dict:
    return {"social_worker": child.social_worker, "team_manager": child.team_manager, "iro": child.iro}


@gc_paused()  # the candidates and the trail build tens of thousands of objects, none of them garbage
@transaction.atomic
def agenda_build(*, meeting: PanelMeeting) -> int:
    """(Re)build the agenda from rules P on the meeting date; items the chair added or removed stay so.

    The agenda holds the meeting's capacity (``AuthoritySettings.panel_capacity``; the chair's own additions
    count) in the candidates' order (new priority cases, changes since the panel's review, reviews due);
    the rest are kept as carried to the next meeting, where they come again. Returns the number of items on
    the agenda.
    """
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_not_frozen(meeting)
    authority = AuthoritySettings.current()
    candidates = selectors.agenda_candidates(meeting.date, authority=authority)
    kept = {review.child_id: review for review in meeting.reviews.filter(Q(added_by_hand=True) | Q(removed=True))}
    meeting.reviews.exclude(pk__in=[review.pk for review in kept.values()]).delete()
    places = authority.panel_capacity - sum(
        1 for review in kept.values() if review.added_by_hand and not review.removed)
    position = 0
    new_items, updated = [], []
    for candidate in candidates:
        position += 1
        existing_review = kept.get(candidate.child_id)
        by_hand = existing_review is not None and existing_review.added_by_hand
        removed = existing_review is not None and existing_review.removed
        carried = not by_hand and not removed and places <= 0
        if not by_hand and not removed and not carried:
            places -= 1
        fields = dict(reasons=candidate.codes, reason_texts=[r.text for r in candidate.reasons],
                      weekly_cost=candidate.weekly_cost, placement_id=candidate.placement_id, position=position,
                      carried=carried)
        existing = kept.pop(candidate.child_id, None)
        if existing:
            if existing.added_by_hand:
                fields["reasons"] = [Rule.ADDED_BY_CHAIR, *candidate.codes]
                fields["reason_texts"] = [existing.reason_texts[0], *fields["reason_texts"]]
            for name, value in fields.items():
                setattr(existing, name, value)
            updated.append(existing)
        else:
            new_items.append(dict(child_id=candidate.child_id, **fields, **candidate.attendees))
    for review in kept.values():  # added by hand, and met no rule: after the rest
        position += 1
        review.position = position
        updated.append(review)
    # Made with every value at once (bulk_insert.instance): thousands of items, each quicker than PanelReview(...).
    audited.bulk_create(PanelReview, [bulk_insert.instance(PanelReview, meeting=meeting, **item) for item in new_items])
    audited.bulk_update(updated, ["reasons", "reason_texts", "weekly_cost", "placement", "position",
                                              "carried"])
    # The meeting's items are now the new ones and those kept: counted here rather than read back.
    return sum(not item["carried"] for item in new_items) + sum(not r.removed and not r.carried for r in updated)


@transaction.atomic
def agenda_add_child(*, meeting: PanelMeeting, child: Child, reason: str, user=None) -> PanelReview:
    """The chair adds a child with a reason. Once the agenda is issued (and before the panel has met) the child
    is an addendum: marked as added late, with who added them and why."""
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise PanelError("This meeting has been cancelled.")
    if meeting.status == MeetingStatus.HELD:
        raise PanelError("The panel has met: add the child to the next meeting.")
    late = meeting.status == MeetingStatus.AGENDA_ISSUED
    if not reason.strip():
        raise PanelError("Say why the child is being added.")
    existing = meeting.reviews.filter(child=child).first()
    if existing and not existing.removed:
        raise PanelError(f"{child.full_name} is already on this agenda.")
    # The placement the child is in on the meeting's day (the one definition, placements.care); a child not
    # looked after that day (a short break, a placement planned) is shown with the latest placement covering it.
    in_care = care_segments_on(meeting.date).filter(child=child).values_list("placement_id", flat=True).first()
    placement = (Placement.objects.filter(pk=in_care).first() if in_care is not None else
                 Placement.objects.filter(child=child).filter(covering(meeting.date)).order_by("-start").first())
    last = meeting.reviews.order_by("-position").first()
    review = existing or PanelReview(meeting=meeting, child=child, **_attendees(child))
    review.removed, review.removed_reason, review.added_by_hand, review.carried = False, "", True, False
    review.added_late, review.added_by = late, user
    review.placement = placement
    review.reasons = [Rule.ADDED_BY_CHAIR]
    who = f" ({user.get_full_name() or user.get_username()})" if user is not None else ""
    review.reason_texts = [f"added {'after the agenda was issued ' if late else ''}by the chair{who}: {reason.strip()}"]
    review.position = (last.position + 1) if last else 1
    review.save()
    return review


@transaction.atomic
def agenda_remove_item(*, review: PanelReview, reason: str) -> None:
    meeting = PanelMeeting.objects.select_for_update().get(pk=review.meeting_id)
    _check_not_frozen(meeting)
    if not reason.strip():
        raise PanelError("Say why the item is being removed.")
    review.removed = True
    review.removed_reason = reason.strip()
    review.save(update_fields=["removed", "removed_reason"])


@transaction.atomic
def agenda_remove_items(*, meeting: PanelMeeting, removals: dict[int, str]) -> int:
    """Remove several items at once, each with its reason: all of them or none (a missing reason refuses all)."""
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_not_frozen(meeting)
    if not removals:
        raise PanelError("Choose the items to remove.")
    reviews = {review.pk: review for review in meeting.reviews.filter(pk__in=removals, removed=False)
               .select_related("child")}
    if set(reviews) != set(removals):
        raise PanelError("An item chosen is not on this agenda.")
    missing = [reviews[pk].child.full_name for pk, reason in removals.items() if not reason.strip()]
    if missing:
        raise PanelError(f"Say why each item is removed: no reason for {', '.join(missing)}.")
    for pk, review in reviews.items():
        review.removed, review.removed_reason = True, removals[pk].strip()
    audited.bulk_update(list(reviews.values()), ["removed", "removed_reason"])
    return len(reviews)


@transaction.atomic
def agenda_issue(*, meeting: PanelMeeting, user) -> None:
    """Freeze the agenda as it is today; it can be issued once."""
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.agenda_frozen:
        raise PanelError("The agenda has already been issued.")
    _check_not_frozen(meeting)
    if not meeting.reviews.filter(removed=False, carried=False).exists():
        raise PanelError("Build the agenda before issuing it: it has no items.")
    meeting.status = MeetingStatus.AGENDA_ISSUED
    meeting.agenda_issued_at = timezone.now()
    meeting.agenda_issued_by = user
    meeting.save()


@dataclass
class ActionInput:
    description: str
    owner: str
    due: date


@transaction.atomic
def review_minute(*, review: PanelReview, decision: str, summary: str, next_review_date: date | None,
                  actions: list[ActionInput], user=None, saving: tuple | None = None,
                  today: date | None = None, members_present: str | None = None) -> PanelReview:
    """Record the panel's decision on one item, with its actions and any cost avoidance agreed
    (through the one cost avoidance log, source panel); the meeting is then held. Only on or after the
    meeting's day (``today``, by default the real one), and once."""
    meeting = PanelMeeting.objects.select_for_update().get(pk=review.meeting_id)
    review = PanelReview.objects.select_for_update().get(pk=review.pk)
    if meeting.status not in (MeetingStatus.AGENDA_ISSUED, MeetingStatus.HELD):
        raise PanelError("Issue the agenda before recording decisions.")
    today = today or timezone.localdate()
    if meeting.date > today:
        raise PanelError(f"The panel meets on {meeting.date:%-d %B %Y}: record its decisions on or after that day.")
    if review.removed:
        raise PanelError("This item was removed from the agenda.")
    if review.carried:
        raise PanelError("This child did not fit on the agenda and was carried to the next meeting.")
    if review.minuted_at is not None:
        raise PanelError(f"The decision on this item is already recorded ({review.minuted_at:%-d %B %Y}): "
                         "it is not recorded twice.")
    if next_review_date and next_review_date < meeting.date:
        raise PanelError("The next review date cannot be before the meeting.")
    review.decision = decision
    review.summary = summary
    review.next_review_date = next_review_date
    review.minuted_at = timezone.now()
    if saving is not None:
        if user is None:
            raise PanelError("Say who records the cost avoidance.")
        weekly_before, weekly_after, effective_from, *reason = saving
        try:
            review.cost_avoidance = cost_avoidance_record(
                child=review.child, placement=review.placement, source=CostAvoidanceSource.PANEL,
                date_agreed=meeting.date, effective_from=effective_from, weekly_before=weekly_before,
                weekly_after=weekly_after, recorded_by=user, note=f"Agreed at the panel of {meeting.date:%-d %B %Y}",
                before_reason=reason[0] if reason else "")
            if decision == Decision.REDUCE_PACKAGE and review.cost_avoidance.replaces_lines:
                # The package agreed becomes the placement's cost from that day: the trackers show the saving.
                cost_lines_replace(placement=review.placement, from_day=effective_from, weekly_amount=weekly_after,
                                   description=f"Package agreed at the panel of {meeting.date:%-d %B %Y}")
        except ValidationError as error:
            raise PanelError(" ".join(error.messages)) from error
    review.full_clean()
    review.save()
    audited.bulk_create(PanelAction, [
        PanelAction(review=review, description=a.description, owner=a.owner, due=a.due) for a in actions
    ])
    if members_present is not None and members_present.strip() != meeting.members_present.strip():
        meeting.members_present = members_present.strip()  # who attended, recorded with the decisions
        meeting.save(update_fields=["members_present"])
    if meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    return review


def action_complete(*, action: PanelAction, on: date) -> None:
    action.done_on = on
    action.save(update_fields=["done_on"])
