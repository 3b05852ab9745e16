"""Data in (SPEC section 5): the SSDA903 return, Ofsted's provider-level data, providers and costs.

One module per format, each with ``<format>_plan(files)`` (read, check, work out the changes, write
nothing) and ``<format>_apply(plan)`` (write them in one transaction, only if no row was bad). The
management commands and the upload page both go through ``KINDS``, so they share one code path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from placements.imports import costs, ofsted, providers, ssda903
from placements.imports.base import ImportPlan, ImportRefused, ImportResult, RowError, SourceFile

__all__ = ["KINDS", "ImportKind", "ImportPlan", "ImportRefused", "ImportResult", "RowError", "SourceFile"]


@dataclass(frozen=True)
class ImportKind:
    slug: str
    label: str
    hint: str
    plan: Callable[..., ImportPlan]
    apply: Callable[..., ImportResult]


KINDS: dict[str, ImportKind] = {
    kind.slug: kind
    for kind in [
        ImportKind(
            "ssda903", "SSDA903 return",
            "The Header and Episodes files of the return (and DoLo and UASC, if you have them), as CSV. "
            "Load several years one after another, or together.",
            ssda903.ssda903_plan, ssda903.ssda903_apply,
        ),
        ImportKind(
            "ofsted", "Ofsted provider-level data",
            "Ofsted's \u201cchildren's social care data in England\u201d provider-level files, as downloaded: "
            "the \u201cat 31 August\u201d file, the \u201cin year\u201d file, or both.",
            ofsted.ofsted_plan, ofsted.ofsted_apply,
        ),
        ImportKind(
            "providers", "Providers",
            "Columns URN, NAME, OWNERSHIP, PROVISION, REGULATED, FRAMEWORK, POSTCODE.",
            providers.providers_plan, providers.providers_apply,
        ),
        ImportKind(
            "costs", "Cost lines",
            "Columns CHILD, DECOM, KIND, DESCRIPTION, WEEKLY_AMOUNT, FROM, TO.",
            costs.costs_plan, costs.costs_apply,
        ),
    ]
}
