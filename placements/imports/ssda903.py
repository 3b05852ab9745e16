"""Import the SSDA903 return: Header, Episodes, DoLo (from 2026/27) and UASC tables (SPEC section 5).

What the return means here (SPEC sections 2, 3 and 5):

- CHILD is ``Child.case_ref``. The 903 carries no names: an imported child has none (pages show the
  case reference) until someone adds them. A header row for a child who has no episodes, in this
  import or already, is left out (a child needs a legal status, which only episodes give).
- Every episode is kept (``Episode``). For the same CHILD and DECOM the later return wins, so
  several years' returns can be loaded in turn, in any order: an episode open at a year end is closed
  by the next year's return. A return's year is the financial year of its latest DECOM.
- A placement is the run of episodes from one that starts a placement (RNE P, B, T, U, S) through
  the RNE L episodes that follow it without a gap: ``start`` is the first DECOM, ``end`` the last DEC
  (the day the child left), ``legal_status`` the status at the start. Each change of legal status is
  a ``LegalStatusPeriod``; the child's ``legal_status`` is the latest episode's.
- PLACE and PLACE_PROVIDER give the category (``ssda903_codes.PLACE``); the URN links an Ofsted-registered
  provider already known here. An unknown URN is not an error: the placement has no provider and the
  data quality page lists it. Placed with parents (P1, PR0) has no provider.
- ``came_from`` is the previous placement's kind in the same period of care (looking through
  temporary placements), else home. ``route`` is internal for the council's own provision (PR1) and
  for placements with parents (PR0), framework when the provider is on a framework on the start day,
  else spot; a route recorded by hand as a block contract is kept.
- A placement is matched to what is already here by child and start date, or else by the episodes it
  was made from, so re-importing changes nothing and fields the 903 does not carry (desired category,
  planned end, cost lines) are never touched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from placements import bulk_insert, rules
from placements.bulk_insert import Record, new
from placements.care.segments import PlacementFacts as SegmentPlacement
from placements.care import facts as segment_facts
from placements.care.daily import PlacementCosts
from placements.care.segments import StatusPeriod
from placements.care import aside
from placements.care.store import care_segments_deferred, care_segments_write, new_children_counted, segment_rows
from placements.choices import (
    RNE_LEGAL_STATUS_ONLY,
    RNE_STARTED,
    CameFrom,
    CommissioningRoute,
    Ownership,
    ReasonEnded,
    RecordSource,
)
from placements.imports import ssda903_codes as codes
from placements.imports.base import (
    CsvTable,
    ImportPlan,
    ImportResult,
    Progress,
    SourceFile,
    gc_paused,
    no_progress,
    only_for,
    read_date,
    read_tables,
    refuse_if_bad,
    wrong_columns,
)
from placements.imports.reconciliation import looked_after_at_year_end
from placements.models import (
    Child,
    DeprivationOfLiberty,
    Episode,
    FrameworkMembership,
    LegalStatusPeriod,
    Placement,
    Provider,
    ReturnYear,
)

KIND = "ssda903"

#: The longest case reference the children's table holds (SSDA903 CHILD is the case reference).
CASE_REF_LENGTH = Child._meta.get_field("case_ref").max_length

#: Header fields whose change means the record may be about someone else: shown first, to be checked.
SECOND_LOOK = {"date_of_birth": "date of birth", "sex": "sex"}

CHILD_FIELDS = ["sex", "date_of_birth", "ethnicity", "legal_status", "uasc"]
PLACEMENT_FIELDS = ["provider", "category", "place_code", "place_provider", "began_before_records", "legal_status", "start", "end", "reason_ended", "came_from",
                    "route", "planned_end"]
EPISODE_FIELDS = ["placement", "dec", "rne", "legal_status", "cin", "place", "place_provider", "rec",
                  "reason_place_change", "urn", "return_year"]
# What the return says about an episode (everything but the placement it belongs to).
EPISODE_DATA = EPISODE_FIELDS[1:]


# --- Rows as read ----------------------------------------------------------------------


@dataclass(slots=True)
class HeaderRow:
    child: str
    sex: str
    date_of_birth: date
    ethnicity: str
    where: tuple[str, int]


@dataclass(slots=True)
class EpisodeRow:
    child: str
    decom: date
    dec: date | None
    rne: str
    legal_status: str
    cin: str
    place: str
    place_provider: str
    rec: str
    reason_place_change: str
    urn: str
    return_year: int = 0
    where: tuple[str, int] = ("", 0)

    def data(self) -> tuple:
        return tuple(getattr(self, name) for name in EPISODE_DATA)


@dataclass(slots=True)
class DolRow:
    child: str
    date_of_birth: date
    start: date
    end: date | None
    where: tuple[str, int]


@dataclass(slots=True)
class UascRow:
    child: str
    date_of_birth: date
    where: tuple[str, int]


@dataclass
class Ssda903Plan(ImportPlan):
    new_children: list[Child] = field(default_factory=list)
    changed_children: list[Child] = field(default_factory=list)
    new_placements: list[Placement] = field(default_factory=list)
    changed_placements: list[Placement] = field(default_factory=list)
    new_episodes: list[Episode] = field(default_factory=list)
    changed_episodes: list[Episode] = field(default_factory=list)
    new_periods: list[LegalStatusPeriod] = field(default_factory=list)
    changed_periods: list[LegalStatusPeriod] = field(default_factory=list)
    removed_period_ids: list[int] = field(default_factory=list)
    new_dol_orders: list[DeprivationOfLiberty] = field(default_factory=list)
    changed_dol_orders: list[DeprivationOfLiberty] = field(default_factory=list)
    orphaned_placements: int = 0
    #: Per return year in the files: the children that return alone has looked after on its 31 March.
    year_end_children: dict[int, set[str]] = field(default_factory=dict)


class _Reader:
    """Reads one table's rows into typed rows, reporting every bad value."""

    def __init__(self, table: CsvTable, result: ImportResult, today: date):
        self.table, self.result, self.today = table, result, today
        self.bad = False

    def error(self, line: int, column: str, value: str, reason: str) -> None:
        self.bad = True
        self.result.error(self.table.name, line, column, value, reason)

    def required(self, line: int, row: dict, column: str) -> str:
        value = row[column]
        if not value:
            self.error(line, column, "", f"{column} is missing.")
        elif column == "CHILD" and len(value) > CASE_REF_LENGTH:
            self.error(line, column, value, f"is longer than a case reference can be ({CASE_REF_LENGTH} characters).")
        return value

    def code(self, line: int, row: dict, column: str, table: dict, *, required: bool = True) -> str:
        value = row[column].upper()
        if not value:
            if required:
                self.error(line, column, "", f"{column} is missing.")
            return ""
        if value not in table:
            self.error(line, column, row[column], f"is not an SSDA903 {column} code.")
            return ""
        return value

    def date(self, line: int, row: dict, column: str, *, required: bool = True, past: bool = True,
             birth: bool = False) -> date | None:
        value = row[column]
        if not value:
            if required:
                self.error(line, column, "", f"{column} is missing.")
            return None
        try:
            day = read_date(value, today=self.today, birth=birth)
        except ValueError as problem:
            self.error(line, column, value, f"{problem}.")
            return None
        if past and day > self.today:
            self.error(line, column, value, "is in the future.")
            return None
        return day


