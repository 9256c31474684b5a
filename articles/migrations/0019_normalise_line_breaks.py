"""Stored text with the line ends browsers send ("\r\n") gets "\n", as the forms now make it:
a version saved from a form and one merged or imported must not differ by line ends alone."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

TEXTS = {"Article": ("deck", "body"), "Revision": ("deck", "body"), "Update": ("note",)}


def normalise_line_breaks(apps, schema_editor):
    for model_name, fields in TEXTS.items():
        model = apps.get_model("articles", model_name)
        for name in fields:
            unix = Replace(Replace(name, Value("\r\n"), Value("\n")), Value("\r"), Value("\n"))
            model.objects.filter(**{f"{name}__contains": "\r"}).update(**{name: unix})


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_purge_nodes")]

    operations = [migrations.RunPython(normalise_line_breaks, migrations.RunPython.noop)]
