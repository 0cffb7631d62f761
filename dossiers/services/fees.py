"""Fees collected at the counter outside a payment request (issue 20 item 10).

A dossier's fee is fixed at submission (`intake.dossier_fee`). Online it is paid through the payment
gateway; at the counter the desk officer takes it (cash or card) and records it here, at any open stage,
so that the result — which is returned only once the fee is paid — can go back.
"""

__all__ = ["dossier_collect_fee"]

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import lifecycle
from dossiers.models import Dossier, Role, Status


@transaction.atomic
def dossier_collect_fee(*, dossier, actor, expected_version=None, ip_address=None, now=None):
    """Thu phí, lệ phí tại quầy: the fee due is paid; a `collect_fee` event (amount, officer, IP)."""
    now = now or timezone.now()
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise lifecycle.DossierChanged(_("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang rồi thao tác lại."))
    if not (actor.roles_in(locked.handling_agency) & {Role.DESK_OFFICER}):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))
    if locked.status not in Status.open_statuses() or locked.status == Status.AWAITING_PAYMENT:
        raise lifecycle.TransitionNotAllowed(_("Hồ sơ không ở bước thu phí tại quầy."))
    if not locked.fee_amount or locked.fee_paid_at is not None:
        raise lifecycle.TransitionNotAllowed(_("Hồ sơ không còn phí, lệ phí phải thu."))
    locked.fee_paid_at, locked.fee_paid_online = now, False
    locked.version += 1
    locked.save(update_fields=["fee_paid_at", "fee_paid_online", "version", "updated_at"])
    lifecycle.record(dossier=locked, action=lifecycle.Recorded.COLLECT_FEE, actor=actor, ip_address=ip_address,
                     data={"amount": locked.fee_amount})
    return locked
