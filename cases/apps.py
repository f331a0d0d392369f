from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import m2m_changed, post_delete, pre_delete


class CasesConfig(AppConfig):
    default = True  # "cases" in INSTALLED_APPS means this one, not CasesAdminConfig
    name = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the sync bookkeeping's receivers (cases/models/api.py says why)."""
        from .models import AccountabilityAction, ActionEvent, api

        for model in api.TOMBSTONED:
            post_delete.connect(
                api.record_tombstone, sender=model, dispatch_uid=f"tombstone-{model.__name__}"
            )
        pre_delete.connect(
            api.touch_incidents_of_action,
            sender=AccountabilityAction,
            dispatch_uid="touch-incidents-of-action",
        )
        m2m_changed.connect(
            api.touch_both_sides_of_an_unlinked_action,
            sender=AccountabilityAction.incidents.through,
            dispatch_uid="touch-both-sides-of-an-unlinked-action",
        )
        post_delete.connect(
            api.touch_action_of_event, sender=ActionEvent, dispatch_uid="touch-action-of-event"
        )


class CasesAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose default site is ours (it adds the exchange pages)."""

    default = False
    default_site = "cases.admin_site.CasesAdminSite"
