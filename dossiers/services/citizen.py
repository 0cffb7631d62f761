"""What a citizen does with their own dossiers online: fill, attach, submit, supplement, pay, withdraw, rate.

Every function takes the acting account, checks it is the applicant, locks the dossier row where a
concurrent change could matter, and leaves status changes to `lifecycle.apply()`.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import lifecycle, payments, uploads
from dossiers.models import Document, DocumentSource, Dossier, Payment, Rating, Status
from dossiers.services.identity import check_assurance
from dossiers.services.intake import dossier_create_draft, dossier_resume_clock, dossier_submit
from dossiers.validation import check_complete, form_for, json_value

logger = logging.getLogger(__name__)

__all__ = [
    "IncompleteDossier", "AlreadyRated", "PaymentRefused",
    "dossier_start_online", "dossier_save_form", "document_upload", "document_reuse", "document_remove",
    "dossier_submit_online", "dossier_supplement", "dossier_withdraw", "dossier_rate",
    "payment_start", "payment_confirm", "dossier_can_rate", "dossier_fee_due",
]


class IncompleteDossier(lifecycle.LifecycleError):
    """The dossier cannot be submitted yet; `problems` lists why."""

    def __init__(self, problems):
        super().__init__(" ".join(str(p) for p in problems))
        self.problems = problems


class AlreadyRated(lifecycle.LifecycleError):
    pass


class PaymentRefused(lifecycle.LifecycleError):
    pass


def _locked_own(dossier, actor):
    """The dossier row, locked, after checking `actor` is its applicant."""
    locked = Dossier.objects.select_for_update().select_related("procedure").get(pk=dossier.pk)
    if actor is None or locked.applicant_id != actor.pk:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))
    return locked


def _ensure_editable(locked, *, documents=False):
    """Drafts are editable; a dossier waiting for a supplement accepts new documents only."""
    if locked.status == Status.DRAFT:
        return
    if documents and locked.status == Status.SUPPLEMENT_REQUESTED:
        return
    raise lifecycle.TransitionNotAllowed(
        _("Hồ sơ đang ở trạng thái “%(status)s”, không thể sửa.") % {"status": locked.get_status_display()}
    )


def dossier_start_online(*, procedure, agency, applicant, receiving_agency=None, result_delivery=None,
                         result_address=""):
    """A citizen's online draft; contact details come from their account. `receiving_agency`: another
    centre of the province for a procedure received regardless of administrative boundaries."""
    return dossier_create_draft(procedure=procedure, agency=agency, applicant=applicant,
                                receiving_agency=receiving_agency, result_delivery=result_delivery,
                                result_address=result_address)


@transaction.atomic
def dossier_save_form(*, dossier, actor, data):
    """Save the valid form values into the draft, each bounded by its schema field.

    Valid values are stored cleaned (dates ISO, numbers); an emptied field is stored empty (a draft
    may be incomplete). A value its field refuses (5 MB of text, 1e100, -5, a day in 9999) is not
    stored: the draft keeps its last value and the page shows what was typed, bound to the form
    (issue 20 item 13). Returns {field: [messages]} for the fields present in `data` that are not
    valid (missing keys are not checked: a draft may be filled in several calls; submission checks
    everything).
    """
    locked = _locked_own(dossier, actor)
    _ensure_editable(locked)
    known = {spec.get("name") for spec in locked.procedure.form_schema if isinstance(spec, dict)}
    # Fields the population registry filled stay as the registry gave them (dossier_prefill_from_registry).
    known -= set((locked.registry_prefill or {}).get("form", ()))
    given = {key: value for key, value in data.items() if key in known}
    form = form_for(locked, {**locked.form_data, **given})
    form.is_valid()
    saved = dict(locked.form_data)
    for key, value in given.items():
        if key in form.cleaned_data:
            saved[key] = json_value(form.cleaned_data[key])
        elif value in ("", None):
            saved[key] = ""
    locked.form_data = saved
    locked.save(update_fields=["form_data", "updated_at"])
    dossier.form_data = saved
    return {key: list(errors) for key, errors in form.errors.items() if key in given}


def _dossier_bytes(dossier):
    return dossier.documents.aggregate(total=Sum("size"))["total"] or 0


def _slot(locked, *, required_document=None, name=None):
    """The documents already in the slot a new file goes to (issue 21 item 7).

    In a draft, a required document's slot; in a supplement, the item of the request (Mẫu 02) named
    `name`, or, with no name, every file sent since the request (the "other papers" slot).
    """
    if locked.status == Status.DRAFT:
        return locked.documents.filter(required_document=required_document)
    since = locked.documents.filter(is_supplement=True, created_at__gte=_last_request_at(locked))
    return since.filter(name=name) if name else since


def _slot_allows_several(required_document, several):
    if several is not None:
        return several
    return required_document is None or required_document.multiple_files


def _discard(document):
    """Delete a document row; its file too once no other row points at it (a reused file is shared)."""
    name, storage = document.file.name, document.file.storage
    document.delete()
    if name and document.source == DocumentSource.UPLOADED and not Document.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def document_upload(*, dossier, actor, uploaded, required_document=None, name=None, several=None):
    """Attach an uploaded file (checked by content and size) to a draft or a supplement.

    One file per slot unless the slot allows several (`RequiredDocument.multiple_files`, or `several`):
    a new file replaces the one there. The same file (content and name) chosen again for its slot,
    after an error elsewhere on the page, is not stored twice: the document already there is returned.
    `name` names a supplement's item (the line of the request it answers).
    Raises uploads.UploadRefused with a message for the citizen; nothing else of the draft changes.
    """
    locked = _locked_own(dossier, actor)
    _ensure_editable(locked, documents=True)
    if required_document is not None and required_document.procedure_id != locked.procedure_id:
        raise uploads.UploadRefused(_("Thành phần hồ sơ không thuộc thủ tục này."))
    slot = list(_slot(locked, required_document=required_document, name=name))
    checked = uploads.check_upload(uploaded, kinds=uploads.accepted_kinds(required_document),
                                   dossier_bytes_used=_dossier_bytes(locked))
    for existing in slot:
        if (existing.sha256, existing.size, existing.original_name) == (checked.sha256, checked.size, checked.name):
            return existing
    document = Document(
        dossier=locked, required_document=required_document,
        name=name or (required_document.name if required_document else checked.name),
        original_name=checked.name, content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
        source=DocumentSource.UPLOADED, uploaded_by=actor, is_supplement=locked.status != Status.DRAFT,
    )
    document.file.save(checked.name, uploaded, save=False)
    # The file is written before the row: if the transaction rolls back, remove the orphan.
    stored_name, storage = document.file.name, document.file.storage
    try:
        document.save()
    except Exception:
        storage.delete(stored_name)
        raise
    if not _slot_allows_several(required_document, several):
        for replaced in slot:
            _discard(replaced)
    return document


@transaction.atomic
def document_reuse(*, dossier, actor, source, required_document=None):
    """One click from the wallet: a new document row pointing at the same stored file (no copy)."""
    locked = _locked_own(dossier, actor)
    _ensure_editable(locked, documents=True)
    original = source.reused_from or source if source.source == DocumentSource.REUSED else source
    if original.dossier.applicant_id != actor.pk or not original.file:
        raise PermissionDenied(_("Giấy tờ này không thuộc kho dữ liệu của bạn."))
    if required_document is not None:
        if required_document.procedure_id != locked.procedure_id:
            raise uploads.UploadRefused(_("Thành phần hồ sơ không thuộc thủ tục này."))
        if not required_document.reusable:
            raise uploads.UploadRefused(_("Giấy tờ “%(name)s” không được dùng lại từ kho dữ liệu.")
                                        % {"name": required_document.name})
        kinds = uploads.accepted_kinds(required_document)
        if uploads.KIND_OF_MIME.get(original.content_type) not in kinds:
            raise uploads.UploadRefused(_("Giấy tờ đã chọn không đúng định dạng. Định dạng được chấp nhận: %(kinds)s.")
                                        % {"kinds": uploads.kinds_label(kinds)})
    slot = list(_slot(locked, required_document=required_document))
    for existing in slot:
        if existing.file.name == original.file.name:
            return existing
    if _dossier_bytes(locked) + original.size > settings.UPLOAD_MAX_DOSSIER_BYTES:
        raise uploads.UploadRefused(_("Tổng dung lượng giấy tờ của hồ sơ vượt quá giới hạn."))
    if not _slot_allows_several(required_document, None) and locked.status == Status.DRAFT:
        for replaced in slot:
            _discard(replaced)
    return Document.objects.create(
        dossier=locked, required_document=required_document,
        name=required_document.name if required_document else original.name,
        file=original.file.name, original_name=original.original_name, content_type=original.content_type,
        size=original.size, sha256=original.sha256, source=DocumentSource.REUSED, reused_from=original,
        uploaded_by=actor, is_supplement=locked.status != Status.DRAFT,
    )


@transaction.atomic
def document_remove(*, dossier, actor, document):
    """Remove a document from a draft (or a supplement not yet sent). Shared files stay."""
    locked = _locked_own(dossier, actor)
    _ensure_editable(locked, documents=True)
    document = locked.documents.select_for_update().get(pk=document.pk)
    if locked.status != Status.DRAFT and not document.is_supplement:
        raise lifecycle.TransitionNotAllowed(_("Chỉ có thể gỡ giấy tờ bổ sung chưa gửi."))
    _discard(document)


def dossier_submit_online(*, dossier, actor, ip_address=None, now=None):
    """Check the draft is complete, then submit it (code, version, online mode, fee)."""
    with transaction.atomic():
        locked = _locked_own(dossier, actor)
        if locked.status == Status.DRAFT:
            check_assurance(procedure=locked.procedure, user=actor)
            problems = check_complete(locked)
            if problems:
                raise IncompleteDossier(problems)
        return dossier_submit(dossier=locked, actor=actor, ip_address=ip_address, now=now)


def dossier_supplement(*, dossier, actor, comment="", ip_address=None, now=None):
    """Send the supplement: the dossier is complete again and the full legal time restarts now."""
    now = now or timezone.now()

    def change(locked):
        if not locked.documents.filter(is_supplement=True, created_at__gte=_last_request_at(locked)).exists():
            raise IncompleteDossier([_("Vui lòng tải lên giấy tờ bổ sung trước khi gửi.")])
        dossier_resume_clock(locked, now)

    return lifecycle.apply(dossier=dossier, action=lifecycle.Action.SUPPLEMENT, actor=actor, reason=comment,
                           ip_address=ip_address, change=change)


def _last_request_at(dossier):
    event = dossier.events.filter(action=lifecycle.Action.REQUEST_SUPPLEMENT).order_by("-created_at").first()
    return event.created_at if event else dossier.created_at


def dossier_withdraw(*, dossier, actor, reason, expected_version=None, ip_address=None):
    """The applicant withdraws an open dossier, giving a reason."""
    return lifecycle.apply(dossier=dossier, action=lifecycle.Action.WITHDRAW, actor=actor, reason=reason,
                           expected_version=expected_version, ip_address=ip_address)


def dossier_can_rate(*, dossier):
    """A returned dossier not yet rated by the citizen (the page shows the form; dossier_rate enforces it).
    A rating given at the counter's tablet does not close the form: the citizen's word on the result
    replaces it."""
    return dossier.status == Status.RETURNED and not Rating.objects.filter(
        dossier=dossier, source=Rating.Source.CITIZEN).exists()


@transaction.atomic
def dossier_rate(*, dossier, actor, value, comment=""):
    """Rate the service once, after the result is returned."""
    locked = _locked_own(dossier, actor)
    if locked.status != Status.RETURNED:
        raise lifecycle.TransitionNotAllowed(_("Chỉ đánh giá được hồ sơ đã trả kết quả."))
    existing = Rating.objects.filter(dossier=locked).first()
    if existing is not None and existing.source == Rating.Source.CITIZEN:
        raise AlreadyRated(_("Hồ sơ này đã được đánh giá."))
    if existing is not None:  # rated at the counter's tablet: the citizen's rating of the result replaces it
        existing.delete()
    rating = Rating.objects.create(dossier=locked, value=Rating.Value(value), comment=(comment or "").strip())
    lifecycle.record(dossier=locked, action="rate", actor=actor, data={"value": rating.value})
    return rating


# --- payment ----------------------------------------------------------------------------------------
PAYABLE = {Status.SUBMITTED, *Status.open_statuses()}


def dossier_fee_due(*, dossier):
    """A fee is owed and can be paid online now (the page offers it; payment_start enforces it)."""
    return dossier.status in PAYABLE and dossier.fee_amount > 0 and dossier.fee_paid_at is None


@transaction.atomic
def payment_start(*, dossier, actor, return_url=""):
    """The open payment of the dossier's fee, reused by a second click; returns (payment, URL to pay).

    One pending payment per dossier and fee (issue 20 item 4): the dossier row lock serialises clicks,
    and the `payment_one_pending_per_fee` constraint backs it should a writer skip the lock.
    """
    locked = _locked_own(dossier, actor)
    if locked.fee_paid_at is not None:
        raise PaymentRefused(_("Phí, lệ phí của hồ sơ này đã được nộp."))
    if not dossier_fee_due(dossier=locked):
        raise PaymentRefused(_("Hồ sơ này hiện không có khoản phí cần nộp."))
    gateway = payments.provider()
    # A payment older than PAYMENT_EXPIRY_MINUTES is not offered again: its bank link is dead (issue 18 item 4).
    Payment.objects.filter(dossier=locked, state=Payment.State.PENDING, created_at__lt=timezone.now() - timedelta(
        minutes=settings.PAYMENT_EXPIRY_MINUTES)).update(state=Payment.State.EXPIRED)
    open_payment = Payment.objects.filter(dossier=locked, amount=locked.fee_amount, state=Payment.State.PENDING)
    payment = open_payment.first()
    if payment is None:
        try:
            with transaction.atomic():
                payment = Payment.objects.create(dossier=locked, provider=gateway.name, order_id=uuid.uuid4().hex,
                                                 amount=locked.fee_amount,
                                                 merchant_code=payments.merchant_code(locked, gateway))
        except IntegrityError:
            payment = open_payment.get()
    return payment, gateway.create_payment(payment, return_url=return_url)


RECEIPT_TASK = "dossiers.tasks.issue_payment_receipt"  # by name: dossiers.tasks imports the services


def _publish_receipt(payment_id):
    """Hand the receipt to a worker once the payment is committed. A broker outage loses nothing: the
    receipt is made when the citizen first opens it (views.payments.payment_receipt_pdf)."""
    from portal.celery import QueueUnavailable, publish

    try:
        publish(RECEIPT_TASK, payment_id)
    except QueueUnavailable as exc:
        logger.warning("broker unavailable, receipt of payment %s left for its first download: %s", payment_id, exc)


def _refund_reason(payment, dossier):
    """Why a payment the bank settled must not settle the dossier's fee, or "" if it may (items 4, 5)."""
    if dossier.fee_paid_at is not None:
        return Payment.RefundReason.ALREADY_PAID
    if payment.amount != dossier.fee_amount:
        return Payment.RefundReason.FEE_CHANGED
    if dossier.status not in PAYABLE:
        return Payment.RefundReason.NOT_PAYABLE
    return ""


