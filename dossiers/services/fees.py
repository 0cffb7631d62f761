"""Fees collected at the counter outside a payment request (issue 20 item 10).

A dossier's fee is fixed at submission (`intake.dossier_fee`). Online it is paid through the payment
gateway; at the counter the desk officer takes it (cash or card) and records it here, at any open stage,
so that the result — which is returned only once the fee is paid — can go back.
"""

__all__ = ["dossier_collect_fee"]

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import lifecycle
from dossiers.models import Role, Status


@transaction.atomic
def dossier_collect_fee(*, dossier, actor, expected_version=None, ip_address=None, now=None):
    """Thu phí, lệ phí tại quầy: the fee due is paid; a `collect_fee` event (amount, officer, IP)."""
    now = now or timezone.now()

    def change(locked):
        if locked.status not in Status.open_statuses() or locked.status == Status.AWAITING_PAYMENT:
            raise lifecycle.TransitionNotAllowed(_("Hồ sơ không ở bước thu phí tại quầy."))
        if not locked.fee_amount or locked.fee_paid_at is not None:
            raise lifecycle.TransitionNotAllowed(_("Hồ sơ không còn phí, lệ phí phải thu."))
        locked.fee_paid_at, locked.fee_paid_online = now, False
        return {"amount": locked.fee_amount}

    return lifecycle.act(dossier=dossier, action=lifecycle.Recorded.COLLECT_FEE, actor=actor, roles={Role.DESK_OFFICER},
                         change=change, expected_version=expected_version, ip_address=ip_address)
