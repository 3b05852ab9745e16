"""Log every view of a child's record, every download and every import, with who and when (SPEC section 6).

A page shows a child's record when it is about one child (their page, its edit form, a placement, a search,
a panel item, the administration page of any of their records) or about several children one by one (the
panel's agenda pack): each opening is an ``AccessEvent`` filed under each child it showed. Lists of
children (the children list, the trackers) are not views of a record; their downloads are logged as such.
"""

from __future__ import annotations

import re

from django.apps import apps

from audit.models import AccessEvent, case_ref_of, child_path

#: Pages that show one child's record, with the model whose id is the URL's ``pk``.
CHILD_RECORD_PAGES = {
    "child_detail": "placements.Child",
    "child_update": "placements.Child",
    "placement_create": "placements.Child",
    "dol_create": "placements.Child",
    "placement_detail": "placements.Placement",
    "placement_update": "placements.Placement",
    "cost_line_create": "placements.Placement",
    "cost_line_end": "placements.CostLine",
    "search_detail": "placements.PlacementSearch",
    "search_move": "placements.PlacementSearch",
    "search_note": "placements.PlacementSearch",
    "search_place": "placements.PlacementSearch",
    "search_approval": "placements.PlacementSearch",
    "offer_add": "placements.PlacementSearch",
    "offer_choose": "placements.PlacementSearch",
    "offer_decline": "placements.PlacementSearch",
    "offer_negotiate": "placements.PlacementSearch",
    "panel_minute": "panel.PanelReview",
    "panel_remove_item": "panel.PanelReview",
    "panel_consolidation_outcome": "panel.ConsolidationMeeting",
}
#: Pages that show the record of each child on a panel meeting's agenda, one after another.
AGENDA_PAGES = {"panel_pack"}
#: The administration pages' change page of any record of these apps shows the record it is about.
_ADMIN_CHANGE = re.compile(r"(?P<app>placements|panel|tracker)_(?P<model>[a-z0-9]+)_change")
#: Downloads that are not a page's ``?_export=`` (the bad rows of an uploaded file).
DOWNLOAD_PAGES = {"import_errors"}
#: Imports write in bulk, unseen by django-auditlog: the confirmation is logged instead.
IMPORT_PAGES = {"import_confirm", "import_undo"}
_FORMAT = re.compile(r"[a-z0-9]{1,10}")


def record_shown(match) -> tuple[type, str] | None:
    """The model and id of the one record a page shows, when that is a record about a child."""
    if match.url_name in CHILD_RECORD_PAGES:
        return apps.get_model(CHILD_RECORD_PAGES[match.url_name]), str(match.kwargs.get("pk", ""))
    admin = _ADMIN_CHANGE.fullmatch(match.url_name or "")
    if admin and match.namespace == "admin":
        try:
            model = apps.get_model(admin["app"], admin["model"])
        except LookupError:
            return None
        return model, str(match.kwargs.get("object_id", ""))
    return None


def children_shown(match, response) -> list[str] | None:
    """The case references of the children whose records the page showed; None if it shows no child's record."""
    if match.url_name in AGENDA_PAGES:
        PanelReview = apps.get_model("panel", "PanelReview")
        refs = PanelReview.objects.filter(meeting_id=match.kwargs.get("pk"), removed=False).order_by(
            "position").values_list("child__case_ref", flat=True)
        return list(refs) or [""]
    shown = record_shown(match)
    if shown is None:
        return None
    model, object_id = shown
    if not object_id.isdigit():
        return [""]
    record = (getattr(response, "context_data", None) or {}).get("object")
    if isinstance(record, model) and str(record.pk) == object_id:
        return [case_ref_of(record)]
    # Not in the page's context (or a refused or missing page): the child's case reference in one query,
    # so an attempt is filed under the child too.
    path = child_path(model)
    if path is None:
        return [""]
    lookup = f"{path}__case_ref" if path else "case_ref"
    return [model._default_manager.filter(pk=int(object_id)).values_list(lookup, flat=True).first() or ""]


class AccessLogMiddleware:
    """Writes an ``AccessEvent`` for a view of a child's record, a download or an import, after the view
    has answered.

    What is kept: the user, the time, the URL's name, the id in the URL, the child and the status. Not the
    query string (a filter may be a child's name) and not the body. A redirect after a save is not a view
    (the save itself is in the change trail).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated:
            return response
        case_refs = [""]
        if "_export" in request.GET or match.url_name in DOWNLOAD_PAGES:
            kind = AccessEvent.Kind.EXPORT
            asked = request.GET.get("_export", "csv")
            export_format = asked if _FORMAT.fullmatch(asked) else "other"
        elif match.url_name in IMPORT_PAGES and request.method == "POST":
            kind, export_format = AccessEvent.Kind.IMPORT, ""
        elif not response.status_code // 100 == 3 and (shown := children_shown(match, response)) is not None:
            kind, export_format, case_refs = AccessEvent.Kind.VIEW, "", shown
        else:
            return response
        kwargs = match.kwargs
        object_id = str(kwargs.get("pk", kwargs.get("object_id", "")))[:40]
        AccessEvent.objects.bulk_create([
            AccessEvent(user=user, username=user.get_username(), kind=kind, url_name=(match.view_name or "")[:100],
                        object_id=object_id, case_ref=case_ref[:32], export_format=export_format,
                        status_code=response.status_code)
            for case_ref in case_refs
        ])
        return response
