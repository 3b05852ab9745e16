"""The panel chair's pages: meetings, the agenda builder, the pack, minutes, actions, consolidation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from panel import selectors, services
from panel.forms import (
    ActionFormSet,
    AddChildForm,
    ConsolidationForm,
    GenerateMeetingsForm,
    MembersForm,
    MinuteForm,
    MoveMeetingForm,
    OutcomeForm,
    ReasonForm,
    RemoveItemsForm,
)
from panel.models import ConsolidationMeeting, PanelAction, PanelMeeting, PanelReview
from panel.tables import ActionTable, AgendaTable, ConsolidationTable
from placements import exports
from placements.models import AuthoritySettings

VIEW = "panel.view_panelmeeting"
CHAIR = "panel.issue_agenda"


class PanelHome(PermissionRequiredMixin, TemplateView):
    permission_required = VIEW
    template_name = "panel/home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        upcoming, recent = selectors.upcoming_and_recent_meetings(today)
        return super().get_context_data(
            title="Placement Panel", upcoming=upcoming[:12], recent=recent[:12],
            actions_overdue=selectors.actions_open().filter(due__lt=today).count(), **kwargs,
        )


class GenerateMeetings(PermissionRequiredMixin, FormView):
    permission_required = CHAIR
    form_class = GenerateMeetingsForm
    template_name = "form.html"
    extra_context = {"title": "Plan fortnightly panels", "back_url": "/panel/"}

    def form_valid(self, form):
        try:
            created = services.panel_meetings_generate(first=form.cleaned_data["first"],
                                                       count=form.cleaned_data["count"])
        except services.PanelError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"{len(created)} meeting{'s' if len(created) != 1 else ''} planned.")
        for meeting in created:
            warning = services.working_day_warning(meeting.date)
            if warning:
                messages.warning(self.request, warning)
        return redirect("panel_home")


class MeetingMixin(PermissionRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        self.meeting = get_object_or_404(PanelMeeting, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class MeetingDetail(MeetingMixin, TemplateView):
    permission_required = VIEW
    template_name = "panel/meeting.html"

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        items = list(selectors.agenda_items(meeting))
        removed = meeting.reviews.filter(removed=True).select_related("child")
        carried = meeting.reviews.filter(removed=False, carried=True).select_related("child").order_by("position")
        return super().get_context_data(
            title=str(meeting), meeting=meeting, items=items, removed=removed, carried=carried,
            capacity=AuthoritySettings.current().panel_capacity,
            priority=sum(1 for item in items if item.is_priority),
            minuted=sum(1 for item in items if item.decision),
            warning=services.working_day_warning(meeting.date), **kwargs,
        )


class MeetingAction(MeetingMixin, FormView):
    """A chair's step on one meeting: a small form, a service call, back to the meeting."""

    permission_required = CHAIR
    template_name = "form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(back_url=self.meeting.get_absolute_url(), caption=str(self.meeting), **kwargs)

    def perform(self, form) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except services.PanelError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.meeting)


class BuildAgenda(MeetingAction):
    form_class = ReasonForm  # unused fields: the POST carries none
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            count = services.agenda_build(meeting=self.meeting)
        except services.PanelError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The agenda has been built from the panel's rules: "
                                      f"{count} child{'ren' if count != 1 else ''}.")
        return redirect(self.meeting)


class IssueAgenda(BuildAgenda):
    """Issuing freezes the agenda: the chair confirms on a page that says what will be issued."""

    http_method_names = ["get", "post"]
    template_name = "panel/issue.html"

    def get(self, request, *args, **kwargs):
        items = list(selectors.agenda_items(self.meeting))
        return self.render_to_response(self.get_context_data(
            title="Issue the agenda", meeting=self.meeting, items=items,
            priority=sum(1 for item in items if item.is_priority),
            carried=self.meeting.reviews.filter(removed=False, carried=True).count()))

    def post(self, request, *args, **kwargs):
        try:
            services.agenda_issue(meeting=self.meeting, user=request.user)
        except services.PanelError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The agenda has been issued and is now frozen.")
        return redirect(self.meeting)


class MoveMeeting(MeetingAction):
    form_class = MoveMeetingForm
    extra_context = {"title": "Move this meeting"}

    def perform(self, form):
        warning = services.panel_meeting_move(meeting=self.meeting, new_date=form.cleaned_data["new_date"],
                                              note=form.cleaned_data["note"])
        if warning:
            messages.warning(self.request, warning)
        return "The meeting has been moved."


class CancelMeeting(MeetingAction):
    form_class = ReasonForm
    extra_context = {"title": "Cancel this meeting"}

    def perform(self, form):
        services.panel_meeting_cancel(meeting=self.meeting, reason=form.cleaned_data["reason"])
        return "The meeting has been cancelled."


class RecordMembers(MeetingAction):
    form_class = MembersForm
    extra_context = {"title": "Members present"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.meeting}

    def perform(self, form):
        form.save()
        return "Members present have been recorded."


class AddChild(MeetingAction):
    form_class = AddChildForm
    extra_context = {"title": "Add a child to the agenda"}

    def perform(self, form):
        child = form.cleaned_data["case_ref"]
        review = services.agenda_add_child(meeting=self.meeting, child=child, reason=form.cleaned_data["reason"],
                                           user=self.request.user)
        late = " as an addendum (added after the agenda was issued)" if review.added_late else ""
        return f"{child.full_name} has been added to the agenda{late}."


