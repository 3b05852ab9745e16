"""The SSDA903 code lists, as data: each code with its meaning and what it means for this app.

A new collection year's codes are a change here, not in the importer. Meanings follow DfE's
"Children looked after return" guides; what a code means for this app (placement category,
ownership, where a child came from, the most days a temporary placement may last) is SPEC section 5
and the DfE validation rules (375, 376 and 379 for temporary placements).

The lists hold every code of every year the importer accepts (H5 and P2 ended in 2025/26; K3 began
in 2024/25; Z11-Z14 replaced Z1 in 2025/26), so several years' returns load with one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from placements.choices import CameFrom, LegalStatus, Ownership, PlacementCategory, ReasonEnded, Sex


@dataclass(frozen=True)
class PlaceCode:
    meaning: str
    category: str
    #: The category instead, for these PLACE_PROVIDER codes (U4-U6: in-house when the council's own, PR1).
    category_by_provider: dict[str, str] | None = None
    #: What a later placement says the child came from; None for a temporary placement (look before it).
    came_from: str | None = CameFrom.OTHER
    #: T0-T4: a temporary placement, not a move (SPEC section 3, rule T).
    temporary: bool = False
    #: The most days a temporary placement of this kind may last under the SSDA903 validation rules.
    max_days: int | None = None
    #: No placement provider: the child lives with parents (PR0), so no provider and no URN.
    no_provider: bool = False

    def category_for(self, place_provider: str) -> str:
        if self.category_by_provider and place_provider in self.category_by_provider:
            return self.category_by_provider[place_provider]
        return self.category


_C = PlacementCategory
_IN_HOUSE_WHEN_OWN = {"PR1": _C.FOSTERING_INTERNAL}

#: PLACE: placement type.
PLACE: dict[str, PlaceCode] = {
    "A3": PlaceCode("Placed for adoption with parental consent, with current foster carer(s)", _C.OTHER),
    "A4": PlaceCode("Placed for adoption with parental consent, not with current foster carer(s)", _C.OTHER),
    "A5": PlaceCode("Placed for adoption with a placement order, with current foster carer(s)", _C.OTHER),
    "A6": PlaceCode("Placed for adoption with a placement order, not with current foster carer(s)", _C.OTHER),
    "H5": PlaceCode(
        "Semi-independent living accommodation not subject to children's homes regulations (to 2024/25)",
        _C.UNREGULATED, came_from=CameFrom.SUPPORTED_ACCOMMODATION,
    ),
    "K1": PlaceCode("Secure children's home", _C.SECURE, came_from=CameFrom.SECURE),
    "K2": PlaceCode("Children's home subject to Children's Homes Regulations", _C.RESIDENTIAL, came_from=CameFrom.RESIDENTIAL),
    "K3": PlaceCode(
        "Supported accommodation registered with Ofsted (from 2024/25)",
        _C.SUPPORTED_ACCOMMODATION, came_from=CameFrom.SUPPORTED_ACCOMMODATION,
    ),
    "P1": PlaceCode(
        "Placed with own parent(s) or other person(s) with parental responsibility",
        _C.PLACED_WITH_PARENTS, came_from=CameFrom.HOME, no_provider=True,
    ),
    "P2": PlaceCode(
        "Independent living, e.g. in a flat, lodgings, bedsit, bed and breakfast or with friends (to 2024/25)",
        _C.UNREGULATED, came_from=CameFrom.SUPPORTED_BOARD_AND_LODGINGS,
    ),
    "P3": PlaceCode("Residential employment", _C.OTHER),
    "R1": PlaceCode("Residential care home", _C.RESIDENTIAL, came_from=CameFrom.RESIDENTIAL),
    "R2": PlaceCode("NHS/health trust or other establishment providing medical or nursing care", _C.OTHER,
                    came_from=CameFrom.HOSPITAL),
    "R3": PlaceCode("Family centre or mother and baby unit", _C.OTHER),
    "R5": PlaceCode("Young offender institution or prison", _C.OTHER),
    "S1": PlaceCode("Residential school, except where dual-registered as a children's home", _C.OTHER),
    "T0": PlaceCode("Temporary move of any kind not listed below", _C.OTHER, came_from=None, temporary=True),
    "T1": PlaceCode("Temporary period in hospital", _C.OTHER, came_from=CameFrom.HOSPITAL, temporary=True, max_days=42),
    "T2": PlaceCode("Temporary absence of the child on holiday", _C.OTHER, came_from=None, temporary=True),
    "T3": PlaceCode("Temporary accommodation while the usual foster carer(s) are on holiday", _C.OTHER,
                    came_from=None, temporary=True, max_days=21),
    "T4": PlaceCode("Temporary accommodation of seven days or less, for any other reason", _C.OTHER,
                    came_from=None, temporary=True, max_days=7),
    "U1": PlaceCode("Foster placement with relative(s) or friend(s): long-term fostering", _C.FOSTERING_KINSHIP,
                    came_from=CameFrom.FOSTERING),
    "U2": PlaceCode("Foster placement with relative(s) or friend(s) who are also approved adopters: fostering for "
                    "adoption or concurrent planning", _C.FOSTERING_KINSHIP, came_from=CameFrom.FOSTERING),
    "U3": PlaceCode("Foster placement with relative(s) or friend(s): not long-term or fostering for adoption",
                    _C.FOSTERING_KINSHIP, came_from=CameFrom.FOSTERING),
    "U4": PlaceCode("Foster placement with other foster carer(s): long-term fostering", _C.FOSTERING_IFA,
                    category_by_provider=_IN_HOUSE_WHEN_OWN, came_from=CameFrom.FOSTERING),
    "U5": PlaceCode("Foster placement with other foster carer(s) who are also approved adopters: fostering for "
                    "adoption or concurrent planning", _C.FOSTERING_IFA, category_by_provider=_IN_HOUSE_WHEN_OWN,
                    came_from=CameFrom.FOSTERING),
    "U6": PlaceCode("Foster placement with other foster carer(s): not long-term or fostering for adoption",
                    _C.FOSTERING_IFA, category_by_provider=_IN_HOUSE_WHEN_OWN, came_from=CameFrom.FOSTERING),
    "Z1": PlaceCode("Other placement, listed on a schedule sent to DfE (to 2024/25)", _C.UNREGULATED),
    # 2025/26 divides Z1 into four "other placement" codes; SPEC section 5 counts each as unregulated.
    "Z11": PlaceCode("Other placement (Z11, from 2025/26)", _C.UNREGULATED),
    "Z12": PlaceCode("Other placement (Z12, from 2025/26)", _C.UNREGULATED),
    "Z13": PlaceCode("Other placement (Z13, from 2025/26)", _C.UNREGULATED),
    "Z14": PlaceCode("Other placement (Z14, from 2025/26)", _C.UNREGULATED),
}


@dataclass(frozen=True)
class ProviderCode:
    meaning: str
    #: Internal or external (SPEC section 3: external is PR4/PR5); None for parents, other councils, other public bodies.
    ownership: str | None


#: PLACE_PROVIDER: who provides the placement.
PLACE_PROVIDER: dict[str, ProviderCode] = {
    "PR0": ProviderCode("Parent(s) or other person(s) with parental responsibility", None),
    "PR1": ProviderCode("Own provision (by the council)", Ownership.INTERNAL),
    "PR2": ProviderCode("Other local authority provision", None),
    "PR3": ProviderCode("Other public provision (e.g. the NHS or a school)", None),
    "PR4": ProviderCode("Private provision", Ownership.EXTERNAL),
    "PR5": ProviderCode("Voluntary or third sector provision", Ownership.EXTERNAL),
}

#: PLACE codes that need no PLACE_PROVIDER (DfE validation rule 526).
PROVIDER_OPTIONAL_PLACES = frozenset({"T0", "T1", "T2", "T3", "T4", "Z1"})

#: PLACE_PROVIDER codes that mean the council commissions nothing (route ``internal``).
INTERNAL_ROUTE_PROVIDERS = frozenset({"PR0", "PR1"})


@dataclass(frozen=True)
class NewEpisodeReason:
    meaning: str
    #: Starts a new placement; only L (legal status only) continues the placement.
    new_placement: bool = True
    #: Starts a new period of care (the child was not looked after the day before).
    new_period_of_care: bool = False


#: RNE: reason for new episode.
RNE: dict[str, NewEpisodeReason] = {
    "S": NewEpisodeReason("Started to be looked after", new_period_of_care=True),
    "L": NewEpisodeReason("Change of legal status only", new_placement=False),
    "P": NewEpisodeReason("Change of placement and carer(s) only"),
    "T": NewEpisodeReason("Change of both legal status and placement and carer(s) at the same time"),
    "U": NewEpisodeReason("Change of legal status and placement status at the same time, carer(s) the same"),
    "B": NewEpisodeReason("Change of placement status only, carer(s) the same"),
}

#: LS: legal status, with the meanings already in ``placements.choices.LegalStatus``.
LEGAL_STATUS: dict[str, str] = {code: label.split(": ", 1)[1] for code, label in LegalStatus.choices}


@dataclass(frozen=True)
class CeasedReason:
    meaning: str
    reason_ended: str
    #: False only for X1: the episode ends and another begins the same day.
    leaves_care: bool = True


_R = ReasonEnded

#: REC: reason episode ceased.
REC: dict[str, CeasedReason] = {
    "X1": CeasedReason("Episode ceases and a new episode begins on the same day", _R.MOVED, leaves_care=False),
    "E11": CeasedReason("Adopted: application for an adoption order unopposed", _R.ADOPTED),
    "E12": CeasedReason("Adopted: consent dispensed with by the court", _R.ADOPTED),
    "E2": CeasedReason("Died", _R.OTHER),
    "E3": CeasedReason("Care taken over by another local authority in the UK", _R.OTHER),
    "E41": CeasedReason("Residence order or child arrangement order granted", _R.OTHER),
    "E45": CeasedReason("Special guardianship order made to former foster carer(s) who are relatives or friends",
                        _R.SPECIAL_GUARDIANSHIP),
    "E46": CeasedReason("Special guardianship order made to former foster carer(s) other than relatives or friends",
                        _R.SPECIAL_GUARDIANSHIP),
    "E47": CeasedReason("Special guardianship order made to carer(s) other than former foster carers, who are "
                        "relatives or friends", _R.SPECIAL_GUARDIANSHIP),
    "E48": CeasedReason("Special guardianship order made to carer(s) other than former foster carers, other than "
                        "relatives or friends", _R.SPECIAL_GUARDIANSHIP),
    "E4A": CeasedReason("Returned home to live with parents, relatives or others with parental responsibility, as "
                        "part of the care plan", _R.RETURNED_HOME),
    "E4B": CeasedReason("Returned home to live with parents, relatives or others with parental responsibility, not "
                        "as part of the care plan", _R.RETURNED_HOME),
    "E13": CeasedReason("Left care to live with former foster carer(s) (staying put)", _R.TURNED_18),
    "E14": CeasedReason("Accommodation on remand ended", _R.OTHER),
    "E15": CeasedReason("Age assessment found the child to be 18 or over", _R.OTHER),
    "E16": CeasedReason("Child moved abroad", _R.OTHER),
    "E17": CeasedReason("Aged 18 or over and remained with current carers", _R.TURNED_18),
    "E5": CeasedReason("Moved into independent living with formal advice or support", _R.TURNED_18),
    "E6": CeasedReason("Moved into independent living without formal advice or support", _R.TURNED_18),
    "E7": CeasedReason("Transferred to residential care funded by adult social care services", _R.TURNED_18),
    "E8": CeasedReason("Period of being looked after ended for any other reason", _R.OTHER),
    "E9": CeasedReason("Sentenced to custody", _R.OTHER),
}


@dataclass(frozen=True)
class PlacementChangeReason:
    meaning: str
    #: The placement broke down (an unplanned ending asked for by the carer or the child).
    breakdown: bool = False


#: REASON_PLACE_CHANGE: why the placement changed (only with DEC and REC X1).
REASON_PLACE_CHANGE: dict[str, PlacementChangeReason] = {
    "CARPL": PlacementChangeReason("Change to or implementation of the care plan"),
    "CLOSE": PlacementChangeReason("Resignation or closure of the provision"),
    "ALLEG": PlacementChangeReason("Allegation (section 47)"),
    "STAND": PlacementChangeReason("Standards of care concern"),
    "APPRR": PlacementChangeReason("Approval removed"),
    "CREQB": PlacementChangeReason("Carer(s) asked for the placement to end because of the child's behaviour",
                                   breakdown=True),
    "CREQO": PlacementChangeReason("Carer(s) asked for the placement to end for other reasons", breakdown=True),
    "CHILD": PlacementChangeReason("Child asked for the placement to end", breakdown=True),
    "LAREQ": PlacementChangeReason("Responsible or area authority asked for the placement to end"),
    "PLACE": PlacementChangeReason("Change in the status of the placement only"),
    "CUSTOD": PlacementChangeReason("Custody arrangement"),
    "OTHER": PlacementChangeReason("Other"),
}

#: SEX: 1/2 before 2024/25, M/F/U from then; both codings are accepted.
SEX: dict[str, str] = {"1": Sex.MALE, "2": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE, "U": Sex.UNKNOWN}

#: ETHNIC: the child's ethnicity, stored as its meaning.
ETHNIC: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

#: URN values that mean "no URN" (DfE asks for XXXXXXX where a placement has none).
NO_URN = frozenset({"XXXXXXX", "XXXXXX", "NA", "N/A"})


# --- Tables: told apart by their exact column sets -------------------------------------

HEADER = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODES = ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
            "HOME_POST", "PL_POST", "URN")
DOLO = ("CHILD", "DOB", "DOLO_START", "DOLO_END")
UASC = ("CHILD", "SEX", "DOB", "DUC")

#: The tables this app reads.
TABLES: dict[str, tuple[str, ...]] = {"Header": HEADER, "Episodes": EPISODES, "DoLo": DOLO, "UASC": UASC}

#: The SSDA903's other tables: recognised, and left alone (this app has no use for them).
OTHER_TABLES: dict[str, tuple[str, ...]] = {
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "Placed for adoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "Previous permanence": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "Social workers": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}