def payment_confirm(*, params, provider=None):
    """Apply a bank notification. Idempotent: the same notification twice records one payment.

    Raises payments.InvalidSignature (logged) for unsigned or altered notifications and
    Payment.DoesNotExist for unknown orders. A verified payment marks the fee paid online; if the
    dossier is waiting for payment it moves on (`Action.PAY`, actor SYSTEM). A payment settles only
    the fee it was started for, once: otherwise it becomes `refund_due`, audited with its reason
    (issue 20 items 4, 5). Returns the Payment.
    """
    gateway = provider or payments.provider()
    try:
        gateway.verify(params)
        notification = gateway.parse(params)
    except payments.InvalidSignature:
        logger.warning("payment notification refused (invalid signature) for order %r", params.get("order_id"))
        raise
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(order_id=notification.order_id, provider=gateway.name)
        # A "cancelled" return may precede the bank's success callback: money taken is never dropped.
        # So may a late success for a payment that expired meanwhile.
        reopened = payment.state in (Payment.State.FAILED, Payment.State.EXPIRED) and notification.success
        if payment.state != Payment.State.PENDING and not reopened:
            return payment
        if notification.amount != payment.amount:
            logger.warning("payment %s: amount %s does not match %s", payment.order_id, notification.amount,
                           payment.amount)
            raise payments.InvalidSignature("amount mismatch")
        now = timezone.now()
        payment.raw, payment.reference = notification.raw, notification.reference
        if not notification.success:
            payment.state = Payment.State.FAILED
            payment.save(update_fields=["state", "raw", "reference"])
            return payment
        dossier = Dossier.objects.select_for_update().get(pk=payment.dossier_id)
        data = {"order_id": payment.order_id, "amount": payment.amount, "reference": payment.reference}
        reason = _refund_reason(payment, dossier)
        if reason:
            payment.state, payment.refund_reason = Payment.State.REFUND_DUE, reason
            payment.save(update_fields=["state", "raw", "reference", "refund_reason"])
            logger.warning("payment %s settled but refused (%s): refund due", payment.order_id, reason)
            lifecycle.record(dossier=dossier, action=lifecycle.Recorded.REFUND_DUE, actor=None,
                             data={**data, "reason": str(reason), "fee_amount": dossier.fee_amount})
            return payment
        payment.state, payment.paid_at = Payment.State.PAID, now
        payment.save(update_fields=["state", "raw", "reference", "paid_at"])
        transaction.on_commit(lambda: _publish_receipt(payment.pk))

        def mark_paid(locked):
            locked.fee_paid_online, locked.fee_paid_at = True, now

        if dossier.status == Status.AWAITING_PAYMENT:
            lifecycle.apply(dossier=dossier, action=lifecycle.Action.PAY, actor=None, data=data, change=mark_paid)
        else:
            mark_paid(dossier)
            dossier.save(update_fields=["fee_paid_online", "fee_paid_at", "updated_at"])
            lifecycle.record(dossier=dossier, action=lifecycle.Action.PAY, actor=None, data=data)
        return payment
