"""The forecast page's choices and the scenario form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from placements.choices import PlacementCategory
from tracker.forecast.report import DEFAULT_MONTHS, DEFAULT_REFERENCE_MONTHS, REFERENCE_CHOICES
from tracker.forecast.scenarios import STEP_DOWN_TARGETS, ScenarioSettings
from tracker.models import PlacementCapacity, Scenario

MONTH_CHOICES = (12, 24, 36, 48, 60)


class ForecastForm(forms.Form):
    months = forms.TypedChoiceField(label="Months to forecast", coerce=int, required=False,
                                    choices=[(m, f"{m} months") for m in MONTH_CHOICES])
    reference_months = forms.TypedChoiceField(
        label="Reference period", coerce=int, required=False,
        choices=[(m, f"The last {m} months") for m in REFERENCE_CHOICES],
        help_text="The history the rates are estimated from.")
    scenario = forms.ModelChoiceField(label="Scenario", queryset=Scenario.objects.all(), required=False,
                                      empty_label="The baseline (no change)")

    def choices(self) -> tuple[int, int, Scenario | None]:
        """Months, reference months and scenario asked for, or the defaults (a bad choice: the error shows)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if not self.is_bound:
            self.initial.update(months=DEFAULT_MONTHS, reference_months=DEFAULT_REFERENCE_MONTHS)
        return (data.get("months") or DEFAULT_MONTHS, data.get("reference_months") or DEFAULT_REFERENCE_MONTHS,
                data.get("scenario"))


#: The fee uplift fields: (field name, label, categories it raises).
UPLIFTS = (
    ("uplift_residential", "Residential and secure fees", [PlacementCategory.RESIDENTIAL, PlacementCategory.SECURE]),
    ("uplift_fostering", "Fostering fees (in-house, kinship and agency)",
     [PlacementCategory.FOSTERING_INTERNAL, PlacementCategory.FOSTERING_KINSHIP, PlacementCategory.FOSTERING_IFA]),
    ("uplift_supported", "Supported accommodation and unregulated fees",
     [PlacementCategory.SUPPORTED_ACCOMMODATION, PlacementCategory.UNREGULATED]),
    ("uplift_other", "Other placements' costs", [PlacementCategory.PLACED_WITH_PARENTS, PlacementCategory.OTHER]),
)


def _percent(label: str, low: int, high: int, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, max_digits=5, decimal_places=1, initial=Decimal("0"),
                              validators=[MinValueValidator(low), MaxValueValidator(high)], help_text=help_text)


class ScenarioForm(forms.ModelForm):
    """A scenario's name and what it changes; the settings are kept as JSON on the scenario."""

    entry_multiplier = forms.DecimalField(
        label="Entries into care multiplied by", initial=Decimal("1.00"), max_digits=4, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
        help_text="1 keeps them as they are; 1.1 is a tenth more children coming into care.")
    entries_added = forms.DecimalField(
        label="Children added to entries each month", initial=Decimal("0"), required=False, max_digits=6,
        decimal_places=1, validators=[MinValueValidator(-1000), MaxValueValidator(1000)],
        help_text="After the multiplying; below 0 takes children away. Spread over ages and categories as now.")
    step_down_share = _percent("Residential step-down: share a year (%)", 0, 100,
                               "The share of children in residential care at or over the age below moved to "
                               "fostering over a year.")
    step_down_age = forms.IntegerField(label="Step-down from age", initial=12, required=False,
                                       validators=[MinValueValidator(0), MaxValueValidator(17)])
    step_down_to = forms.ChoiceField(label="Step down to", initial=PlacementCategory.FOSTERING_INTERNAL,
                                     choices=[(c.value, c.label) for c in STEP_DOWN_TARGETS])
    in_house_carers_added = forms.IntegerField(
        label="In-house fostering places added", initial=0, required=False,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
        help_text="Recruited evenly over the first year; each takes a child from agency fostering.")

    class Meta:
        model = Scenario
        fields = ["name"]
        help_texts = {"name": "A name to find it by, for example “Step-down 20% at 14”."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, _ in UPLIFTS:
            self.fields[name] = _percent(f"{label}: uplift a year (%)", -20, 50, "From each 1 April.")

    def scenario_settings(self) -> ScenarioSettings:
        data = self.cleaned_data
        uplifts = {}
        for name, _, categories in UPLIFTS:
            for category in categories:
                if data.get(name):
                    uplifts[str(category)] = float(data[name])
        return ScenarioSettings.from_json({
            "entry_multiplier": float(data["entry_multiplier"]),
            "entries_added": float(data.get("entries_added") or 0),
            "step_down_share": float(data.get("step_down_share") or 0),
            "step_down_age": data.get("step_down_age") if data.get("step_down_age") is not None else 12,
            "step_down_to": data["step_down_to"],
            "in_house_carers_added": data.get("in_house_carers_added") or 0,
            "uplifts": uplifts,
        })

    def save(self, commit=True):
        self.instance.settings = self.scenario_settings().to_json()
        return super().save(commit=commit)


class CapacityForm(forms.ModelForm):
    class Meta:
        model = PlacementCapacity
        fields = ["category", "in_house_places", "framework_places", "note"]
        help_texts = {"in_house_places": "In-house foster carers' places or beds in the council's own homes.",
                      "framework_places": "Places reserved on frameworks (block contracts)."}
