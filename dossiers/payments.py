"""Fee payment providers (cổng thanh toán) behind one interface, and the sandbox bank.

A provider turns a pending Payment into the URL where the citizen pays, and turns the bank's
notification (the browser's return or the server-to-server callback) into a verified `Notification`.
Signatures are checked here; what a verified notification does to the dossier is the service's
(`dossiers.services.payment_confirm`). Real gateways (VNPay, the national payment platform) plug in
as other subclasses named by the PAYMENT_PROVIDER setting.
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from dossiers.models import MerchantAccount


class InvalidSignature(Exception):
    """The notification was not signed by the provider (or was altered)."""


@dataclass(frozen=True)
class Notification:
    order_id: str
    amount: int
    success: bool
    reference: str
    raw: dict


class PaymentProvider:
    """Interface every gateway implements."""

    name = ""

    def create_payment(self, payment, *, return_url):
        """URL to send the citizen to so they can pay `payment` (amount in đồng)."""
        raise NotImplementedError

    def verify(self, params):
        """Raise InvalidSignature unless `params` carry the provider's valid signature."""
        raise NotImplementedError

    def parse(self, params):
        """A verified notification as a Notification."""
        raise NotImplementedError

    def refund(self, payment):
        """Pay `payment.amount` back to the payer through the bank; returns the bank's refund reference or
        raises RefundFailed. Must be idempotent per `payment.order_id` (gateways take it as the request id)."""
        raise NotImplementedError


class RefundFailed(Exception):
    """The bank did not accept the refund (its message for the officer)."""


def sign(params, secret):
    """HMAC-SHA256 (hex) of the parameters sorted by name as `k=v&k=v`, signature excluded."""
    message = "&".join(f"{key}={params[key]}" for key in sorted(params) if key != "signature")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class SandboxProvider(PaymentProvider):
    """A simulated bank: a page on this site with "Pay" and "Cancel", then a signed notification."""

    name = "sandbox"
    fields = ("order_id", "amount", "result", "reference")

    @property
    def secret(self):
        return settings.PAYMENT_SANDBOX_SECRET

    def create_payment(self, payment, *, return_url):
        return reverse("payment_sandbox", args=[payment.order_id])

    def notification(self, payment, *, success, reference):
        """What the sandbox bank sends back, signed (used by the sandbox page and by tests)."""
        params = {"order_id": payment.order_id, "amount": str(payment.amount),
                  "result": "success" if success else "cancelled", "reference": reference}
        params["signature"] = sign(params, self.secret)
        return params

    def verify(self, params):
        given = str(params.get("signature", ""))
        if not all(key in params for key in self.fields):
            raise InvalidSignature("missing fields")
        expected = sign({key: params[key] for key in self.fields}, self.secret)
        if not hmac.compare_digest(given, expected):
            raise InvalidSignature("bad signature")

    def refund(self, payment):
        """The sandbox bank refunds at once; the same order refunded twice gets the same reference."""
        return f"SBXR{payment.pk:08d}"

    def parse(self, params):
        try:
            amount = int(params["amount"])
        except (TypeError, ValueError) as exc:
            raise InvalidSignature("bad amount") from exc
        return Notification(order_id=str(params["order_id"]), amount=amount, success=params["result"] == "success",
                            reference=str(params["reference"])[:100],
                            raw={key: str(params[key]) for key in (*self.fields, "signature")})


def merchant_code(dossier, gateway):
    """The merchant account fees of `dossier` are paid into: its handling agency's active account at this
    provider, else the site's (PAYMENT_DEFAULT_MERCHANT). A real gateway passes it in create_payment."""
    account = MerchantAccount.objects.filter(agency_id=dossier.handling_agency_id, provider=gateway.name,
                                             active=True).first()
    return account.merchant_code if account else settings.PAYMENT_DEFAULT_MERCHANT


SANDBOX_SECRET_MIN_LENGTH = 32


def weak_sandbox_secret(secret):
    """The settings' default, a `change-me` placeholder or a short secret (issue 20 item 3)."""
    return (secret == settings.DEMO_PAYMENT_SANDBOX_SECRET or "change-me" in secret
            or len(secret) < SANDBOX_SECRET_MIN_LENGTH or len(set(secret)) < 5)


def sandbox_refusal():
    """Why the sandbox bank may not run here, or "": with DEBUG off it needs ALLOW_SANDBOX and a real
    signing secret (issue 20 item 3; `check --deploy` reports the same, dossiers/checks.py)."""
    if settings.DEBUG:
        return ""
    if not settings.ALLOW_SANDBOX:
        return "The sandbox payment provider is refused with DEBUG off unless ALLOW_SANDBOX=1."
    if weak_sandbox_secret(settings.PAYMENT_SANDBOX_SECRET):
        return (f"PAYMENT_SANDBOX_SECRET must be a random value of at least {SANDBOX_SECRET_MIN_LENGTH} "
                "characters with DEBUG off.")
    return ""


def sandbox_in_use():
    """Whether the configured provider is the sandbox bank and may run here."""
    return issubclass(import_string(settings.PAYMENT_PROVIDER), SandboxProvider) and not sandbox_refusal()


# What a citizen is told when the configured gateway may not run here (a refused sandbox).
UNAVAILABLE = gettext_lazy("Thanh toán trực tuyến tạm thời chưa sẵn sàng. Ông/Bà vui lòng thử lại sau hoặc nộp phí "
                           "tại Bộ phận Một cửa.")


def provider():
    """The configured gateway; a refused sandbox raises ImproperlyConfigured rather than take payments."""
    gateway = import_string(settings.PAYMENT_PROVIDER)()
    if isinstance(gateway, SandboxProvider) and (reason := sandbox_refusal()):
        raise ImproperlyConfigured(reason)
    return gateway
