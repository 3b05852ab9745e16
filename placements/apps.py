from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_groups(sender, **kwargs):
    from placements.access import sync_groups

    sync_groups()


def _install_data_version_triggers(sender, using="default", **kwargs):
    """After every migrate, every table the figures read has its data-version trigger (placements.freshness):
    SQLite remakes a table to change it, and the remade table has lost its triggers."""
    from django.apps import apps
    from django.db import connections

    from placements import freshness

    with connections[using].schema_editor() as schema_editor:
        freshness.install_triggers(schema_editor, freshness.watched_tables(apps))


class PlacementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "placements"
    verbose_name = "Children, providers and placements"

    def ready(self):
        # Keep the groups' permissions as placements.access says after every migrate.
        post_migrate.connect(_sync_groups, dispatch_uid="placements_sync_groups")
        post_migrate.connect(_install_data_version_triggers, sender=self, dispatch_uid="placements_data_version_triggers")
        # Each child's looked-after segments follow their records (placements.care.store).
        from placements.care.store import connect_signals

        connect_signals()
        # django-tables2 reads each cell's render method's signature once, not once a cell.
        from placements import table_signatures

        table_signatures.install()