class RemoveItems(MeetingAction):
    """Remove several items at once, each with its reason."""

    form_class = RemoveItemsForm
    extra_context = {"title": "Remove items from the agenda"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "items": list(selectors.agenda_items(self.meeting))}

    def perform(self, form):
        count = services.agenda_remove_items(meeting=self.meeting, removals=form.removals)
        return f"{count} item{'s' if count != 1 else ''} removed from the agenda."


class RemoveItem(PermissionRequiredMixin, FormView):
    permission_required = CHAIR
    form_class = ReasonForm
    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        self.review = get_object_or_404(PanelReview.objects.select_related("meeting", "child"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Remove {self.review.child.full_name} from the agenda",
                                        caption=str(self.review.meeting),
                                        back_url=self.review.meeting.get_absolute_url(), **kwargs)

    def form_valid(self, form):
        try:
            services.agenda_remove_item(review=self.review, reason=form.cleaned_data["reason"])
        except services.PanelError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"{self.review.child.full_name} has been removed from the agenda.")
        return redirect(self.review.meeting)


class AgendaPack(MeetingMixin, TemplateView):
    permission_required = VIEW
    template_name = "panel/pack.html"

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("_export")
        if export_format in ("csv", "xlsx"):
            named = exports.NamedTable("agenda", "Agenda", AgendaTable(selectors.agenda_items(self.meeting),
                                                                        on=self.meeting.date))
            return exports.table_download(named, export_format, f"panel-agenda-{self.meeting.date:%Y-%m-%d}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Agenda pack: {self.meeting}", meeting=self.meeting,
                                        pack=selectors.agenda_pack(self.meeting), **kwargs)


class MinuteReview(PermissionRequiredMixin, TemplateView):
    permission_required = "panel.change_panelreview"
    template_name = "panel/minute.html"

    def dispatch(self, request, *args, **kwargs):
        self.review = get_object_or_404(PanelReview.objects.select_related("meeting", "child", "placement__provider"),
                                        pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def forms(self):
        data = self.request.POST if self.request.method == "POST" else None
        meeting = self.review.meeting
        initial = {"decision": self.review.decision, "summary": self.review.summary,
                   "next_review_date": self.review.next_review_date, "weekly_before": self.review.weekly_cost,
                   "members_present": meeting.members_present or meeting.chair}
        return (MinuteForm(data, meeting_date=self.review.meeting.date, initial=initial),
                ActionFormSet(data, prefix="actions"))

    def get_context_data(self, **kwargs):
        form, actions = kwargs.pop("forms", None) or self.forms()
        return super().get_context_data(
            title=f"Decision for {self.review.child.full_name}", review=self.review, form=form, actions=actions,
            back_url=self.review.meeting.get_absolute_url(), existing_actions=self.review.actions.all(), **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form, actions = self.forms()
        if form.is_valid() and actions.is_valid():
            entered = [services.ActionInput(**a) for a in actions.cleaned_data if a.get("description")]
            try:
                services.review_minute(review=self.review, decision=form.cleaned_data["decision"],
                                       summary=form.cleaned_data["summary"],
                                       next_review_date=form.cleaned_data["next_review_date"], actions=entered,
                                       user=request.user, saving=form.saving,
                                       members_present=form.cleaned_data["members_present"])
            except services.PanelError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"The decision for {self.review.child.full_name} has been recorded.")
                return redirect(self.review.meeting)
        return self.render_to_response(self.get_context_data(forms=(form, actions)))


class ActionsDue(PermissionRequiredMixin, TemplateView):
    permission_required = VIEW
    template_name = "panel/actions.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        actions = selectors.actions_open()
        return super().get_context_data(title="Panel actions due", today=today,
                                        table=ActionTable(actions, on=today),
                                        overdue=actions.filter(due__lt=today).count(), **kwargs)


class CompleteAction(PermissionRequiredMixin, TemplateView):
    permission_required = "panel.change_panelaction"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        action = get_object_or_404(PanelAction, pk=kwargs["pk"])
        services.action_complete(action=action, on=timezone.localdate())
        messages.success(request, f"Marked as done: {action.description}")
        return redirect("panel_actions")


class ConsolidationList(PermissionRequiredMixin, TemplateView):
    permission_required = "panel.view_consolidationmeeting"
    template_name = "panel/consolidation.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            title="Consolidation meetings", figures=selectors.consolidation_figures(today),
            table=ConsolidationTable(selectors.consolidation_list()[:200]), **kwargs,
        )


class ConsolidationCreate(PermissionRequiredMixin, FormView):
    permission_required = "panel.add_consolidationmeeting"
    form_class = ConsolidationForm
    template_name = "form.html"
    extra_context = {"title": "Record a consolidation meeting", "back_url": "/panel/consolidation/"}

    def form_valid(self, form):
        form.instance.full_clean()
        form.instance.save()
        messages.success(self.request, "The consolidation meeting has been recorded. Record its outcome later.")
        return redirect("panel_consolidation")


class ConsolidationOutcomeView(PermissionRequiredMixin, FormView):
    permission_required = "panel.change_consolidationmeeting"
    form_class = OutcomeForm
    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        self.consolidation = get_object_or_404(ConsolidationMeeting.objects.select_related("child"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.consolidation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Record the outcome", caption=str(self.consolidation),
                                        back_url="/panel/consolidation/", **kwargs)

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "The outcome has been recorded.")
        return redirect("panel_consolidation")
