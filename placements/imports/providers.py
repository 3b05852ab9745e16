"""Import providers from the council's own list (SPEC section 5).

Columns ``URN, NAME, OWNERSHIP, PROVISION, REGULATED, FRAMEWORK, POSTCODE``, and optionally
``FRAMEWORK_FROM`` (dd/mm/yyyy, the day the provider joined; the import's day when left out).

- A provider is the one with the same URN, or, without a URN, the one with the same name and no URN.
- OWNERSHIP is ``internal`` or ``external``; PROVISION a provision kind (``childrens_home`` or
  "Children's home", and so on); REGULATED ``yes`` or ``no``.
- FRAMEWORK names the framework(s) the provider is on (several separated by ``;``). A framework not set
  up here is set up by the import (the preview says so): its category from the provision of the first
  provider naming it, its lead authority the authority's own area, both to check on its page. A
  membership is added when the provider is not already on that framework; memberships are never ended
  by an import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from placements.care.store import care_segments_deferred, children_placed_with
from placements.choices import Ownership, ProvisionKind, RecordSource
from placements.imports.base import (
    ImportPlan,
    ImportResult,
    Progress,
    SourceFile,
    no_progress,
    read_date,
    read_tables,
    refuse_if_bad,
    wrong_columns,
)
from placements.models import AuthoritySettings, Framework, FrameworkMembership, Provider

KIND = "providers"
COLUMNS = ("URN", "NAME", "OWNERSHIP", "PROVISION", "REGULATED", "FRAMEWORK", "POSTCODE")
OPTIONAL = ("FRAMEWORK_FROM",)
PROVIDER_FIELDS = ["name", "ownership", "provision", "regulated", "postcode"]
YES_NO = {"yes": True, "no": False}


@dataclass
class ProvidersPlan(ImportPlan):
    new_providers: list[Provider] = field(default_factory=list)
    changed_providers: list[Provider] = field(default_factory=list)
    new_memberships: list[FrameworkMembership] = field(default_factory=list)
    #: Frameworks the file names that are not set up here: the import sets them up.
    new_frameworks: list[Framework] = field(default_factory=list)


#: The placement category a framework set up by an import covers, from the provision of its first provider.
FRAMEWORK_CATEGORY = {
    "fostering_agency": "fostering_ifa",
    "childrens_home": "residential",
    "supported_accommodation": "supported_accommodation",
    "secure_home": "secure",
    "other": "other",
}


def _lead_authority() -> str:
    return AuthoritySettings.current().authority_area or "Not recorded yet"


def _provision(value: str) -> str | None:
    plain = value.strip().lower().replace("\u2019", "'")
    for kind in ProvisionKind:
        if plain in (kind.value, kind.label.lower()):
            return kind.value
    return None


def providers_plan(files: Iterable[SourceFile], *, today: date | None = None, progress: Progress = no_progress) -> ProvidersPlan:
    """Read and check the providers files, and work out new and changed providers, writing nothing."""
    today = today or timezone.localdate()
    files = list(files)
    result = ImportResult(kind=KIND, files=[f.name for f in files])
    plan = ProvidersPlan(result=result)
    frameworks = {f.name.strip().lower(): f for f in Framework.objects.all()}
    rows = []
    seen: dict[str, tuple[str, int]] = {}
    for table in read_tables(files, result, upper=True):  # column names in any case
        if not set(COLUMNS) <= table.column_set <= set(COLUMNS + OPTIONAL):
            result.error(table.name, 1, "", "", wrong_columns(table, {"providers": COLUMNS + OPTIONAL}, KIND))
            continue
        progress(f"Read {table.name}: {len(table.rows):,} rows.")
        for line, row in table.rows:
            bad = False

            def error(column: str, reason: str) -> None:
                nonlocal bad
                bad = True
                result.error(table.name, line, column, row.get(column, ""), reason)

            urn, name = "".join(row["URN"].split()).upper(), row["NAME"]  # as Ofsted's register keys it
            if not name:
                error("NAME", "NAME is missing.")
            elif len(name) > 200:
                error("NAME", "is longer than 200 characters.")
            if len(urn) > 16:
                error("URN", "is longer than 16 characters.")
            ownership = row["OWNERSHIP"].lower()
            if ownership not in Ownership.values:
                error("OWNERSHIP", "must be internal or external.")
            provision = _provision(row["PROVISION"])
            if provision is None:
                error("PROVISION", "is not a provision kind: " + ", ".join(ProvisionKind.values) + ".")
            regulated = YES_NO.get(row["REGULATED"].lower())
            if regulated is None:
                error("REGULATED", "must be yes or no.")
            if len(row["POSTCODE"]) > 10:
                error("POSTCODE", "is longer than 10 characters.")
            memberships = []
            for framework_name in filter(None, (n.strip() for n in row["FRAMEWORK"].split(";"))):
                framework = frameworks.get(framework_name.lower())
                if framework is None and len(framework_name) > Framework._meta.get_field("name").max_length:
                    error("FRAMEWORK", f"{framework_name[:40]!r}... is longer than a framework's name can be.")
                elif framework is None:
                    # Not set up here: the import offers to set it up (the preview says so), its category from
                    # the first provider naming it, its lead authority to be checked on its page.
                    framework = Framework(name=framework_name, category=FRAMEWORK_CATEGORY.get(provision or "", "other"),
                                          lead_authority=_lead_authority(), source=RecordSource.IMPORT)
                    frameworks[framework_name.lower()] = framework
                    plan.new_frameworks.append(framework)
                    memberships.append(framework)
                else:
                    memberships.append(framework)
            joined = today
            if row.get("FRAMEWORK_FROM"):
                try:
                    joined = read_date(row["FRAMEWORK_FROM"], today=today)
                except ValueError as problem:
                    error("FRAMEWORK_FROM", f"{problem}.")
            key = f"urn:{urn}" if urn else f"name:{name.lower()}"
            if name and key in seen:
                error("URN" if urn else "NAME", f"this provider is also on line {seen[key][1]} of {seen[key][0]}.")
            seen.setdefault(key, (table.name, line))
            if not bad:
                rows.append((key, urn, name, ownership, provision, regulated, row["POSTCODE"].upper(), memberships, joined))
    if result.errors:
        return plan
    if plan.new_frameworks:
        result.count("Frameworks").new = len(plan.new_frameworks)
        for framework in plan.new_frameworks:
            result.notes.append(
                f"“{framework.name}” is not a framework set up here: importing sets it up, covering "
                f"{framework.get_category_display().lower()}, led by {framework.lead_authority}. Check both on its "
                "page afterwards, and add its yearly uplifts.")
    _plan_changes(plan, rows)
    progress(f"Worked out the changes for {len(rows):,} providers: {result.summary()}.")
    return plan


def _plan_changes(plan: ProvidersPlan, rows: list) -> None:
    counts = plan.result.count("Providers")
    membership_counts = plan.result.count("Framework memberships")
    existing = {}
    for provider in Provider.objects.all():
        key = f"urn:{provider.urn.strip().upper()}" if provider.urn else f"name:{provider.name.lower()}"
        existing.setdefault(key, provider)
    members = {(m.provider_id, m.framework_id) for m in FrameworkMembership.objects.all()}
    for key, urn, name, ownership, provision, regulated, postcode, frameworks, joined in rows:
        wanted = {"name": name, "ownership": ownership, "provision": provision, "regulated": regulated,
                  "postcode": postcode}
        provider = existing.get(key)
        if provider is None:
            provider = Provider(urn=urn or None, source=RecordSource.IMPORT, **wanted)
            plan.new_providers.append(provider)
            counts.new += 1
        else:
            differs = [n for n, v in wanted.items() if getattr(provider, n) != v]
            for n in differs:
                setattr(provider, n, wanted[n])
            if differs:
                plan.changed_providers.append(provider)
                counts.changed += 1
            else:
                counts.unchanged += 1
        for framework in frameworks:
            if provider.pk and (provider.pk, framework.pk) in members:
                membership_counts.unchanged += 1
            else:
                plan.new_memberships.append(FrameworkMembership(provider=provider, framework=framework, start=joined))
                membership_counts.new += 1
    if not membership_counts.total:
        del plan.result.counts["Framework memberships"]


def providers_apply(plan: ProvidersPlan, *, progress: Progress = no_progress) -> ImportResult:
    """Write the plan in one transaction; refuse (writing nothing) if any row was bad."""
    refuse_if_bad(plan)
    journal = plan.journal
    with transaction.atomic(), care_segments_deferred() as touched:
        journal.bulk_create(Framework, plan.new_frameworks, batch_size=2000)
        journal.bulk_create(Provider, plan.new_providers, batch_size=2000)
        journal.bulk_update(Provider, plan.changed_providers, PROVIDER_FIELDS, batch_size=2000)
        # A provider's ownership makes its placements internal or external: their children are counted again.
        touched.update(children_placed_with({provider.pk for provider in plan.changed_providers}))
        journal.bulk_create(FrameworkMembership, plan.new_memberships, batch_size=2000)
        journal.seal()
    progress(f"Wrote {len(plan.new_providers):,} new and {len(plan.changed_providers):,} changed providers.")
    plan.result.applied = True
    return plan.result
