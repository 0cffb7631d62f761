from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Hồ sơ và tài khoản")

    def ready(self):
        from dossiers import api_clients  # noqa: F401 (connects the API token trail's receivers)
        from dossiers import checks as deploy_checks  # at ready(): Django's idiom for registering checks

        checks.register(deploy_checks.sandbox_payment_check, checks.Tags.security, deploy=True)
        checks.register(deploy_checks.sandbox_services_check, checks.Tags.security, deploy=True)
        checks.register(deploy_checks.sandbox_signer_check, checks.Tags.security, deploy=True)
        checks.register(deploy_checks.national_portal_check, checks.Tags.security, deploy=True)
        checks.register(deploy_checks.sandbox_identity_check, checks.Tags.security, deploy=True)


class AuditedAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with `AuditedAdminSite` as `admin.site`: every admin change is audited.

    Listed in INSTALLED_APPS in place of "django.contrib.admin"; not the default config of `dossiers`
    (DossiersConfig is, as the only other class here).
    """

    default = False
    default_site = "dossiers.admin_audit.AuditedAdminSite"
