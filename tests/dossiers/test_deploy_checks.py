"""Issue 20 item 3: the sandboxes of outside services are refused or warned in production.

`check --deploy` fails on the sandbox bank without ALLOW_SANDBOX and on a default or short signing
secret, and warns on the no-op antivirus and the SMS and e-mail sandboxes; with DEBUG off the sandbox
bank itself refuses to take payments and its page is the applicant's only.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import reverse

from dossiers import payments, services
from dossiers.checks import sandbox_payment_check, sandbox_services_check
from dossiers.notifications import SmsBackend
from tests import factories
from tests.dossiers.citizen_helpers import private_media, submitted_dossier  # noqa: F401

STRONG_SECRET = "Zq7-" + "pR4vX9mK2wL8nT5c" * 3
SANDBOX = "dossiers.payments.SandboxProvider"
# The defaults of portal/settings.py for the outside services, with DEBUG off and no opt-in.
DEFAULTS = {"ALLOW_SANDBOX": False, "PAYMENT_PROVIDER": SANDBOX, "PAYMENT_SANDBOX_SECRET": "sandbox-secret-change-me",
            "ANTIVIRUS_BACKEND": "dossiers.antivirus.NoScanner",
            "SMS_BACKEND": "dossiers.notifications.SandboxSmsBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


class RealGateway(payments.PaymentProvider):
    """Stands for a real bank's provider (none ships with MotCua)."""

    name = "real"


class RealSms(SmsBackend):
    """Stands for a real SMS gateway."""


REAL = {"ALLOW_SANDBOX": False, "PAYMENT_PROVIDER": f"{__name__}.RealGateway",
        "ANTIVIRUS_BACKEND": "dossiers.antivirus.ClamScanner", "SMS_BACKEND": f"{__name__}.RealSms",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}


def _ids(**overrides):
    with override_settings(**{**DEFAULTS, **overrides}):
        return sorted(problem.id for problem in [*sandbox_payment_check(), *sandbox_services_check()])


def test_check_deploy_fails_on_the_default_configuration():
    with override_settings(**DEFAULTS), pytest.raises(SystemCheckError) as failure:
        call_command("check", deploy=True)
    for check_id in ("dossiers.E001", "dossiers.E002", "dossiers.W001", "dossiers.W002", "dossiers.W003"):
        assert check_id in str(failure.value)


def test_the_sandbox_bank_without_the_opt_in_is_an_error():
    assert _ids(PAYMENT_SANDBOX_SECRET=STRONG_SECRET) == ["dossiers.E001", "dossiers.W001", "dossiers.W002",
                                                         "dossiers.W003"]


@pytest.mark.parametrize("secret", ["sandbox-secret-change-me", "change-me", "short-but-random-9f3k",
                                    "change-me-" + "x7" * 20, "a" * 40])
def test_a_default_or_short_sandbox_secret_is_an_error_even_with_the_opt_in(secret):
    assert _ids(ALLOW_SANDBOX=True, PAYMENT_SANDBOX_SECRET=secret) == ["dossiers.E002"]


def test_the_explicit_opt_in_with_a_real_secret_passes():
    assert _ids(ALLOW_SANDBOX=True, PAYMENT_SANDBOX_SECRET=STRONG_SECRET) == []
    with override_settings(**{**DEFAULTS, "ALLOW_SANDBOX": True, "PAYMENT_SANDBOX_SECRET": STRONG_SECRET}):
        call_command("check", deploy=True)  # no SystemCheckError


def test_real_services_pass_without_the_opt_in():
    assert _ids(**REAL) == []


@pytest.mark.parametrize("backend", ["django.core.mail.backends.console.EmailBackend",
                                     "django.core.mail.backends.locmem.EmailBackend"])
def test_an_email_sandbox_is_warned(backend):
    assert _ids(**{**REAL, "EMAIL_BACKEND": backend}) == ["dossiers.W003"]


