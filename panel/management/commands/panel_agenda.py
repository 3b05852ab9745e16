"""The Placement Panel's agenda for a date, for a scheduled job: the same items as the page.

    manage.py panel_agenda --date 2024-03-14 --format csv

If a panel meets that day, its agenda as it stands (frozen once issued); otherwise the
agenda the rules would build for that day. CSV columns start case_ref, reasons, then whether the child is
on the agenda or carried to the next meeting (every child who meets a rule that day is listed, but one the
panel has reviewed whose next review is not yet due and whose case has not changed).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from panel import selectors
from panel.choices import MeetingStatus
from panel.models import PanelMeeting, PanelReview
from panel.tables import AgendaTable
from placements import exports
from placements.models import AuthoritySettings, Placement


def unsaved_agenda(day: date) -> list[PanelReview]:
    """What the agenda builder would put on an agenda for ``day``, without saving anything: the first
    ``panel_capacity`` on the agenda, the rest carried."""
    candidates = selectors.agenda_candidates(day)
    capacity = AuthoritySettings.current().panel_capacity
    placements = Placement.objects.select_related("child").in_bulk([c.placement_id for c in candidates])
    reviews = []
    for position, candidate in enumerate(candidates, start=1):
        placement = placements[candidate.placement_id]
        reviews.append(PanelReview(
            child=placement.child, placement=placement, reasons=candidate.codes,
            reason_texts=[r.text for r in candidate.reasons], weekly_cost=candidate.weekly_cost, position=position,
            carried=position > capacity, **candidate.attendees,
        ))
    return reviews


class Command(BaseCommand):
    help = "Write the panel agenda for a date as CSV or Excel (columns case_ref, reasons first)."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="File to write (default: standard output; needed for xlsx).")

    def handle(self, *args, day: str, format: str, output: str | None, **options):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            raise CommandError(f"--date must be a date as YYYY-MM-DD, not {day!r}.", returncode=2) from None
        meeting = PanelMeeting.objects.filter(date=day).exclude(status=MeetingStatus.CANCELLED).first()
        if meeting and meeting.reviews.exists():
            # The agenda, then the children carried to the next meeting (removed items are not listed).
            items = list(selectors.agenda_items(meeting)) + list(
                meeting.reviews.filter(removed=False, carried=True).select_related("child", "placement__provider")
                .order_by("position"))
        else:
            items = unsaved_agenda(day)
        named = exports.NamedTable("agenda", "Agenda", AgendaTable(items, on=day))
        content = exports.as_csv(named) if format == "csv" else exports.as_xlsx(named)
        exports.write_output(self, content, output)