def _table_kind(table: CsvTable) -> str | None:
    for kind, columns in {**codes.TABLES, **codes.OTHER_TABLES}.items():
        if table.column_set == frozenset(columns):
            return kind
    return None


def _read_header(table: CsvTable, result: ImportResult, today: date) -> list[HeaderRow]:
    reader, rows, seen = _Reader(table, result, today), [], {}
    for line, row in table.rows:
        reader.bad = False
        child = reader.required(line, row, "CHILD")
        sex = reader.code(line, row, "SEX", codes.SEX)
        dob = reader.date(line, row, "DOB", birth=True)
        ethnic = reader.code(line, row, "ETHNIC", codes.ETHNIC, required=False)
        if child and child in seen:
            reader.error(line, "CHILD", child, f"appears twice in this file (also on line {seen[child]}).")
        seen.setdefault(child, line)
        if not reader.bad:
            rows.append(HeaderRow(child, codes.SEX[sex], dob, codes.ETHNIC.get(ethnic, ""), (table.name, line)))
    return rows


def _read_episodes(table: CsvTable, result: ImportResult, today: date) -> list[EpisodeRow]:
    reader, rows, seen = _Reader(table, result, today), [], {}
    for line, row in table.rows:
        reader.bad = False
        child = reader.required(line, row, "CHILD")
        decom = reader.date(line, row, "DECOM")
        dec = reader.date(line, row, "DEC", required=False)
        rne = reader.code(line, row, "RNE", codes.RNE)
        ls = reader.code(line, row, "LS", codes.LEGAL_STATUS)
        place = reader.code(line, row, "PLACE", codes.PLACE)
        place_provider = reader.code(line, row, "PLACE_PROVIDER", codes.PLACE_PROVIDER, required=False)
        rec = reader.code(line, row, "REC", codes.REC, required=False)
        change = reader.code(line, row, "REASON_PLACE_CHANGE", codes.REASON_PLACE_CHANGE, required=False)
        if place and not place_provider and place not in codes.PROVIDER_OPTIONAL_PLACES:
            reader.error(line, "PLACE_PROVIDER", "", f"PLACE_PROVIDER is missing (PLACE {place} needs one).")
        if decom and dec and dec <= decom:
            reader.error(line, "DEC", row["DEC"], f"is not after DECOM {row['DECOM']}: an episode ends after it begins.")
        if child and decom:
            key = (child, decom)
            if key in seen:
                reader.error(line, "DECOM", row["DECOM"],
                             f"CHILD {child} has two episodes starting this day (also on line {seen[key]}).")
            seen.setdefault(key, line)
        if reader.bad:
            continue
        urn = row["URN"].upper()
        if urn in codes.NO_URN or codes.PLACE[place].no_provider or place_provider == "PR0":
            urn = ""
        # A reason ceased means nothing while the episode is open (a return may still carry one).
        rows.append(EpisodeRow(child, decom, dec, rne, ls, row["CIN"].upper()[:2], place, place_provider,
                               rec if dec else "", change if dec else "", urn[:16], where=(table.name, line)))
    if rows:
        # The return's collection year: the financial year of its latest DECOM (2017 for 2017/18).
        year = rules.financial_year_start(max(r.decom for r in rows)).year
        for r in rows:
            r.return_year = year
        result.file_covers[table.name] = f"the {rules.financial_year_label(year)} return"
    return rows


