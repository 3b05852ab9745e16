"""The demo authority: a generated, deterministic county calibrated to the source papers.

Nothing here is about a real child: names are drawn at random from lists of
common names, dates and costs from distributions. The calibration targets come
from source paper 002 (paragraphs 38-44, 63-68 and 83) and SPEC section 5:

- about 700 looked after today, 651 of them in paid placements (placed with
  parents costs nothing), residential 14% of placements;
- external placements on a framework: residential 40%, fostering 83%,
  supported accommodation 55%;
- average weekly fees, framework vs spot: residential 5,761 vs 5,821,
  fostering 880 vs 1,025, supported accommodation 806 vs 1,310;
- new residential placements by age band and by where the child came from, as
  in paragraphs 39-44;
- three financial years of history before this one, with moves and ceases;
  Ofsted inspections with some downgrades; a few DoL orders; 2:1 staffing
  add-ons that end after the first weeks.

Children currently in care are built backwards from today (so today's mix is
exact), children who left care are built backwards from the day they left.
Every record carries ``source=demo`` so re-running replaces the demo and never
touches anything else. ``children`` scales everything and ``years`` sets how much history
there is: a whole region (``children=100_000, years=10``: about 430,000 children and a
million placements) builds in minutes, in batches of bulk inserts, saying how far it has got.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction

from placements import access, plausible, rules
from placements.care.store import care_segments_deferred, care_segments_rebuild
from placements.choices import (
    CameFrom,
    CommissioningRoute,
    CostKind,
    LegalStatus,
    OfstedRating,
    Ownership,
    PlacementCategory as Cat,
    ProvisionKind,
    ReasonEnded,
    RecordSource,
    Sex,
)
from placements.models import (
    Child,
    CostLine,
    DeprivationOfLiberty,
    Framework,
    FrameworkMembership,
    FrameworkUplift,
    OfstedInspection,
    Placement,
    Provider,
    RegisterEntry,
)
from placements.register.models import postcode_key

DEMO = RecordSource.DEMO
DEMO_PASSWORD = "placements-demo"
DEMO_USERS = [
    # username, full name, group (None: administrator)
    ("officer", "Olivia Officer", access.PLACEMENTS_OFFICER),
    ("manager", "Mo Manager", access.COMMISSIONING_MANAGER),
    ("director", "Dana Director", access.SENIOR_MANAGER),
    ("chair", "Chris Chair", access.PANEL_CHAIR),
    ("member", "Morgan Member", access.PANEL_MEMBER),
    ("admin", "Ash Administrator", None),
]

#: Children looked after today per 700, by category (paper: 700 looked after, 651 paid, residential 14%).
TODAY_MIX = {
    Cat.FOSTERING_INTERNAL: 215,
    Cat.FOSTERING_KINSHIP: 85,
    Cat.FOSTERING_IFA: 170,
    Cat.RESIDENTIAL: 98,
    Cat.SUPPORTED_ACCOMMODATION: 60,
    Cat.SECURE: 3,
    Cat.UNREGULATED: 6,
    Cat.OTHER: 14,
    Cat.PLACED_WITH_PARENTS: 49,
}
SHORT_BREAKS_PER_700 = 10
CEASES_PER_700_A_YEAR = 230

#: Share of external placements on a framework (paper paragraphs 64-66).
FRAMEWORK_SHARE = {Cat.RESIDENTIAL: 0.40, Cat.FOSTERING_IFA: 0.83, Cat.SUPPORTED_ACCOMMODATION: 0.55}
#: Average weekly core fee this financial year, (framework, spot) (paper paragraph 67).
EXTERNAL_FEES = {
    Cat.RESIDENTIAL: (5761, 5821),
    Cat.FOSTERING_IFA: (880, 1025),
    Cat.SUPPORTED_ACCOMMODATION: (806, 1310),
}
OTHER_FEES = {
    Cat.FOSTERING_INTERNAL: 430,
    Cat.FOSTERING_KINSHIP: 310,
    Cat.RESIDENTIAL: 4600,  # in-house home
    Cat.SUPPORTED_ACCOMMODATION: 640,  # in-house supported accommodation
    Cat.SECURE: 7200,
    Cat.UNREGULATED: 1850,
    Cat.OTHER: 650,
}
UPLIFT = {Cat.RESIDENTIAL: Decimal("0.06"), Cat.FOSTERING_IFA: Decimal("0.02"), Cat.SUPPORTED_ACCOMMODATION: Decimal("0.04")}
DEFAULT_UPLIFT = Decimal("0.03")

#: Mean days in placement.
MEAN_DAYS = {
    Cat.FOSTERING_INTERNAL: 700, Cat.FOSTERING_KINSHIP: 900, Cat.FOSTERING_IFA: 600, Cat.RESIDENTIAL: 450,
    Cat.SECURE: 120, Cat.SUPPORTED_ACCOMMODATION: 260, Cat.UNREGULATED: 90, Cat.PLACED_WITH_PARENTS: 320,
    Cat.OTHER: 60,
}

#: Where children came from, by the category they moved into (paragraphs 39-44 for residential).
ORIGINS = {
    Cat.RESIDENTIAL: {CameFrom.HOME: 30, CameFrom.FOSTERING: 33, CameFrom.RESIDENTIAL: 26, CameFrom.HOSPITAL: 4,
                      CameFrom.CRISIS: 4, CameFrom.SUPPORTED_BOARD_AND_LODGINGS: 1, CameFrom.SECURE: 2},
    Cat.FOSTERING_INTERNAL: {CameFrom.HOME: 70, CameFrom.FOSTERING: 25, CameFrom.RESIDENTIAL: 3, CameFrom.OTHER: 2},
    Cat.FOSTERING_KINSHIP: {CameFrom.HOME: 80, CameFrom.FOSTERING: 20},
    Cat.FOSTERING_IFA: {CameFrom.HOME: 45, CameFrom.FOSTERING: 48, CameFrom.RESIDENTIAL: 7},
    Cat.SUPPORTED_ACCOMMODATION: {CameFrom.HOME: 15, CameFrom.FOSTERING: 35, CameFrom.RESIDENTIAL: 35,
                                  CameFrom.SUPPORTED_ACCOMMODATION: 15},
    Cat.SECURE: {CameFrom.HOME: 30, CameFrom.RESIDENTIAL: 60, CameFrom.FOSTERING: 10},
    Cat.UNREGULATED: {CameFrom.HOME: 20, CameFrom.RESIDENTIAL: 40, CameFrom.SUPPORTED_ACCOMMODATION: 40},
    Cat.PLACED_WITH_PARENTS: {CameFrom.HOME: 40, CameFrom.FOSTERING: 60},
    Cat.OTHER: {CameFrom.HOME: 60, CameFrom.FOSTERING: 40},
}
#: New residential placements by age band at the start (paragraphs 40, 42, 44).
RESIDENTIAL_AGE_BANDS = [((7, 10), 12), ((11, 13), 35), ((14, 15), 40), ((16, 17), 13)]
#: Categories of the last placement of children who leave care.
LEAVER_MIX = {Cat.FOSTERING_INTERNAL: 25, Cat.FOSTERING_KINSHIP: 15, Cat.FOSTERING_IFA: 15,
              Cat.PLACED_WITH_PARENTS: 15, Cat.SUPPORTED_ACCOMMODATION: 15, Cat.RESIDENTIAL: 10, Cat.OTHER: 5}

PLACE_CODES = {
    Cat.FOSTERING_INTERNAL: "U4", Cat.FOSTERING_KINSHIP: "U1", Cat.FOSTERING_IFA: "U4", Cat.RESIDENTIAL: "K2",
    Cat.SECURE: "K1", Cat.SUPPORTED_ACCOMMODATION: "K3", Cat.UNREGULATED: "H5", Cat.PLACED_WITH_PARENTS: "P1",
    Cat.OTHER: "R2",
}

GIVEN_NAMES = (
    "Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James Leo Alfie Henry Joshua "
    "Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Logan Lucas Daniel Theo Arthur Mohammed "
    "Harrison Benjamin Mason Finley Sebastian Adam Dylan Zachary Riley Teddy Theodore David Elijah Jake Toby "
    "Olivia Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Evie Grace Sophia Sophie Charlotte Freya Daisy "
    "Alice Ivy Chloe Florence Phoebe Sienna Ruby Layla Millie Matilda Jessica Harper Erin Rosie Esme Maya "
    "Eliza Willow Evelyn Aisha Zara Hannah Holly Imogen Lola Niamh Kayla Amira Leah Nia Jasmine Ellie"
).split()
FAMILY_NAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill "
    "Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker "
    "Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy "
    "Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman "
    "Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight"
).split()
TEAMS = [
    "Family Front Door", "Assessment North", "Assessment South", "Children in Care North",
    "Children in Care South", "Through Care", "All Age Disability", "Unaccompanied Children",
]
PLACE_WORDS = (
    "Oak Willow Beech Cedar Maple Rowan Hazel Elm Ash Birch Holly Larch Alder Brook Meadow Orchard Hill Vale "
    "Ridge Field Bridge Haven Harbour Spring Summit Lark Wren Kestrel Heron Linden Fern Heather Clover"
).split()
PLACE_SUFFIXES = ["wood", "field", "brook", "dale", "ford", "mead", "side", "view", "gate", "stone"]
AREAS = [
    "Worcestershire", "Herefordshire", "Shropshire", "Warwickshire", "Staffordshire", "Birmingham", "Sandwell",
    "Dudley", "Walsall", "Wolverhampton", "Coventry", "Solihull", "Telford and Wrekin", "Gloucestershire",
]
ETHNICITIES = ["WBRI"] * 14 + ["WOTH", "MWBC", "MOTH", "AOTH", "APKN", "BAFR", "BCRB", "OOTH", "REFU"]

#: Children whose placements and cost lines are written together: memory stays flat at a region's size.
BATCH_CHILDREN = 10_000
#: Draws of a provider name before numbering it: a region has more homes than there are short names.
NAME_DRAWS = 50


@dataclass
class Plan:
    """A placement before it is saved."""

    category: str
    start: date
    end: date | None
    came_from: str
    reason_ended: str = ""
    provider: Provider | None = None
    route: str = CommissioningRoute.INTERNAL
    planned_end: date | None = None
    desired_category: str = ""
    desired_not_met_market: bool = False
    legal_status: str = LegalStatus.C2
    weekly_base: Decimal = Decimal("0")
    extras: list[tuple[str, str, Decimal, date, date | None]] = field(default_factory=list)


@dataclass
class ChildPlan:
    child: Child
    placements: list[Plan]
    dol: list[tuple[date, date | None]] = field(default_factory=list)


@dataclass
class DemoSummary:
    children: int
    placements: int
    cost_lines: int
    providers: int
    users: list[tuple[str, str]]


def _silent(message: str) -> None:
    pass


class DemoBuilder:
    def __init__(self, *, children: int, today: date, seed: int, years: int = 3,
                 progress: Callable[[str], None] = _silent):
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.scale = children / 700
        fy_start = rules.financial_year_start(today)
        self.fy_start = fy_start
        self.history_start = date(fy_start.year - years, 4, 1)
        self.case_number = 0
        self.quota: dict[str, tuple[int, int]] = {}
        self.progress = progress

    # --- helpers ------------------------------------------------------------

    def weighted(self, weights: dict):
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def days(self, mean: float) -> int:
        return int(self.rng.expovariate(1 / mean)) + 7

    def scaled(self, count: float) -> int:
        return max(1, round(count * self.scale)) if count else 0

    def scaled_mix(self, mix: dict) -> dict:
        """Scale a mix of counts so the parts add up exactly to the scaled whole (largest remainders)."""
        total = round(sum(mix.values()) * self.scale)
        exact = {key: value * self.scale for key, value in mix.items()}
        counts = {key: int(value) for key, value in exact.items()}
        by_remainder = sorted(mix, key=lambda key: exact[key] - counts[key], reverse=True)
        for key in by_remainder[: total - sum(counts.values())]:
            counts[key] += 1
        return counts

    def name(self) -> tuple[str, str]:
        return self.rng.choice(GIVEN_NAMES), self.rng.choice(FAMILY_NAMES)

    # --- providers -----------------------------------------------------------

    def build_providers(self) -> None:
        rng = self.rng
        self.frameworks = {
            Cat.RESIDENTIAL: Framework(name="West Midlands Residential Framework", category=Cat.RESIDENTIAL,
                                       lead_authority="Birmingham", source=DEMO),
            Cat.FOSTERING_IFA: Framework(name="West Midlands Fostering Framework", category=Cat.FOSTERING_IFA,
                                         lead_authority="Sandwell", source=DEMO),
            Cat.SUPPORTED_ACCOMMODATION: Framework(name="West Midlands Supported Accommodation Framework",
                                                   category=Cat.SUPPORTED_ACCOMMODATION,
                                                   lead_authority="Staffordshire", source=DEMO),
        }
        Framework.objects.bulk_create(self.frameworks.values())
        uplifts = []
        for category, framework in self.frameworks.items():
            for year in range(self.history_start.year, self.fy_start.year + 1):
                uplifts.append(FrameworkUplift(framework=framework, financial_year=year,
                                               percent=UPLIFT[category] * 100))
        FrameworkUplift.objects.bulk_create(uplifts)

        used_names: set[str] = set()
        numbered: dict[str, int] = {}
        self.urn_counter = 9_100_000

        def provider(name_pattern: str, ownership: str, provision: str, regulated: bool = True) -> Provider:
            for _ in range(NAME_DRAWS):
                word = rng.choice(PLACE_WORDS)
                name = name_pattern.format(place=word + rng.choice(PLACE_SUFFIXES), word=word)
                if name not in used_names:
                    break
            else:  # every short name of this kind is taken (a region's demo): number the last one drawn
                base = name
                while name in used_names:
                    numbered[base] = numbered.get(base, 1) + 1
                    name = f"{base} {numbered[base]}"
            used_names.add(name)
            urn = None
            if regulated:
                self.urn_counter += rng.randint(1, 400)
                urn = str(self.urn_counter)
            return Provider(
                name=name, urn=urn, ownership=ownership, provision=provision, regulated=regulated,
                postcode=f"{rng.choice(['WR', 'B', 'DY', 'HR', 'CV', 'ST'])}{rng.randint(1, 14)} {rng.randint(1, 9)}"
                         f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                local_authority=rng.choice(AREAS[:1] * 6 + AREAS), source=DEMO,
            )

        internal = {
            "fostering": Provider(name="County Fostering Service", urn="9000001", ownership=Ownership.INTERNAL,
                                  provision=ProvisionKind.FOSTERING_AGENCY, local_authority=AREAS[0], source=DEMO),
            "residential": Provider(name="Green Hill Children's Home", urn="9000002", ownership=Ownership.INTERNAL,
                                    provision=ProvisionKind.CHILDRENS_HOME, local_authority=AREAS[0], source=DEMO),
            "short_breaks": Provider(name="Brook Lodge Short Breaks", urn="9000003", ownership=Ownership.INTERNAL,
                                     provision=ProvisionKind.CHILDRENS_HOME, local_authority=AREAS[0], source=DEMO),
            "supported": Provider(name="County Outreach Supported Accommodation", urn="9000004",
                                  ownership=Ownership.INTERNAL, provision=ProvisionKind.SUPPORTED_ACCOMMODATION,
                                  local_authority=AREAS[0], source=DEMO),
        }
        s = max(self.scale, 1 / 7)
        external = {
            Cat.FOSTERING_IFA: [provider("{place} Fostering", Ownership.EXTERNAL, ProvisionKind.FOSTERING_AGENCY)
                                for _ in range(max(3, round(30 * s)))],
            Cat.RESIDENTIAL: [provider("{place} Children's Homes", Ownership.EXTERNAL, ProvisionKind.CHILDRENS_HOME)
                              for _ in range(max(4, round(70 * s)))],
            Cat.SUPPORTED_ACCOMMODATION: [
                provider("{place} Supported Living", Ownership.EXTERNAL, ProvisionKind.SUPPORTED_ACCOMMODATION)
                for _ in range(max(3, round(25 * s)))],
            Cat.SECURE: [provider("{place} Secure Centre", Ownership.EXTERNAL, ProvisionKind.SECURE_HOME)
                         for _ in range(max(1, round(3 * s)))],
            Cat.UNREGULATED: [provider("{word} House Lodgings", Ownership.EXTERNAL, ProvisionKind.OTHER, regulated=False)
                              for _ in range(max(2, round(6 * s)))],
            Cat.OTHER: [provider("{place} Care Services", Ownership.EXTERNAL, ProvisionKind.OTHER)
                        for _ in range(max(2, round(4 * s)))],
        }
        Provider.objects.bulk_create(list(internal.values()) + [p for ps in external.values() for p in ps])
        self.internal = internal
        self.external = external

        # Framework members: enough providers on each framework to carry the paper's shares.
        self.members: dict[str, list[Provider]] = {}
        self.non_members: dict[str, list[Provider]] = {}
        memberships = []
        for category, framework in self.frameworks.items():
            providers = external[category]
            cut = max(1, round(len(providers) * {Cat.RESIDENTIAL: 0.45, Cat.FOSTERING_IFA: 0.8}.get(category, 0.5)))
            self.members[category] = providers[:cut]
            self.non_members[category] = providers[cut:] or providers[:1]
            for p in providers[:cut]:
                memberships.append(FrameworkMembership(provider=p, framework=framework,
                                                       start=date(self.history_start.year - rng.randint(0, 3), 4, 1)))
        FrameworkMembership.objects.bulk_create(memberships)

        # Ofsted's register: an entry for every regulated provider (generated, like the providers), and roughly
        # yearly inspections of each; a few downgrades to inadequate.
        regulated = list(Provider.objects.filter(source=DEMO, regulated=True).exclude(urn=None).order_by("pk"))
        RegisterEntry.objects.bulk_create([
            RegisterEntry(urn=p.urn, name=p.name, provision_type=ProvisionKind(p.provision).label, provision=p.provision,
                          sector="Local Authority" if p.ownership == Ownership.INTERNAL else "Private",
                          registration_status="Active", local_authority=p.local_authority, region="West Midlands",
                          postcode=p.postcode, postcode_key=postcode_key(p.postcode))
            for p in regulated], batch_size=2000, ignore_conflicts=True)
        self.register_others(s)
        inspections = []
        for p in regulated:
            day = self.history_start - timedelta(days=rng.randint(30, 400))
            rating = self.weighted({OfstedRating.OUTSTANDING: 15, OfstedRating.GOOD: 65,
                                    OfstedRating.REQUIRES_IMPROVEMENT: 20})
            while day < self.today:
                inspections.append(OfstedInspection(entry_id=p.urn, inspection_date=day, overall=rating))
                day += timedelta(days=rng.randint(250, 420))
                roll = rng.random()
                if rating == OfstedRating.INADEQUATE:
                    rating = OfstedRating.REQUIRES_IMPROVEMENT if roll < 0.5 else OfstedRating.GOOD
                elif roll < 0.06 and p.provision == ProvisionKind.CHILDRENS_HOME:
                    rating = OfstedRating.INADEQUATE
                elif roll < 0.25:
                    rating = self.weighted({OfstedRating.GOOD: 60, OfstedRating.REQUIRES_IMPROVEMENT: 30,
                                            OfstedRating.OUTSTANDING: 10})
        OfstedInspection.objects.bulk_create(inspections, batch_size=2000)

    def register_others(self, scale: float) -> None:
        """Providers in the region that Ofsted registers and the authority does not use: register entries only, so
        the register is more than the provider list (generated names; a Random of their own, so the rest of the
        demo draws as before)."""
        rng = random.Random(f"register-{self.seed}")
        kinds = [("Fostering", ProvisionKind.FOSTERING_AGENCY, "Independent Fostering Agency"),
                 ("Children's Home", ProvisionKind.CHILDRENS_HOME, "Children's home"),
                 ("Supported Living", ProvisionKind.SUPPORTED_ACCOMMODATION, "Supported Accommodation")]
        taken = set(RegisterEntry.objects.values_list("name", flat=True))
        entries, inspections = [], []
        for n in range(max(6, round(30 * scale))):
            label, provision, published = kinds[n % len(kinds)]
            name = f"{rng.choice(PLACE_WORDS)}{rng.choice(PLACE_SUFFIXES)} {label}"
            if name in taken:
                continue
            taken.add(name)
            urn = f"DEMO{n:04d}"  # never one of Ofsted's
            redacted = provision == ProvisionKind.CHILDRENS_HOME
            postcode = "" if redacted else f"{rng.choice(['WR', 'B', 'DY', 'HR'])}{rng.randint(1, 14)} {rng.randint(1, 9)}AB"
            entries.append(RegisterEntry(
                urn=urn, name=f"{published} {urn}" if redacted else name, name_redacted=redacted,
                provision_type=published, provision=provision, sector="Private", registration_status="Active",
                local_authority=rng.choice(AREAS), region="West Midlands", postcode=postcode,
                postcode_key=postcode_key(postcode)))
            inspections.append(OfstedInspection(entry_id=urn, inspection_date=self.today - timedelta(days=rng.randint(30, 700)),
                                                overall=rng.choice([OfstedRating.GOOD, OfstedRating.GOOD,
                                                                    OfstedRating.REQUIRES_IMPROVEMENT,
                                                                    OfstedRating.OUTSTANDING])))
        RegisterEntry.objects.bulk_create(entries, ignore_conflicts=True)
        OfstedInspection.objects.bulk_create(inspections, ignore_conflicts=True)

    def choose_provider(self, category: str, in_house_share: float = 0.0, *, current: bool = False
                        ) -> tuple[Provider | None, str]:
        """A provider and route; today's external placements meet the framework shares exactly (by quota)."""
        rng = self.rng
        if category == Cat.PLACED_WITH_PARENTS:
            return None, CommissioningRoute.INTERNAL
        if category in (Cat.FOSTERING_INTERNAL, Cat.FOSTERING_KINSHIP):
            return self.internal["fostering"], CommissioningRoute.INTERNAL
        if category == Cat.RESIDENTIAL and rng.random() < in_house_share:
            return self.internal["residential"], CommissioningRoute.INTERNAL
        if category == Cat.SUPPORTED_ACCOMMODATION and rng.random() < in_house_share:
            return self.internal["supported"], CommissioningRoute.INTERNAL
        if category in FRAMEWORK_SHARE:
            if current:
                placed, on_framework = self.quota.get(category, (0, 0))
                use_framework = on_framework < FRAMEWORK_SHARE[category] * (placed + 1) - 0.5
                self.quota[category] = (placed + 1, on_framework + use_framework)
            else:
                use_framework = rng.random() < FRAMEWORK_SHARE[category]
            if use_framework:
                return rng.choice(self.members[category]), CommissioningRoute.FRAMEWORK
            route = CommissioningRoute.BLOCK if category == Cat.RESIDENTIAL and rng.random() < 0.08 else CommissioningRoute.SPOT
            return rng.choice(self.non_members[category]), route
        return rng.choice(self.external[category]), CommissioningRoute.SPOT

    def weekly_fee(self, category: str, route: str, provider: Provider | None) -> Decimal:
        rng = self.rng
        if provider is None:
            return Decimal("0")
        if provider.ownership == Ownership.EXTERNAL and category in EXTERNAL_FEES:
            framework_fee, spot_fee = EXTERNAL_FEES[category]
            mean = framework_fee if route == CommissioningRoute.FRAMEWORK else spot_fee
        else:
            mean = OTHER_FEES[category]
        fee = max(mean * 0.5, rng.gauss(mean, mean * 0.12))
        return Decimal(str(round(fee, 2)))

    # --- children ------------------------------------------------------------

    def age_at_start(self, category: str) -> int:
        rng = self.rng
        if category == Cat.RESIDENTIAL:
            (low, high) = self.weighted({band: w for band, w in RESIDENTIAL_AGE_BANDS})
            return rng.randint(low, high)
        if category == Cat.SUPPORTED_ACCOMMODATION:
            return rng.randint(16, 17)
        if category == Cat.UNREGULATED:
            return rng.choice([15, 16, 16, 17, 17, 17])
        if category == Cat.SECURE:
            return rng.randint(12, 16)
        return min(17, int(rng.triangular(0, 17, 4)))

    def new_child(self, date_of_birth: date) -> Child:
        self.case_number += 1
        given, family = self.name()
        legal_status = self.weighted({LegalStatus.C2: 70, LegalStatus.C1: 12, LegalStatus.V2: 14, LegalStatus.E1: 4})
        social_worker = " ".join(self.name())
        return Child(
            case_ref=f"DEMO-{self.case_number:06d}", given_name=given, family_name=family,
            date_of_birth=date_of_birth, sex=self.rng.choice([Sex.MALE, Sex.FEMALE]),
            ethnicity=self.rng.choice(ETHNICITIES), legal_status=legal_status, uasc=self.rng.random() < 0.06,
            disabled=self.rng.random() < 0.08, team=self.rng.choice(TEAMS), social_worker=social_worker,
            team_manager=" ".join(self.name()), iro=" ".join(self.name()), source=DEMO,
        )

    def chain_back(self, child: Child, last: Plan) -> list[Plan]:
        """Placements before ``last``, built backwards by where each child came from."""
        rng = self.rng
        plans = [last]
        current = last
        for _ in range(6):
            if current.came_from == CameFrom.HOME:
                break
            previous_category = {
                CameFrom.FOSTERING: self.weighted({Cat.FOSTERING_INTERNAL: 50, Cat.FOSTERING_IFA: 40,
                                                   Cat.FOSTERING_KINSHIP: 10}),
                CameFrom.RESIDENTIAL: Cat.RESIDENTIAL,
                CameFrom.SECURE: Cat.SECURE,
                CameFrom.SUPPORTED_ACCOMMODATION: Cat.SUPPORTED_ACCOMMODATION,
                CameFrom.SUPPORTED_BOARD_AND_LODGINGS: Cat.SUPPORTED_ACCOMMODATION,
            }.get(current.came_from, Cat.OTHER)
            end = current.start
            start = end - timedelta(days=self.days(MEAN_DAYS[previous_category]))
            born = child.date_of_birth
            if start <= born:
                start = born + timedelta(days=rng.randint(1, 30))
                if start >= end:
                    current.came_from = CameFrom.HOME
                    break
            age = rules.age_on(born, start)
            if previous_category == Cat.SUPPORTED_ACCOMMODATION and age < 16:
                previous_category = Cat.FOSTERING_IFA
            if previous_category in (Cat.RESIDENTIAL, Cat.SECURE) and age < 7:
                previous_category = Cat.FOSTERING_INTERNAL
            reason = ReasonEnded.BREAKDOWN if rng.random() < 0.45 else ReasonEnded.MOVED
            came_from = self.weighted(ORIGINS[previous_category])
            current = Plan(category=previous_category, start=start, end=end, came_from=came_from, reason_ended=reason)
            plans.append(current)
        return list(reversed(plans))

    def current_child(self, category: str) -> ChildPlan:
        rng = self.rng
        for _ in range(100):
            elapsed = self.days(MEAN_DAYS[category]) - 6
            start = self.today - timedelta(days=elapsed)
            age = self.age_at_start(category)
            born = start - timedelta(days=365 * age + rng.randint(0, 364))
            if rules.age_on(born, self.today) < 18 and born < start:
                break
        child = self.new_child(born)
        last = Plan(category=category, start=start, end=None, came_from=self.weighted(ORIGINS[category]))
        eighteen = rules.eighteenth_birthday(born)
        if category in (Cat.SUPPORTED_ACCOMMODATION, Cat.RESIDENTIAL, Cat.UNREGULATED) and rng.random() < 0.5:
            last.planned_end = max(start + timedelta(days=28), min(eighteen, start + timedelta(days=rng.randint(180, 540))))
        return ChildPlan(child=child, placements=self.chain_back(child, last))

    def ceased_child(self) -> ChildPlan:
        rng = self.rng
        category = self.weighted(LEAVER_MIX)
        span = (self.today - self.history_start).days
        ceased = self.history_start + timedelta(days=rng.randint(1, span - 1))
        start = ceased - timedelta(days=self.days(MEAN_DAYS[category]))
        born = start - timedelta(days=365 * self.age_at_start(category) + rng.randint(0, 364))
        if born < plausible.EARLIEST_BIRTH:
            # A very long stay (a region's 45,000 children draw some) would have the child born before anyone in
            # the records could be: 17 when they left instead, the stay cut at their birth below.
            born = max(plausible.EARLIEST_BIRTH, ceased - timedelta(days=365 * 17))
        eighteen = rules.eighteenth_birthday(born)
        if eighteen <= ceased or (category == Cat.SUPPORTED_ACCOMMODATION and eighteen < self.today):
            ceased, reason = eighteen, ReasonEnded.TURNED_18
        else:
            reason = self.weighted({ReasonEnded.RETURNED_HOME: 55, ReasonEnded.ADOPTED: 15,
                                    ReasonEnded.SPECIAL_GUARDIANSHIP: 25, ReasonEnded.OTHER: 5})
        start = max(start, born + timedelta(days=2))
        if start >= ceased:
            start = ceased - timedelta(days=1)
        child = self.new_child(born)
        last = Plan(category=category, start=start, end=ceased, came_from=self.weighted(ORIGINS[category]),
                    reason_ended=reason)
        return ChildPlan(child=child, placements=self.chain_back(child, last))

    def short_break_child(self) -> ChildPlan:
        born = self.today - timedelta(days=int(365.25 * self.rng.uniform(8, 17)))
        child = self.new_child(born)
        child.legal_status = LegalStatus.V3
        child.disabled = True
        child.team = "All Age Disability"
        start = self.today - timedelta(days=self.rng.randint(30, 900))
        plan = Plan(category=Cat.RESIDENTIAL, start=start, end=None, came_from=CameFrom.HOME,
                    provider=self.internal["short_breaks"], route=CommissioningRoute.INTERNAL,
                    legal_status=LegalStatus.V3, weekly_base=Decimal("0"))
        return ChildPlan(child=child, placements=[plan])

    def complete(self, plan: ChildPlan) -> None:
        """Providers, routes, fees, extras and legal statuses for each placement of a child."""
        rng = self.rng
        for p in plan.placements:
            if p.legal_status == LegalStatus.V3:
                continue
            in_house = {Cat.RESIDENTIAL: 0.03, Cat.SUPPORTED_ACCOMMODATION: 0.5}.get(p.category, 0.0)
            p.provider, p.route = self.choose_provider(p.category, in_house, current=p.end is None)
            p.weekly_base = self.weekly_fee(p.category, p.route, p.provider)
            p.legal_status = plan.child.legal_status if p.end is None else rng.choice(
                [plan.child.legal_status, LegalStatus.C2, LegalStatus.C1])
            if p.category == Cat.RESIDENTIAL:
                if rng.random() < 0.12:
                    p.desired_category = rng.choice([Cat.FOSTERING_IFA, Cat.FOSTERING_INTERNAL])
                    p.desired_not_met_market = True
                if rng.random() < 0.18:
                    weeks = rng.randint(2, 12)
                    extra_to = p.start + timedelta(weeks=weeks, days=-1)
                    if p.end and extra_to >= p.end:
                        extra_to = p.end - timedelta(days=1)
                    amount = Decimal(str(round(rng.uniform(2500, 7000), 2)))
                    p.extras.append(("2:1 staffing to help the child settle", CostKind.ADDITIONAL, amount, p.start,
                                     extra_to if extra_to >= p.start else p.start))
                if p.end is None and rng.random() < 0.08:
                    amount = Decimal(str(round(rng.uniform(300, 1500), 2)))
                    p.extras.append((rng.choice(["Education support", "Therapy", "Transport to school"]),
                                     CostKind.ADDITIONAL, amount, p.start, None))
            if p.category in (Cat.UNREGULATED, Cat.SUPPORTED_ACCOMMODATION) and p.end is None and rng.random() < 0.1:
                amount = Decimal(str(round(rng.uniform(200, 900), 2)))
                p.extras.append(("Additional support hours", CostKind.ADDITIONAL, amount, p.start, None))
        # A few older children in residential or unregulated provision are subject to DoL orders.
        last = plan.placements[-1]
        age = rules.age_on(plan.child.date_of_birth, min(self.today, last.end or self.today))
        if last.category in (Cat.RESIDENTIAL, Cat.UNREGULATED, Cat.SECURE) and age >= 13 and rng.random() < 0.12:
            order_start = max(last.start, self.today - timedelta(days=rng.randint(20, 300)))
            if last.end is None or order_start < last.end:
                plan.dol.append((order_start, None if last.end is None else last.end - timedelta(days=1)))

    def cost_lines(self, placement: Placement, plan: Plan) -> list[CostLine]:
        """Core fee lines, split at each 1 April with that year's uplift, plus any extras."""
        lines = []
        if plan.weekly_base > 0:
            uplift = UPLIFT.get(placement.category, DEFAULT_UPLIFT) if placement.route != CommissioningRoute.INTERNAL else DEFAULT_UPLIFT
            last_day = (placement.end - timedelta(days=1)) if placement.end else None
            segment_start = placement.start
            while True:
                fy_start, fy_end = rules.financial_year(segment_start)
                years_before_now = self.fy_start.year - fy_start.year
                amount = (plan.weekly_base / (1 + uplift) ** years_before_now).quantize(rules.PENNY)
                segment_end = fy_end if last_day is None or fy_end < last_day else last_day
                open_ended = last_day is None and fy_end >= self.today
                lines.append(CostLine(placement=placement, kind=CostKind.CORE, description="Core weekly fee",
                                      weekly_amount=amount, date_from=segment_start,
                                      date_to=None if open_ended else segment_end))
                if open_ended or segment_end == last_day:
                    break
                segment_start = fy_end + timedelta(days=1)
        for description, kind, amount, date_from, date_to in plan.extras:
            lines.append(CostLine(placement=placement, kind=kind, description=description, weekly_amount=amount,
                                  date_from=date_from, date_to=date_to))
        return lines

    # --- build ---------------------------------------------------------------

    def build(self) -> DemoSummary:
        started = time.perf_counter()
        self.build_providers()
        self.progress(f"{Provider.objects.filter(source=DEMO).count():,} providers with their Ofsted inspections "
                      f"({time.perf_counter() - started:.0f}s)")
        plans: list[ChildPlan] = []
        for category, count in self.scaled_mix(TODAY_MIX).items():
            plans.extend(self.current_child(category) for _ in range(count))
        plans.extend(self.short_break_child() for _ in range(self.scaled(SHORT_BREAKS_PER_700)))
        years = (self.today - self.history_start).days / 365.25
        plans.extend(self.ceased_child() for _ in range(self.scaled(CEASES_PER_700_A_YEAR * years)))
        self.progress(f"{len(plans):,} children planned, from {self.history_start:%-d %B %Y} "
                      f"({time.perf_counter() - started:.0f}s)")

        # Completed and written a batch at a time, in the order they were planned: the random draws (so
        # the demo) are the same as all at once, and so are the rows' keys.
        placement_count = line_count = 0
        for first in range(0, len(plans), BATCH_CHILDREN):
            batch = plans[first:first + BATCH_CHILDREN]
            for plan in batch:
                self.complete(plan)
            written_placements, written_lines = self.write(batch)
            placement_count += written_placements
            line_count += written_lines
            self.progress(f"{first + len(batch):,} of {len(plans):,} children written: {placement_count:,} "
                          f"placements, {line_count:,} cost lines ({time.perf_counter() - started:.0f}s)")
        return DemoSummary(
            children=len(plans), placements=placement_count, cost_lines=line_count,
            providers=Provider.objects.filter(source=DEMO).count(), users=create_demo_users(),
        )

    def write(self, plans: list[ChildPlan]) -> tuple[int, int]:
        """Bulk-insert a batch of children with their placements, cost lines and DoL orders."""
        Child.objects.bulk_create([p.child for p in plans], batch_size=2000)
        placements: list[tuple[Placement, Plan]] = []
        for plan in plans:
            for p in plan.placements:
                placements.append((Placement(
                    child=plan.child, provider=p.provider, category=p.category, place_code=PLACE_CODES[p.category],
                    legal_status=p.legal_status, start=p.start, end=p.end, reason_ended=p.reason_ended,
                    came_from=p.came_from, desired_category=p.desired_category,
                    desired_not_met_market=p.desired_not_met_market, route=p.route, planned_end=p.planned_end,
                ), p))
        Placement.objects.bulk_create([pl for pl, _ in placements], batch_size=2000)
        lines = [line for pl, plan in placements for line in self.cost_lines(pl, plan)]
        CostLine.objects.bulk_create(lines, batch_size=5000)
        DeprivationOfLiberty.objects.bulk_create(
            [DeprivationOfLiberty(child=plan.child, start=s, end=e) for plan in plans for s, e in plan.dol]
        )
        care_segments_rebuild([plan.child.pk for plan in plans])  # bulk inserts send no signals
        return len(placements), len(lines)


