"""The roles get the permissions of the models added after they were made (0005): action
events and Security Council referrals, by the same rule (researchers add, change and view;
reviewers also delete; administrators everything). Without it a researcher cannot enter a
warrant's events on the action's page.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["actionevent", "securitycouncilreferral"]
GRANTS = {
    "researcher": r"^(add|change|view)_",
    "reviewer": r"^(add|change|view|delete)_",
    "administrator": r"",
}


def ensure_default_permissions(apps):
    # On a fresh database the default permissions are created only after all migrations.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def permissions(apps, pattern: str):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="cases", content_type__model__in=MODELS, codename__regex=pattern
    )


def grant(apps, schema_editor):
    ensure_default_permissions(apps)
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(*permissions(apps, GRANTS[group.name]))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*permissions(apps, ""))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_legal_answers_referrals_action_events"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