def _read_dol(table: CsvTable, result: ImportResult, today: date) -> list[DolRow]:
    reader, rows, seen = _Reader(table, result, today), [], {}
    for line, row in table.rows:
        reader.bad = False
        child = reader.required(line, row, "CHILD")
        dob = reader.date(line, row, "DOB", birth=True)
        start = reader.date(line, row, "DOLO_START")
        end = reader.date(line, row, "DOLO_END", required=False, past=False)
        if start and end and end < start:
            reader.error(line, "DOLO_END", row["DOLO_END"], f"is before DOLO_START {row['DOLO_START']}.")
        if child and start:
            if (child, start) in seen:
                reader.error(line, "DOLO_START", row["DOLO_START"],
                             f"CHILD {child} has two orders starting this day (also on line {seen[(child, start)]}).")
            seen.setdefault((child, start), line)
        if not reader.bad:
            rows.append(DolRow(child, dob, start, end, (table.name, line)))
    return rows


def _read_uasc(table: CsvTable, result: ImportResult, today: date) -> list[UascRow]:
    reader, rows = _Reader(table, result, today), []
    for line, row in table.rows:
        reader.bad = False
        child = reader.required(line, row, "CHILD")
        dob = reader.date(line, row, "DOB", birth=True)
        reader.date(line, row, "DUC", required=False, past=False)
        if not reader.bad:
            rows.append(UascRow(child, dob, (table.name, line)))
    return rows


# --- Placements from episodes ------------------------------------------------------------


@dataclass
class _DerivedPlacement:
    episodes: list  # Episode model instances (stored or new), in DECOM order
    category: str = ""
    place_code: str = ""
    place_provider: str = ""
    legal_status: str = ""
    start: date | None = None
    end: date | None = None
    reason_ended: str = ""
    urn: str = ""
    new_period_of_care: bool = False


def _group_placements(episodes: list[Episode]) -> list[_DerivedPlacement]:
    """Runs of episodes: RNE L continues the placement when it follows the previous episode without a gap."""
    groups: list[_DerivedPlacement] = []
    for episode in episodes:
        current = groups[-1] if groups else None
        continues = (
            current is not None
            and not codes.RNE[episode.rne].new_placement
            and current.episodes[-1].dec == episode.decom
        )
        if continues:
            current.episodes.append(episode)
            continue
        groups.append(_DerivedPlacement(episodes=[episode]))
    for group in groups:
        first, last = group.episodes[0], group.episodes[-1]
        place = codes.PLACE[first.place]
        group.place_code = first.place
        group.place_provider = first.place_provider
        group.category = place.category_for(first.place_provider)
        group.legal_status = first.legal_status
        group.start = first.decom
        group.end = last.dec
        group.urn = first.urn
        group.new_period_of_care = codes.RNE[first.rne].new_period_of_care
        if last.dec:
            ceased = codes.REC.get(last.rec)
            reason = ceased.reason_ended if ceased else ReasonEnded.OTHER
            change = codes.REASON_PLACE_CHANGE.get(last.reason_place_change)
            if last.rec == "X1" and change and change.breakdown:
                reason = ReasonEnded.BREAKDOWN
            group.reason_ended = reason
    return groups


def _came_from(groups: list[_DerivedPlacement], index: int) -> str:
    """Where the child came from: the placement before in the same period of care, through temporary ones."""
    current = groups[index]
    while index > 0:
        before = groups[index - 1]
        if current.new_period_of_care or before.end != current.start:
            return CameFrom.HOME
        came_from = codes.PLACE[before.place_code].came_from
        if came_from is not None:
            return came_from
        current, index = before, index - 1
    return CameFrom.HOME


