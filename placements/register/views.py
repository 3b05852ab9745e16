"""The register's pages: every entry, searchable (name, URN, postcode, local authority), and each entry's page
with its ratings history and, if the authority uses it, the provider on its list."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils import timezone
from django.views.generic import TemplateView

from placements.choices import OfstedRating, ProviderStatus, ProvisionKind
from placements.models import Provider
from placements.register import ratings, search
from placements.register.models import RegisterEntry
from placements.views import ListPage

PERMISSION = "placements.view_registerentry"


def local_authorities() -> list[tuple[str, str]]:
    return [(name, name) for name in RegisterEntry.objects.exclude(local_authority="").order_by("local_authority")
            .values_list("local_authority", flat=True).distinct()]


def register_list(on):
    """Every entry with its rating on ``on`` and the provider on the authority's list it links to, if any:
    one query however many entries are shown."""
    listed = Provider.objects.filter(urn=OuterRef("urn"))
    return RegisterEntry.objects.annotate(
        latest_rating=ratings.latest_rating_subquery(on, "urn"),
        on_list=Exists(listed), provider_id=Subquery(listed.values("pk")[:1]),
    ).order_by("name", "urn")


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name, URN or postcode", method="filter_text")
    local_authority = django_filters.ChoiceFilter(label="Local authority", choices=local_authorities, empty_label="Any")
    provision = django_filters.ChoiceFilter(label="Provision", choices=ProvisionKind.choices, empty_label="Any")
    status = django_filters.ChoiceFilter(label="Registration", choices=ProviderStatus.choices, empty_label="Any")
    on_list = django_filters.ChoiceFilter(label="On your provider list", method="filter_on_list", empty_label="Any",
                                          choices=(("yes", "Yes"), ("no", "No")))

    class Meta:
        model = RegisterEntry
        fields = ["q", "local_authority", "provision", "status", "on_list"]

    def filter_text(self, queryset, name, value):
        return search.matching(value, queryset)

    def filter_on_list(self, queryset, name, value):
        return queryset.filter(on_list=value == "yes")


class RegisterTable(tables.Table):
    urn = tables.Column("Ofsted URN", linkify=lambda record: record.get_absolute_url())
    name = tables.Column()
    provision_type = tables.Column("Provision type")
    sector = tables.Column()
    registration_status = tables.Column("Registration")
    local_authority = tables.Column("Local authority")
    postcode = tables.Column(default="")
    latest_rating = tables.Column("Latest Ofsted rating", default="Not inspected")
    on_list = tables.Column("On your list", order_by=("-on_list", "name"))

    class Meta:
        model = RegisterEntry
        fields = ("urn", "name", "provision_type", "sector", "registration_status", "local_authority", "postcode",
                  "latest_rating", "on_list")
        empty_text = "No register entries match these filters."

    def render_latest_rating(self, value):
        return OfstedRating(value).label

    def render_on_list(self, value, record):
        if not value:
            return "No"
        return format_html('<a class="govuk-link" href="{}">Yes<span class="govuk-visually-hidden">: {} on your '
                           'list</span></a>', reverse("provider_detail", args=[record.provider_id]), record.name)

    def value_on_list(self, value):
        return "Yes" if value else "No"


class RegisterList(ListPage):
    permission_required = PERMISSION
    table_class = RegisterTable
    filterset_class = RegisterFilter
    export_name = "ofsted-register"
    title = "Ofsted's register"
    template_name = "register/register_list.html"

    def get_queryset(self):
        return register_list(timezone.localdate())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title_lower": self.title}  # "Filter Ofsted's register"


class RegisterEntryDetail(PermissionRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "register/entry_detail.html"

    def get_context_data(self, **kwargs):
        entry = get_object_or_404(RegisterEntry, pk=kwargs["pk"])
        provider = Provider.objects.filter(urn=entry.urn).first()
        return super().get_context_data(
            title=entry.name, entry=entry, inspections=list(ratings.inspections_for(entry.urn)), provider=provider,
            can_see_provider=provider is not None and self.request.user.has_perm("placements.view_provider"),
            can_add_provider=provider is None and self.request.user.has_perm("placements.add_provider"), **kwargs)
