"""Import providers (URN, NAME, OWNERSHIP, PROVISION, REGULATED, FRAMEWORK, POSTCODE): ``manage.py import_providers FILE...``."""

from placements.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import providers: URN, NAME, OWNERSHIP, PROVISION, REGULATED, FRAMEWORK, POSTCODE. A file with any bad row imports nothing (exit code 2)."
    kind = "providers"
