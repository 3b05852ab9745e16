"""What a care segment carries of the placement it is in and of its child, so that a reader of the day's
segments needs no join to a region's placements, children and providers (issue 17 item 4: the panel's
candidates are one indexed read of ``CareSegment``).

The facts, each by its one definition: the placement's start, category, ownership (``rules.placement_ownership``;
"" when neither internal nor external), whether it is unregulated provision (``rules.is_unregulated``), whether
the type wanted was not available in the market, its provider; the child's date of birth.

They are kept as the segments are (``placements.care.store``): a child's segments are written again whenever
their child or placements are saved, and when a provider's ownership or regulation changes (its children's).
``manage.py rebuild_care_segments --check`` compares them with the rest of each segment. ``fill_sql`` is the
same in one statement, for the migration that filled them; a test compares it with a rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from placements import rules

#: The columns carried, in the order ``of_placements`` gives their values (after the child's date of birth).
PLACEMENT_FIELDS = ("placement_start", "placement_category", "placement_ownership", "placement_unregulated",
                    "placement_desired_not_met_market", "placement_provider_id")
FIELDS = ("child_date_of_birth", *PLACEMENT_FIELDS)

_READ = ("pk", "start", "category", "provider__ownership", "place_provider", "provider__regulated",
         "desired_not_met_market", "provider_id")


def carried(start: date, category: str, provider_ownership: str | None, place_provider: str,
            provider_regulated: bool | None, desired_not_met_market: bool, provider_id: int | None) -> tuple:
    """A placement's facts as the segment carries them (``PLACEMENT_FIELDS``' order)."""
    return (start, category or "", rules.placement_ownership(provider_ownership, place_provider or "") or "",
            rules.is_unregulated(category, provider_regulated), bool(desired_not_met_market), provider_id)


def of_placements(Placement, *, child_ids: Iterable[int] | None = None,
                  placement_ids: Iterable[int] | None = None) -> dict[int, tuple]:
    """The carried facts of these children's placements (or of these placements), by placement: one query.
    ``Placement`` is the model (a migration's, when a migration calls this)."""
    found = Placement.objects.all()
    if child_ids is not None:
        found = found.filter(child_id__in=list(child_ids))
    if placement_ids is not None:
        found = found.filter(pk__in=list(placement_ids))
    return {pk: carried(*values) for pk, *values in found.order_by().values_list(*_READ)}


def carries_facts(CareSegment) -> bool:
    """False in a migration that runs before the segments carried their facts."""
    return any(field.name == "placement_category" for field in CareSegment._meta.get_fields())


def fill_sql(vendor: str) -> str:
    """Every segment's facts in one UPDATE (PostgreSQL and SQLite 3.33 or later), as ``carried`` works them out:
    for the migration that added them to a region's segments without a rebuild of every child."""
    from placements.imports.ssda903_codes import PLACE_PROVIDER

    by_code = " ".join(f"WHEN p.place_provider = '{code}' THEN '{meaning.ownership}'"
                       for code, meaning in PLACE_PROVIDER.items() if meaning.ownership)
    ownership = (f"CASE WHEN v.ownership IS NOT NULL AND v.ownership <> '' THEN v.ownership {by_code} ELSE '' END")
    false = "FALSE" if vendor == "postgresql" else "0"
    return f"""
        UPDATE placements_caresegment AS s SET
            child_date_of_birth = c.date_of_birth,
            placement_start = p.start,
            placement_category = p.category,
            placement_ownership = {ownership},
            placement_unregulated = (p.category = 'unregulated' OR COALESCE(v.regulated = {false}, {false})),
            placement_desired_not_met_market = p.desired_not_met_market,
            placement_provider_id = p.provider_id
        FROM placements_placement AS p
        JOIN placements_child AS c ON c.id = p.child_id
        LEFT JOIN placements_provider AS v ON v.id = p.provider_id
        WHERE p.id = s.placement_id
    """
