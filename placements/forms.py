"""Forms for entering children, providers, placements and cost lines.

Validation is the models' ``clean()`` (run by ModelForm), plus the checks that
need more than one record; a form with errors saves nothing.
"""

from django import forms

from placements.models import Child, CostLine, DeprivationOfLiberty, Placement, Provider
from placements.plausible import validate_record_date


class DateInput(forms.DateInput):
    """The browser's own date picker; the value travels as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CaseRefField(forms.CharField):
    """A child's case reference, cleaned to the Child it names (or a clear error)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Child's case reference")
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def clean(self, value):
        case_ref = super().clean(value).strip()
        if not case_ref and not self.required:
            return None
        child = Child.objects.filter(case_ref__iexact=case_ref).first()  # "ab12" finds AB12
        if child is None:
            raise forms.ValidationError(f"No child has the case reference {case_ref}.")
        return child


def _date_widgets(model_form_fields: list[str]) -> dict[str, DateInput]:
    return {name: DateInput() for name in model_form_fields}


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "case_ref", "given_name", "family_name", "date_of_birth", "sex", "ethnicity", "legal_status",
            "uasc", "disabled", "team", "social_worker", "team_manager", "iro",
        ]
        widgets = _date_widgets(["date_of_birth"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A child entered by hand needs a name. A child imported without one (SSDA903 holds none) can have their
        # team or social worker changed without a name being made up; a name once recorded is not blanked.
        for name in ("given_name", "family_name"):
            self.fields[name].required = self.instance.pk is None or bool(getattr(self.instance, name))

    def clean_case_ref(self):
        """Case references are one whatever their case: AB12 and ab12 are the same child."""
        case_ref = self.cleaned_data["case_ref"].strip()
        same = Child.objects.filter(case_ref__iexact=case_ref)
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        existing = same.first()
        if existing is not None:
            raise forms.ValidationError(f"A child with the case reference {existing.case_ref} is already recorded.")
        return case_ref


class NewChildForm(ChildForm):
    """The child not yet recorded, added on the Placement Request Form: the few details a PRF carries,
    checked as the child form checks them (issue 16, item 3)."""

    class Meta(ChildForm.Meta):
        fields = ["case_ref", "given_name", "family_name", "date_of_birth", "sex", "legal_status", "team"]


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["name", "urn", "ownership", "provision", "regulated", "status", "postcode", "local_authority"]

    def clean_urn(self):
        # As Ofsted's register keys it (capitals, no spaces), so the link holds and a duplicate is caught here.
        return "".join((self.cleaned_data.get("urn") or "").split()).upper() or None


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = [
            "category", "provider", "route", "legal_status", "place_code", "start", "planned_end", "came_from",
            "desired_category", "desired_not_met_market", "end", "reason_ended",
        ]
        widgets = _date_widgets(["start", "planned_end", "end"])

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.child = child
        self.fields["provider"].queryset = Provider.objects.order_by("name")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        child = self.instance.child
        if start and child.date_of_birth and start < child.date_of_birth:
            self.add_error("start", "The placement cannot start before the child was born.")
        if start:
            query = child.placements.exclude(pk=self.instance.pk)
            query = query.filter(start__lt=end) if end else query
            overlapping = query.exclude(end__isnull=False, end__lte=start)
            clash = overlapping.order_by("start").first()
            if clash:
                self.add_error(
                    "start",
                    f"This overlaps the child's {clash.get_category_display().lower()} placement "
                    f"from {clash.start:%d/%m/%Y}. End that placement first: a move on day d ends the old placement on d.",
                )
        if self.instance.pk and start:
            early = self.instance.cost_lines.filter(date_from__lt=start).first()
            if early:
                self.add_error("start", f"A cost line starts on {early.date_from:%d/%m/%Y}, before this start date.")
        return cleaned


class CostLineForm(forms.ModelForm):
    class Meta:
        model = CostLine
        fields = ["kind", "description", "weekly_amount", "date_from", "date_to"]
        widgets = _date_widgets(["date_from", "date_to"])

    def __init__(self, *args, placement: Placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.placement = placement


class CostLineEndForm(forms.Form):
    """End a cost line on its last day paid (costs change by ending a line and starting another)."""

    date_to = forms.DateField(label="Last day paid", widget=DateInput(), validators=[validate_record_date])

    def __init__(self, *args, cost_line: CostLine, **kwargs):
        super().__init__(*args, **kwargs)
        self.cost_line = cost_line

    def clean_date_to(self):
        date_to = self.cleaned_data["date_to"]
        line = self.cost_line
        if date_to < line.date_from:
            raise forms.ValidationError(f"The last day paid cannot be before the line started on {line.date_from:%d/%m/%Y}.")
        if line.date_to and date_to > line.date_to:
            raise forms.ValidationError(f"This line already ends on {line.date_to:%d/%m/%Y}; a cost line is never extended.")
        if line.placement.end and date_to > line.placement.end:
            raise forms.ValidationError(f"The placement ended on {line.placement.end:%d/%m/%Y}.")
        return date_to


class DeprivationOfLibertyForm(forms.ModelForm):
    class Meta:
        model = DeprivationOfLiberty
        fields = ["start", "end"]
        widgets = _date_widgets(["start", "end"])

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.child = child
