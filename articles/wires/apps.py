from django.apps import AppConfig


class WiresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles.wires"
    label = "wires"
    verbose_name = "Agency wires"
