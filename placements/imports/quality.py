"""Reads for the data quality page: after an import, what needs a person (issue 7, part 6).

Each check is a queryset of placements, so the page shows them in a table of a fixed number of
queries whatever the rows. The first three are about placements open on the day (what needs doing
now); the last two look at the whole history, as the SSDA903 validation rules do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import DateField, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery

from placements.choices import CommissioningRoute, PlacementCategory
from placements.imports import ssda903_codes as codes
from placements.models import CostLine, Episode, Placement
from placements.register import ratings
from placements.selectors import covering

EXTERNAL_PROVIDER_CODES = [code for code, meaning in codes.PLACE_PROVIDER.items() if meaning.ownership == "external"]
PURCHASED_ROUTES = [CommissioningRoute.FRAMEWORK, CommissioningRoute.SPOT, CommissioningRoute.BLOCK]


def _placements() -> QuerySet[Placement]:
    return Placement.objects.select_related("child", "provider")


def _opening_episode(placement_field: str = "pk") -> QuerySet[Episode]:
    return Episode.objects.filter(placement=OuterRef(placement_field)).order_by("decom")


def placements_without_cost_lines(on: date) -> QuerySet[Placement]:
    """Open placements with no cost line at all (placed with parents costs nothing, so is left out)."""
    return (
        _placements()
        .filter(covering(on))
        .exclude(category=PlacementCategory.PLACED_WITH_PARENTS)
        .exclude(Exists(CostLine.objects.filter(placement=OuterRef("pk"))))
        .order_by("start", "pk")
    )


def external_placements_without_provider(on: date) -> QuerySet[Placement]:
    """Open external placements with no provider: SSDA903 PLACE_PROVIDER PR4/PR5 (a URN not known here,
    or none), or, for placements entered by hand, bought on a framework, spot or block."""
    external_episode = Episode.objects.filter(placement=OuterRef("pk"), place_provider__in=EXTERNAL_PROVIDER_CODES)
    any_episode = Episode.objects.filter(placement=OuterRef("pk"))
    return (
        _placements()
        .filter(covering(on), provider__isnull=True)
        .filter(Exists(external_episode) | (~Exists(any_episode) & Q(route__in=PURCHASED_ROUTES)))
        .annotate(urn=Subquery(_opening_episode().values("urn")[:1]))
        .order_by("start", "pk")
    )


def residential_without_rating(on: date) -> QuerySet[Placement]:
    """Open residential placements whose provider has no Ofsted judgement on or before the day (or no provider)."""
    rated = ratings.rated_by(on, "provider__urn")
    return (
        _placements()
        .filter(covering(on), category=PlacementCategory.RESIDENTIAL)
        .filter(Q(provider__isnull=True) | ~Exists(rated))
        .order_by("start", "pk")
    )


def overlapping_placements() -> QuerySet[Placement]:
    """Placements during which another placement of the same child begins: overlapping episodes.

    ``end`` is the day the child left, so a placement starting on another's end day does not overlap it.
    ``overlap_start`` is the start of the first placement that begins inside this one.
    """
    later = (
        Placement.objects.filter(child=OuterRef("child"))
        .exclude(pk=OuterRef("pk"))
        .filter(Q(start__gt=OuterRef("start")) | Q(start=OuterRef("start"), pk__gt=OuterRef("pk")))
        .order_by("start", "pk")
    )
    return (
        _placements()
        .filter((Q(end__isnull=True) & Exists(later)) | (Q(end__isnull=False) & Exists(later.filter(start__lt=OuterRef("end")))))
        .annotate(overlap_start=Subquery(later.values("start")[:1], output_field=DateField()))
        .order_by("child__case_ref", "start", "pk")
    )


@dataclass(frozen=True)
class TemporaryRule:
    place_code: str
    max_days: int
    meaning: str


#: Temporary placements with a longest stay (SSDA903 validation rules 375, 376, 379), from the code table.
TEMPORARY_RULES = [
    TemporaryRule(code, place.max_days, place.meaning) for code, place in codes.PLACE.items() if place.max_days
]


def temporary_placements_too_long(on: date) -> QuerySet[Placement]:
    """Temporary placements (T1, T3, T4) longer than the SSDA903 rules allow; open ones counted to the day."""
    too_long = Q()
    for rule in TEMPORARY_RULES:
        limit = timedelta(days=rule.max_days)
        too_long |= Q(place_code=rule.place_code) & (
            Q(end__isnull=False, length__gt=limit) | Q(end__isnull=True, start__lt=on - limit)
        )
    length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
    return _placements().annotate(length=length).filter(too_long).order_by("start", "pk")


# --- The return's episode rows of one child ------------------------------------------------


@dataclass(frozen=True)
class EpisodeRow:
    """One SSDA903 episode as the return gave it, with the overlaps a person must fix in the return."""

    episode: Episode
    #: DECOM of a later episode that begins before this one ceased (or while it is open).
    overlapped_by: date | None = None
    #: DECOM of an earlier episode this one begins inside.
    begins_inside: date | None = None

    @property
    def overlaps(self) -> bool:
        return bool(self.overlapped_by or self.begins_inside)


def episode_rows(child_id: int, placement_id: int | None = None) -> list[EpisodeRow]:
    """The child's episodes in DECOM order (one query), each marked where it overlaps another; only the
    placement's episodes when ``placement_id`` is given (overlaps are still found among all the child's).

    Episodes follow each other: one that begins on the day the previous one ceased does not overlap it."""
    episodes = list(Episode.objects.filter(child_id=child_id).order_by("decom"))
    rows = []
    for index, episode in enumerate(episodes):
        later = next((other.decom for other in episodes[index + 1:]
                      if episode.dec is None or other.decom < episode.dec), None)
        earlier = next((other.decom for other in reversed(episodes[:index])
                        if other.dec is None or episode.decom < other.dec), None)
        rows.append(EpisodeRow(episode, later, earlier))
    if placement_id is not None:
        rows = [row for row in rows if row.episode.placement_id == placement_id]
    return rows


def episode_context(child_id: int, placement_id: int | None = None) -> dict:
    """What ``templates/includes/episode_rows.html`` shows."""
    rows = episode_rows(child_id, placement_id)
    return {"episode_rows": rows, "episodes_overlap": any(row.overlaps for row in rows)}
