"""Forms of the panel chair's work."""

from decimal import Decimal

from django import forms
from django.forms import formset_factory

from panel.choices import ConsolidationOutcome, Decision
from panel.models import ConsolidationMeeting, PanelMeeting
from placements.forms import CaseRefField, DateInput
from placements.plausible import validate_record_date


class GenerateMeetingsForm(forms.Form):
    first = forms.DateField(label="Date of the first meeting", widget=DateInput(), validators=[validate_record_date])
    count = forms.IntegerField(label="How many fortnightly meetings", min_value=1, max_value=52, initial=6)


class MoveMeetingForm(forms.Form):
    new_date = forms.DateField(label="New date", widget=DateInput(), validators=[validate_record_date])
    note = forms.CharField(label="Why it moved", max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class MembersForm(forms.ModelForm):
    class Meta:
        model = PanelMeeting
        fields = ["members_present"]


class AddChildForm(forms.Form):
    case_ref = CaseRefField()
    reason = forms.CharField(label="Why the child should come to panel", max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}))


class RemoveItemsForm(forms.Form):
    """Remove several agenda items at once: a box to tick and a reason for each item."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"remove_{item.pk}"] = forms.BooleanField(
                label=f"Remove {item.child.full_name} ({item.child.case_ref})", required=False)
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                label=f"Why {item.child.full_name} is removed", required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            if cleaned.get(f"remove_{item.pk}") and not (cleaned.get(f"reason_{item.pk}") or "").strip():
                self.add_error(f"reason_{item.pk}", f"Say why {item.child.full_name} is removed.")
        if not self.errors and not self.removals:
            raise forms.ValidationError("Tick the items to remove.")
        return cleaned

    @property
    def removals(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"reason_{item.pk}", "") for item in self.items
                if self.cleaned_data.get(f"remove_{item.pk}")}


class MinuteForm(forms.Form):
    decision = forms.ChoiceField(choices=[("", "Choose a decision")] + Decision.choices)
    members_present = forms.CharField(
        label="Who attended (the chair and members)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One name on each line; the same for every decision of this meeting.")
    summary = forms.CharField(label="Summary of the discussion", widget=forms.Textarea(attrs={"rows": 5}))
    next_review_date = forms.DateField(label="Next review date", required=False, widget=DateInput(),
                                       help_text="Leave empty if the panel need not see the child again.")

    weekly_before = forms.DecimalField(label="Cost avoidance agreed: weekly cost before (£)", required=False,
                                       min_value=Decimal("0"), max_digits=10, decimal_places=2,
                                       help_text="Only if the decision reduces the cost, e.g. a lower staffing ratio. "
                                                 "The child's weekly cost on the day the saving starts: a reduced "
                                                 "package then replaces the cost lines from that day.")
    weekly_after = forms.DecimalField(label="Weekly cost after (£)", required=False, min_value=Decimal("0"),
                                      max_digits=10, decimal_places=2)
    effective_from = forms.DateField(label="Saving starts on", required=False, widget=DateInput())
    before_reason = forms.CharField(label="Why the cost before is not the child's cost that day", required=False,
                                    max_length=300, help_text="Only if the weekly cost before is another figure.")

    def __init__(self, *args, meeting_date, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting_date = meeting_date

    def clean_next_review_date(self):
        value = self.cleaned_data["next_review_date"]
        if value and value < self.meeting_date:
            raise forms.ValidationError("The next review date cannot be before the meeting.")
        return value

    def clean(self):
        cleaned = super().clean()
        saving = [cleaned.get(name) for name in ("weekly_before", "weekly_after", "effective_from")]
        if any(value is not None for value in saving) and not self.errors:
            for name, value in zip(("weekly_before", "weekly_after", "effective_from"), saving):
                if value is None:
                    self.add_error(name, "Give the weekly cost before and after, and when the saving starts.")
            before, after = saving[0], saving[1]
            if before is not None and after is not None and after > before:
                self.add_error("weekly_after", "The weekly cost after must not be above the weekly cost before.")
        return cleaned

    @property
    def saving(self):
        """(weekly before, weekly after, effective from, why the before differs), or None when the panel agreed
        no saving."""
        values = tuple(self.cleaned_data.get(name) for name in ("weekly_before", "weekly_after", "effective_from"))
        if not all(value is not None for value in values):
            return None
        return (*values, self.cleaned_data.get("before_reason", ""))


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", max_length=300, required=False)
    owner = forms.CharField(max_length=100, required=False)
    due = forms.DateField(label="Due date", required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        filled = [name for name in ("description", "owner", "due") if cleaned.get(name)]
        if filled and len(filled) < 3:
            for name in ("description", "owner", "due"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, "An action needs what, who and by when.")
        return cleaned


ActionFormSet = formset_factory(ActionForm, extra=3, max_num=10)


class ConsolidationForm(forms.Form):
    case_ref = CaseRefField()
    date = forms.DateField(label="Meeting date", widget=DateInput())
    note = forms.CharField(label="What was agreed", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        cleaned = super().clean()
        child, day = cleaned.get("case_ref"), cleaned.get("date")
        if not child or not day:
            return cleaned
        placement = child.placements.filter(start__lte=day).exclude(end__lte=day).order_by("-start").first()
        if placement is None:
            self.add_error("date", f"{child.full_name} was not in a placement on {day:%-d %B %Y}.")
            return cleaned
        self.instance = ConsolidationMeeting(child=child, placement=placement, date=day, note=cleaned.get("note", ""))
        return cleaned


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = ConsolidationMeeting
        fields = ["outcome", "outcome_date"]
        widgets = {"outcome_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True
        self.fields["outcome"].choices = [("", "Choose an outcome")] + ConsolidationOutcome.choices
        self.fields["outcome_date"].required = True