def test_an_unimportable_backend_is_an_error():
    assert _ids(**{**REAL, "SMS_BACKEND": "dossiers.notifications.NoSuchBackend"}) == ["dossiers.E003"]


# --- the sandbox bank at run time -----------------------------------------------------------------
def test_with_debug_off_the_sandbox_bank_refuses_without_the_opt_in_or_with_a_weak_secret():
    with override_settings(DEBUG=False, ALLOW_SANDBOX=False, PAYMENT_SANDBOX_SECRET=STRONG_SECRET):
        with pytest.raises(ImproperlyConfigured, match="ALLOW_SANDBOX"):
            payments.provider()
    with override_settings(DEBUG=False, ALLOW_SANDBOX=True, PAYMENT_SANDBOX_SECRET="change-me"):
        with pytest.raises(ImproperlyConfigured, match="PAYMENT_SANDBOX_SECRET"):
            payments.provider()
    with override_settings(DEBUG=False, ALLOW_SANDBOX=True, PAYMENT_SANDBOX_SECRET=STRONG_SECRET):
        assert isinstance(payments.provider(), payments.SandboxProvider)
    with override_settings(DEBUG=True, ALLOW_SANDBOX=False, PAYMENT_SANDBOX_SECRET="change-me"):
        assert isinstance(payments.provider(), payments.SandboxProvider)  # local development


@pytest.fixture
def sandbox_page(db, private_media, citizen, agency):  # noqa: F811
    dossier = submitted_dossier(citizen, procedure=factories.ProcedureFactory(agencies=[agency], with_fees=50_000))
    payment, url = services.payment_start(dossier=dossier, actor=citizen)
    assert url == reverse("payment_sandbox", args=[payment.order_id])
    return url


def test_the_sandbox_page_needs_a_login(client, sandbox_page):
    for method in (client.get, client.post):
        response = method(sandbox_page, {"result": "pay"} if method == client.post else None)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_citizen_cannot_see_or_pay_on_the_sandbox_page(client, other_citizen, sandbox_page):
    client.force_login(other_citizen)
    assert client.get(sandbox_page).status_code == 404
    assert client.post(sandbox_page, {"result": "pay"}).status_code == 404


def test_the_sandbox_page_is_gone_when_the_sandbox_is_not_the_allowed_provider(client, citizen, sandbox_page):
    client.force_login(citizen)
    assert client.get(sandbox_page).status_code == 200
    with override_settings(PAYMENT_PROVIDER=f"{__name__}.RealGateway"):
        assert client.get(sandbox_page).status_code == 404
    with override_settings(DEBUG=False, ALLOW_SANDBOX=False):
        assert client.get(sandbox_page).status_code == 404
        assert client.post(sandbox_page, {"result": "pay"}).status_code == 404


def test_a_refused_sandbox_tells_the_citizen_online_payment_is_unavailable(client, citizen, agency, private_media):  # noqa: F811
    """The pay button, the API and the bank's notification answer clearly, never a 500, and settle nothing."""
    dossier = submitted_dossier(citizen, procedure=factories.ProcedureFactory(agencies=[agency], with_fees=50_000))
    payment, _url = services.payment_start(dossier=dossier, actor=citizen)
    signed = payments.provider().notification(payment, success=True, reference="SBX1")
    client.force_login(citizen)
    with override_settings(DEBUG=False, ALLOW_SANDBOX=False):
        page = client.post(reverse("dossier_pay", args=[dossier.public_id]), follow=True)
        assert page.status_code == 200 and "Thanh toán trực tuyến tạm thời chưa sẵn sàng" in page.content.decode()
        api = client.post(reverse("api_dossier_payment", args=[dossier.code]))
        assert api.status_code == 503 and "chưa sẵn sàng" in api.json()["detail"]
        assert client.post(reverse("payment_callback"), signed).status_code == 400
        assert client.get(reverse("payment_return"), signed).status_code == 400
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is None
