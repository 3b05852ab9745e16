"""Forms of the officer's working day: the PRF, moves, chronology, offers, negotiation, placing,
and cost avoidance. The searches' rules live in ``placements.searches``; these check the input."""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from placements.choices import (
    CameFrom,
    ChronologyKind,
    CommissioningRoute,
    CostAvoidanceSource,
    PlacementCategory,
)
from placements.forms import CaseRefField, DateInput
from placements.models import PlacementSearch, Provider

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0")}


class VersionForm(forms.Form):
    """Carries the search's version, so a change made meanwhile by someone else is noticed."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class SearchForm(forms.ModelForm):
    RECORDED, NEW = "recorded", "new"
    child_recorded = forms.ChoiceField(
        label="Is the child already recorded here?", widget=forms.RadioSelect, initial=RECORDED, required=False,
        choices=[(RECORDED, "Yes: give their case reference"), (NEW, "No: add the child with this PRF")])
    case_ref = CaseRefField(required=False)

    class Meta:
        model = PlacementSearch
        fields = ["case_ref", "category_requested", "received", "urgency", "officer", "risk_to_child",
                  "risk_to_others", "location_constraints", "staffing_ratio", "siblings", "needs"]
        widgets = {"received": DateInput(), "needs": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth.models import User

        self.fields["officer"].queryset = User.objects.filter(
            groups__name__in=["placements_officer", "commissioning_manager"]).distinct().order_by("first_name")
        self.fields["officer"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["officer"].help_text = "Leave empty to take it yourself."
        self.order_fields(["child_recorded", "case_ref"])

    @property
    def adds_child(self) -> bool:
        return self.data.get(self.add_prefix("child_recorded")) == self.NEW

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("child_recorded") != self.NEW and not cleaned.get("case_ref") \
                and "case_ref" not in self.errors:
            self.add_error("case_ref", "Enter the child's case reference, or choose to add the child.")
        return cleaned



class MoveForm(VersionForm):
    to_status = forms.ChoiceField(label="Next step")
    permission_confirmed_by = forms.CharField(label="Who confirmed permission to search", required=False,
                                              max_length=100, help_text="Only when confirming permission.")
    note = forms.CharField(label="Note for the chronology", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, moves: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        # Offer the steps this user may take; accept any status, so a refused step is explained by the search's
        # rules (placements.searches) rather than as an invalid choice.
        from placements.choices import SearchStatus

        self.fields["to_status"].choices = [("", "Choose the next step")] + SearchStatus.choices
        self.fields["to_status"].widget.choices = [("", "Choose the next step")] + moves


class ChronologyForm(forms.Form):
    kind = forms.ChoiceField(label="What happened", choices=[
        (ChronologyKind.PROVIDER_CONTACT, ChronologyKind.PROVIDER_CONTACT.label),
        (ChronologyKind.SOCIAL_WORKER_CONTACT, ChronologyKind.SOCIAL_WORKER_CONTACT.label),
        (ChronologyKind.NOTE, ChronologyKind.NOTE.label),
    ])
    provider = forms.ModelChoiceField(queryset=Provider.objects.order_by("name"), required=False,
                                      empty_label="No provider")
    text = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 3}))


def offer_providers(category: str, on):
    """The providers that can meet the placement type sought, framework members first, each with its current
    frameworks and Ofsted rating (issue 16, item 4): three queries."""
    from django.db.models import Exists, OuterRef, Prefetch

    from placements import rules
    from placements.choices import ProviderStatus
    from placements.selectors import current_memberships, latest_rating_subquery

    current = current_memberships(on)
    providers = Provider.objects.exclude(status=ProviderStatus.CLOSED)
    kinds = rules.PROVISION_FOR_CATEGORY.get(category)
    if kinds:
        providers = providers.filter(provision__in=kinds)
    return (providers.annotate(rating=latest_rating_subquery(on),
                               on_framework=Exists(current.filter(provider=OuterRef("pk"))))
            .prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))
            .order_by("-on_framework", "name"))


def provider_choice_label(provider) -> str:
    """'Oakwood Homes · on Regional Residential · Good': what the officer needs to choose framework first."""
    from placements.choices import OfstedRating

    frameworks = ", ".join(m.framework.name for m in getattr(provider, "current_memberships", []))
    rating = OfstedRating(provider.rating).label if getattr(provider, "rating", None) else "no Ofsted rating"
    return f"{provider.name} · {'on ' + frameworks if frameworks else 'no framework (spot only)'} · {rating}"


class OfferForm(forms.Form):
    provider = forms.ModelChoiceField(queryset=Provider.objects.order_by("name"), empty_label="Choose a provider",
                                      help_text="Providers of the type sought, framework members first.")
    route = forms.ChoiceField(label="Framework or spot", choices=[
        (CommissioningRoute.FRAMEWORK, "Framework"), (CommissioningRoute.SPOT, "Spot"),
        (CommissioningRoute.INTERNAL, "Internal (in-house)"), (CommissioningRoute.BLOCK, "Block contract")])
    weekly_offered = forms.DecimalField(label="Weekly price offered (£)", **MONEY)

    def __init__(self, *args, search=None, **kwargs):
        super().__init__(*args, **kwargs)
        if search is not None:
            self.fields["provider"].queryset = offer_providers(search.category_requested, timezone.localdate())
            self.fields["provider"].label_from_instance = provider_choice_label

    def clean(self):
        from placements.searches import on_framework

        cleaned = super().clean()
        provider = cleaned.get("provider")
        if provider and cleaned.get("route") == CommissioningRoute.FRAMEWORK \
                and not on_framework(provider, timezone.localdate()):
            self.add_error("route", f"{provider.name} is on no framework today: record the offer as spot.")
        return cleaned


class ExtraForm(forms.Form):
    description = forms.CharField(label="Extra offered", max_length=200, required=False,
                                  help_text="For example, 2:1 staffing for the first month.")
    weekly_amount = forms.DecimalField(label="Weekly amount (£)", required=False, **MONEY)
    weeks = forms.IntegerField(label="For how many weeks", required=False, min_value=1, max_value=520,
                               help_text="Leave empty if it lasts the whole placement.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("description") and cleaned.get("weekly_amount") is None and "weekly_amount" not in self.errors:
            self.add_error("weekly_amount", "Give the extra's weekly amount.")
        if cleaned.get("weekly_amount") is not None and not cleaned.get("description"):
            self.add_error("description", "Say what the extra is.")
        return cleaned


ExtraFormSet = formset_factory(ExtraForm, extra=2, max_num=6)


class NegotiateForm(VersionForm):
    weekly_agreed = forms.DecimalField(label="Weekly price agreed (£)", **MONEY)
    note = forms.CharField(label="How it was negotiated", required=False, max_length=300,
                           help_text="Needed when the agreed price is above the price offered.")
    kept_extras = forms.MultipleChoiceField(label="Extras kept after negotiation", required=False,
                                            widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}))

    def __init__(self, *args, offer, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["kept_extras"].choices = [(str(e.pk), f"{e.description}: £{e.weekly_amount:,.2f} a week"
                                               + (f" for {e.weeks} weeks" if e.weeks else ""))
                                              for e in offer.extras.all()]

    def clean(self):
        cleaned = super().clean()
        agreed = cleaned.get("weekly_agreed")
        if agreed is not None and agreed > self.offer.weekly_offered and not cleaned.get("note", "").strip():
            self.add_error("note", "Say why the agreed price is above the price offered.")
        return cleaned


class PlaceForm(VersionForm):
    start = forms.DateField(label="Move date", widget=DateInput())
    category = forms.ChoiceField(label="Placement type", choices=PlacementCategory.choices)
    market_reason = forms.ChoiceField(
        label="If the type differs from the one wanted: was market availability the reason?", required=False,
        choices=[("", "The type is the one wanted"), ("yes", "Yes: nothing suitable was available"),
                 ("no", "No: the plan changed")])
    came_from = forms.ChoiceField(label="Where the child is coming from", choices=CameFrom.choices)
    planned_end = forms.DateField(label="Planned end date", required=False, widget=DateInput())

    def __init__(self, *args, search, **kwargs):
        super().__init__(*args, **kwargs)
        self.search = search

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        if category and category != self.search.category_requested and not cleaned.get("market_reason"):
            self.add_error("market_reason", "The type differs from the one wanted: say whether market availability "
                                            "was the reason.")
        start, planned_end = cleaned.get("start"), cleaned.get("planned_end")
        if start and start < self.search.received:
            self.add_error("start", f"The move cannot be before the PRF was received on "
                                    f"{self.search.received:%-d %B %Y}.")
        if start and planned_end and planned_end <= start:
            self.add_error("planned_end", "The planned end must be after the move date.")
        return cleaned


class CostAvoidanceForm(forms.Form):
    case_ref = CaseRefField()
    source = forms.ChoiceField(choices=CostAvoidanceSource.choices)
    date_agreed = forms.DateField(widget=DateInput())
    effective_from = forms.DateField(label="Saving starts on", widget=DateInput())
    weekly_before = forms.DecimalField(label="Weekly cost before (£)", required=False,
                                       help_text="Leave empty for what the child's cost lines charge a week on the "
                                                 "day the saving starts.", **MONEY)
    weekly_after = forms.DecimalField(label="Weekly cost after (£)", required=False, **MONEY)
    one_off = forms.DecimalField(label="Or a one-off amount (£)", required=False, **MONEY)
    before_reason = forms.CharField(
        label="Why the cost before is not the child's cost that day", required=False, max_length=300,
        help_text="Only if the weekly cost before is not what the child's cost lines charge on the day the saving "
                  "starts (an offer before negotiation, a quote).")
    note = forms.CharField(required=False, max_length=300)

    def clean_date_agreed(self):
        value = self.cleaned_data["date_agreed"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date agreed cannot be in the future.")
        return value

    def clean(self):
        cleaned = super().clean()
        before, after, one_off = cleaned.get("weekly_before"), cleaned.get("weekly_after"), cleaned.get("one_off")
        if before is None and after is not None and cleaned.get("case_ref") and cleaned.get("effective_from"):
            from placements.cost_avoidance import weekly_cost_before

            before = cleaned["weekly_before"] = weekly_cost_before(cleaned["case_ref"], cleaned["effective_from"])
        weekly = before is not None or after is not None
        if weekly and one_off is not None:
            self.add_error("one_off", "Give either the weekly costs or a one-off amount, not both.")
        elif not weekly and one_off is None and not self.errors:
            self.add_error("weekly_before", "Give the weekly cost before and after, or a one-off amount.")
        elif weekly and (before is None or after is None):
            self.add_error("weekly_after" if after is None else "weekly_before", "Give both weekly costs.")
        elif weekly and after > before:
            self.add_error("weekly_after", "The weekly cost after must not be above the weekly cost before.")
        return cleaned


class ApproveForm(VersionForm):
    note = forms.CharField(label="Note for the chronology", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(VersionForm):
    reason = forms.CharField(label="Why you are refusing", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="The search goes back to negotiation; the officer sees this in the chronology.",
                             error_messages={"required": "Enter why you are refusing the placement."})
