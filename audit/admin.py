"""The trail in the administration pages: read only, for everyone, superusers included."""

from django.contrib import admin

from auditlog.admin import LogEntryAdmin
from audit.models import AccessEvent, ChangeEntry


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# auditlog registers its own admin for the log entry model; ours also refuses deletion.
if admin.site.is_registered(ChangeEntry):
    admin.site.unregister(ChangeEntry)


@admin.register(ChangeEntry)
class ChangeEntryAdmin(ReadOnly, LogEntryAdmin):
    list_display = ["created", "resource_url", "action", "msg_short", "user_url", "case_ref"]
    search_fields = ["object_repr", "case_ref", "actor__username"]


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "username", "kind", "url_name", "object_id", "case_ref", "export_format", "status_code"]
    list_filter = ["kind", "url_name"]
    search_fields = ["username", "case_ref"]
    date_hierarchy = "at"
