"""Import Ofsted's published "children's social care data in England" provider-level CSVs (SPEC section 5).

Both layouts are taken as downloaded: ``Provider_level_at_31_Aug_YYYY.csv`` (each provider's latest
full inspection) and ``Provider_level_in_year_YYYY-YY.csv`` (every inspection event of the year, with
the previous inspection beside each). Real files end in empty columns, say REDACTED for the names and
addresses of children's homes, write NULL for nothing, spell "Children's Home" two ways, and come in
Windows-1252 as often as UTF-8: all of that is expected, not an error.

- A provider not known here (by URN) is created: external, regulated, named as Ofsted names it (or
  "<provision type> <URN>" where Ofsted redacts the name), with the local authority area. Mark the
  council's own homes internal by hand or with the providers import: this file cannot tell which
  "Local Authority" sector provider is ours.
- Every event with an overall judgement is one inspection (date and judgement), recorded once however
  many rows or files repeat it. Events with no judgement (assurance and monitoring visits: blank or
  NULL) are not inspections and are skipped. Ofsted's own data gives a judgement to a few monitoring
  inspections; where it does, the judgement is taken as Ofsted publishes it.
- A provider whose registration is closed, resigned or cancelled is marked closed. A file never marks
  a provider active again, so files can be imported in either order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from placements.choices import OfstedRating, Ownership, ProviderStatus, ProvisionKind, RecordSource
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
from placements.models import OfstedInspection, Provider

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
class _ProviderRow:
    urn: str
    name: str
    provision_type: str
    provision: str
    status: str
    local_authority: str
    postcode: str


@dataclass
class OfstedPlan(ImportPlan):
    new_providers: list[Provider] = field(default_factory=list)
    changed_providers: list[Provider] = field(default_factory=list)
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
    """Read and check Ofsted's files, and work out new providers, closures and inspections, writing nothing."""
    today = today or timezone.localdate()
    files = list(files)
    result = ImportResult(kind=KIND, files=[f.name for f in files])
    plan = OfstedPlan(result=result)
    providers: dict[str, _ProviderRow] = {}
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
            seen = providers.get(urn)
            if seen is None:
                providers[urn] = _ProviderRow(
                    urn=urn,
                    name="" if name.upper() == REDACTED else name,
                    provision_type=provision_type,
                    provision=PROVISION_TYPES.get(_plain(provision_type), ProvisionKind.OTHER),
                    status=status,
                    local_authority=value(row, "local authority")[:100],
                    postcode="" if postcode.upper() == REDACTED else postcode[:10],
                )
            else:
                if status == ProviderStatus.CLOSED:
                    seen.status = status
                if not seen.name and name.upper() != REDACTED:
                    seen.name = name
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
    _plan_changes(plan, providers, inspections)
    progress(f"Worked out the changes for {len(providers):,} providers: {result.summary()}.")
    return plan


def _plan_changes(plan: OfstedPlan, rows: dict[str, _ProviderRow], inspections: dict) -> None:
    result = plan.result
    provider_counts = result.count("Providers")
    inspection_counts = result.count("Ofsted inspections")
    # Every provider with a URN: a few thousand at most, one query.
    known = {p.urn.strip().upper(): p for p in Provider.objects.exclude(urn=None)}
    providers: dict[str, Provider] = {}
    for urn, row in rows.items():
        provider = known.get(urn)
        if provider is None:
            provider = Provider(
                name=row.name or placeholder_name(row.provision_type, urn), urn=urn,
                ownership=Ownership.EXTERNAL, provision=row.provision, regulated=True, status=row.status,
                postcode=row.postcode, local_authority=row.local_authority, source=RecordSource.IMPORT,
            )
            plan.new_providers.append(provider)
            provider_counts.new += 1
        else:
            changed = False
            if row.status == ProviderStatus.CLOSED and provider.status != ProviderStatus.CLOSED:
                provider.status = ProviderStatus.CLOSED
                changed = True
            if row.name and provider.name == placeholder_name(row.provision_type, urn):
                provider.name = row.name  # a later file gives the name an earlier one redacted
                changed = True
            if row.local_authority and not provider.local_authority:
                provider.local_authority = row.local_authority
                changed = True
            if changed:
                plan.changed_providers.append(provider)
                provider_counts.changed += 1
            else:
                provider_counts.unchanged += 1
        providers[urn] = provider

    known_ids = [p.pk for p in providers.values() if p.pk]
    stored = {(i.provider_id, i.inspection_date): i
              for i in only_for(OfstedInspection.objects.all(), "provider_id", known_ids)}
    for (urn, day), (rating, _where) in sorted(inspections.items()):
        provider = providers[urn]
        inspection = stored.get((provider.pk, day)) if provider.pk else None
        if inspection is None:
            plan.new_inspections.append(OfstedInspection(provider=provider, inspection_date=day, overall=rating))
            inspection_counts.new += 1
        elif inspection.overall != rating:
            inspection.overall = rating
            plan.changed_inspections.append(inspection)
            inspection_counts.changed += 1
        else:
            inspection_counts.unchanged += 1


def ofsted_apply(plan: OfstedPlan, *, progress: Progress = no_progress) -> ImportResult:
    """Write the plan in one transaction; refuse (writing nothing) if any row was bad."""
    refuse_if_bad(plan)
    journal = plan.journal
    with transaction.atomic():
        journal.bulk_create(Provider, plan.new_providers, batch_size=2000)
        journal.bulk_update(Provider, plan.changed_providers, ["status", "name", "local_authority"], batch_size=2000)
        journal.bulk_create(OfstedInspection, plan.new_inspections, batch_size=2000)
        journal.bulk_update(OfstedInspection, plan.changed_inspections, ["overall"], batch_size=2000)
        journal.seal()
    progress(f"Wrote {len(plan.new_providers):,} new providers and {len(plan.new_inspections):,} new inspections.")
    plan.result.applied = True
    return plan.result
