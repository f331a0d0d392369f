"""Administrators read the audit trail (view only: nobody may add, change or delete it)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # On a fresh database the default permissions are created only after all migrations.
    audit = apps.get_app_config("audit")
    audit.models_module = True
    create_permissions(audit, apps=apps, verbosity=0)
    audit.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    view = Permission.objects.get(content_type__app_label="audit", codename="view_auditevent")
    for group in Group.objects.filter(name="administrator"):
        group.permissions.add(view)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    view = Permission.objects.filter(content_type__app_label="audit", codename="view_auditevent")
    for group in Group.objects.filter(name="administrator"):
        group.permissions.remove(*view)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_audit_trail"),
        ("cases", "0005_roles_and_publish_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
