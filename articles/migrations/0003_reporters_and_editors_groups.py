"""The newsroom's two roles as auth groups.

Reporters write drafts: they cannot publish, withdraw or edit a published story. Editors do
everything on stories, datelines, tags and updates. The admin and `articles.editorial.services` check
these permissions on the server.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER_PERMISSIONS = [
    ("article", ["add", "change", "view"]),
    ("dateline", ["add", "view"]),
    ("tag", ["add", "view"]),
    ("update", ["view"]),
    ("revision", ["view"]),
    ("statuschange", ["view"]),
    ("picture", ["add", "change", "view"]),  # the model comes in 0016, which grants these
]
EDITOR_PERMISSIONS = [
    ("article", ["add", "change", "delete", "view"]),
    ("dateline", ["add", "change", "delete", "view"]),
    ("tag", ["add", "change", "delete", "view"]),
    ("update", ["add", "change", "delete", "view"]),
    ("revision", ["view"]),
    ("statuschange", ["view"]),
    ("picture", ["add", "change", "view"]),
]
EDITOR_WORKFLOW = ["publish_article", "withdraw_article", "edit_published_article"]


def codenames(spec):
    return [f"{action}_{model}" for model, actions in spec for action in actions]


GROUPS = {
    "Reporters": codenames(REPORTER_PERMISSIONS),
    "Editors": codenames(EDITOR_PERMISSIONS) + EDITOR_WORKFLOW,
}


def set_up_groups(Group, Permission):
    """Idempotent; tests call it too, after a transactional test has flushed the tables."""
    for name, wanted in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="articles", codename__in=wanted
        )
        group.permissions.add(*permissions)


def create_groups(apps, schema_editor):
    # Permissions are normally created after the last migration; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    set_up_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporters", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_statuschange_and_workflow_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
