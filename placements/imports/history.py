"""The import history and undoing the latest import (issue 19).

``record_import`` keeps, for each import confirmed (on the upload page or by a command), who imported
which files, when, what it did per record type and each field it changed, with the journal of what it
wrote (``placements.imports.journal``). ``undo`` puts back exactly what the latest import changed, in one
transaction, and is itself recorded. It refuses, writing nothing, when a later change depends on the
import: a row it wrote was changed or deleted afterwards, or a record added since refers to a record it
created (a cost line on a placement it made, a search for a child it added).

Derived tables follow: each child the undo touches has their ``CareSegment`` rows rebuilt in the same
transaction (``placements.care.store``), and ``ReturnYear`` is journaled like any other table, so the
reconciliation is as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError, transaction

from placements.care.store import care_segments_deferred, children_of_placements, children_placed_with
from placements.imports.base import ImportPlan, SourceFile
from placements.imports.journal import Journal, fingerprint, instance_from, rows_of, written_changed
from placements.models import CareSegment, Child, CostLine, ImportRecord, Provider

#: Tables that are rebuilt from others, never restored row by row.
DERIVED = {CareSegment}
#: Reasons shown when an undo is refused (the rest are counted).
REASONS_SHOWN = 10


class UndoRefused(Exception):
    """Nothing was written: ``reasons`` say what depends on the import."""

    def __init__(self, reasons: list[str], more: int = 0):
        super().__init__("; ".join(reasons))
        self.reasons = reasons
        self.more = more


# --- Recording ---------------------------------------------------------------------------


def files_as_uploaded(files: list[SourceFile]) -> list[dict]:
    return [{"name": f.name, "size": len(f.data), "position": n} for n, f in enumerate(files, start=1)]


def record_import(kind: str, plan: ImportPlan, files: list[SourceFile], *, user=None, token: str = "") -> ImportRecord:
    """Keep the history of an import just applied (call inside its transaction)."""
    result = plan.result
    return ImportRecord.objects.create(
        kind=kind, token=token, files=files_as_uploaded(files),
        return_years=sorted(getattr(plan, "year_end_children", {}) or []),
        counts=[[label, {"new": c.new, "changed": c.changed, "unchanged": c.unchanged, "left_alone": c.left_alone}]
                for label, c in result.counts.items()],
        notes=list(result.notes),
        changes=[[c.record, c.field, c.old, c.new] for c in result.sorted_changes()],
        journal=plan.journal.as_json(), imported_by=user if user and user.is_authenticated else None,
    )


def imports_in_effect():
    """Imports not undone, latest first."""
    return ImportRecord.objects.exclude(kind=ImportRecord.UNDO).filter(undone_by__isnull=True)


def latest_import() -> ImportRecord | None:
    return imports_in_effect().order_by("-imported_at", "-pk").first()


@dataclass(frozen=True)
class UndoState:
    possible: bool
    reason: str = ""


def can_undo(record: ImportRecord) -> UndoState:
    """Whether the page offers an undo of this record (the dependency checks run when it is asked for)."""
    if record.kind == ImportRecord.UNDO:
        return UndoState(False, "This is an undo: import the files again to put the records back.")
    if hasattr(record, "undone_by"):
        return UndoState(False, f"Undone on {record.undone_by.imported_at:%d/%m/%Y at %H:%M}.")
    latest = latest_import()
    if latest is None or latest.pk != record.pk:
        return UndoState(False, "Only the latest import can be undone: undo the ones after it first.")
    if Journal.from_json(record.journal).empty:
        return UndoState(False, "This import changed nothing.")
    return UndoState(True)


# --- Undoing -----------------------------------------------------------------------------


def _depth(model, models: set, seen=()) -> int:
    """How many journaled tables lie below this one by foreign key (a child's placement is below the child)."""
    targets = [f.related_model for f in model._meta.concrete_fields
               if f.is_relation and f.related_model in models and f.related_model is not model and f.related_model not in seen]
    return 1 + max((_depth(t, models, (*seen, model)) for t in targets), default=0)


def _describe(model, row: dict) -> str:
    obj = instance_from(model, row)
    text = f"{model._meta.verbose_name} \u201c{obj}\u201d"
    child_id = row.get("child_id")
    if child_id is not None and model is not Child:
        ref = Child.objects.filter(pk=child_id).values_list("case_ref", flat=True).first()
        if ref:
            text += f" of CHILD {ref}"
    elif model is Child:
        text = f"CHILD {row['case_ref']}"
    return text[0].upper() + text[1:]


def _changed_since(tables: dict[type, dict]) -> list[str]:
    """Rows the import wrote that are no longer as it left them."""
    problems = []
    for model, table in tables.items():
        after = table.get("after", {})
        now = rows_of(model, [int(pk) for pk in after] + [int(pk) for pk in table["deleted"]])
        for pk, print_ in after.items():
            row = now.get(int(pk))
            if row is None:
                before = table["before"].get(pk)
                problems.append(f"{_describe(model, before) if before else model._meta.verbose_name.capitalize()} "
                                "has been deleted since this import.")
            elif fingerprint(row) != print_:
                problems.append(f"{_describe(model, row)} has been changed since this import.")
        for pk in table["deleted"]:
            if int(pk) in now:
                problems.append(f"{_describe(model, now[int(pk)])} has been added again since this import.")
        changed, gone = written_changed(model, table.get("written", []))
        label = model._meta.verbose_name.capitalize()
        problems += [f"{label} has been deleted since this import." for _pk in gone]
        problems += [f"{_describe(model, row)} has been changed since this import."
                     for row in rows_of(model, changed).values()]
    return problems


def _depending(tables: dict[type, dict]) -> list[str]:
    """Records not written by the import that refer to a record it created."""
    ours = {model: set(t["created"]) | {int(pk) for pk in t["before"]} for model, t in tables.items()}
    problems = []
    for model, table in tables.items():
        created = table["created"]
        if not created:
            continue
        for relation in model._meta.related_objects:
            if relation.many_to_many or relation.related_model in DERIVED:
                continue
            related = relation.related_model
            mine = ours.get(related, set())
            foreign = []
            for start in range(0, len(created), 900):  # keys only: most rows found are the import's own
                # By the target's key, so a link by another column (an inspection's URN) is found too.
                rows = related._base_manager.filter(**{f"{relation.field.name}__pk__in": created[start:start + 900]})
                foreign += [pk for pk in rows.values_list("pk", flat=True) if pk not in mine]
            for obj in related._base_manager.filter(pk__in=foreign[:REASONS_SHOWN]):
                target = getattr(obj, relation.field.name)
                problems.append(f"{related._meta.verbose_name.capitalize()} \u201c{obj}\u201d, added since, "
                                f"refers to {model._meta.verbose_name} \u201c{target}\u201d that this import created.")
            if len(foreign) > REASONS_SHOWN:
                problems += [""] * (len(foreign) - REASONS_SHOWN)  # counted as "and N more"
    return problems


def undo(record: ImportRecord, *, user=None) -> ImportRecord:
    """Put back exactly what ``record``'s import changed, in one transaction; returns the undo's own record.

    Raises ``UndoRefused`` (having written nothing) when it is not the latest import, or something
    since depends on it.
    """
    state = can_undo(record)
    if not state.possible:
        raise UndoRefused([state.reason])
    raw = Journal.from_json(record.journal).tables
    tables = {apps.get_model(label): table for label, table in raw.items()}
    try:
        with transaction.atomic(), care_segments_deferred() as touched:
            # Lock out a second undo of the same record running at once.
            ImportRecord.objects.select_for_update().filter(pk=record.pk).first()
            problems = _changed_since(tables) + _depending(tables)
            problems.sort(key=lambda reason: not reason)  # those written out first, those only counted after
            if problems:
                raise UndoRefused(problems[:REASONS_SHOWN], max(len(problems) - REASONS_SHOWN, 0))
            touched.update(_children_of(tables))
            counts = []
            models = set(tables)
            by_depth = sorted(tables, key=lambda m: _depth(m, models))
            # Rows are removed and put back as the import wrote them: in bulk, unseen by django-auditlog (the
            # undo itself is the audit entry, as the import was). Nothing else refers to the rows removed (checked
            # above) but the derived segments, which are cleared here and rebuilt for these children at the end.
            child_ids = sorted(touched)
            for start in range(0, len(child_ids), 900):
                CareSegment.objects.filter(child_id__in=child_ids[start:start + 900])._raw_delete(CareSegment.objects.db)
            # A changed row is put back by removing it and inserting it as it was, key and all: far quicker than an
            # UPDATE per row, and the database checks foreign keys only at commit, when every row is back.
            for model in reversed(by_depth):  # what refers to others first
                table = tables[model]
                gone = table["created"] + [int(pk) for pk in table["before"]]
                for start in range(0, len(gone), 900):
                    rows = model._base_manager.filter(pk__in=gone[start:start + 900])
                    rows._raw_delete(rows.db)
            for model in by_depth:  # what others refer to first
                table = tables[model]
                model._base_manager.bulk_create(
                    [instance_from(model, row) for row in [*table["before"].values(), *table["deleted"].values()]],
                    batch_size=500)
                label = str(model._meta.verbose_name_plural)
                label = label[0].upper() + label[1:]
                counts.append([label, {"removed": len(table["created"]),
                                       "put_back": len(table["before"]) + len(table["deleted"])}])
            return ImportRecord.objects.create(
                kind=ImportRecord.UNDO, undoes=record, counts=counts, return_years=record.return_years,
                files=record.files, imported_by=user if user and user.is_authenticated else None)
    except IntegrityError as error:
        raise UndoRefused([f"A record added since this import stands where one it removed would go back ({error})."]) from error


def _children_of(tables: dict[type, dict]) -> set[int]:
    """Every child whose records the undo touches, so their looked-after days are rebuilt."""
    ids: set[int] = set()
    for model, table in tables.items():
        if model is Child:
            ids.update(table["created"])
            ids.update(int(pk) for pk in table["before"])
            continue
        if model is CostLine or model is Provider:  # their placements' children (the daily figures)
            rows = [*table["before"].values(), *table["deleted"].values()]
            if model is CostLine:
                placement_ids = {row["placement_id"] for row in rows}
                created = table["created"]
                for start in range(0, len(created), 900):
                    placement_ids.update(model._base_manager.filter(pk__in=created[start:start + 900])
                                         .values_list("placement_id", flat=True))
                ids.update(children_of_placements(placement_ids))
            else:
                ids.update(children_placed_with([*(int(pk) for pk in table["before"]), *table["created"]]))
            continue
        if "child" not in {f.name for f in model._meta.concrete_fields}:
            continue
        for row in [*table["before"].values(), *table["deleted"].values()]:
            ids.add(row["child_id"])
        created = table["created"]
        for start in range(0, len(created), 900):
            ids.update(model._base_manager.filter(pk__in=created[start:start + 900]).values_list("child_id", flat=True))
    return ids
