from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_groups(sender, **kwargs):
    from placements.access import sync_groups

    sync_groups()


class PlacementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "placements"
    verbose_name = "Children, providers and placements"

    def ready(self):
        # Keep the groups' permissions as placements.access says after every migrate.
        post_migrate.connect(_sync_groups, dispatch_uid="placements_sync_groups")
        # Each child's looked-after segments follow their records (placements.care.store).
        from placements.care.store import connect_signals

        connect_signals()
