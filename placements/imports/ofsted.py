"""Import Ofsted's published "children's social care data in England" provider-level CSVs into Ofsted's
register (SPEC section 5; issue 19: the register is reference data, apart from the provider list).

Both layouts are taken as downloaded: ``Provider_level_at_31_Aug_YYYY.csv`` (each provider's latest
full inspection) and ``Provider_level_in_year_YYYY-YY.csv`` (every inspection event of the year, with
the previous inspection beside each). Real files end in empty columns, say REDACTED for the names and
addresses of children's homes, write NULL for nothing, spell "Children's Home" two ways, and come in
Windows-1252 as often as UTF-8: all of that is expected, not an error.

- Every provider in the files is an entry of the register (``placements.register``), by URN: named as
  Ofsted names it (or "<provision type> <URN>" where Ofsted redacts the name), with its provision type,
  sector, registration status, local authority, region and postcode. The import never adds to, changes or
  closes the provider list (``Provider``, the providers the authority uses or has approved): a provider on
  the list links to its entry by URN and reads its ratings there (``placements.register.ratings``).
- Every event with an overall judgement is one inspection (date and judgement), recorded once however
  many rows or files repeat it. Events with no judgement (assurance and monitoring visits: blank or
  NULL) are not inspections and are skipped. Ofsted's own data gives a judgement to a few monitoring
  inspections; where it does, the judgement is taken as Ofsted publishes it.
- An entry whose registration is closed, resigned or cancelled is marked closed. A file never marks
  an entry active again, so files can be imported in either order; a redacted or blank value never
  replaces one already known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from placements.choices import OfstedRating, ProviderStatus, ProvisionKind
from placements.imports.base import (
    CsvTable,
    ImportPlan,
    ImportResult,
    Progress,
    SourceFile,
    no_progress,
    only_for,
    read_date,
    read_tables,
    refuse_if_bad,
)
from placements.imports.guide import other_kind_hint
from placements.models import OfstedInspection, Provider, RegisterEntry
from placements.register.models import postcode_key

KIND = "ofsted"

OVERALL = "overall experiences and progress of children and young people"

#: The two published layouts: (event type, date, overall judgement) columns, lower-cased.
LAYOUTS = {
    "at 31 August": [("latest full inspection event type", "latest full inspection date", OVERALL)],
    "in year": [
        ("inspection event type", "inspection date", OVERALL),
        ("previous event type", "previous inspection date", f"previous {OVERALL}"),
    ],
}
REQUIRED = ("urn", "provision type", "registration status", "name")

#: The register's labels in counts, messages and the import history.
ENTRIES = "Ofsted register entries"
INSPECTIONS = "Ofsted inspections"
#: An entry's fields an import sets, in the order a change is listed.
ENTRY_FIELDS = ("name", "name_redacted", "provision_type", "provision", "sector", "registration_status", "status",
                "local_authority", "region", "postcode", "postcode_key")

#: Ofsted's provision types (lower-cased, apostrophes straightened) as this app's kinds; anything else is "other".
PROVISION_TYPES = {
    "children's home": ProvisionKind.CHILDRENS_HOME,
    "residential special school (registered as a children's home)": ProvisionKind.CHILDRENS_HOME,
    "secure children's home": ProvisionKind.SECURE_HOME,
    "independent fostering agency": ProvisionKind.FOSTERING_AGENCY,
    "local authority fostering agency": ProvisionKind.FOSTERING_AGENCY,
    "supported accommodation": ProvisionKind.SUPPORTED_ACCOMMODATION,
}

#: Registration status: whether the provider is still registered.
REGISTRATION_STATUS = {
    "active": ProviderStatus.ACTIVE,
    "suspended": ProviderStatus.ACTIVE,
    "closed": ProviderStatus.CLOSED,
    "resigned": ProviderStatus.CLOSED,
    "cancelled": ProviderStatus.CLOSED,
}

#: The overall judgement, as Ofsted writes it.
JUDGEMENTS = {
    "outstanding": OfstedRating.OUTSTANDING,
    "good": OfstedRating.GOOD,
    "requires improvement to be good": OfstedRating.REQUIRES_IMPROVEMENT,
    "requires improvement": OfstedRating.REQUIRES_IMPROVEMENT,
    "inadequate": OfstedRating.INADEQUATE,
}

REDACTED = "REDACTED"


def _plain(text: str) -> str:
    return text.replace("\u2019", "'").strip().lower()


def placeholder_name(provision_type: str, urn: str) -> str:
    """The name of a provider whose name Ofsted redacts (every children's home's, to protect the children)."""
    return f"{provision_type or 'Provider'} {urn}"


@dataclass
class _EntryRow:
    urn: str
    name: str  # "" where Ofsted redacts it
    provision_type: str
    provision: str
    sector: str
    registration_status: str
    status: str
    local_authority: str
    region: str
    postcode: str


@dataclass
class OfstedPlan(ImportPlan):
    new_entries: list[RegisterEntry] = field(default_factory=list)
    changed_entries: list[RegisterEntry] = field(default_factory=list)
    new_inspections: list[OfstedInspection] = field(default_factory=list)
    changed_inspections: list[OfstedInspection] = field(default_factory=list)


def _layout(table: CsvTable) -> tuple[str, dict[str, str], list[tuple[str, str, str]]] | None:
    columns = {_plain(name): name for name in table.columns}
    if not all(name in columns for name in REQUIRED):
        return None
    for layout, events in LAYOUTS.items():
        if all(name in columns for name in events[0]):
            present = [event for event in events if all(name in columns for name in event)]
            return layout, columns, present
    return None


def _expected() -> str:
    return (
        "Expected Ofsted's provider-level columns: URN, Provision type, Registration status, Name, and either "
        "'Latest full inspection event type', 'Latest full inspection date' (the 'at 31 August' file) or "
        "'Inspection event type', 'Inspection date' (the 'in year' file), each with "
        "'Overall experiences and progress of children and young people'."
    )


def ofsted_plan(files: Iterable[SourceFile], *, today: date | None = None, progress: Progress = no_progress) -> OfstedPlan:
    """Read and check Ofsted's files, and work out the register's new and changed entries and inspections,
    writing nothing."""
    today = today or timezone.localdate()
    files = list(files)
    result = ImportResult(kind=KIND, files=[f.name for f in files])
    plan = OfstedPlan(result=result)
    entries: dict[str, _EntryRow] = {}
    # (URN, date) -> (judgement, where it was read)
    inspections: dict[tuple[str, date], tuple[str, tuple[str, int]]] = {}

    for table in read_tables(files, result):
        found = _layout(table)
        if found is None:
            result.error(table.name, 1, "", "", f"These columns are not an Ofsted provider-level file. {_expected()} "
                                                f"Found: {', '.join(table.columns)}.{other_kind_hint(table.columns, KIND)}")
            continue
        layout, columns, events = found
        progress(f"Read {table.name}: {len(table.rows):,} rows (Ofsted, {layout}).")

        def value(row: dict, name: str) -> str:
            return row.get(columns.get(name, ""), "")

        for line, row in table.rows:
            urn = value(row, "urn").upper()
            if not urn:
                result.error(table.name, line, columns["urn"], "", "URN is missing.")
                continue
            status_text = value(row, "registration status")
            status = REGISTRATION_STATUS.get(_plain(status_text))
            if status is None:
                result.error(table.name, line, columns["registration status"], status_text,
                             "is not a registration status Ofsted uses (Active, Suspended, Closed, Resigned, Cancelled).")
                continue
            provision_type = value(row, "provision type")
            name = value(row, "name")
            postcode = value(row, "postcode")
            seen = entries.get(urn)
            if seen is None:
                entries[urn] = _EntryRow(
                    urn=urn,
                    name="" if name.upper() == REDACTED else name[:200],
                    provision_type=provision_type[:100],
                    provision=PROVISION_TYPES.get(_plain(provision_type), ProvisionKind.OTHER),
                    sector=value(row, "sector")[:50],
                    registration_status=status_text.strip().capitalize()[:30],
                    status=status,
                    local_authority=value(row, "local authority")[:100],
                    region=value(row, "government office region")[:100],
                    postcode="" if postcode.upper() == REDACTED else postcode[:10],
                )
            else:
                if status == ProviderStatus.CLOSED and seen.status != ProviderStatus.CLOSED:
                    seen.status, seen.registration_status = status, status_text.strip().capitalize()[:30]
                if not seen.name and name.upper() != REDACTED:
                    seen.name = name[:200]
                if not seen.postcode and postcode and postcode.upper() != REDACTED:
                    seen.postcode = postcode[:10]
            for _event_column, date_column, overall_column in events:
                overall_text = value(row, overall_column)
                if not overall_text:
                    continue  # a visit with no judgement
                rating = JUDGEMENTS.get(_plain(overall_text))
                if rating is None:
                    result.error(table.name, line, columns[overall_column], overall_text,
                                 "is not an Ofsted judgement (Outstanding, Good, Requires improvement to be good, "
                                 "Inadequate, or blank).")
                    continue
                date_text = value(row, date_column)
                if not date_text:
                    result.error(table.name, line, columns[date_column], "", "A judgement needs its inspection date.")
                    continue
                try:
                    day = read_date(date_text, today=today)
                except ValueError as problem:
                    result.error(table.name, line, columns[date_column], date_text, f"{problem}.")
                    continue
                if day > today:
                    result.error(table.name, line, columns[date_column], date_text, "is in the future.")
                    continue
                earlier = inspections.get((urn, day))
                if earlier and earlier[0] != rating:
                    result.error(table.name, line, columns[overall_column], overall_text,
                                 f"URN {urn}'s inspection on {date_text} is judged {OfstedRating(earlier[0]).label} "
                                 f"in {earlier[1][0]} line {earlier[1][1]}.")
                    continue
                inspections.setdefault((urn, day), (rating, (table.name, line)))

    if result.errors:
        return plan
    _plan_changes(plan, entries, inspections)
    progress(f"Worked out the changes for {len(entries):,} register entries: {result.summary()}.")
    return plan


def _entry_values(row: _EntryRow) -> dict:
    return {
        "name": row.name or placeholder_name(row.provision_type, row.urn), "name_redacted": not row.name,
        "provision_type": row.provision_type, "provision": row.provision, "sector": row.sector,
        "registration_status": row.registration_status, "status": row.status,
        "local_authority": row.local_authority, "region": row.region, "postcode": row.postcode,
        "postcode_key": postcode_key(row.postcode),
    }


def _merged(entry: RegisterEntry, row: _EntryRow) -> dict:
    """What the file says of an entry already here, less what it may not change: a closed entry stays closed
    (with its status as published), a redacted name or a blank value does not replace one known."""
    values = _entry_values(row)
    if entry.status == ProviderStatus.CLOSED and row.status != ProviderStatus.CLOSED:
        values["status"], values["registration_status"] = entry.status, entry.registration_status
    if not row.name and not entry.name_redacted:
        values["name"], values["name_redacted"] = entry.name, False
    for name in ("provision_type", "sector", "registration_status", "local_authority", "region", "postcode"):
        if not values[name]:
            values[name] = getattr(entry, name)
    values["postcode_key"] = postcode_key(values["postcode"])
    return values


def _plan_changes(plan: OfstedPlan, rows: dict[str, _EntryRow], inspections: dict) -> None:
    result = plan.result
    entry_counts = result.count(ENTRIES)
    inspection_counts = result.count(INSPECTIONS)
    # The whole register: a few thousand entries, one query.
    known = {e.urn: e for e in RegisterEntry.objects.all()}
    for urn, row in rows.items():
        entry = known.get(urn)
        if entry is None:
            plan.new_entries.append(RegisterEntry(urn=urn, **_entry_values(row)))
            entry_counts.new += 1
            continue
        changed = False
        for name, value in _merged(entry, row).items():
            if getattr(entry, name) != value:
                if name not in ("postcode_key", "name_redacted"):
                    result.changed_field(f"Register entry {urn}", entry._meta.get_field(name).verbose_name,
                                         getattr(entry, name), value)
                setattr(entry, name, value)
                changed = True
        if changed:
            plan.changed_entries.append(entry)
            entry_counts.changed += 1
        else:
            entry_counts.unchanged += 1

    stored = {(i.entry_id, i.inspection_date): i
              for i in only_for(OfstedInspection.objects.all(), "entry_id", [urn for urn in rows if urn in known])}
    for (urn, day), (rating, _where) in sorted(inspections.items()):
        inspection = stored.get((urn, day))
        if inspection is None:
            plan.new_inspections.append(OfstedInspection(entry_id=urn, inspection_date=day, overall=rating))
            inspection_counts.new += 1
        elif inspection.overall != rating:
            result.changed_field(f"Inspection of {urn} on {day:%d/%m/%Y}", "overall judgement",
                                 OfstedRating(inspection.overall).label, OfstedRating(rating).label)
            inspection.overall = rating
            plan.changed_inspections.append(inspection)
            inspection_counts.changed += 1
        else:
            inspection_counts.unchanged += 1

    listed = Provider.objects.filter(urn__in=list(rows)).count() if len(rows) <= 900 else sum(
        1 for urn in Provider.objects.exclude(urn=None).values_list("urn", flat=True) if urn in rows)
    result.notes.append(
        f"This import writes Ofsted's register only: your provider list is not changed. {listed:,} of the "
        f"providers on your list {'is' if listed == 1 else 'are'} in these files and "
        f"{'shows its' if listed == 1 else 'show their'} ratings from the register.")


def ofsted_apply(plan: OfstedPlan, *, progress: Progress = no_progress) -> ImportResult:
    """Write the plan to the register in one transaction; refuse (writing nothing) if any row was bad."""
    refuse_if_bad(plan)
    journal = plan.journal
    with transaction.atomic():
        journal.bulk_create(RegisterEntry, plan.new_entries, batch_size=2000)
        journal.bulk_update(RegisterEntry, plan.changed_entries, list(ENTRY_FIELDS), batch_size=2000)
        journal.bulk_create(OfstedInspection, plan.new_inspections, batch_size=2000)
        journal.bulk_update(OfstedInspection, plan.changed_inspections, ["overall"], batch_size=2000)
        journal.seal()
    progress(f"Wrote {len(plan.new_entries):,} new register entries and {len(plan.new_inspections):,} new inspections.")
    plan.result.applied = True
    return plan.result
