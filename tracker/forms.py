"""The week and month pickers of the trackers."""

from datetime import date, timedelta

from django import forms

from placements import rules
from placements.choices import PlacementCategory
from placements.forms import DateInput
from tracker.models import Budget


EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)


def check_in_range(day: date) -> None:
    """Trackers go back to 1990 and forward to 2100; beyond that is a typing slip, not a week anyone wants."""
    if not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(f"Choose a date between {EARLIEST.year} and {LATEST.year}.")


class WeekForm(forms.Form):
    week_ending = forms.DateField(
        label="Week ending", required=False, widget=DateInput(),
        help_text="Any day: you will see its Monday to Sunday week.",
    )

    def clean_week_ending(self):
        value = self.cleaned_data["week_ending"]
        if value:
            check_in_range(value)
        return value

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
    check_in_range(date(year, month, 1))
    return year, month


class DashboardForm(forms.Form):
    """The date range and category every chart on the dashboard uses."""

    start = forms.CharField(label="From month", required=False, help_text="YYYY-MM",
                            widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}))
    end = forms.CharField(label="To month", required=False, help_text="YYYY-MM",
                          widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}))
    category = forms.ChoiceField(label="Placement category", required=False,
                                 choices=[("", "All categories")] + PlacementCategory.choices)

    def clean_start(self):
        value = self.cleaned_data["start"].strip()
        return parse_month(value) if value else None

    def clean_end(self):
        value = self.cleaned_data["end"].strip()
        return parse_month(value) if value else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The 'to' month must be the same as or after the 'from' month.")
        return cleaned

    def period(self, today: date) -> tuple[date, date, str]:
        """First day, last day (no later than today) and category, falling back to the last three years."""
        default_start = rules.add_months(date(today.year, today.month, 1), -35)
        start, end, category = default_start, today, ""
        if self.is_valid():
            if self.cleaned_data["start"]:
                start = date(*self.cleaned_data["start"], 1)
            if self.cleaned_data["end"]:
                year, month = self.cleaned_data["end"]
                end = min(today, rules.add_months(date(year, month, 1), 1) - timedelta(days=1))
            category = self.cleaned_data["category"]
        if not self.is_bound:
            self.initial.update(start=f"{start:%Y-%m}", end=f"{end:%Y-%m}")
        return start, max(start, end), category


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = ["financial_year", "category", "amount", "note"]
