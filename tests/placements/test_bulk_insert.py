"""The one bulk path (``placements.bulk_insert``): COPY on PostgreSQL, ``executemany`` elsewhere, the same rows
and keys as ``bulk_create``, and the journal's digests of what it wrote equal to those of the rows read back.
Run on SQLite by default and on PostgreSQL in CI (``DATABASE_URL``): both paths are tested."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placements import bulk_insert
from placements.choices import RecordSource
from placements.imports.journal import Journal, fields_of, written_changed
from placements.models import CareSegment, Child, Episode, Placement
from tests.factories import make_child

pytestmark = pytest.mark.django_db

AWKWARD = ["tab\there", "new\nline", "back\\slash", "carriage\rreturn", 'quote"s', "Zoë Ødegård", "\\N", ""]


def columns(obj, model=None) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in fields_of(model or type(obj)) if not f.primary_key}


def test_new_makes_a_record_holding_what_the_constructor_gives():
    child = make_child(case_ref="NEW-1")
    for model, values in [
        (Child, dict(case_ref="N2", given_name="", family_name="", sex="1", date_of_birth=date(2012, 1, 2))),
        (Episode, dict(child=child, decom=date(2020, 1, 1), rne="S", legal_status="C2", place="U1")),
        (Placement, dict(child=child, provider_id=None, category="residential", start=date(2020, 1, 1))),
    ]:
        made, expected = bulk_insert.new(model, **values), model(**values)
        assert columns(made, model) == columns(expected), model.__name__
        assert made.pk is None
        if "child" in values:
            assert made.child is child
    with pytest.raises(TypeError):
        bulk_insert.new(Child, no_such_field=1)


def test_insert_writes_what_bulk_create_writes_with_keys_after_every_key_used():
    before = make_child(case_ref="OLD-1")
    gone = make_child(case_ref="OLD-2")
    gone_pk = gone.pk
    gone.delete()  # a key used once is not used again (AUTOINCREMENT, a sequence)
    children = [bulk_insert.new(Child, case_ref=f"BULK-{n}", given_name=name, family_name="", sex="2",
                                date_of_birth=date(2011, 3, n + 1), source=RecordSource.IMPORT)
                for n, name in enumerate(AWKWARD)]
    bulk_insert.insert(Child, children)
    keys = [child.pk for child in children]
    assert keys == sorted(keys) and keys[0] > max(before.pk, gone_pk)
    for child in children:
        stored = Child.objects.get(pk=child.pk)
        assert columns(stored) == columns(child, Child)
    # A record that refers to one written just before gets its key.
    placements = [bulk_insert.new(Placement, child=child, category="residential", start=date(2020, 1, 1),
                                  place_code="K2") for child in children]
    bulk_insert.insert(Placement, placements)
    assert [p.child_id for p in placements] == keys
    assert list(Placement.objects.filter(pk__in=[p.pk for p in placements]).values_list("child_id", flat=True)
                .order_by("pk")) == keys


def test_insert_values_writes_plain_rows():
    child = make_child(case_ref="SEG-1")
    placement = Placement.objects.create(child=child, category="residential", start=date(2020, 1, 1))
    CareSegment.objects.filter(child=child).delete()
    bulk_insert.insert_values(CareSegment, ["child", "placement", "start", "end", "legal_status", "before_records"],
                              [(child.pk, placement.pk, date(2020, 1, 1), date(2021, 1, 1), "C2", True)])
    assert list(CareSegment.objects.filter(child=child).values_list("start", "end", "legal_status", "before_records")
                ) == [(date(2020, 1, 1), date(2021, 1, 1), "C2", True)]


def test_insert_writes_model_instances_as_well():
    """The other imports write model instances through the same path."""
    children = [Child(case_ref=f"INST-{n}", given_name=name, family_name="", sex="1", date_of_birth=date(2012, 1, 2))
                for n, name in enumerate(AWKWARD)]
    lines = bulk_insert.insert(Child, children)
    assert all(not child._state.adding and child.pk for child in children)
    stored = list(Child.objects.filter(pk__in=[c.pk for c in children]).order_by("pk")
                  .values_list(*[f.attname for f in fields_of(Child)]))
    assert [columns(Child.objects.get(pk=c.pk)) for c in children] == [columns(c) for c in children]
    assert bulk_insert.copy_lines(Child, stored) == lines  # the text written is the text read back


def test_update_writes_what_bulk_update_writes_in_as_many_statements_for_500_rows_as_for_5():
    """``update`` changes the named columns of rows already here, and only those rows and columns: awkward text,
    a date, a flag, and a foreign key given as a record written since (its key read from it)."""
    def made(count: int, prefix: str) -> list[Child]:
        children = [Child(case_ref=f"{prefix}{n}", given_name="Kept", family_name="", sex="1",
                          date_of_birth=date(2012, 1, 2)) for n in range(count)]
        bulk_insert.insert(Child, children)
        return children

    def update(children: list[Child], names: list[str]) -> int:
        with CaptureQueriesContext(connection) as context:
            bulk_insert.update(Child, children, names)
        return len(context)

    few, many, untouched = made(5, "FEW-"), made(500, "MANY-"), made(3, "LEFT-")
    for n, child in enumerate([*few, *many]):
        child.family_name, child.uasc = AWKWARD[n % len(AWKWARD)], n % 2 == 0
        child.date_of_birth, child.given_name = date(2013, 3, 4), "Not written"
    assert update(many, ["family_name", "uasc", "date_of_birth"]) == update(few, ["family_name", "uasc",
                                                                                "date_of_birth"])
    for child in [*few, *many]:
        stored = Child.objects.get(pk=child.pk)
        assert (stored.family_name, stored.uasc, stored.date_of_birth) == (child.family_name, child.uasc,
                                                                           date(2013, 3, 4))
        assert stored.given_name == "Kept"  # a column not named is left as it was
    assert set(Child.objects.filter(pk__in=[c.pk for c in untouched]).values_list("family_name", "uasc",
                                                                                   "date_of_birth")) == {
        ("", False, date(2012, 1, 2))}
    episode = Episode.objects.create(child=few[0], decom=date(2020, 1, 1), rne="S", legal_status="C2", place="U1",
                                     return_year=2019)
    placement = bulk_insert.new(Placement, child=few[0], category="fostering", start=date(2020, 1, 1))
    bulk_insert.insert(Placement, [placement])
    episode.placement = None
    episode.__dict__["placement_id"] = None
    Episode._meta.get_field("placement").set_cached_value(episode, placement)
    bulk_insert.update(Episode, [episode], ["placement", "dec"])
    assert Episode.objects.get(pk=episode.pk).placement_id == placement.pk


def test_the_journal_tells_rows_as_written_from_rows_changed_or_deleted_since():
    journal = Journal()
    children = [bulk_insert.new(Child, case_ref=f"FP-{n}", given_name=name, family_name="Ñ", sex="1",
                                date_of_birth=date(2010, 5, n + 1), uasc=n % 2 == 0) for n, name in enumerate(AWKWARD)]
    journal.bulk_create(Child, children)
    episodes = [bulk_insert.new(Episode, child=child, decom=date(2021, 4, 1), dec=None if n % 2 else date(2021, 5, 1),
                                rne="S", legal_status="C2", place="U1", return_year=2021)
                for n, child in enumerate(children)]
    journal.bulk_create(Episode, episodes)
    journal.seal()
    stored = Journal.from_json(journal.as_json())
    child_rows, episode_rows = (stored.tables[m._meta.label_lower]["written"] for m in (Child, Episode))
    assert stored.tables["placements.child"]["created"] == [child.pk for child in children]
    assert stored.tables["placements.child"]["after"] == {}  # nothing read back
    assert written_changed(Child, child_rows) == ([], []) and written_changed(Episode, episode_rows) == ([], [])
    Child.objects.filter(pk=children[2].pk).update(given_name="tab\there")  # the text read back differs by one byte
    Episode.objects.filter(pk=episodes[3].pk).update(dec=date(2021, 5, 2))
    Episode.objects.filter(pk=episodes[4].pk).delete()
    assert written_changed(Child, child_rows) == ([children[2].pk], [])
    assert written_changed(Episode, episode_rows) == ([episodes[3].pk], [episodes[4].pk])


def test_the_statements_are_as_many_for_500_rows_as_for_5():
    def write(count: int, prefix: str) -> int:
        children = [bulk_insert.new(Child, case_ref=f"{prefix}{n}", given_name="", family_name="", sex="1",
                                    date_of_birth=date(2012, 1, 1)) for n in range(count)]
        with CaptureQueriesContext(connection) as context:
            bulk_insert.insert(Child, children)
        assert Child.objects.filter(case_ref__startswith=prefix).count() == count
        return len(context)

    assert write(500, "MANY-") == write(5, "FEW-")


def test_an_imports_new_children_get_the_segments_a_rebuild_from_scratch_gives(tmp_path):
    """The import writes the new children's segments from what it planned (nothing read back): they are the
    segments a rebuild from the stored records gives, for a generated return with every kind of episode."""
    from bench.import_ssda903 import generate
    from placements.care.store import care_segments_rebuild
    from placements.imports.base import SourceFile
    from placements.imports.ssda903 import ssda903_apply, ssda903_plan

    existing = make_child(case_ref="B0000001", date_of_birth=date(2008, 2, 3))  # known already: rebuilt as before
    header, episodes = generate(tmp_path, 400, seed=17)
    result = ssda903_apply(ssda903_plan([SourceFile.from_path(header), SourceFile.from_path(episodes)],
                                        today=date(2026, 12, 1)))
    assert result.applied and result.counts["Children"].new > 20
    written = sorted(CareSegment.objects.values_list("child_id", "placement_id", "start", "end", "legal_status",
                                                     "before_records"))
    assert any(row[0] == existing.pk for row in written) or not Placement.objects.filter(child=existing).exists()
    care_segments_rebuild()
    assert sorted(CareSegment.objects.values_list("child_id", "placement_id", "start", "end", "legal_status",
                                                  "before_records")) == written


def test_json_money_times_and_addresses_are_written_as_bulk_create_writes_them():
    """The converted columns (``bulk_insert.CONVERTED``): JSON with awkward text and None (SQL NULL, as Django
    saves it), money given as a Decimal with more places, as a float and as text, a date and time, an IP address
    in IPv6's long form and an empty one. Each row is written both ways and read back the same."""
    from datetime import datetime, timezone
    from decimal import Decimal

    from django.contrib.contenttypes.models import ContentType

    from audit.models import ChangeEntry
    from panel.models import PanelMeeting, PanelReview

    child, other = make_child(case_ref="JSON-1"), make_child(case_ref="JSON-2")
    awkward = {"text": AWKWARD, "nested": {"b": [1, 2.5, None, True], "a": "Zoë"}}
    money = [Decimal("1234.5"), 99.99, "12.30"]
    pairs = []
    for n, (reasons, cost) in enumerate(zip([awkward, ["REVIEW_DUE"], []], money)):
        values = dict(child=child if n % 2 else other, reasons=reasons, reason_texts=[f"line\t{n}\n"],
                      weekly_cost=cost, position=n, summary=AWKWARD[n])
        by_django = PanelReview(meeting=PanelMeeting.objects.create(date=date(2024, 4, n + 1), chair="C"), **values)
        by_copy = bulk_insert.new(PanelReview, meeting=PanelMeeting.objects.create(date=date(2024, 5, n + 1),
                                                                                   chair="C"), **values)
        PanelReview.objects.bulk_create([by_django])
        bulk_insert.insert(PanelReview, [by_copy])
        pairs.append((PanelReview, by_django.pk, by_copy.pk))
    when = datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=timezone.utc)
    kind = ContentType.objects.get_for_model(PanelReview)
    for n, (address, changes) in enumerate([("2001:0db8:0000:0000:0000:0000:0000:0001", {"a": ["None", "x\ty"]}),
                                            ("", None), ("192.0.2.7", {})]):
        values = dict(content_type=kind, object_pk=f"bulk-{n}", object_id=n, object_repr=AWKWARD[n], action=0,
                      changes=changes, remote_addr=address, timestamp=when, case_ref="JSON-1")
        by_django = ChangeEntry(**values)
        ChangeEntry.objects.bulk_create([by_django])
        names = [f.attname for f in ChangeEntry._meta.concrete_fields if f.attname != "id"]
        by_copy = ChangeEntry(**values)
        bulk_insert.insert_values(ChangeEntry, names, [tuple(getattr(by_copy, name) for name in names)])
        copied = ChangeEntry.objects.exclude(pk=by_django.pk).filter(object_pk=f"bulk-{n}").get().pk
        pairs.append((ChangeEntry, by_django.pk, copied))
    for model, django_pk, copy_pk in pairs:
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in ("id", "meeting_id")]
        read = dict(zip(["django", "copy"], [model.objects.filter(pk=pk).values(*names).get()
                                              for pk in (django_pk, copy_pk)]))
        assert read["django"] == read["copy"], model.__name__
    assert ChangeEntry.objects.filter(object_pk="bulk-1", changes__isnull=True).count() == 2  # SQL NULL both ways
    assert ChangeEntry.objects.filter(object_pk="bulk-1", remote_addr__isnull=True).count() == 2


