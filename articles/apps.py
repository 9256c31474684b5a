from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Stories"

    def ready(self) -> None:
        from .editorial import derived
        from .site import invalidation, purge

        derived.connect_signals()
        invalidation.connect_signals()
        purge.connect_signals()
