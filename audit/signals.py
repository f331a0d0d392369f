"""Logins and permission changes, from Django's own signals."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save

from .models import AuditAction
from .record import record

# The flags of a user that grant or take away access, besides groups and permissions.
ACCESS_FLAGS = ("is_active", "is_staff", "is_superuser")


def connect() -> None:
    User = get_user_model()
    user_logged_in.connect(logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(login_failed, dispatch_uid="audit-login-failed")
    for through in (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"audit-{through}")
    pre_save.connect(remember_access_flags, sender=User, dispatch_uid="audit-flags-before")
    post_save.connect(access_flags_saved, sender=User, dispatch_uid="audit-flags-after")


def logged_in(sender, request, user, **kwargs):
    record(AuditAction.LOGIN, request=request, user=user, what="staff login")


def logged_out(sender, request, user, **kwargs):
    record(AuditAction.LOGOUT, request=request, user=user, what="staff login")


def login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials` by stars; keep none of it.
    username = str(credentials.get("username", ""))
    record(AuditAction.LOGIN_FAILED, request=request, username=username, what="staff login")


def links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user's groups or permissions, or a group's permissions, added, removed, cleared."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    field = sender._meta.object_name  # e.g. User_groups, Group_permissions
    record(
        AuditAction.PERMISSION_CHANGE,
        what=f"{instance._meta.verbose_name}: {instance}",
        object_ids=[instance.pk],
        detail={
            "change": action.removeprefix("post_"),
            "links": field,
            model._meta.model_name: sorted(pk_set or ()),
        },
    )


def remember_access_flags(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields and not set(update_fields) & set(ACCESS_FLAGS)):
        instance._audit_flags_before = None
        return
    instance._audit_flags_before = (
        sender.objects.filter(pk=instance.pk).values(*ACCESS_FLAGS).first()
    )


def access_flags_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_flags_before", None)
    after = {flag: getattr(instance, flag) for flag in ACCESS_FLAGS}
    if created:
        # A new user is active by default; only what grants access is news.
        changed = {f: [None, v] for f, v in after.items() if v and f != "is_active"}
    elif before is None:
        return
    else:
        changed = {f: [before[f], after[f]] for f in ACCESS_FLAGS if before[f] != after[f]}
    if changed:
        record(
            AuditAction.PERMISSION_CHANGE,
            what=f"user: {instance}",
            object_ids=[instance.pk],
            detail={"change": "flags", "flags": changed},
        )