def test_converted_columns_are_written_only_when_asked():
    """The import journal keeps what it wrote and compares it with what it reads back: it asks for plain columns
    only, and a table with JSON or money goes through ``bulk_create`` there, as before."""
    from audit.models import ChangeEntry
    from panel.models import PanelReview
    from placements.models import CostLine, ReturnYear

    assert bulk_insert.can_insert(Child) and bulk_insert.can_insert(Child, converted=True)
    for model in (PanelReview, ChangeEntry, CostLine, ReturnYear):
        assert not bulk_insert.can_insert(model), model.__name__
        assert bulk_insert.can_insert(model, converted=True), model.__name__


def test_rows_written_behind_are_there_for_the_next_statement_and_a_failed_copy_is_raised_writing_nothing():
    """Inside ``writing_behind`` (PostgreSQL: the COPYs on a thread of their own) the next statement sees every row
    written before it; a COPY that fails there is raised to the writer, and the block writes nothing."""
    from django.db import transaction

    make_child(case_ref="TAKEN")
    with transaction.atomic(), bulk_insert.writing_behind():
        children = [bulk_insert.new(Child, case_ref=f"BEHIND-{n}", sex="1", date_of_birth=date(2012, 1, 1))
                    for n in range(300)]
        bulk_insert.insert(Child, children)
        placements = [bulk_insert.new(Placement, child=child, category="residential", start=date(2020, 1, 1))
                      for child in children]
        bulk_insert.insert(Placement, placements)
        assert Placement.objects.filter(child__case_ref__startswith="BEHIND-").count() == 300
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        with transaction.atomic(), bulk_insert.writing_behind():
            bulk_insert.insert(Child, [bulk_insert.new(Child, case_ref=ref, sex="1", date_of_birth=date(2012, 1, 1))
                                       for ref in ("FRESH", "TAKEN")])
            Child.objects.count()  # the next statement: the COPY's failure, not a failed transaction
    assert not Child.objects.filter(case_ref="FRESH").exists()
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        with transaction.atomic(), bulk_insert.writing_behind():
            bulk_insert.insert(Child, [bulk_insert.new(Child, case_ref="TAKEN", sex="1", date_of_birth=date(2012, 1, 1))])
    assert Child.objects.filter(case_ref="TAKEN").count() == 1
