from django.apps import AppConfig


class PanelConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'panel'

    def ready(self):
        from panel import last_reviews

        last_reviews.connect_signals()  # each child's last minuted review kept as the reviews change
