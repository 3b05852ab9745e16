"""Small, explicit records for tests: each test says what matters about its world."""

from datetime import date
from decimal import Decimal

from placements.choices import (
    CameFrom,
    CommissioningRoute,
    CostKind,
    LegalStatus,
    Ownership,
    PlacementCategory,
    ProvisionKind,
    Sex,
)
from placements.models import Child, CostLine, Placement, Provider


def make_child(**overrides) -> Child:
    fields = dict(
        case_ref="C0001", given_name="Sam", family_name="Tester", date_of_birth=date(2010, 6, 15),
        sex=Sex.MALE, legal_status=LegalStatus.C2, team="Children in Care North",
    )
    fields.update(overrides)
    return Child.objects.create(**fields)


def make_provider(**overrides) -> Provider:
    fields = dict(name="Oakwood Children's Homes", urn="SC100001", ownership=Ownership.EXTERNAL,
                  provision=ProvisionKind.CHILDRENS_HOME, regulated=True)
    fields.update(overrides)
    return Provider.objects.create(**fields)


def make_inspection(provider: Provider, inspection_date: date, overall: str):
    """An inspection of ``provider`` in Ofsted's register (placements.register): on the entry with its URN,
    made if the register has none (and a URN given if the provider has none)."""
    from placements.models import OfstedInspection, RegisterEntry

    if not provider.urn:
        provider.urn = f"TEST{provider.pk}"
        provider.save(update_fields=["urn"])
    RegisterEntry.objects.get_or_create(urn=provider.urn, defaults={"name": provider.name, "provision": provider.provision})
    return OfstedInspection.objects.create(entry_id=provider.urn, inspection_date=inspection_date, overall=overall)


def make_placement(child: Child, provider: Provider | None = None, **overrides) -> Placement:
    fields = dict(child=child, provider=provider, category=PlacementCategory.RESIDENTIAL,
                  legal_status=LegalStatus.C2, start=date(2024, 1, 1), came_from=CameFrom.HOME,
                  route=CommissioningRoute.SPOT)
    fields.update(overrides)
    return Placement.objects.create(**fields)


def make_cost_line(placement: Placement, amount: str, date_from: date, date_to: date | None = None,
                   kind: str = CostKind.CORE, description: str = "Core weekly fee") -> CostLine:
    return CostLine.objects.create(placement=placement, kind=kind, description=description,
                                   weekly_amount=Decimal(amount), date_from=date_from, date_to=date_to)
