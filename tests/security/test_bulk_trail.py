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
    odd = PanelReview.objects.create(meeting=PanelMeeting.objects.create(date=date(2024, 4, 11), chair="A"),
                                     child=child, reasons={"b": [1, None, 2.5], "a": "£5\tweekly"}, reason_texts=[])
    return [line, review, bare, action, odd]


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


def agenda_trail(chair, monkeypatch, plain_rows: bool) -> list[dict]:
    """Build an agenda of three children as the chair, from a client address, and read back its trail with each
    item's key put as its child's case reference (the two builds' keys differ)."""
    from datetime import timedelta

    from auditlog.context import set_actor
    from django.utils import timezone

    from panel import services
    from placements import bulk_insert

    if not plain_rows:  # the way before: bulk_create of the items, an entry instance and a signal each
        monkeypatch.setattr(bulk_insert, "can_insert", lambda model, converted=False: False)
    meeting = PanelMeeting.objects.create(date=timezone.localdate() + timedelta(days=14 if plain_rows else 21),
                                          chair="Chair")
    with set_actor(chair, remote_addr="2001:db8::7", remote_port=8443):
        services.agenda_build(meeting=meeting)
    items = {item.pk: item.child.case_ref for item in PanelReview.objects.filter(meeting=meeting)}
    monkeypatch.undo()
    entries = []
    for entry in ChangeEntry.objects.filter(content_type__model="panelreview", object_id__in=items).order_by("pk"):
        ref = items[entry.object_id]
        row = {f.attname: getattr(entry, f.attname) for f in ChangeEntry._meta.concrete_fields}
        changes = dict(row.pop("changes"))
        changes.pop("id")
        changes["meeting"] = ["None", "the meeting"]
        entries.append({**row, "id": ref, "object_pk": ref, "object_id": ref, "changes": changes,
                        "object_repr": row["object_repr"].rsplit(" at ", 1)[0], "timestamp": None})
    return entries


def test_the_agendas_trail_is_the_same_written_as_plain_rows_as_through_entry_instances(monkeypatch):
    """The agenda's items and their entries go in one statement each, from plain values: every column of every
    entry is what the way before wrote (actor, their email, address, port, correlation id, changes, child)."""
    from datetime import timedelta

    from django.utils import timezone

    chair = get_user_model().objects.create_user("chair-rows", email="chair@example.org")
    for ref in ("ROWS-1", "ROWS-2", "ROWS-3"):  # above the panel's cost threshold: on the agenda
        costly = make_placement(make_child(case_ref=ref), make_provider(name=f"Home {ref}", urn=f"URN-{ref}"),
                                start=timezone.localdate() - timedelta(days=60))
        make_cost_line(costly, "12000.00", costly.start)
    before = agenda_trail(chair, monkeypatch, plain_rows=False)
    after = agenda_trail(chair, monkeypatch, plain_rows=True)
    assert len(after) == 3 and {entry["case_ref"] for entry in after} == {"ROWS-1", "ROWS-2", "ROWS-3"}
    assert after[0]["actor_id"] == chair.pk and after[0]["actor_email"] == "chair@example.org"
    assert after[0]["remote_addr"] == "2001:db8::7" and after[0]["remote_port"] == 8443
    assert sorted(after, key=lambda e: e["case_ref"]) == sorted(before, key=lambda e: e["case_ref"])
