from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Stories"

    def ready(self) -> None:
        from .site.invalidation import connect_signals

        connect_signals()
