"""Ofsted's register apart from the provider list (issue 19, item 4): inspections move to register entries.

Every provider with a URN gets a register entry made from what the provider row holds, so no inspection is lost
and no provider row is deleted. A provider with inspections but no URN (possible only by hand) is given the
placeholder URN ``LOCAL-<id>`` so that its inspections keep a home. (Its own migration: PostgreSQL will not alter
a table with writes pending in the same transaction.)
"""

from django.db import migrations


def _key(postcode):
    return "".join((postcode or "").split()).upper()[:10]


def to_register(apps, schema_editor):
    Provider = apps.get_model("placements", "Provider")
    RegisterEntry = apps.get_model("placements", "RegisterEntry")
    OfstedInspection = apps.get_model("placements", "OfstedInspection")
    inspected = set(OfstedInspection.objects.values_list("provider_id", flat=True).distinct())
    for provider in Provider.objects.filter(urn__isnull=True, pk__in=inspected):
        provider.urn = f"LOCAL-{provider.pk}"
        provider.save(update_fields=["urn"])
    entries = []
    for provider in Provider.objects.exclude(urn__isnull=True).exclude(urn="").order_by("pk"):
        entries.append(RegisterEntry(
            urn=provider.urn.strip().upper(), name=provider.name, provision=provider.provision, status=provider.status,
            registration_status="Closed" if provider.status == "closed" else "Active",
            local_authority=provider.local_authority, postcode=provider.postcode, postcode_key=_key(provider.postcode)))
    RegisterEntry.objects.bulk_create(entries, batch_size=500, ignore_conflicts=True)
    urns = dict(Provider.objects.exclude(urn__isnull=True).values_list("pk", "urn"))
    for inspection in OfstedInspection.objects.all().only("pk", "provider_id"):
        inspection.entry_id = urns[inspection.provider_id].strip().upper()
        inspection.save(update_fields=["entry"])


def to_providers(apps, schema_editor):
    Provider = apps.get_model("placements", "Provider")
    OfstedInspection = apps.get_model("placements", "OfstedInspection")
    providers = {urn.strip().upper(): pk for pk, urn in Provider.objects.exclude(urn__isnull=True).values_list("pk", "urn")}
    for inspection in OfstedInspection.objects.all():
        if inspection.entry_id in providers:
            inspection.provider_id = providers[inspection.entry_id]
            inspection.save(update_fields=["provider"])
        else:
            inspection.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("placements", "0018_ofsted_register"),
    ]

    operations = [
        migrations.RunPython(to_register, to_providers),
    ]
