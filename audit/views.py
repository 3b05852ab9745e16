"""The audit trail's pages, for administrators (superusers, or anyone given ``audit.view_trail``).

Read only: the trail has no page that adds, changes or deletes an entry.
"""

from __future__ import annotations

from audit.filtersets import AccessEventFilter, ChangeEntryFilter
from audit.models import AccessEvent, ChangeEntry
from audit.tables import AccessEventTable, ChangeEntryTable
from placements.views import ListPage

TRAIL_PERMISSION = "audit.view_trail"


class TrailPage(ListPage):
    permission_required = TRAIL_PERMISSION
    template_name = "audit/trail.html"
    paginate_by = 50
    tab = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(tab=self.tab, **kwargs)


class ChangeTrail(TrailPage):
    table_class = ChangeEntryTable
    filterset_class = ChangeEntryFilter
    export_name = "audit-changes"
    title = "Audit trail: changes to records"
    tab = "changes"

    def get_queryset(self):
        return ChangeEntry.objects.select_related("actor", "content_type")


class AccessTrail(TrailPage):
    table_class = AccessEventTable
    filterset_class = AccessEventFilter
    export_name = "audit-views-and-downloads"
    title = "Audit trail: children's pages viewed, files downloaded and imports"
    tab = "access"

    def get_queryset(self):
        return AccessEvent.objects.all()
