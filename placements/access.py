"""Who may do what (SPEC section 1): the groups and the permissions each job needs.

``GROUP_PERMISSIONS`` is the one place this is written. A migration creates the
groups; ``sync_groups`` also runs after every ``migrate`` so permissions added by
later apps and migrations reach the groups without a hand-kept step.
"""

from __future__ import annotations

PLACEMENTS_OFFICER = "placements_officer"
COMMISSIONING_MANAGER = "commissioning_manager"
SENIOR_MANAGER = "senior_manager"
PANEL_CHAIR = "panel_chair"
PANEL_MEMBER = "panel_member"

GROUP_LABELS = {
    PLACEMENTS_OFFICER: "Placements support officer",
    COMMISSIONING_MANAGER: "Commissioning hub manager",
    SENIOR_MANAGER: "Senior manager / Director",
    PANEL_CHAIR: "Panel chair",
    PANEL_MEMBER: "Panel member",
}

_READ_CASEWORK = [
    "placements.view_child",
    "placements.view_placement",
    "placements.view_costline",
    "placements.view_deprivationofliberty",
    "placements.view_provider",
    "placements.view_framework",
    "placements.view_frameworkmembership",
    "placements.view_frameworkuplift",
    "placements.view_ofstedinspection",
    "placements.view_registerentry",  # Ofsted's register: whoever may see providers may look a provider up
]

_SEARCH_WORK = [
    "placements.view_placementsearch",
    "placements.add_placementsearch",
    "placements.change_placementsearch",
    "placements.view_chronologyentry",
    "placements.add_chronologyentry",
    "placements.view_offer",
    "placements.add_offer",
    "placements.change_offer",
    "placements.view_offerextra",
    "placements.add_offerextra",
    "placements.change_offerextra",
    "placements.view_costavoidance",
    "placements.add_costavoidance",
]

_OFFICER = _READ_CASEWORK + _SEARCH_WORK + [
    "placements.add_child",
    "placements.change_child",
    "placements.add_placement",
    "placements.change_placement",
    "placements.add_costline",
    "placements.change_costline",
    "placements.add_deprivationofliberty",
    "placements.change_deprivationofliberty",
]

_READ_PANEL = ["panel.view_panelmeeting", "panel.view_panelreview", "panel.view_panelaction"]
_CONSOLIDATION = [
    "panel.view_consolidationmeeting",
    "panel.add_consolidationmeeting",
    "panel.change_consolidationmeeting",
]
_CHAIR = _READ_PANEL + _CONSOLIDATION + [
    "panel.add_panelmeeting",
    "panel.change_panelmeeting",
    "panel.issue_agenda",
    "panel.add_panelreview",
    "panel.change_panelreview",
    "panel.add_panelaction",
    "panel.change_panelaction",
]

GROUP_PERMISSIONS: dict[str, list[str]] = {
    PLACEMENTS_OFFICER: _OFFICER + _READ_PANEL + _CONSOLIDATION + ["tracker.view_scenario"],
    COMMISSIONING_MANAGER: _OFFICER
    + _READ_PANEL
    + _CONSOLIDATION
    + [
        "placements.add_provider",
        "placements.change_provider",
        "placements.add_framework",
        "placements.change_framework",
        "placements.add_frameworkmembership",
        "placements.change_frameworkmembership",
        "placements.add_frameworkuplift",
        "placements.change_frameworkuplift",
        "placements.add_ofstedinspection",
        "placements.change_ofstedinspection",
        "placements.import_data",
        "tracker.view_budget",
        "tracker.add_budget",
        "tracker.change_budget",
        "tracker.view_scenario",
        "tracker.add_scenario",
        "tracker.view_placementcapacity",
        "tracker.change_placementcapacity",
    ],
    SENIOR_MANAGER: _READ_CASEWORK + _READ_PANEL + [
        "panel.view_consolidationmeeting",
        "tracker.view_budget",
        "tracker.view_scenario",
        "tracker.add_scenario",
        "tracker.view_placementcapacity",
        "placements.view_placementsearch",
        "placements.view_chronologyentry",
        "placements.view_offer",
        "placements.view_costavoidance",
        "placements.approve_search",  # approve or send back; every other step stays with officers
    ],
    # Chairs record the cost avoidance their panel agrees.
    PANEL_CHAIR: _READ_CASEWORK + _CHAIR + ["placements.view_costavoidance", "placements.add_costavoidance"],
    # Panel members read agendas and minutes, and the cost avoidance totals; not the children list.
    PANEL_MEMBER: _READ_PANEL + ["placements.view_costavoidance"],
}


def sync_groups(apps=None) -> None:
    """Create the groups and give each exactly the permissions listed above.

    ``apps`` is a migration's historical registry, or None for the live one.
    Permissions not created yet (an app not migrated yet) are skipped and picked
    up by the next run.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def user_groups_label(user) -> str:
    if user.is_superuser:
        return "Administrator"
    names = [GROUP_LABELS.get(g.name, g.name) for g in user.groups.all()]
    return ", ".join(names) or "No role yet"


def can_approve_placements(user) -> bool:
    """Director approval to place is the senior manager's own (issue 14): the role itself, not a permission a
    superuser has by default. An administrator who must approve is given the senior manager role."""
    return user.is_authenticated and user.groups.filter(name=SENIOR_MANAGER).exists()