def _legal_status_periods(episodes: list[Episode]) -> list[tuple[date, date | None, str]]:
    periods: list[list] = []
    for episode in episodes:
        if periods and periods[-1][2] == episode.legal_status and periods[-1][1] == episode.decom:
            periods[-1][1] = episode.dec
        else:
            periods.append([episode.decom, episode.dec, episode.legal_status])
    return [tuple(p) for p in periods]


class _Providers:
    """Providers by URN and their framework memberships, read once."""

    def __init__(self):
        rows = list(Provider.objects.values_list("pk", "urn", "ownership"))
        self.by_urn = {urn.strip().upper(): (pk, ownership) for pk, urn, ownership in rows if urn}
        self.ownership = {pk: ownership for pk, _urn, ownership in rows}
        self.memberships = defaultdict(list)
        for provider_id, start, end in FrameworkMembership.objects.values_list("provider_id", "start", "end"):
            self.memberships[provider_id].append((start, end))

    def on_framework(self, provider_id: int | None, on: date) -> bool:
        return any(start <= on and (end is None or on <= end) for start, end in self.memberships.get(provider_id, ()))


def _route(group: _DerivedPlacement, provider_id: int | None, providers: _Providers, ownership: str | None) -> str:
    if group.place_provider in codes.INTERNAL_ROUTE_PROVIDERS:
        return CommissioningRoute.INTERNAL
    if not group.place_provider and (provider_id is None or ownership == Ownership.INTERNAL):
        return CommissioningRoute.INTERNAL
    if provider_id is not None and providers.on_framework(provider_id, group.start):
        return CommissioningRoute.FRAMEWORK
    return CommissioningRoute.SPOT


# --- The plan ------------------------------------------------------------------------


@gc_paused()
def ssda903_plan(files: Iterable[SourceFile], *, today: date | None = None, progress: Progress = no_progress) -> Ssda903Plan:
    """Read and check the files, and work out every change, writing nothing."""
    today = today or timezone.localdate()
    files = list(files)
    result = ImportResult(kind=KIND, files=[f.name for f in files])
    plan = Ssda903Plan(result=result)
    headers: list[HeaderRow] = []
    episodes: list[EpisodeRow] = []
    dol_rows: list[DolRow] = []
    uasc_rows: list[UascRow] = []
    tables_read = []
    for table in read_tables(files, result):
        tables_read.append(table)
        kind = _table_kind(table)
        progress(f"Read {table.name}: {len(table.rows):,} rows ({kind or 'not an SSDA903 table'}).")
        if kind == "Header":
            headers += _read_header(table, result, today)
        elif kind == "Episodes":
            episodes += _read_episodes(table, result, today)
        elif kind == "DoLo":
            dol_rows += _read_dol(table, result, today)
        elif kind == "UASC":
            uasc_rows += _read_uasc(table, result, today)
        elif kind:
            result.notes.append(f"{table.name} is the SSDA903 {kind} table, which this app does not use: left alone.")
        else:
            result.error(table.name, 1, "", "", wrong_columns(table, codes.TABLES, KIND))

    header_by_child = {row.child: row for row in headers}  # a later header file wins
    # Children whose header row was bad: already reported, so their other rows are not reported again.
    bad_header_children = {row["CHILD"] for table in tables_read if _table_kind(table) == "Header"
                           for _line, row in table.rows} - set(header_by_child)
    refs = set(header_by_child) | {r.child for r in episodes} | {r.child for r in dol_rows} | {r.child for r in uasc_rows}
    existing_children = {c.case_ref: c for c in only_for(Child.objects.all(), "case_ref", refs)}

    # Rows for children the header does not give and who are not known here.
    def known(child: str, where: tuple[str, int]) -> bool:
        if child in header_by_child or child in existing_children:
            return True
        if child in bad_header_children:
            return False
        result.error(where[0], where[1], "CHILD", child, "is not in the header file and is not a child known here.")
        return False

    episodes = [r for r in episodes if known(r.child, r.where)]
    dol_rows = [r for r in dol_rows if known(r.child, r.where)]
    uasc_rows = [r for r in uasc_rows if known(r.child, r.where)]

    def date_of_birth(child: str) -> date:
        return header_by_child[child].date_of_birth if child in header_by_child else existing_children[child].date_of_birth

    for row in episodes:
        if row.decom < date_of_birth(row.child):
            result.error(*row.where, "DECOM", f"{row.decom:%d/%m/%Y}", "is before the child's date of birth.")
    for row in [*dol_rows, *uasc_rows]:
        if row.date_of_birth != date_of_birth(row.child):
            result.error(*row.where, "DOB", f"{row.date_of_birth:%d/%m/%Y}",
                         f"does not match CHILD {row.child}'s date of birth, {date_of_birth(row.child):%d/%m/%Y}.")
    if result.errors:
        return plan
    progress(f"Checked {len(headers):,} header rows, {len(episodes):,} episodes, {len(dol_rows):,} DoL orders.")

    plan.year_end_children = looked_after_at_year_end(episodes, date_of_birth)
    _plan_changes(plan, header_by_child, episodes, dol_rows, uasc_rows, existing_children, progress)
    return plan


