"""Bulk writes keep the same trail as single saves: the lean way ``audit.bulk`` works out a create's changes
gives exactly what django-auditlog's own ``model_instance_diff`` gives, for every kind of field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.diff import model_instance_diff
from django.contrib.auth import get_user_model

from audit import bulk as audited
from audit.models import ChangeEntry
from panel.models import PanelAction, PanelMeeting, PanelReview
from placements.models import CostLine
from tests.factories import make_child, make_cost_line, make_placement, make_provider

pytestmark = pytest.mark.django_db


def records():
    """Records of the bulk-written models with blank, empty, null and set values of each kind of field."""
    provider = make_provider(name="Oak House", urn="SC111")
    child = make_child(case_ref="BULK-1")
    placement = make_placement(child, provider, start=date(2024, 1, 8))
    line = make_cost_line(placement, "5800.50", placement.start)
    meeting = PanelMeeting.objects.create(date=date(2024, 3, 14), chair="Chris Chair")
    user = get_user_model().objects.create_user("chair-bulk")
    review = PanelReview.objects.create(meeting=meeting, child=child, placement=placement, reasons=["REVIEW_DUE"],
                                        reason_texts=["never reviewed at panel"], weekly_cost=Decimal("5800.50"),
                                        position=3, added_by=user, next_review_date=date(2024, 6, 1))
    bare = PanelReview.objects.create(meeting=PanelMeeting.objects.create(date=date(2024, 3, 28), chair="A"),
                                      child=child)
    action = PanelAction.objects.create(review=review, description="Send the plan", owner="Social worker",
                                        due=date(2024, 3, 21))
    return [line, review, bare, action]


def as_stored(changes):
    return {name: [str(old), str(new)] for name, (old, new) in (changes or {}).items()}


def test_a_creates_changes_are_what_auditlog_would_write():
    for record in records():
        lean = audited._CreateDiff(type(record), record)(record)
        assert as_stored(lean) == as_stored(model_instance_diff(None, record)), type(record).__name__


def test_a_bulk_create_writes_one_entry_per_record_with_auditlogs_changes():
    child = make_child(case_ref="BULK-2")
    placement = make_placement(child, make_provider(name="Elm House", urn="SC222"), start=date(2024, 2, 1))
    lines = [CostLine(placement=placement, kind="core", description=f"Fee {n}", weekly_amount=Decimal(n),
                      date_from=date(2024, 2, 1)) for n in (100, 200)]
    audited.bulk_create(CostLine, lines)
    for line in lines:
        entry = ChangeEntry.objects.get(object_pk=str(line.pk), content_type__model="costline",
                                        action=ChangeEntry.Action.CREATE)
        assert entry.changes_dict == as_stored(model_instance_diff(None, line))
        assert entry.case_ref == "BULK-2" and entry.object_repr == str(line)
