from django.apps import AppConfig, apps

#: The apps whose every model is audited, so models added later are covered without a step to forget.
AUDITED_APPS = ("placements", "panel", "tracker")
#: Bookkeeping, not records: an uploaded file waiting for its confirmation (the import itself is audited
#: as an event by the page that runs it), the looked-after segments derived from the audited records, and each
#: child's last minuted review kept from the audited reviews (``panel.last_reviews``).
NOT_AUDITED = {"placements.ImportUpload", "placements.CareSegment", "placements.DataChange",
               "panel.LastMinutedReview"}
#: Accounts too (who was given which role), without password hashes and sign-in times. Not the groups'
#: permissions: placements/access.py sets them on every migrate, and git keeps their history.
AUDITED_EXTRA = {
    "auth.User": {"m2m_fields": {"groups"}, "exclude_fields": ["password", "last_login"]},
}


def audited_models() -> list:
    """Every model whose changes the trail keeps."""
    models = [
        model
        for label in AUDITED_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in NOT_AUDITED
    ]
    return models + [apps.get_model(label) for label in AUDITED_EXTRA]


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        # Registered by label here, so placements, panel and tracker import nothing from audit.
        from auditlog.registry import auditlog

        for model in audited_models():
            if not auditlog.contains(model):
                options = AUDITED_EXTRA.get(model._meta.label, {})
                # Copies: auditlog appends to the lists it is given.
                auditlog.register(model, **{key: type(value)(value) for key, value in options.items()})