def _plan_changes(plan, header_by_child, episode_rows, dol_rows, uasc_rows, existing_children, progress) -> None:
    result = plan.result
    counts = {label: result.count(label) for label in
              ("Children", "Placements", "Episodes", "Legal status periods", "DoL orders")}

    # Episodes of each child: what is stored, with the file's rows laid over it (the later return wins).
    episode_children = {r.child for r in episode_rows}
    existing_ids = {existing_children[c].pk for c in episode_children if c in existing_children}
    stored: dict[int, dict[date, Episode]] = defaultdict(dict)
    for episode in only_for(Episode.objects.all(), "child_id", existing_ids):
        if episode.child_id in existing_ids:
            stored[episode.child_id][episode.decom] = episode
    placements_by_child: dict[int, list[Placement]] = defaultdict(list)
    for placement in only_for(Placement.objects.all(), "child_id", existing_ids):
        if placement.child_id in existing_ids:
            placements_by_child[placement.child_id].append(placement)
    periods_by_child: dict[int, list[LegalStatusPeriod]] = defaultdict(list)
    for period in only_for(LegalStatusPeriod.objects.all(), "child_id", existing_ids):
        if period.child_id in existing_ids:
            periods_by_child[period.child_id].append(period)
    providers = _Providers()

    # Children: new ones (only those with episodes), changed header details, UASC flags.
    children: dict[str, Child] = {}
    child_changed: set[str] = set()
    for ref in sorted(set(header_by_child) | episode_children | {r.child for r in [*uasc_rows, *dol_rows]}):
        child = existing_children.get(ref)
        header = header_by_child.get(ref)
        if child is None:
            if ref not in episode_children:
                continue
            child = new(Child, case_ref=ref, given_name="", family_name="", sex=header.sex,
                          date_of_birth=header.date_of_birth, ethnicity=header.ethnicity, source=RecordSource.IMPORT)
            plan.new_children.append(child)
        elif header:
            for name, value in (("sex", header.sex), ("date_of_birth", header.date_of_birth),
                                ("ethnicity", header.ethnicity)):
                if getattr(child, name) != value:
                    result.changed_field(f"Child {ref}", SECOND_LOOK.get(name, name), getattr(child, name), value,
                                         second_look=name in SECOND_LOOK)
                    setattr(child, name, value)
                    child_changed.add(ref)
        children[ref] = child
    skipped = sorted(set(header_by_child) - set(children))
    counts["Children"].left_alone = len(skipped)
    if skipped:
        result.notes.append(f"{len(skipped):,} header row(s) for children with no episodes, here or in these files, "
                            f"were left out (for example CHILD {skipped[0]}).")
    for row in uasc_rows:
        child = children.get(row.child)
        if child is not None and not child.uasc:
            if child.pk:
                result.changed_field(f"Child {row.child}", "UASC", "no", "yes")
            child.uasc = True
            if child.pk:
                child_changed.add(row.child)

    # Episodes, then placements and legal status periods, child by child.
    incoming: dict[str, list[EpisodeRow]] = defaultdict(list)
    for row in sorted(episode_rows, key=lambda r: r.return_year):
        incoming[row.child].append(row)
    kept_later = 0
    new_episode = bulk_insert.record_class(Episode)  # new(Episode, ...) with the columns named: EPISODE_DATA
    for ref, rows in incoming.items():
        child = children[ref]
        merged = dict(stored.get(child.pk, {})) if child.pk else {}
        changed_episodes: dict[date, Episode] = {}
        for row in rows:
            episode = merged.get(row.decom)
            if episode is None:
                episode = new_episode(child=child, decom=row.decom, dec=row.dec, rne=row.rne,
                                      legal_status=row.legal_status, cin=row.cin, place=row.place,
                                      place_provider=row.place_provider, rec=row.rec,
                                      reason_place_change=row.reason_place_change, urn=row.urn,
                                      return_year=row.return_year)
                merged[row.decom] = episode
                plan.new_episodes.append(episode)
            elif row.return_year < episode.return_year:
                kept_later += 1
            elif tuple(getattr(episode, n) for n in EPISODE_DATA) != row.data():
                for name in EPISODE_DATA:
                    if episode.pk and getattr(episode, name) != getattr(row, name):
                        result.changed_field(f"Episode of {ref} from {row.decom:%d/%m/%Y}", name.upper(),
                                             getattr(episode, name), getattr(row, name))
                    setattr(episode, name, getattr(row, name))
                if episode.pk:
                    changed_episodes[row.decom] = episode
        ordered = [merged[d] for d in sorted(merged)]
        groups = _group_placements(ordered)
        _plan_placements(plan, child, groups, placements_by_child.get(child.pk, []), providers, changed_episodes)
        plan.changed_episodes += changed_episodes.values()
        stored_here = stored.get(child.pk, {})
        counts["Episodes"].unchanged += len({r.decom for r in rows if r.decom in stored_here} - set(changed_episodes))
        _plan_periods(plan, child, ordered, periods_by_child.get(child.pk, []))
        latest = ordered[-1].legal_status
        if child.legal_status != latest:
            if child.pk:
                result.changed_field(f"Child {ref}", "legal status", child.legal_status, latest)
            child.legal_status = latest
            if child.pk:
                child_changed.add(ref)
    counts["Episodes"].new = len(plan.new_episodes)
    counts["Episodes"].changed = len(plan.changed_episodes)
    counts["Episodes"].left_alone = kept_later
    if kept_later:
        result.notes.append(f"{kept_later:,} episode(s) were left as a later return already has them.")
    if plan.orphaned_placements:
        result.notes.append(f"{plan.orphaned_placements:,} placement(s) no longer match the returns' episodes and "
                            "were left as they are: the data quality page lists them as overlapping.")

    counts["Children"].new = len(plan.new_children)
    plan.changed_children = [children[ref] for ref in sorted(child_changed)]
    counts["Children"].changed = len(plan.changed_children)
    counts["Children"].unchanged = len(children) - counts["Children"].new - counts["Children"].changed
    counts["Placements"].new = len(plan.new_placements)
    counts["Placements"].changed = len(plan.changed_placements)
    counts["Legal status periods"].new = len(plan.new_periods)
    counts["Legal status periods"].changed = len(plan.changed_periods) + len(plan.removed_period_ids)

    _plan_dol_orders(plan, dol_rows, children, counts["DoL orders"])
    if not dol_rows:
        del result.counts["DoL orders"]
    progress(f"Worked out the changes for {len(children):,} children: {result.summary()}.")


