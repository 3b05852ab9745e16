"""Pages for the import history (issue 19): every import and undo, one import's detail, and undoing the latest.

The rules (what may be undone, and how) are ``placements.imports.history``'s; these pages only show
them and ask.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView

from placements.imports import KINDS
from placements.imports.history import UndoRefused, can_undo, latest_import, undo
from placements.models import ImportRecord
from placements.rules import financial_year_label

IMPORT_PERMISSION = "placements.import_data"
#: Field changes listed on one import's page; the rest are counted.
CHANGES_SHOWN = 1000


def kind_label(record: ImportRecord) -> str:
    if record.kind == ImportRecord.UNDO:
        return f"Undo of the {kind_label(record.undoes)} import" if record.undoes else "Undo"
    kind = KINDS.get(record.kind)
    return kind.label if kind else record.kind


def who(record: ImportRecord) -> str:
    user = record.imported_by
    if user is None:
        return "the command line" if record.kind != ImportRecord.UNDO else "someone no longer here"
    return user.get_full_name() or user.get_username()


def count_lines(record: ImportRecord) -> list[str]:
    """Each record type's counts in words ("Children: 820 new, 0 changed, 0 unchanged")."""
    lines = []
    for label, c in record.counts:
        if record.kind == ImportRecord.UNDO:
            lines.append(f"{label}: {c['removed']:,} removed, {c['put_back']:,} put back as they were")
        else:
            text = f"{label}: {c['new']:,} new, {c['changed']:,} changed, {c['unchanged']:,} unchanged"
            if c.get("left_alone"):
                text += f", {c['left_alone']:,} left alone"
            lines.append(text)
    return lines


def returns_covered(record: ImportRecord) -> str:
    """"the 2019/20 return", "the 2017/18 and 2018/19 returns", or "" when the files are not a return."""
    years = [financial_year_label(year) for year in record.return_years]
    if not years:
        return ""
    return f"the {' and '.join([', '.join(years[:-1]), years[-1]] if len(years) > 1 else years)} return{'s' if len(years) > 1 else ''}"


def describe(record: ImportRecord) -> dict:
    return {"record": record, "label": kind_label(record), "who": who(record), "count_lines": count_lines(record),
            "size": sum(f["size"] for f in record.files), "returns": returns_covered(record)}


class ImportHistory(PermissionRequiredMixin, ListView):
    permission_required = IMPORT_PERMISSION
    template_name = "placements/imports/history.html"
    paginate_by = 50
    extra_context = {"title": "Import history"}

    def get_queryset(self):
        return (ImportRecord.objects.select_related("imported_by", "undoes", "undone_by")
                .defer("journal", "changes").order_by("-imported_at", "-pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [describe(record) for record in context["object_list"]]
        context["latest"] = latest_import()
        return context


class ImportRecordDetail(PermissionRequiredMixin, DetailView):
    permission_required = IMPORT_PERMISSION
    template_name = "placements/imports/record.html"
    model = ImportRecord
    context_object_name = "record"

    def get_queryset(self):
        return ImportRecord.objects.select_related("imported_by", "undoes", "undone_by").defer("journal")

    def get_context_data(self, refused: UndoRefused | None = None, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        info = describe(record)
        context.update(info)
        context["title"] = f"{info['label']} on {record.imported_at:%d/%m/%Y}"
        context["undo_state"] = can_undo(record)
        context["changes"] = record.changes[:CHANGES_SHOWN]
        context["more_changes"] = max(len(record.changes) - CHANGES_SHOWN, 0)
        context["refused"] = refused
        return context


class ImportUndo(ImportRecordDetail):
    """POST: undo this import, or show the page again with the reasons it cannot be."""

    http_method_names = ["post"]

    def post(self, request, pk):
        record = get_object_or_404(ImportRecord, pk=pk)
        try:
            done = undo(record, user=request.user)
        except UndoRefused as refused:
            self.object = record
            return self.render_to_response(self.get_context_data(refused=refused), status=409)
        messages.success(request, f"{kind_label(record)} import undone. " + "; ".join(count_lines(done)) + ".")
        return redirect("import_history")
