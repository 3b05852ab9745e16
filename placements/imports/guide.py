"""What each kind of import takes, said on the upload page (issue 19, item 6): its files, their columns, the
date format, an example file of each to download, and which kind a file of the wrong kind looks like.

The examples are made here from made-up values (case references EX..., URNs SC9...); no real child or
provider is in them. They import as they are: a test imports every example, in order, into an empty
authority.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

DATE_FORMAT = "dd/mm/yyyy (for example 05/01/2023)"


@dataclass(frozen=True)
class Column:
    name: str
    holds: str
    required: bool = True


@dataclass(frozen=True)
class ExampleFile:
    name: str
    about: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([column.name for column in self.columns])
        writer.writerows(self.rows)
        return out.getvalue()


@dataclass(frozen=True)
class KindGuide:
    slug: str
    takes: str
    files: tuple[ExampleFile, ...]


_HEADER = ExampleFile(
    "header.csv", "One row per child in the return.",
    (Column("CHILD", "The child's ID in the case-management system: the case reference here."),
     Column("SEX", "1 or M male, 2 or F female."),
     Column("DOB", "Date of birth."),
     Column("ETHNIC", "The DfE ethnicity code, such as WBRI.", required=False),
     Column("UPN", "Not used.", required=False), Column("MOTHER", "Not used.", required=False),
     Column("MC_DOB", "Not used.", required=False)),
    (("EX0001", "1", "14/03/2011", "WBRI", "", "", ""),
     ("EX0002", "2", "02/09/2008", "MWBC", "", "", "")),
)
_EPISODES = ExampleFile(
    "episodes.csv", "One row per episode of care; a new episode starts at each change of placement or legal status.",
    (Column("CHILD", "As in the header file."),
     Column("DECOM", "The day the episode began."),
     Column("RNE", "Reason for new episode: S started, L legal status only, P placement, T both, U, B."),
     Column("LS", "Legal status, such as C2 or V2."),
     Column("CIN", "Category of need, such as N1.", required=False),
     Column("PLACE", "Placement type, such as U4 (fostering) or K2 (children's home)."),
     Column("PLACE_PROVIDER", "PR0 to PR5: PR1 the council's own, PR4 and PR5 private or voluntary."),
     Column("DEC", "The day the episode ceased; blank while it goes on.", required=False),
     Column("REC", "Reason the episode ceased, such as X1 or E11.", required=False),
     Column("REASON_PLACE_CHANGE", "Why the placement changed, such as CREQB.", required=False),
     Column("HOME_POST", "Not used.", required=False), Column("PL_POST", "Not used.", required=False),
     Column("URN", "The provider's Ofsted URN, if it has one.", required=False)),
    (("EX0001", "05/01/2023", "S", "C2", "N1", "U4", "PR1", "", "", "", "", "", ""),
     ("EX0002", "10/05/2023", "S", "V2", "N2", "K2", "PR4", "02/10/2023", "E11", "", "", "", "SC900002")),
)
_OFSTED = ExampleFile(
    "ofsted_provider_level.csv",
    "Ofsted's \u201cchildren's social care data in England\u201d provider-level file, as downloaded (it has many "
    "more columns, which are read or left alone).",
    (Column("URN", "Ofsted's unique reference number."),
     Column("Provision type", "Such as Children's home or Independent Fostering Agency."),
     Column("Registration status", "Active, Resigned, Cancelled, Closed, Suspended."),
     Column("Name", "The provider's name."),
     Column("Local authority", "The area it is in.", required=False),
     Column("Postcode", "Its postcode.", required=False),
     Column("Latest full inspection event type", "In the \u201cat 31 August\u201d file (the \u201cin year\u201d "
            "file has Inspection event type)."),
     Column("Latest full inspection date", "The inspection's date (in year: Inspection date)."),
     Column("Overall experiences and progress of children and young people",
            "The judgement: Outstanding, Good, Requires improvement to be good, Inadequate.")),
    (("SC900002", "Children's home", "Active", "Example Children's Home (Hillside)", "Exampleshire", "EX2 2BB",
      "Full inspection", "14/11/2022", "Good"),),
)
_PROVIDERS = ExampleFile(
    "providers.csv", "One row per provider the authority uses or has approved.",
    (Column("URN", "Ofsted's URN; blank for an unregistered provider.", required=False),
     Column("NAME", "The provider's name."),
     Column("OWNERSHIP", "internal (the council's own) or external."),
     Column("PROVISION", "fostering_agency, childrens_home, supported_accommodation, secure_home or other."),
     Column("REGULATED", "yes or no: registered with Ofsted."),
     Column("FRAMEWORK", "The frameworks it is on, by name, separated by ; (blank for none).", required=False),
     Column("POSTCODE", "Its postcode.", required=False),
     Column("FRAMEWORK_FROM", "The day it joined the framework (an extra column; today if left out).",
            required=False)),
    (("SC900001", "Example Fostering Agency", "external", "fostering_agency", "yes", "", "EX1 1AA", ""),
     ("SC900002", "Example Children's Home (Hillside)", "external", "childrens_home", "yes", "", "EX2 2BB", "")),
)
_COSTS = ExampleFile(
    "costs.csv", "One row per weekly cost line, as finance pays it.",
    (Column("CHILD", "The child's case reference."),
     Column("DECOM", "The day the placement began (as in the return): says which placement."),
     Column("KIND", "core or additional."),
     Column("DESCRIPTION", "What it pays for, such as Core weekly fee."),
     Column("WEEKLY_AMOUNT", "Pounds a week, such as 1025.00."),
     Column("FROM", "The first day paid."),
     Column("TO", "The last day paid; blank while it goes on.", required=False)),
    (("EX0002", "10/05/2023", "core", "Core weekly fee", "5800.00", "10/05/2023", "01/10/2023"),),
)

GUIDES: dict[str, KindGuide] = {
    "ssda903": KindGuide(
        "ssda903", "The SSDA903 return as sent to the DfE: the Header and Episodes files (and DoLo and UASC if you "
        "have them; the other tables are left alone). Upload all the files of a year at once, or several years "
        "together: each file's return year is worked out from its dates, and a later return wins.",
        (_HEADER, _EPISODES)),
    "ofsted": KindGuide(
        "ofsted", "Ofsted's provider-level files, as downloaded: the \u201cat 31 August\u201d file, the "
        "\u201cin year\u201d file, or both. They fill Ofsted's register (every provider in England Ofsted "
        "registers, with its inspections and registration status): reference data apart from your provider list, "
        "which they never change. A provider on your list shows its ratings from the register by its URN.",
        (_OFSTED,)),
    "providers": KindGuide(
        "providers", "The providers the authority uses or has approved, with their frameworks.", (_PROVIDERS,)),
    "costs": KindGuide(
        "costs", "The weekly cost lines of placements already here (import the return first). Costs change by "
        "ending a line (TO) and starting another, never by changing an amount.", (_COSTS,)),
}


#: Every example file, numbered from 1 (its address on the upload page: URLs carry numbers, not names).
EXAMPLES: list[tuple[str, ExampleFile]] = [(slug, f) for slug, kind in GUIDES.items() for f in kind.files]


def example(number: int) -> ExampleFile | None:
    return EXAMPLES[number - 1][1] if 1 <= number <= len(EXAMPLES) else None


def numbered_files(slug: str) -> list[tuple[int, ExampleFile]]:
    """The kind's example files, each with its number."""
    return [(n, f) for n, (kind, f) in enumerate(EXAMPLES, start=1) if kind == slug]


def looks_like(columns: frozenset[str]) -> str | None:
    """The kind of import a file with these columns is, or None when it is none of them."""
    from placements.imports import costs, ofsted, providers, ssda903_codes

    upper = frozenset(c.upper() for c in columns)
    tables = {**ssda903_codes.TABLES, **ssda903_codes.OTHER_TABLES}
    if any(upper == frozenset(c.upper() for c in table) for table in tables.values()):
        return "ssda903"
    if upper == frozenset(costs.COLUMNS):
        return "costs"
    if set(providers.COLUMNS) <= upper <= set(providers.COLUMNS + providers.OPTIONAL):
        return "providers"
    plain = {ofsted._plain(c) for c in columns}
    if all(name in plain for name in ofsted.REQUIRED):
        return "ofsted"
    return None


def other_kind_hint(columns, this_kind: str) -> str:
    """" This looks like a file of providers: choose Providers and upload it again." or ""."""
    kind = looks_like(frozenset(columns))
    if kind is None or kind == this_kind:
        return ""
    from placements.imports import KINDS

    label = KINDS[kind].label
    return f" This looks like a file for \u201c{label}\u201d: choose {label} and upload it again."
