"""The Director's approval page: what is being approved, then Approve, or Refuse with a reason
(the rules and writes are ``placements.approval``'s)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from placements import approval, searches, selectors
from placements.access import can_approve_placements
from placements.choices import SearchStatus
from placements.search_forms import ApproveForm, RefuseForm


class ApprovalPage(PermissionRequiredMixin, TemplateView):
    """GET: the case for approval. POST with ``decision`` = approve or refuse."""

    permission_required = "placements.view_placementsearch"
    template_name = "placements/search_approval.html"

    def dispatch(self, request, *args, **kwargs):
        self.search = get_object_or_404(selectors.search_detail(kwargs["pk"], timezone.localdate()))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        search = self.search
        version = {"version": search.version}
        can_decide = can_approve_placements(self.request.user) and search.status == SearchStatus.AWAITING_APPROVAL
        context = {
            "title": f"Approve the placement: {search.child.full_name}",
            "search": search,
            "case": approval.approval_case(search, timezone.localdate()),
            "can_decide": can_decide,
            "awaiting": search.status == SearchStatus.AWAITING_APPROVAL,
            "approve_form": kwargs.pop("approve_form", None) or ApproveForm(initial=version, prefix="approve"),
            "refuse_form": kwargs.pop("refuse_form", None) or RefuseForm(initial=version, prefix="refuse"),
            "error": kwargs.pop("error", ""),
            "back_url": search.get_absolute_url(),
        }
        return super().get_context_data(**context, **kwargs)

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(searches.APPROVE_PERMISSION):
            return self.handle_no_permission()
        decision = request.POST.get("decision")
        if decision == "approve":
            form = ApproveForm(request.POST, prefix="approve")
            forms = {"approve_form": form}
        elif decision == "refuse":
            form = RefuseForm(request.POST, prefix="refuse")
            forms = {"refuse_form": form}
        else:
            return self.render_to_response(self.get_context_data(error="Choose Approve or Refuse."), status=400)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**forms), status=400)
        data = form.cleaned_data
        try:
            if decision == "approve":
                approval.search_approve(search=self.search, user=request.user, expected_version=data["version"],
                                        note=data["note"])
                messages.success(request, "Approved to place. The officer can place the child.")
            else:
                approval.search_refuse(search=self.search, user=request.user, expected_version=data["version"],
                                       reason=data["reason"])
                messages.success(request, "Refused: the search is back with the officer to negotiate.")
        except searches.SearchError as error:
            return self.render_to_response(self.get_context_data(error=str(error), **forms), status=400)
        return redirect(self.search)
