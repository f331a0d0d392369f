"""Roles as groups: researcher, reviewer, administrator; and who may publish.

Publishing is its own permission (publish_<model>) on each publishable model, so a
researcher can change a draft without being able to make it public. Seeing protected
persons' identities stays a separate permission (cases.view_protected_identity) that no
group carries: it is granted person by person.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHABLE = ["incident", "accountabilityaction", "actor", "source", "instrument"]
# Staff data, not the editorial record: only administrators manage them.
ADMINISTRATION_ONLY = ["apikey", "tombstone"]
IDENTITY = "view_protected_identity"


def ensure_default_permissions(apps):
    # On a fresh database the default permissions are created only after all migrations.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    ensure_default_permissions(apps)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    publish = []
    for model in PUBLISHABLE:
        content_type, _ = ContentType.objects.get_or_create(app_label="cases", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"publish_{model}",
            defaults={"name": f"Can publish and withdraw {model}"},
        )
        publish.append(permission)

    cases = Permission.objects.filter(content_type__app_label="cases").exclude(codename=IDENTITY)
    records = cases.exclude(content_type__model__startswith="historical").exclude(
        content_type__model__in=ADMINISTRATION_ONLY
    )
    editing = records.filter(codename__regex=r"^(add|change|view)_")

    researcher, _ = Group.objects.get_or_create(name="researcher")
    researcher.permissions.set(editing)
    reviewer, _ = Group.objects.get_or_create(name="reviewer")
    reviewer.permissions.set([*editing, *records.filter(codename__startswith="delete_"), *publish])
    administrator, _ = Group.objects.get_or_create(name="administrator")
    administrator.permissions.set(
        [*cases, *Permission.objects.filter(content_type__app_label="auth")]
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["researcher", "reviewer", "administrator"]
    ).delete()
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="cases", codename__in=[f"publish_{m}" for m in PUBLISHABLE]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_external_ids_and_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
