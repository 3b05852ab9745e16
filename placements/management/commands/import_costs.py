"""Import cost lines (CHILD, DECOM, KIND, DESCRIPTION, WEEKLY_AMOUNT, FROM, TO): ``manage.py import_costs FILE...``."""

from placements.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import cost lines: CHILD, DECOM, KIND, DESCRIPTION, WEEKLY_AMOUNT, FROM, TO. A file with any bad row imports nothing (exit code 2)."
    kind = "costs"
