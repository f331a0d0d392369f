"""The second-factor devices in the admin (django-otp's and django-otp-webauthn's own pages),
where an administrator removes a lost device; their dates read and refused as every other
admin date is (cases/admin/base.py)."""

from django.contrib import admin

from cases.admin.base import FORMFIELD_OVERRIDES

DEVICE_APPS = ("otp_totp", "otp_static", "django_otp_webauthn")

for model, model_admin in list(admin.site._registry.items()):
    if model._meta.app_label in DEVICE_APPS:
        admin.site.unregister(model)
        overrides = {**model_admin.formfield_overrides, **FORMFIELD_OVERRIDES}
        name = type(model_admin).__name__
        admin.site.register(
            model, type(name, (type(model_admin),), {"formfield_overrides": overrides})
        )
