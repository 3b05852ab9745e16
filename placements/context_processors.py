"""Navigation: each user sees the links their group can use, and no others."""

from django.urls import reverse

from placements.access import user_groups_label

# (label, url name, permission needed or None for any logged-in user)
NAVIGATION = [
    ("Home", "home", None),
    ("Searches", "search_list", "placements.view_placementsearch"),
    ("Cost avoidance", "cost_avoidance", "placements.view_costavoidance"),
    ("Weekly tracker", "tracker_weekly", "placements.view_placement"),
    ("Unregulated", "tracker_unregulated", "placements.view_placement"),
    ("Residential", "tracker_residential", "placements.view_placement"),
    ("Dashboard", "tracker_dashboard", "placements.view_placement"),
    ("Panel", "panel_home", "panel.view_panelmeeting"),
    ("Children", "child_list", "placements.view_child"),
    ("Placements", "placement_list", "placements.view_placement"),
    ("Providers", "provider_list", "placements.view_provider"),
    ("Data", "import_upload", "placements.import_data"),
    ("Data quality", "data_quality", "placements.view_placement"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for label, url_name, permission in NAVIGATION:
        if permission is None or user.has_perm(permission):
            items.append({"label": label, "url": reverse(url_name), "current": False})
    # The current section is the longest link the page's address starts with (/placements/searches/ is
    # Searches, not Placements); the home link only for the home page itself.
    matches = [item for item in items if request.path == item["url"]
               or (item["url"] != "/" and request.path.startswith(item["url"]))]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["current"] = True
    if user.is_staff:
        items.append({"label": "Administration", "url": reverse("admin:index"), "current": request.path.startswith("/admin/")})
    return {"navigation": items, "user_role": user_groups_label(user)}
