"""Deployment checks (`manage.py check --deploy`): no sandbox of an outside service in production
unless ALLOW_SANDBOX says so (issue 20 item 3).

Errors: the sandbox bank without the opt-in (anyone could mark a fee paid), or with a default or short
signing secret (anyone could sign its callbacks). Warnings: the no-op antivirus and the SMS and e-mail
sandboxes, which lose nothing but deliver nothing. Registered in `DossiersConfig.ready()`.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning
from django.utils.module_loading import import_string

from dossiers import national_sync, payments, signing

# E-mail backends that deliver nothing (Django's; EMAIL_URL consolemail://, memorymail://, ...).
SANDBOX_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
OPT_IN = "Set ALLOW_SANDBOX=1 only where no real gateway exists and the risk is accepted."


def _is(setting, dotted_base, problems):
    """Whether the class named by `setting` is (a subclass of) `dotted_base`; an unimportable name is
    itself an error."""
    path = getattr(settings, setting)
    try:
        return issubclass(import_string(path), import_string(dotted_base))
    except ImportError:
        problems.append(Error(f"{setting}={path!r} cannot be imported.", id="dossiers.E003"))
        return False


def sandbox_payment_check(app_configs=None, **kwargs):
    """The sandbox bank: allowed only explicitly, and only with a real signing secret."""
    problems = []
    if not _is("PAYMENT_PROVIDER", "dossiers.payments.SandboxProvider", problems):
        return problems
    if not settings.ALLOW_SANDBOX:
        problems.append(Error(
            "PAYMENT_PROVIDER is the sandbox bank: anyone can mark a fee paid on its page.",
            hint="Name the real payment gateway in PAYMENT_PROVIDER. " + OPT_IN, id="dossiers.E001"))
    if payments.weak_sandbox_secret(settings.PAYMENT_SANDBOX_SECRET):
        problems.append(Error(
            f"PAYMENT_SANDBOX_SECRET is the default or shorter than {payments.SANDBOX_SECRET_MIN_LENGTH} "
            "characters: anyone can sign the sandbox bank's callbacks.",
            hint="Set it to a random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'.",
            id="dossiers.E002"))
    return problems


def sandbox_services_check(app_configs=None, **kwargs):
    """Antivirus, SMS and e-mail sandboxes: warned unless ALLOW_SANDBOX is set."""
    problems = []
    if settings.ALLOW_SANDBOX:
        return problems
    if _is("ANTIVIRUS_BACKEND", "dossiers.antivirus.NoScanner", problems):
        problems.append(Warning("ANTIVIRUS_BACKEND is the no-op scanner: uploads are not scanned.",
                                hint="Use dossiers.antivirus.ClamScanner. " + OPT_IN, id="dossiers.W001"))
    if _is("SMS_BACKEND", "dossiers.notifications.SandboxSmsBackend", problems):
        problems.append(Warning("SMS_BACKEND is the sandbox: text messages are recorded, not sent.",
                                hint="Name the SMS gateway's backend. " + OPT_IN, id="dossiers.W002"))
    if settings.EMAIL_BACKEND in SANDBOX_EMAIL_BACKENDS:
        problems.append(Warning(f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: e-mails are not sent.",
                                hint="Set EMAIL_URL to the SMTP server, e.g. smtp://user:password@host:587/?tls=True. "
                                + OPT_IN, id="dossiers.W003"))
    return problems


def sandbox_signer_check(app_configs=None, **kwargs):
    """The sandbox CA signs results no court would accept: allowed only explicitly (issue 18)."""
    problems = []
    if _is("SIGNER_BACKEND", "dossiers.signing.SandboxSigner", problems) and signing.sandbox_refusal():
        problems.append(Error(
            "SIGNER_BACKEND is the sandbox CA: results would carry signatures of a test certificate authority.",
            hint="Name the agency CA's signer in SIGNER_BACKEND (docs/signing.md). " + OPT_IN, id="dossiers.E004"))
    return problems


def national_portal_check(app_configs=None, **kwargs):
    """The national portal sync (issue 18 item 3): never the sandbox receiver unless explicitly allowed,
    never unsigned, and a warning when nothing is sent."""
    problems = []
    url = settings.NATIONAL_PORTAL_URL
    if not url:
        problems.append(Warning(
            "NATIONAL_PORTAL_URL is empty: dossier status changes wait in the outbox and reach no national portal.",
            hint="Set the portal's endpoint and secret (docs/national-sync.md).", id="dossiers.W004"))
        return problems
    if urlsplit(url).path.startswith(national_sync.SANDBOX_PATH) and not settings.ALLOW_SANDBOX:
        problems.append(Error(
            "NATIONAL_PORTAL_URL is the sandbox receiver: the statuses would never reach the national portal.",
            hint="Name the national portal's endpoint (docs/national-sync.md). " + OPT_IN, id="dossiers.E005"))
    if len(settings.NATIONAL_PORTAL_SECRET) < 32:
        problems.append(Error(
            "NATIONAL_PORTAL_SECRET is empty or shorter than 32 characters: events would be signed with a guessable key.",
            hint="Set the secret agreed with the portal's operator.", id="dossiers.E006"))
    return problems


def sandbox_identity_check(app_configs=None, **kwargs):
    """The sandbox identity provider lets anyone sign in as any demo person at level 2, and the sandbox
    registry answers with invented people: allowed only explicitly (issue 17)."""
    from dossiers import identity  # at check time: identity imports the services, which need the app registry

    problems = []
    if settings.ALLOW_SANDBOX:
        return problems
    if settings.OIDC_ENABLED and identity.sandbox_in_use():
        problems.append(Error(
            "OIDC_DISCOVERY_URL is the sandbox identity provider: anyone can sign in as a demo person at level 2.",
            hint="Point OIDC_DISCOVERY_URL, OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET at VNeID (docs/identity.md). "
            + OPT_IN, id="dossiers.E008"))
    if settings.OIDC_ENABLED and settings.OIDC_RP_CLIENT_SECRET == settings.DEMO_OIDC_RP_CLIENT_SECRET:
        problems.append(Error("OIDC_RP_CLIENT_SECRET is the sandbox's published default.",
                              hint="Set the secret the identity provider issued to MotCua.", id="dossiers.E009"))
    if _is("POPULATION_REGISTRY", "dossiers.registry.SandboxRegistry", problems):
        problems.append(Error(
            "POPULATION_REGISTRY is the sandbox: applicants would be prefilled with invented people's data.",
            hint="Use dossiers.registry.HttpRegistry with POPULATION_REGISTRY_URL (docs/identity.md). " + OPT_IN,
            id="dossiers.E010"))
    return problems
