"""Import SSDA903 return files (Header, Episodes, DoLo, UASC): ``manage.py import_ssda903 FILE_OR_FOLDER...``."""

from placements.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Import SSDA903 return files (Header, Episodes, DoLo, UASC), or folders of them. A file with any bad row imports nothing (exit code 2)."
    kind = "ssda903"
