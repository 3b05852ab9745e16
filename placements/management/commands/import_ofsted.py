"""Import Ofsted's provider-level CSVs as published: ``manage.py import_ofsted FILE...``."""

from placements.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import Ofsted's provider-level CSVs as published (at 31 August, in year). A file with any bad row imports nothing (exit code 2)."
    kind = "ofsted"