def _plan_placements(plan, child, groups, existing, providers, changed_episodes) -> None:
    counts = plan.result.counts["Placements"]
    by_start = {p.start: p for p in existing}
    by_pk = {p.pk: p for p in existing}
    claimed: set[int] = set()
    linked_before = {e.placement_id for g in groups for e in g.episodes if e.pk and e.placement_id}
    for index, group in enumerate(groups):
        placement = by_start.get(group.start)
        if placement is None or placement.pk in claimed:
            # Matched by the episodes it was made from (an earlier return may have added episodes before it).
            linked = [by_pk.get(e.placement_id) for e in group.episodes if e.pk and e.placement_id]
            placement = next((p for p in linked if p is not None and p.pk not in claimed), None)
        is_new = placement is None
        if not is_new:
            claimed.add(placement.pk)
        provider_id, ownership = providers.by_urn.get(group.urn, (None, None))
        if provider_id is None:
            if codes.PLACE[group.place_code].no_provider or group.place_provider == "PR0":
                provider_id = None
            elif not is_new:
                provider_id = placement.provider_id  # an unknown URN keeps a provider recorded by hand
            ownership = providers.ownership.get(provider_id)
        # The child's first episode in the records: a child already in care then (RNE not S) came from we do
        # not know where, and a legal-status-only first episode (RNE L) continues a placement begun before.
        first_in_records = index == 0 and group.episodes[0].rne != RNE_STARTED
        wanted = {
            "provider_id": provider_id,
            "category": group.category,
            "place_code": group.place_code,
            "place_provider": group.place_provider,
            "began_before_records": first_in_records and group.episodes[0].rne == RNE_LEGAL_STATUS_ONLY,
            "legal_status": group.legal_status,
            "start": group.start,
            "end": group.end,
            "reason_ended": group.reason_ended,
            "came_from": CameFrom.NOT_KNOWN if first_in_records else _came_from(groups, index),
            "route": (placement.route if not is_new and placement.route == CommissioningRoute.BLOCK
                      else _route(group, provider_id, providers, ownership)),
        }
        if is_new:
            # Made with every value at once (bulk_insert.new): a model instance is slow to build, and then to change
            # field by field.
            placement = new(Placement, child=child, desired_category="", **wanted)
            plan.new_placements.append(placement)
        else:
            if placement.planned_end and placement.planned_end <= group.start:
                wanted["planned_end"] = None
            differs = [name for name, value in wanted.items() if getattr(placement, name) != value]
            for name in differs:
                plan.result.changed_field(f"Placement of {child.case_ref} from {placement.start:%d/%m/%Y}",
                                          name.removesuffix("_id").replace("_", " "), getattr(placement, name),
                                          wanted[name])
                setattr(placement, name, wanted[name])
            if differs:
                plan.changed_placements.append(placement)
            else:
                counts.unchanged += 1
        for episode in group.episodes:
            if episode.pk is None:
                episode.placement = placement
            elif episode.placement_id != placement.pk or is_new:
                _move_episode(episode, placement)
                changed_episodes.setdefault(episode.decom, episode)
    # A placement made from episodes that now belong to other placements is left for a person to check.
    plan.orphaned_placements += len((linked_before & set(by_pk)) - claimed)


