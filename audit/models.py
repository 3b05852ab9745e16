"""The audit trail (SPEC section 6): every change to the records, and who viewed which child or downloaded what.

- ``ChangeEntry`` is django-auditlog's log entry (``AUDITLOG_LOGENTRY_MODEL``): who, when, which record,
  and each field's old and new value, written by auditlog's signals in the same transaction as the
  change. It also keeps the case reference of the child the change is about, worked out when it is
  written, so the trail can be searched by child even after the record itself has gone.
- ``AccessEvent`` is a view of a child's page, a download (any ``?_export=``) or a confirmed import,
  written by ``audit.middleware.AccessLogMiddleware``: user, time, the page's URL name and the object's
  id. Never the query string, which may hold a search for a child's name. (Imports write their rows in
  bulk, which django-auditlog does not see, so the import itself is the entry.)

Both are append-only: nothing in the app edits or deletes them (no views, read-only in the admin).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import timezone

from auditlog.models import AbstractLogEntry, LogEntryManager

#: Apps whose records belong to a child; a change to one of their records is filed under that child.
CHILD_APPS = ("placements", "panel", "tracker")
#: How many links (a cost line's placement, a placement's child) to follow to find the child.
CHILD_DEPTH = 3


def child_of(instance, depth: int = CHILD_DEPTH):
    """The child a record is about: itself, or the child its foreign keys lead to (say a cost line's
    placement's child), or None for records about no one child (a provider, a panel meeting)."""
    Child = apps.get_model("placements", "Child")
    if isinstance(instance, Child):
        return instance
    if depth == 0:
        return None
    # The field called "child" first, then any other link into the domain apps.
    fields = sorted(
        (f for f in instance._meta.get_fields() if f.many_to_one and f.concrete),
        key=lambda f: f.name != "child",
    )
    for field in fields:
        if field.related_model._meta.app_label not in CHILD_APPS:
            continue
        if getattr(instance, field.attname, None) is None:
            continue
        try:
            related = getattr(instance, field.name)
        except ObjectDoesNotExist:
            continue
        found = child_of(related, depth - 1)
        if found is not None:
            return found
    return None


def child_path(model, depth: int = CHILD_DEPTH) -> str | None:
    """The lookup from ``model`` to the child its records are about (``"placement__child"`` for a cost
    line), following the links ``child_of`` follows, in the same order; None for records about no child."""
    Child = apps.get_model("placements", "Child")
    if model is Child:
        return ""
    if depth == 0:
        return None
    fields = sorted((f for f in model._meta.get_fields() if f.many_to_one and f.concrete),
                    key=lambda f: f.name != "child")
    for field in fields:
        if field.related_model._meta.app_label not in CHILD_APPS:
            continue
        rest = child_path(field.related_model, depth - 1)
        if rest is not None:
            return f"{field.name}__{rest}" if rest else field.name
    return None


def case_ref_of(instance) -> str:
    try:
        child = child_of(instance)
    except (FieldDoesNotExist, ObjectDoesNotExist):
        return ""
    return child.case_ref if child is not None else ""


class ChangeEntryManager(LogEntryManager):
    """auditlog's manager, filing each entry under the child its record is about."""

    def log_create(self, instance, force_log: bool = False, **kwargs):
        kwargs.setdefault("case_ref", case_ref_of(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        kwargs.setdefault("case_ref", case_ref_of(instance))
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


class ChangeEntry(AbstractLogEntry):
    """One create, update or delete of a record: django-auditlog's log entry, plus the child's case reference."""

    case_ref = models.CharField(
        "child's case reference", max_length=32, blank=True, db_index=True,
        help_text="The child the changed record is about, when there is one.",
    )

    objects = ChangeEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "change"
        verbose_name_plural = "changes"
        default_permissions = ("view",)
        indexes = [models.Index(fields=["actor", "timestamp"])]


class AccessEvent(models.Model):
    """Someone opened a child's page, downloaded a file of records or confirmed an import."""

    class Kind(models.TextChoices):
        VIEW = "view", "Viewed a child's page"
        EXPORT = "export", "Downloaded"
        IMPORT = "import", "Imported files"

    at = models.DateTimeField("when", default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Kept as written, so the trail still says who it was if the account is deleted.
    username = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url_name = models.CharField("page", max_length=100)
    object_id = models.CharField("record id", max_length=40, blank=True)
    case_ref = models.CharField("child's case reference", max_length=32, blank=True, db_index=True)
    export_format = models.CharField("file format", max_length=10, blank=True)
    status_code = models.PositiveSmallIntegerField("HTTP status")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "view, download or import"
        verbose_name_plural = "views, downloads and imports"
        default_permissions = ("view",)
        permissions = [("view_trail", "Can search the audit trail")]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display().lower()} ({self.url_name}) at {self.at:%Y-%m-%d %H:%M}"
