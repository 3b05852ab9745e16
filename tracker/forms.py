"""The week and month pickers of the trackers."""

from datetime import date

from django import forms

from placements import rules
from placements.forms import DateInput


class WeekForm(forms.Form):
    week_ending = forms.DateField(
        label="Week ending", required=False, widget=DateInput(),
        help_text="Any day: you will see its Monday to Sunday week.",
    )

    def week_ending_or(self, default: date) -> date:
        """The Sunday asked for, or ``default``; an unbound form then shows the week it stands on."""
        if self.is_valid() and self.cleaned_data["week_ending"]:
            return rules.week_ending(self.cleaned_data["week_ending"])
        if not self.is_bound:
            self.initial["week_ending"] = default
        return default


class MonthForm(forms.Form):
    month = forms.CharField(label="Month", required=False, help_text="For example, 2024-03 for March 2024.",
                            widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}))

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        return parse_month(value)

    def month_or(self, default: tuple[int, int]) -> tuple[int, int]:
        if self.is_valid() and self.cleaned_data["month"]:
            return self.cleaned_data["month"]
        if not self.is_bound:
            self.initial["month"] = "%04d-%02d" % default
        return default


def parse_month(value: str) -> tuple[int, int]:
    """'2024-03' -> (2024, 3); anything else is a clear error."""
    try:
        year_text, month_text = value.split("-")
        year, month = int(year_text), int(month_text)
        date(year, month, 1)
    except ValueError:
        raise forms.ValidationError(f"Enter a month as YYYY-MM, for example 2024-03, not {value!r}.") from None
    if len(year_text) != 4:
        raise forms.ValidationError(f"Enter a month as YYYY-MM, for example 2024-03, not {value!r}.")
    return year, month