def create_demo_users() -> list[tuple[str, str]]:
    access.sync_groups()
    created = []
    for username, full_name, group_name in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, _, user.last_name = full_name.partition(" ")
        user.is_superuser = user.is_staff = group_name is None
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=group_name)] if group_name else [])
        created.append((username, access.GROUP_LABELS.get(group_name, "Administrator")))
    return created


def other_demo_modules() -> list:
    """Apps that add to the demo (the panel, for one), named in settings so placements imports none of them.

    Each module has ``demo_remove()`` and ``demo_build(today=, seed=)``.
    """
    return [import_module(name) for name in settings.PLACEMENTS_DEMO_MODULES]


def demo_remove() -> None:
    """Delete the demo authority: only records marked as demo data, and the demo users."""
    for module in other_demo_modules():
        module.demo_remove()
    with care_segments_deferred():  # their daily figures taken away together at the end, not a child at a time
        Child.objects.filter(source=DEMO).delete()
    kept = Placement.objects.exclude(child__source=DEMO).values("provider")
    gone = Provider.objects.filter(source=DEMO).exclude(pk__in=kept)
    # The demo's register entries were made for its providers (the same generated URNs) and the region's others
    # (URNs DEMO0000 on, never Ofsted's): they go with them.
    RegisterEntry.objects.filter(urn__in=list(gone.exclude(urn=None).values_list("urn", flat=True))).delete()
    RegisterEntry.objects.filter(urn__startswith="DEMO").delete()
    gone.delete()
    Framework.objects.filter(source=DEMO).delete()
    User.objects.filter(username__in=[u for u, _, _ in DEMO_USERS]).delete()


def _audit_paused():
    """Generated demo records are not casework: building or replacing them writes no audit trail."""
    try:
        from auditlog.context import disable_auditlog
    except ImportError:  # the audit trail is not installed
        return contextlib.nullcontext()
    return disable_auditlog()


def demo_authority_build(*, children: int = 700, today: date, seed: int = 2023, years: int = 3,
                         progress: Callable[[str], None] = _silent) -> DemoSummary:
    """Replace the demo authority with a fresh one of ``children`` looked after on ``today``, with
    ``years`` financial years of history before this one; ``progress`` is told how far it has got."""
    if children < 1:
        raise ValueError("The demo needs at least one child.")
    if years < 1:
        raise ValueError("The demo needs at least one year of history.")
    with transaction.atomic(), _audit_paused():
        started = time.perf_counter()
        demo_remove()
        progress(f"Previous demo removed ({time.perf_counter() - started:.0f}s)")
        summary = DemoBuilder(children=children, today=today, seed=seed, years=years, progress=progress).build()
        for module in other_demo_modules():
            module.demo_build(today=today, seed=seed)
            progress(f"{module.__name__} built ({time.perf_counter() - started:.0f}s)")
        return summary
