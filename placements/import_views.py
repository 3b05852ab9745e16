"""Pages for data in (SPEC section 5): upload, preview, confirm; and the data quality page.

The upload page stores the files (``ImportUpload``, in the database so any app server can take the
confirmation) and shows the importer's plan: new, changed and unchanged counts and every bad row.
Confirming runs the same plan again and applies it, in one transaction. The management commands
call the same functions (``placements.imports.KINDS``).
"""

from __future__ import annotations

import csv
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig

from placements.coverage import data_coverage
from placements_site import request_size
from placements.exports import SafeTableExport, as_text, download
from placements.imports import KINDS, SourceFile, guide, quality, reconciliation
from placements.imports.base import ImportRefused, ImportResult
from placements.imports.tables import (
    CostsFileTable,
    ExternalWithoutProviderTable,
    OpenNotInNextReturnTable,
    OverlapTable,
    QualityPlacementTable,
    ReconciliationTable,
    TemporaryTooLongTable,
)
from placements.import_history_views import count_lines, describe
from placements.imports.history import record_import
from placements.forms import DateInput
from placements.models import ImportRecord, ImportUpload
from placements.plausible import problem_with_date

#: The largest upload the page takes, all files together (settings; refused before it is read when larger).
MAX_UPLOAD_BYTES = settings.MAX_UPLOAD_BYTES
#: Uploads not confirmed within this long are removed.
UPLOAD_KEPT_FOR = timedelta(days=1)
#: Bad rows shown on the page; the whole list is a CSV download.
ERRORS_SHOWN = 1000