def _move_episode(episode: Episode, placement) -> None:
    """Put an episode already stored into ``placement``. A new placement is a plain record (``bulk_insert.new``)
    that Django's relation will not hold, and has no key until it is written: the episode keeps it aside and
    takes its key when the episodes are written (``_link_moved_episodes``)."""
    if isinstance(placement, Record):
        relation = Episode._meta.get_field("placement")
        if relation.is_cached(episode):
            relation.delete_cached_value(episode)
        episode.placement_id = None
        episode.__dict__["_new_placement"] = placement
    else:
        episode.__dict__.pop("_new_placement", None)
        episode.placement = placement


def _link_moved_episodes(episodes: list[Episode]) -> None:
    """Each stored episode moved into a new placement takes the key it was given when written."""
    for episode in episodes:
        placement = episode.__dict__.pop("_new_placement", None)
        if placement is not None:
            if placement.pk is None:
                raise ValueError(f"Episode of {episode.decom}: its new placement has not been written.")
            episode.placement_id = placement.pk


def _plan_periods(plan, child, episodes, existing) -> None:
    counts = plan.result.counts["Legal status periods"]
    by_start = {p.start: p for p in existing}
    wanted = _legal_status_periods(episodes)
    for start, end, legal_status in wanted:
        period = by_start.pop(start, None)
        if period is None:
            plan.new_periods.append(new(LegalStatusPeriod, child=child, start=start, end=end, legal_status=legal_status))
        elif (period.end, period.legal_status) != (end, legal_status):
            period.end, period.legal_status = end, legal_status
            plan.changed_periods.append(period)
        else:
            counts.unchanged += 1
    plan.removed_period_ids += [p.pk for p in by_start.values()]


def _plan_dol_orders(plan, rows, children, counts) -> None:
    child_ids = {c.pk for c in children.values() if c.pk}
    existing = {(o.child_id, o.start): o for o in only_for(DeprivationOfLiberty.objects.all(), "child_id", child_ids)}
    skipped = 0
    for row in rows:
        child = children.get(row.child)
        if child is None:
            skipped += 1
            continue
        order = existing.get((child.pk, row.start)) if child.pk else None
        if order is None:
            plan.new_dol_orders.append(new(DeprivationOfLiberty, child=child, start=row.start, end=row.end))
            counts.new += 1
        elif order.end != row.end:
            order.end = row.end
            plan.changed_dol_orders.append(order)
            counts.changed += 1
        else:
            counts.unchanged += 1
    counts.left_alone = skipped
    if skipped:
        plan.result.notes.append(f"{skipped:,} DoL order(s) for children with no episodes were left out.")


# --- Writing -------------------------------------------------------------------------


BATCH = 2000
#: New children from which their daily figures are worked out in a process of their own (``placements.care.aside``).
COUNTED_ASIDE_FROM = 2000


