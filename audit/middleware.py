"""Log every view of a child's page, every download and every import, with who and when (SPEC section 6)."""

from __future__ import annotations

import re

from django.apps import apps

from audit.models import AccessEvent

#: Pages that show one child's record: each opening is logged.
CHILD_PAGES = {"child_detail"}
#: Downloads that are not a page's ``?_export=`` (the bad rows of an uploaded file).
DOWNLOAD_PAGES = {"import_errors"}
#: Imports write in bulk, unseen by django-auditlog: the confirmation is logged instead.
IMPORT_PAGES = {"import_confirm", "import_undo"}
_FORMAT = re.compile(r"[a-z0-9]{1,10}")


class AccessLogMiddleware:
    """Writes an ``AccessEvent`` for a child's page, a download or an import, after the view has answered.

    What is kept: the user, the time, the URL's name, the id in the URL and the status. Not the query
    string (a filter may be a child's name) and not the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated:
            return response
        if match.url_name in CHILD_PAGES:
            kind, export_format = AccessEvent.Kind.VIEW, ""
        elif match.url_name in IMPORT_PAGES and request.method == "POST":
            kind, export_format = AccessEvent.Kind.IMPORT, ""
        elif "_export" in request.GET or match.url_name in DOWNLOAD_PAGES:
            kind = AccessEvent.Kind.EXPORT
            asked = request.GET.get("_export", "csv")
            export_format = asked if _FORMAT.fullmatch(asked) else "other"
        else:
            return response
        object_id = str(match.kwargs.get("pk", ""))[:40]
        AccessEvent.objects.create(
            user=user,
            username=user.get_username(),
            kind=kind,
            url_name=(match.view_name or "")[:100],
            object_id=object_id,
            case_ref=self.case_ref(match.url_name, object_id, response),
            export_format=export_format,
            status_code=response.status_code,
        )
        return response

    @staticmethod
    def case_ref(url_name: str, object_id: str, response) -> str:
        if url_name not in CHILD_PAGES or not object_id.isdigit():
            return ""
        shown = (getattr(response, "context_data", None) or {}).get("object")
        Child = apps.get_model("placements", "Child")
        if isinstance(shown, Child):
            return shown.case_ref
        # A refused or missing page: look the child up, so an attempt is filed under the child too.
        return Child.objects.filter(pk=int(object_id)).values_list("case_ref", flat=True).first() or ""
