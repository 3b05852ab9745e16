from django.contrib import admin

from placements.models import (
    AuthoritySettings,
    Child,
    CostLine,
    DeprivationOfLiberty,
    Framework,
    FrameworkMembership,
    FrameworkUplift,
    OfstedInspection,
    Placement,
    Provider,
    RegisterEntry,
)


class DeprivationOfLibertyInline(admin.TabularInline):
    model = DeprivationOfLiberty
    extra = 0


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ("case_ref", "given_name", "family_name", "date_of_birth", "legal_status", "team", "source")
    list_filter = ("legal_status", "source", "uasc", "disabled")
    search_fields = ("case_ref", "given_name", "family_name")
    inlines = [DeprivationOfLibertyInline]


class CostLineInline(admin.TabularInline):
    model = CostLine
    extra = 0


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ("child", "category", "provider", "route", "start", "end")
    list_filter = ("category", "route")
    search_fields = ("child__case_ref", "child__family_name", "provider__name")
    list_select_related = ("child", "provider")
    autocomplete_fields = ("child", "provider")
    inlines = [CostLineInline]


class MembershipInline(admin.TabularInline):
    model = FrameworkMembership
    extra = 0
    autocomplete_fields = ("framework",)


class InspectionInline(admin.TabularInline):
    model = OfstedInspection
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "urn", "ownership", "provision", "regulated", "status")
    list_filter = ("ownership", "provision", "regulated", "status")
    search_fields = ("name", "urn")
    inlines = [MembershipInline]


@admin.register(RegisterEntry)
class RegisterEntryAdmin(admin.ModelAdmin):
    """Ofsted's register (reference data): an inspection of a provider Ofsted's files have not reached yet
    is entered by hand here, on the provider's entry (its URN)."""

    list_display = ("urn", "name", "provision_type", "registration_status", "local_authority")
    list_filter = ("provision", "status", "sector")
    search_fields = ("name", "urn", "postcode")
    inlines = [InspectionInline]


class UpliftInline(admin.TabularInline):
    model = FrameworkUplift
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "lead_authority")
    search_fields = ("name",)
    inlines = [UpliftInline]


@admin.register(AuthoritySettings)
class AuthoritySettingsAdmin(admin.ModelAdmin):
    """One row: the population for rates per 10,000 and the panel's cost threshold. Until an administrator
    saves it, the environment's values (README) are in force."""

    list_display = ("__str__", "child_population", "panel_cost_threshold", "panel_capacity")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not AuthoritySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        current = AuthoritySettings.current()
        return {"child_population": current.child_population, "panel_cost_threshold": current.panel_cost_threshold,
                "panel_capacity": current.panel_capacity}