IMPORT_PERMISSION = "placements.import_data"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)) and data:
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data or None, initial)]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you importing?",
        choices=[(kind.slug, kind.label) for kind in KINDS.values()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are importing."},
    )
    files = MultipleFileField(
        label="Upload the CSV files",
        help_text="CSV files only, up to 20 MB in all. You can choose several files at once.",
        error_messages={"required": "Choose the files to import."},
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            if not upload.name.lower().endswith(".csv"):
                raise forms.ValidationError(f"{upload.name} is not a CSV file: save it as CSV and upload it again.")
        if sum(upload.size for upload in files) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The files are larger than 20 MB in all: upload fewer at a time.")
        return files


class ImportUploadPage(PermissionRequiredMixin, FormView):
    permission_required = IMPORT_PERMISSION
    template_name = "placements/imports/upload.html"
    form_class = ImportForm
    extra_context = {"title": "Import data", "kinds": KINDS.values(), "date_format": guide.DATE_FORMAT,
                     "guides": [(KINDS[slug], kind_guide, guide.numbered_files(slug)) for slug, kind_guide in guide.GUIDES.items()]}

    def dispatch(self, request, *args, **kwargs):
        # Uploads nobody confirmed are not kept: files of children's data should not linger.
        ImportUpload.objects.filter(uploaded_at__lt=timezone.now() - UPLOAD_KEPT_FOR).delete()
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            request.FILES  # parsing the upload refuses more files than DATA_UPLOAD_MAX_NUMBER_FILES
        except TooManyFilesSent:
            form = ImportForm(data={})
            form.is_valid()
            form.errors.clear()
            form.add_error("files", f"Upload at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at a time "
                                    "(a year's return is eight).")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if request_size.too_large(request):  # a body of undeclared length, stopped at the limit
            form = ImportForm(data={})
            form.is_valid()
            form.errors.clear()
            form.add_error("files", request_size.too_large_message(request))
            return self.render_to_response(self.get_context_data(form=form), status=413)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.request.user
        ImportUpload.objects.filter(uploaded_by=user).delete()  # a new upload replaces this user's last one
        token = secrets.token_urlsafe(32)
        ImportUpload.objects.bulk_create([
            ImportUpload(token=token, kind=form.cleaned_data["kind"], file_name=upload.name[:255],
                         data=upload.read(), uploaded_by=user)
            for upload in form.cleaned_data["files"]
        ])
        return redirect("import_preview", token=token)


def names_as_uploaded(names: list[str]) -> list[str]:
    """Each file's name, with its place in the upload when another file has the same name: DfE's files are
    named the same every year, so "episodes.csv (file 10 of 16)" says which year's file a row is in."""
    repeated = {name for name in names if names.count(name) > 1}
    return [f"{name} (file {n} of {len(names)})" if name in repeated else name
            for n, name in enumerate(names, start=1)]


class ImportExample(PermissionRequiredMixin, View):
    """An example file of a kind, made up (``placements.imports.guide``), to download and fill in."""

    permission_required = IMPORT_PERMISSION

    def get(self, request, pk):
        found = guide.example(pk)
        if found is None:
            raise Http404("No such example file.")
        return download(found.as_csv().encode("utf-8"), f"example-{found.name}", "text/csv; charset=utf-8")


class UploadedImport(PermissionRequiredMixin, View):
    """A page about one upload of the signed-in user's, named by its token."""

    permission_required = IMPORT_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        uploads = list(ImportUpload.objects.filter(token=kwargs["token"], uploaded_by=request.user))
        if not uploads:
            return self.missing()
        self.kind = KINDS[uploads[0].kind]
        self.files = [SourceFile(name=name, data=bytes(u.data))
                      for name, u in zip(names_as_uploaded([u.file_name for u in uploads]), uploads)]
        return super().dispatch(request, *args, **kwargs)

    def missing(self):
        imported = ImportRecord.objects.filter(token=self.kwargs["token"]).exclude(token="").first()
        if imported is not None:
            response = render(self.request, "placements/imports/imported.html", {
                "title": "These files have been imported", "record": imported, **describe(imported)})
            add_never_cache_headers(response)
            return response
        raise Http404("No such upload: it was imported, replaced by a newer one, or is more than a day old.")

    def preview(self, result: ImportResult):
        errors = result.sorted_errors()
        changes = result.sorted_changes()
        response = render(self.request, "placements/imports/preview.html", {
            "title": "Nothing can be imported" if errors else "Check the changes before importing",
            "kind": self.kind,
            "result": result,
            "errors": errors[:ERRORS_SHOWN],
            "more_errors": max(len(errors) - ERRORS_SHOWN, 0),
            "left_out": result.left_out_lines(),
            "changes": changes[:ERRORS_SHOWN],
            "more_changes": max(len(changes) - ERRORS_SHOWN, 0),
            "second_looks": sum(1 for change in changes if change.second_look),
            "token": self.kwargs["token"],
            "back_url": reverse("import_upload"),
        })
        # Back after confirming asks again, and hears that the files were imported, not the old preview.
        add_never_cache_headers(response)
        return response


class ImportPreview(UploadedImport):
    def get(self, request, token):
        return self.preview(self.kind.plan(self.files).result)


class ImportConfirm(UploadedImport):
    def missing(self):
        # Pressed twice, or too late: say so rather than show a missing page.
        imported = ImportRecord.objects.filter(token=self.kwargs["token"]).exclude(token="").first()
        if imported is not None:
            info = describe(imported)
            messages.info(self.request, f"Those files were imported on {imported.imported_at:%d/%m/%Y at %H:%M} "
                                        f"by {info['who']}: nothing more to do.")
            return redirect(imported.get_absolute_url())
        messages.info(self.request, "That upload is no longer here: it has been imported, replaced or removed. "
                                    "Upload the files again to import them.")
        return redirect("import_upload")

    def post(self, request, token):
        try:
            with transaction.atomic():
                plan = self.kind.plan(self.files)
                self.kind.apply(plan)
                record = record_import(self.kind.slug, plan, self.files, user=request.user, token=token)
        except ImportRefused as refused:
            # Something changed since the preview: show the rows as they are now.
            return self.preview(refused.result)
        ImportUpload.objects.filter(token=token).delete()
        messages.success(request, f"{self.kind.label} imported. " + "; ".join(count_lines(record)) + ".")
        return redirect("data_quality")


class ImportErrorsCsv(UploadedImport):
    """Every bad row, as a CSV, for files with more than the page shows."""

    def get(self, request, token):
        result = self.kind.plan(self.files).result
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="import-bad-rows.csv"'
        writer = csv.writer(response)
        writer.writerow(["file", "return", "line", "CHILD", "column", "value", "reason"])
        for error in result.sorted_errors():
            writer.writerow([as_text(cell) for cell in (error.file, error.covers, error.line, error.child, error.column,
                                                        error.value, error.reason)])
        for name, line in zip(result.errors_left_out, result.left_out_lines()):  # more bad rows than are kept
            writer.writerow([as_text(name), "", "", "", "", "", as_text(line)])
        return response


# --- Data quality ------------------------------------------------------------------


@dataclass(frozen=True)
class QualitySection:
    slug: str
    heading: str
    title: str
    description: str
    table_class: type
    rows: object
    #: What a row is, for the count in the page's summary ("40 placements of 25 children").
    unit: str = "placements"


def quality_sections(on) -> list[QualitySection]:
    """Each check of the data quality page, in the page's order."""
    return [
        QualitySection(
            "no-cost-line", "Cost lines", "Open placements with no cost line",
            "Placements open on the day with no cost line at all. Placed with parents costs nothing and is left out.",
            QualityPlacementTable, quality.placements_without_cost_lines(on)),
        QualitySection(
            "no-provider", "Providers", "External placements with no provider",
            "Open placements bought from a private or voluntary provider (SSDA903 PR4 or PR5), or entered by hand "
            "as bought, with no provider recorded: the URN in the return is not a provider known here, or there "
            "was none. They count as external all the same (PLACE_PROVIDER says so). Add the provider (or import "
            "Ofsted's data), then import the return again.",
            ExternalWithoutProviderTable, quality.external_placements_without_provider(on)),
        QualitySection(
            "no-rating", "Ofsted ratings", "Residential placements with no Ofsted rating",
            "Open residential placements whose provider has no Ofsted judgement on or before the day, or no provider.",
            QualityPlacementTable, quality.residential_without_rating(on)),
        QualitySection(
            "overlaps", "Overlapping placements", "Placements another placement of the same child begins inside",
            "Each row is a placement during which another placement of the same child begins: the child's episodes "
            "overlap. Every count still counts the child once, in the placement that started last.",
            OverlapTable, quality.overlapping_placements()),
        QualitySection(
            "missing-from-next-return", "Returns", "Open at the end of a return, not in the next return",
            "An episode open on the last day of one return that the next return does not have. The child is kept "
            "looked after as last known (no leaving date is guessed) until a return or a person closes it.",
            OpenNotInNextReturnTable, reconciliation.open_and_missing_from_next_return(), unit="episodes"),
        QualitySection(
            "reconciliation", "Returns", "Each return's 31 March count beside this app's",
            "For each SSDA903 return imported: the children that return alone has looked after on its last day, "
            "and the children counted here from all the returns together. They differ by children kept open from "
            "an earlier return, children whose episode appears only in a later return, and episodes a later "
            "return changed (the later return wins).",
            ReconciliationTable, reconciliation.reconciliation(), unit="returns"),
        QualitySection(
            "temporary", "Temporary placements", "Temporary placements longer than the SSDA903 rules allow",
            "Hospital (T1) longer than 42 days, a foster carer's holiday (T3) longer than 21 days, other short "
            "stays (T4) longer than 7 days. Open ones are counted to the day.",
            TemporaryTooLongTable, quality.temporary_placements_too_long(on)),
    ]


def children_in(rows) -> int | None:
    """How many children the rows are about, when they are records of children (one query)."""
    if hasattr(rows, "values"):
        return rows.order_by().values("child_id").distinct().count()
    return None


class QualityDayForm(forms.Form):
    """The day the data quality page looks at (the data's "as at" date unless another is chosen)."""

    on = forms.DateField(label="As at", required=False, widget=DateInput(),
                         help_text="The checks of open placements look at this day.",
                         error_messages={"invalid": "Enter the day as a real date."})

    def clean_on(self):
        day = self.cleaned_data["on"]
        problem = day and problem_with_date(day)
        if problem:
            raise forms.ValidationError(f"The day {problem}.")
        return day


class DataQuality(PermissionRequiredMixin, TemplateView):
    permission_required = "placements.view_placement"
    template_name = "placements/imports/data_quality.html"
    extra_context = {"title": "Data quality"}
    per_page = 25

    def get(self, request, *args, **kwargs):
        coverage = data_coverage(timezone.localdate())
        form = QualityDayForm(request.GET if "on" in request.GET else None)
        chosen = form.cleaned_data["on"] if form.is_valid() else None
        today = chosen or coverage.as_at
        if not form.is_bound:
            form.initial["on"] = today
        sections = []
        export = request.GET.get("_export")
        for section in quality_sections(today):
            if request.GET.get("section") == section.slug and export == "costs" and section.slug == "no-cost-line":
                table = CostsFileTable(section.rows)
                return SafeTableExport("csv", table).response(f"costs-to-fill-in-{today:%Y-%m-%d}.csv")
            table = section.table_class(section.rows, prefix=f"{section.slug}-", empty_text="Nothing to check.")
            if request.GET.get("section") == section.slug and SafeTableExport.is_valid_format(export):
                RequestConfig(request, paginate=False).configure(table)
                return SafeTableExport(export, table).response(f"data-quality-{section.slug}-{today:%Y-%m-%d}.{export}")
            RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
            sections.append({"section": section, "table": table, "children": children_in(section.rows)})
        status = 400 if form.is_bound and not form.is_valid() else 200
        return self.render_to_response(
            self.get_context_data(sections=sections, today=today, coverage=coverage, form=form), status=status)