@gc_paused()
def ssda903_apply(plan: Ssda903Plan, *, progress: Progress = no_progress) -> ImportResult:
    """Write the plan in one transaction; refuse (writing nothing) if any row was bad."""
    refuse_if_bad(plan)
    journal = plan.journal
    # Every new row first, each table's keys taken before any is written (on PostgreSQL a table's rows are worked
    # out while the one before is written: bulk_insert.writing_behind), then the rows already here that change.
    # Each statement waits for the rows written behind before it, so everything read comes first, and the new
    # children's segments and daily figures are worked out (and written behind) before any other statement.
    with transaction.atomic(), bulk_insert.writing_behind(), care_segments_deferred() as touched:
        touched.update(LegalStatusPeriod.objects.filter(pk__in=plan.removed_period_ids)
                       .values_list("child_id", flat=True))
        providers = _providers_placed_with(plan)
        writes = [(Child, plan.new_children), (Placement, plan.new_placements), (Episode, plan.new_episodes),
                  (LegalStatusPeriod, plan.new_periods), (DeprivationOfLiberty, plan.new_dol_orders)]
        journal.take_keys(writes)
        # The children and their placements go to the server first (written behind: the server's work is the
        # longest chain of the three), while this process works out what follows and the process aside starts.
        journal.bulk_create_all(writes[:2])
        # New children: every record of theirs is in the plan, so their segments come from it; the rest are
        # rebuilt from what is stored, at the end of the block. Their daily figures are worked out in a process
        # of its own (a region's import: seconds of Python) while their rows are written.
        new_children, carried, costs = _new_children_records(plan, providers)
        # Their segments worked out once: written here, and counted by the process aside, which inherits them.
        segments = segment_rows(new_children)
        aside_ = len(new_children) >= COUNTED_ASIDE_FROM  # else counted here (care_segments_write), when written
        with (aside.worked_aside(new_children_counted, new_children, costs, segments) if aside_ else nullcontext()
              ) as counted:
            journal.bulk_create_all(writes[2:])
            progress(f"Wrote {len(plan.new_children):,} new children, {len(plan.new_placements):,} placements, "
                     f"{len(plan.new_episodes):,} episodes and {len(plan.new_periods):,} legal status periods.")
            care_segments_write(new_children, rows=segments, carried=carried, costs=costs, counted=counted)
        journal.bulk_update(Child, plan.changed_children, CHILD_FIELDS, batch_size=BATCH)
        journal.bulk_update(Placement, plan.changed_placements, PLACEMENT_FIELDS, batch_size=BATCH)
        _link_moved_episodes(plan.changed_episodes)
        journal.bulk_update(Episode, plan.changed_episodes, EPISODE_FIELDS, batch_size=BATCH)
        journal.delete(LegalStatusPeriod, plan.removed_period_ids)
        journal.bulk_update(LegalStatusPeriod, plan.changed_periods, ["end", "legal_status"], batch_size=BATCH)
        journal.bulk_update(DeprivationOfLiberty, plan.changed_dol_orders, ["end"], batch_size=BATCH)
        progress(f"Wrote {len(plan.changed_children):,} changed children, {len(plan.changed_placements):,} "
                 f"placements and {len(plan.changed_episodes):,} episodes.")
        held = dict(ReturnYear.objects.filter(return_year__in=plan.year_end_children).values_list("return_year", "pk"))
        journal.changing(ReturnYear, held.values())
        for year, refs in plan.year_end_children.items():
            year_row, created = ReturnYear.objects.update_or_create(return_year=year, defaults={
                "year_end_children": sorted(refs), "imported_at": timezone.now()})
            if created:
                journal.created(ReturnYear, [year_row])
        journal.seal()
        touched.update(c.pk for c in [*plan.new_children, *plan.changed_children])
        touched.update(r.child_id for r in [*plan.new_placements, *plan.changed_placements, *plan.new_episodes,
                                            *plan.changed_episodes, *plan.new_periods, *plan.changed_periods])
        touched.difference_update(child_id for child_id, *_records in new_children)
        progress(f"Rebuilding the looked-after days of {len(touched):,} children.")
    plan.result.applied = True
    return plan.result


def _providers_placed_with(plan: Ssda903Plan) -> dict[int, tuple]:
    """The ownership and regulation of the providers of the plan's new placements, by key."""
    return {pk: (ownership, regulated) for pk, ownership, regulated in Provider.objects.filter(
        pk__in={p.provider_id for p in plan.new_placements if p.provider_id is not None}).values_list(
        "pk", "ownership", "regulated")}


def _new_children_records(plan: Ssda903Plan, providers: dict[int, tuple]
                          ) -> tuple[list[tuple], dict[int, tuple], dict[int, tuple[str, dict]]]:
    """Each new child's date of birth, placements, legal-status periods and episodes, as the plan wrote them;
    what each of their placements' segments carry (``placements.care.facts``); and each child's team and what
    the daily figures need of their placements (no cost lines: the return has none, and the placements are
    new). Nothing read back: ``providers`` are the providers placed with (``_providers_placed_with``)."""
    new = {child.pk: child for child in plan.new_children}
    placements: dict[int, list] = defaultdict(list)
    carried: dict[int, tuple] = {}
    costs: dict[int, tuple[str, dict]] = {pk: (child.team or "", {}) for pk, child in new.items()}
    for p in plan.new_placements:
        if p.child_id in new:
            placements[p.child_id].append(SegmentPlacement(p.pk, p.start, p.end, p.legal_status))
            ownership, regulated = providers.get(p.provider_id, (None, None))
            facts = carried[p.pk] = segment_facts.carried(p.start, p.category, ownership, p.place_provider, regulated,
                                                          p.desired_not_met_market, p.provider_id, p.place_code)
            costs[p.child_id][1][p.pk] = PlacementCosts(p.start, p.end, p.category or "", facts[2], (), p.place_code or "",
                                                        p.route or "", bool(p.began_before_records), p.planned_end)
    periods: dict[int, list] = defaultdict(list)
    for period in plan.new_periods:
        if period.child_id in new:
            periods[period.child_id].append(StatusPeriod(period.start, period.end, period.legal_status))
    episodes: dict[int, list] = defaultdict(list)
    for episode in plan.new_episodes:
        if episode.child_id in new:
            episodes[episode.child_id].append((episode.decom, episode.rne))
    return ([(pk, child.date_of_birth, placements[pk], periods[pk], episodes[pk]) for pk, child in new.items()],
            carried, costs)
