from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Stories"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import purge
        from .desk import announce, labels
        from .editorial import derived, outside

        announce.connect_signals()
        labels.connect_signals()
        outside.connect_signals()
        purge.connect_signals()
        # Stories stored before their output was made at write time get it once migrated.
        post_migrate.connect(derived.store_missing, sender=self)
