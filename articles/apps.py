from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Stories"

    def ready(self) -> None:
        from .desk import announce, labels
        from .editorial import derived
        from .site import invalidation

        announce.connect_signals()
        labels.connect_signals()
        derived.connect_signals()
        invalidation.connect_signals()
