"""The one definition of a provider's Ofsted ratings (issue 19, item 4).

A provider on the list (``Provider``) has the ratings of its entry in Ofsted's register, found by its URN:
every inspection with an overall judgement (``OfstedInspection``), and on any day the latest of those on or
before it. A provider with no URN, or whose URN is not in the register, has none. Every page and rule that
reads a rating reads it here: the provider list and page, the panel's rules and agenda, the approval case,
offers on a search, the Director's worklist and the data-quality checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat

from placements.register.models import OfstedInspection, RegisterEntry


def normal_urn(urn: str | None) -> str:
    """A URN as the register keys it: capitals, no spaces."""
    return "".join((urn or "").split()).upper()


def entry_of(provider) -> RegisterEntry | None:
    """The provider's entry in the register, if it has a URN the register holds."""
    urn = normal_urn(provider.urn)
    return RegisterEntry.objects.filter(urn=urn).first() if urn else None


def inspections_for(urn, on: date | None = None) -> QuerySet[OfstedInspection]:
    """Inspections of the entry with this URN (a value or an ``OuterRef`` to a provider's URN), latest first,
    up to ``on`` if given."""
    found = OfstedInspection.objects.filter(entry_id=urn)
    if on is not None:
        found = found.filter(inspection_date__lte=on)
    return found.order_by("-inspection_date")


def inspections_of(provider, on: date | None = None) -> list[OfstedInspection]:
    """The provider's inspections, latest first (up to ``on`` if given); none without a URN."""
    urn = normal_urn(provider.urn) if provider is not None else ""
    return list(inspections_for(urn, on)) if urn else []


def latest_rating_subquery(on: date, urn: str = "urn") -> Subquery:
    """The rating on ``on`` of the provider whose URN the outer query reaches by ``urn`` (``"urn"`` on a
    provider query, ``"provider__urn"`` on a placement query): its latest inspection on or before that day."""
    return Subquery(inspections_for(OuterRef(urn), on).values("overall")[:1])


def rated_by(on: date, urn: str = "urn") -> QuerySet[OfstedInspection]:
    """For ``Exists``: inspections on or before ``on`` of the provider the outer query reaches by ``urn``."""
    return OfstedInspection.objects.filter(entry_id=OuterRef(urn), inspection_date__lte=on)


def _provider_of_entry(field: str = "pk") -> Subquery:
    from placements.models import Provider

    return Subquery(Provider.objects.filter(urn=OuterRef("entry_id")).values(field)[:1])


def with_provider(inspections: QuerySet[OfstedInspection]) -> QuerySet[OfstedInspection]:
    """Inspections annotated with the listed provider (``provider_id``, ``provider_name``) their URN links to."""
    return inspections.annotate(provider_id=_provider_of_entry("pk"), provider_name=_provider_of_entry("name"))


def histories(providers: QuerySet | Iterable[int], on: date) -> dict[int, list[tuple[date, str]]]:
    """Each provider's ``(date, overall)`` inspections on or before ``on``, oldest first: two queries (the
    providers' URNs, then their inspections by URN; a provider's URN is unique, so each inspection is mapped to
    its provider once here rather than by a subquery an inspection).

    ``providers``: a provider query or provider keys."""
    from placements.models import Provider

    if not isinstance(providers, QuerySet):
        providers = Provider.objects.filter(pk__in=list(providers))
    urns = dict(providers.exclude(urn=None).order_by().values_list("urn", "pk"))
    return histories_by_urn(urns, on)


def histories_by_urn(urns: dict[str, int], on: date) -> dict[int, list[tuple[date, str]]]:
    """``histories`` for providers already known by URN (``{urn: provider key}``): one query."""
    found: dict[int, list[tuple[date, str]]] = {}
    if not urns:
        return found
    rows = (OfstedInspection.objects.filter(inspection_date__lte=on, entry_id__in=list(urns))
            .order_by("inspection_date").values_list("entry_id", "inspection_date", "overall"))
    for urn, when, overall in rows:
        found.setdefault(urns[urn], []).append((when, overall))
    return found


def histories_since(providers: Iterable[int], since: date, on: date) -> dict[int, list[tuple[date, str]]]:
    """``histories(providers, on)`` cut to what decides a rating on any day from ``since`` to ``on``: each
    provider's latest inspection on or before ``since``, then every one after it up to ``on``, oldest first (the
    latest on or before a day from ``since`` on is among them). Two queries."""
    from placements.among import Among
    from placements.models import Provider

    # The latest inspection on or before ``since`` as one text, "YYYY-MM-DD judgement" (a date's text is ISO, as the
    # driver reads every date): one probe of the index on URN and date a provider, not one for the date and another
    # for the judgement (at 100,000 looked after, thousands of providers).
    then = inspections_for(OuterRef("urn"), since).annotate(
        then=Concat(Cast("inspection_date", CharField()), Value(" "), "overall", output_field=CharField()))
    found: dict[int, list[tuple[date, str]]] = {}
    urns = {}
    for pk, urn, then_text in (Provider.objects.filter(Among("pk", providers)).exclude(urn=None).order_by()
                               .annotate(then=Subquery(then.values("then")[:1]))
                               .values_list("pk", "urn", "then")):
        urns[urn] = pk
        if then_text is not None:
            when, overall = then_text.split(" ", 1)
            found[pk] = [(date.fromisoformat(when), overall)]
    if urns:
        for urn, when, overall in (OfstedInspection.objects.filter(Among("entry_id", urns), inspection_date__gt=since,
                                                                   inspection_date__lte=on)
                                   .order_by("inspection_date").values_list("entry_id", "inspection_date", "overall")):
            found.setdefault(urns[urn], []).append((when, overall))
    return found


def rated_on(overall: str, on: date, providers: QuerySet | None = None) -> dict[str, int]:
    """The providers (of ``providers``, by default every one) whose rating on ``on`` (``latest_rating_subquery``)
    is ``overall``, as ``{urn: provider key}``: one query, only the providers ever given that judgement by then
    looked at."""
    from placements.models import Provider

    given = OfstedInspection.objects.filter(overall=overall, inspection_date__lte=on).values("entry_id")
    providers = Provider.objects.all() if providers is None else providers
    return dict(providers.filter(urn__in=given).annotate(rating_then=latest_rating_subquery(on))
                .filter(rating_then=overall).order_by().values_list("urn", "pk"))


def latest_by_provider(providers: Iterable, on: date) -> dict[int, OfstedInspection]:
    """Each provider's latest inspection on or before ``on`` (providers with none are left out): one query.

    ``providers``: providers, or provider keys (a second query reads their URNs)."""
    from placements.models import Provider

    providers = [p for p in providers if p is not None]
    if providers and not isinstance(providers[0], Provider):
        providers = list(Provider.objects.filter(pk__in=providers).exclude(urn=None).only("pk", "urn"))
    urns = {normal_urn(p.urn): p.pk for p in providers if p.urn}
    latest: dict[int, OfstedInspection] = {}
    for inspection in (OfstedInspection.objects.filter(entry_id__in=list(urns), inspection_date__lte=on)
                       .order_by("entry_id", "-inspection_date")):
        latest.setdefault(urns[inspection.entry_id], inspection)
    return latest
