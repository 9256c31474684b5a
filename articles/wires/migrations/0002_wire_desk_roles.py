"""The wire queue for the newsroom's roles: both read the queue; Editors configure sources."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Reporters": ["view_wireitem", "view_wireitemversion"],
    "Editors": [
        "view_wireitem",
        "view_wireitemversion",
        "add_wiresource",
        "change_wiresource",
        "delete_wiresource",
        "view_wiresource",
    ],
}


def set_up_groups(Group, Permission):
    """Idempotent; tests call it too, after a transactional test has flushed the tables."""
    for name, wanted in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="wires", codename__in=wanted)
        )


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    set_up_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("wires", "0001_agency_wires"),
        ("articles", "0003_reporters_and_editors_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
