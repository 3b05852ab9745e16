"""Frameworks, set up by the commissioning hub manager (issue 19, item 3): the list, each framework with its
yearly uplifts and its members, and the forms to add and change them.

A framework's rules (which placements it covers, the route of a placement) live in ``placements.rules`` and
the importers; these pages only keep the records. Every form refuses bad input with the field named and
saves all of it or nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from placements.edit_guard import EditGuardMixin
from placements.forms import _date_widgets
from placements.memberships import membership_problems
from placements.models import Framework, FrameworkMembership, FrameworkUplift, Provider
from placements.rules import financial_year_label


class FrameworkForm(forms.ModelForm):
    class Meta:
        model = Framework
        fields = ["name", "category", "lead_authority"]


class UpliftForm(forms.ModelForm):
    class Meta:
        model = FrameworkUplift
        fields = ["financial_year", "percent"]
        labels = {"percent": "Uplift (%)"}

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        self.fields["financial_year"].min_value = 2000

    def clean_financial_year(self):
        year = self.cleaned_data["financial_year"]
        if not 2000 <= year <= 2099:
            raise forms.ValidationError("Enter the year the financial year starts in, from 2000 to 2099 (2024 for 2024/25).")
        if FrameworkUplift.objects.filter(framework=self.instance.framework, financial_year=year).exists():
            raise forms.ValidationError(f"This framework already has an uplift for {financial_year_label(year)}.")
        return year

    def clean_percent(self):
        percent = self.cleaned_data["percent"]
        if not -50 <= percent <= 100:
            raise forms.ValidationError("Enter an uplift between -50% and 100%.")
        return percent


class MembershipForm(forms.ModelForm):
    """A provider joining a framework (or, changing a membership, its days): the rules are
    ``placements.memberships``."""

    class Meta:
        model = FrameworkMembership
        fields = ["provider", "start", "end"]
        widgets = _date_widgets(["start", "end"])
        help_texts = {"end": "Leave empty while it is still a member. To end a membership, give the last day it is a member."}

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        if "provider" in self.fields:
            self.fields["provider"].queryset = Provider.objects.order_by("name")

    def clean(self):
        cleaned = super().clean()
        provider = cleaned.get("provider") if "provider" in self.fields else self.instance.provider
        problems = membership_problems(provider, self.instance.framework, cleaned.get("start"), cleaned.get("end"),
                                       exclude_pk=self.instance.pk)
        for name, problem in problems.items():
            if name not in self.errors:
                self.add_error(name, problem)
        return cleaned


class MembershipChangeForm(MembershipForm):
    """Changing a membership's days, or ending it: the provider stays."""

    class Meta(MembershipForm.Meta):
        fields = ["start", "end"]


class FrameworkList(PermissionRequiredMixin, ListView):
    permission_required = "placements.view_framework"
    template_name = "placements/frameworks.html"
    extra_context = {"title": "Frameworks"}
    paginate_by = 50

    def get_queryset(self):
        today = timezone.localdate()
        current = Q(memberships__start__lte=today) & (Q(memberships__end__isnull=True) | Q(memberships__end__gte=today))
        return Framework.objects.annotate(members=Count("memberships", filter=current, distinct=True)).order_by("name")


class FrameworkDetail(PermissionRequiredMixin, DetailView):
    permission_required = "placements.view_framework"
    template_name = "placements/framework_detail.html"
    model = Framework

    def get_context_data(self, **kwargs):
        framework = self.object
        return super().get_context_data(
            title=framework.name, today=timezone.localdate(),
            uplifts=[(financial_year_label(u.financial_year), u) for u in framework.uplifts.order_by("financial_year")],
            memberships=framework.memberships.select_related("provider").order_by("provider__name", "start"),
            **kwargs)


class FrameworkCreate(PermissionRequiredMixin, CreateView):
    permission_required = "placements.add_framework"
    model = Framework
    form_class = FrameworkForm
    template_name = "form.html"
    extra_context = {"title": "Set up a framework"}

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance.name} has been set up.")
        return super().form_valid(form)


class FrameworkUpdate(PermissionRequiredMixin, EditGuardMixin, UpdateView):
    permission_required = "placements.change_framework"
    model = Framework
    form_class = FrameworkForm
    template_name = "form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Change {self.object.name}", back_url=self.object.get_absolute_url(),
                                        **kwargs)


class _FrameworkPart(PermissionRequiredMixin, CreateView):
    """A form that adds a record to one framework (an uplift, a member)."""

    template_name = "form.html"

    def dispatch(self, request, *args, **kwargs):
        self.framework = get_object_or_404(Framework, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "framework": self.framework}

    def get_context_data(self, **kwargs):
        return super().get_context_data(caption=self.framework.name, back_url=self.framework.get_absolute_url(),
                                        **kwargs)

    def get_success_url(self):
        return self.framework.get_absolute_url()


class UpliftCreate(_FrameworkPart):
    permission_required = "placements.add_frameworkuplift"
    model = FrameworkUplift
    form_class = UpliftForm
    extra_context = {"title": "Add a yearly uplift"}

    def form_valid(self, form):
        messages.success(self.request, f"Uplift of {form.instance.percent}% for "
                                       f"{financial_year_label(form.instance.financial_year)} added.")
        return super().form_valid(form)


class MembershipCreate(_FrameworkPart):
    permission_required = "placements.add_frameworkmembership"
    model = FrameworkMembership
    form_class = MembershipForm
    extra_context = {"title": "Add a member"}

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance.provider} is a member from {form.instance.start:%d/%m/%Y}.")
        return super().form_valid(form)


class MembershipUpdate(PermissionRequiredMixin, EditGuardMixin, UpdateView):
    """Changing a member's days, or ending its membership (the day it left), guarded against lost updates."""

    permission_required = "placements.change_frameworkmembership"
    model = FrameworkMembership
    form_class = MembershipChangeForm
    template_name = "form.html"

    def get_object(self, queryset=None):
        return get_object_or_404(FrameworkMembership.objects.select_related("provider", "framework"),
                                 pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "framework": self.object.framework}

    def get_context_data(self, **kwargs):
        framework = self.object.framework
        return super().get_context_data(title=f"Change {self.object.provider.name}'s membership",
                                        caption=framework.name, back_url=framework.get_absolute_url(), **kwargs)

    def form_valid(self, form):
        membership = form.instance
        if membership.end:
            messages.success(self.request, f"{membership.provider} is a member from {membership.start:%d/%m/%Y} "
                                           f"to {membership.end:%d/%m/%Y}.")
        else:
            messages.success(self.request, f"{membership.provider} is a member from {membership.start:%d/%m/%Y}.")
        return super().form_valid(form)

    def get_success_url(self):
        return self.object.framework.get_absolute_url()
