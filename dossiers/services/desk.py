"""The one-stop desk (Bộ phận Một cửa): every officer action on a dossier, one function per use case.

Each status change goes through `lifecycle.apply()` (row lock, version check, role check, audit event,
notification on commit); the functions here only validate their own input and set the action's fields
in `change(locked)`. `store_document` is the desk's small upload validator (scans and results); the
citizen stream has its own in `dossiers/uploads.py` and the two are to be unified.
"""

import zlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import CharField, Exists, OuterRef, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import lifecycle, uploads
from dossiers.lifecycle import Action, LifecycleError
from dossiers.models import Channel, Document, DocumentSource, Dossier, Role, Status
from dossiers.services.fees import dossier_collect_fee
from dossiers.services.identity import counter_prefill_apply
from dossiers.services.intake import (
    dossier_create_draft,
    dossier_receive,
    dossier_resume_clock,
    dossier_submit,
)
from dossiers.services.signing import document_signature_record_upload, dossier_sign_results, is_pdf
from procedures.selectors import working_calendar

__all__ = [
    "store_document", "dossier_refuse", "dossier_request_supplement", "dossier_complete_supplement",
    "dossier_assign", "dossier_transfer", "dossier_request_payment", "dossier_record_payment",
    "dossier_submit_for_approval", "dossier_approve", "dossier_send_back", "dossier_upload_result",
    "dossier_send_late_letter", "dossier_return_result", "dossier_stop", "dossier_intake_at_counter",
    "dossiers_bulk_apply", "CounterClosed", "BulkOutcome", "dossiers_watch_overdue", "dossier_desk_action",
    "desk_available_actions", "DESK_ACTIONS", "late_letter_refusal", "document_access_record", "file_access_record", "dossier_print_record",
    "tracking_book_print_record",
]



class CounterClosed(LifecycleError):
    """The procedure is accepted online only today: the officer should submit online on the citizen's behalf."""


def _require_role(actor, dossier, roles):
    if not (actor.roles_in(dossier.handling_agency) & set(roles)):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))


# --- files ----------------------------------------------------------------------------------------
def store_document(*, dossier, uploaded_file, name, source, actor, required_document=None):
    """Save a scan, a result or an officer's upload after the same checks as a citizen's upload.

    `uploaded_file=None` records a paper-only document (source=paper, no file). The content is
    checked by `dossiers.uploads.check_upload` (type by content, whole-file checks, antivirus, size
    limits); a refusal raises LifecycleError with the reason.
    """
    if uploaded_file is None:
        return Document.objects.create(dossier=dossier, name=name, source=DocumentSource.PAPER,
                                       required_document=required_document, uploaded_by=actor)
    used = dossier.documents.aggregate(total=Sum("size"))["total"] or 0
    try:
        checked = uploads.check_upload(uploaded_file, kinds=uploads.accepted_kinds(required_document),
                                       dossier_bytes_used=used)
    except uploads.UploadRefused as refusal:
        raise LifecycleError(refusal.message) from None
    document = Document(
        dossier=dossier, name=name, original_name=checked.name, content_type=checked.content_type,
        size=checked.size, sha256=checked.sha256, source=source, required_document=required_document,
        uploaded_by=actor,
    )
    document.file.save(checked.name, uploaded_file, save=False)
    document.save()
    return document


# --- transitions ----------------------------------------------------------------------------------
def _apply(dossier, action, actor, *, reason="", expected_version=None, ip_address=None, data=None, change=None):
    return lifecycle.apply(dossier=dossier, action=action, actor=actor, reason=reason,
                           expected_version=expected_version, ip_address=ip_address, data=data, change=change)


def dossier_refuse(*, dossier, actor, reason, expected_version=None, ip_address=None):
    """Refuse to receive an online dossier (không tiếp nhận); the reason goes on the refusal notice."""
    return _apply(dossier, Action.REFUSE, actor, reason=reason, expected_version=expected_version,
                  ip_address=ip_address)


def dossier_request_supplement(*, dossier, actor, missing, reason="", expected_version=None, ip_address=None,
                               now=None):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Circular 03/2025/TT-VPCP, Appendix I, Mẫu 02).

    Before receipt (a submitted dossier found incomplete): the clock has not started; once supplemented the
    dossier is back in the desk's intake queue. After receipt: the first request pauses the clock (the
    wait for the applicant is not elapsed); a second request after receipt is the agency's fault
    (the Decree allows asking once, in writing, for everything missing): it is allowed, so the applicant
    can still be told, but the clock keeps running and the event is marked `agency_fault`.
    """
    missing = [line.strip() for line in missing if line and line.strip()]
    if not missing:
        raise LifecycleError(_("Vui lòng liệt kê giấy tờ cần bổ sung."))
    now = now or timezone.now()
    reason = reason.strip() or "; ".join(missing)
    data = {"missing": missing}

    def change(locked):
        if locked.received_at is None:
            data.update(before_receipt=True, pauses_clock=False)
            return
        earlier = locked.events.filter(action=Action.REQUEST_SUPPLEMENT, created_at__gte=locked.received_at).count()
        if earlier:
            data.update(pauses_clock=False, agency_fault=True)
        else:
            data.update(pauses_clock=True)
            locked.clock_paused_at = now

    return _apply(dossier, Action.REQUEST_SUPPLEMENT, actor, reason=reason, expected_version=expected_version,
                  ip_address=ip_address, data=data, change=change)


def dossier_complete_supplement(*, dossier, actor, expected_version=None, ip_address=None, now=None):
    """The desk records that the papers asked for arrived: the full period restarts (DESIGN.md)."""
    now = now or timezone.now()

    def change(locked):
        # Same count as the citizen's own supplement (services.citizen.dossier_supplement): calendar days.
        dossier_resume_clock(locked, now)

    return _apply(dossier, Action.SUPPLEMENT, actor, expected_version=expected_version, ip_address=ip_address,
                  change=change)


def dossier_assign(*, dossier, actor, assignee, expected_version=None, ip_address=None):
    """Hand the dossier to a specialist of the agency handling it."""

    def change(locked):
        if Role.SPECIALIST not in assignee.roles_in(locked.handling_agency):
            raise LifecycleError(_("Người được phân công không phải chuyên viên của cơ quan đang xử lý hồ sơ."))
        locked.assignee = assignee

    return _apply(dossier, Action.ASSIGN, actor, expected_version=expected_version, ip_address=ip_address,
                  data={"assignee": assignee.pk, "assignee_name": assignee.full_name}, change=change)


def dossier_transfer(*, dossier, actor, to_agency, reason, expected_version=None, ip_address=None):
    """Liên thông: another agency takes over. Same code, same dossier row, so it is counted once."""
    from_agency_id = dossier.handling_agency_id

    def change(locked):
        if to_agency.pk == locked.handling_agency_id:
            raise LifecycleError(_("Hồ sơ đang do chính cơ quan này xử lý."))
        if not to_agency.is_active:
            raise LifecycleError(_("Cơ quan nhận liên thông không còn hoạt động."))
        locked.handling_agency = to_agency
        locked.assignee = None

    return _apply(dossier, Action.TRANSFER, actor, reason=reason, expected_version=expected_version,
                  ip_address=ip_address, data={"from_agency": from_agency_id, "to_agency": to_agency.pk},
                  change=change)


def dossier_request_payment(*, dossier, actor, amount, expected_version=None, ip_address=None):
    """Ask the applicant to pay `amount` đồng (nghĩa vụ tài chính)."""
    if amount is None or int(amount) <= 0:
        raise LifecycleError(_("Số tiền phải lớn hơn 0."))

    def change(locked):
        locked.fee_amount = int(amount)

    return _apply(dossier, Action.REQUEST_PAYMENT, actor, expected_version=expected_version, ip_address=ip_address,
                  data={"amount": int(amount)}, change=change)


def dossier_record_payment(*, dossier, actor, expected_version=None, ip_address=None, now=None):
    """The applicant paid at the counter (cash or card); online payments come from the bank callback."""
    now = now or timezone.now()

    def change(locked):
        locked.fee_paid_at = now
        locked.fee_paid_online = False

    return _apply(dossier, Action.PAY, actor, expected_version=expected_version, ip_address=ip_address,
                  change=change)


def dossier_submit_for_approval(*, dossier, actor, reason="", expected_version=None, ip_address=None):
    return _apply(dossier, Action.SUBMIT_FOR_APPROVAL, actor, reason=reason, expected_version=expected_version,
                  ip_address=ip_address)


def dossier_approve(*, dossier, actor, reason="", expected_version=None, ip_address=None):
    """Phê duyệt: the leader's approval signs the PDF results with the agency's certificate (PAdES, a
    stamp and a QR code to /xac-thuc/), in the same transaction: a revoked or expired certificate refuses
    (SigningRefused, 400) and the dossier stays awaiting approval."""
    return _apply(dossier, Action.APPROVE, actor, reason=reason, expected_version=expected_version,
                  ip_address=ip_address, change=lambda locked: dossier_sign_results(dossier=locked, actor=actor))


def dossier_send_back(*, dossier, actor, reason, expected_version=None, ip_address=None):
    return _apply(dossier, Action.SEND_BACK, actor, reason=reason, expected_version=expected_version,
                  ip_address=ip_address)


def dossier_stop(*, dossier, actor, reason, expected_version=None, ip_address=None):
    """Dừng xử lý (agency, with a reason printed on the stop notice)."""
    return _apply(dossier, Action.STOP, actor, reason=reason, expected_version=expected_version,
                  ip_address=ip_address)


RESULT_STATUSES = {Status.PROCESSING, Status.AWAITING_APPROVAL, Status.PROCESSED}


@transaction.atomic
def dossier_upload_result(*, dossier, actor, uploaded_file, name="", ip_address=None):
    """Attach the electronic result. A PDF that already carries a digital signature keeps it: it is
    validated and the validation recorded (DocumentSignature "uploaded"); an unsigned PDF is signed
    when the leader approves (dossier_approve)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _require_role(actor, locked, {Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER})
    if locked.status not in RESULT_STATUSES:
        raise lifecycle.TransitionNotAllowed(_("Chỉ tải kết quả lên khi hồ sơ đang xử lý hoặc đã xử lý xong."))
    document = store_document(dossier=locked, uploaded_file=uploaded_file, name=name or _("Kết quả giải quyết"),
                              source=DocumentSource.RESULT, actor=actor)
    signature = None
    if is_pdf(document):
        with document.file.open("rb") as handle:
            signature = document_signature_record_upload(document=document, data=handle.read(), actor=actor)
    data = {"document": document.pk, "sha256": document.sha256, "signed": signature is not None}
    if signature is not None:
        data["signature_valid"] = bool(signature.validation.get("intact") and signature.validation.get("trusted"))
    lifecycle.record(dossier=locked, action="upload_result", actor=actor, ip_address=ip_address, data=data)
    return document


def late_letter_refusal(dossier, today=None, calendar=None):
    """Why the apology letter cannot be sent now, or None.

    Circular 03/2025/TT-VPCP, Appendix I, Mẫu 04 (văn bản xin lỗi và đề nghị gia hạn thời gian giải
    quyết), under the Decree 118/2025/NĐ-CP rule that the agency foreseeing a late result apologises and
    sets a new date at the latest one working day before the due date (the article number is not
    sourced here: see the issue note): the letter goes while the clock runs, no later than the working
    day before the due day, and only once (the new date is set once and never overwritten).
    """
    today = today or timezone.localdate()
    calendar = calendar or working_calendar()
    if dossier.late_letter_at is not None:
        return _("Văn bản xin lỗi đã gửi ngày %(day)s: ngày hẹn mới chỉ được đặt một lần.") % {
            "day": timezone.localtime(dossier.late_letter_at).strftime("%d/%m/%Y")}
    if dossier.status not in Status.open_statuses() or dossier.status == Status.PROCESSED:
        return _("Chỉ gửi văn bản xin lỗi khi hồ sơ đang trong thời hạn giải quyết.")
    if dossier.due_date is None or dossier.clock_paused_at is not None:
        return _("Hồ sơ đang tạm dừng tính thời hạn (chờ bổ sung): chưa có ngày hẹn để xin lỗi, gia hạn.")
    if calendar.working_days_between(today, dossier.due_date) < 1:
        return _("Đã quá thời hạn gửi văn bản xin lỗi: chậm nhất 01 ngày làm việc trước ngày hẹn trả kết quả "
                 "%(due)s.") % {"due": dossier.due_date.strftime("%d/%m/%Y")}
    return None


def dossier_send_late_letter(*, dossier, actor, new_due_date, reason, expected_version=None, ip_address=None,
                             now=None):
    """Văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): before the due date, once (late_letter_refusal)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise lifecycle.ReasonRequired(_("Vui lòng nêu lý do trễ hạn."))

    def change(locked):
        calendar = working_calendar()
        refusal = late_letter_refusal(locked, timezone.localdate(now), calendar)
        if refusal:
            raise lifecycle.ConditionNotMet(refusal)
        if new_due_date is None or new_due_date <= locked.due_date:
            raise LifecycleError(_("Ngày hẹn mới phải sau ngày hẹn trả kết quả hiện tại (%(due)s).") % {
                "due": locked.due_date.strftime("%d/%m/%Y")})
        if not calendar.is_working_day(new_due_date):
            raise LifecycleError(_("Ngày hẹn mới phải là ngày làm việc."))
        locked.late_letter_at = now
        locked.new_due_date = new_due_date
        return {"new_due_date": new_due_date.isoformat(), "due_date": locked.due_date.isoformat()}

    return lifecycle.act(dossier=dossier, action=lifecycle.Recorded.LATE_LETTER, actor=actor, change=change,
                         roles={Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER}, comment=reason,
                         expected_version=expected_version, ip_address=ip_address, notify=True)


def dossier_return_result(*, dossier, actor, expected_version=None, ip_address=None, now=None):
    """Trả kết quả. The transition's guards (dossiers.lifecycle) hold it until the result is attached, the
    fee paid and, for an overdue dossier, the apology-and-new-date letter sent."""
    return lifecycle.apply(dossier=dossier, action=Action.RETURN_RESULT, actor=actor,
                           expected_version=expected_version, ip_address=ip_address, now=now)


# --- access to files ------------------------------------------------------------------------------
def document_access_record(*, document, actor, inline=False):
    """Audit an official's access to a document's file (a scan, an upload, the result): a `download`
    event on its dossier with who, when, from which IP (the request's), which document, and whether it
    was opened inline (the desk page's previews) or downloaded. Status and version stay as they were.

    Called by every view that serves a dossier's file, after the file opened. The applicant opening
    their own dossier's files is not recorded (returns None): it is their own data, and the audit is
    about officials reading citizens' personal data.
    """
    return file_access_record(
        dossier=document.dossier, actor=actor,
        comment=f"{document.name} ({document.original_name})" if document.original_name else document.name,
        data={"document_id": document.pk, "name": document.name, "original_name": document.original_name,
              "source": document.source, "sha256": document.sha256, "inline": inline},
    )


def file_access_record(*, dossier, actor, comment, data):
    """The `download` event of an official opening one of `dossier`'s files (a document, a fee receipt);
    None for the applicant's own. Every view or service that serves such a file calls this."""
    if actor is not None and dossier.applicant_id == actor.pk:
        return None
    return lifecycle.record(dossier=dossier, action=lifecycle.Recorded.DOWNLOAD, actor=actor, comment=comment,
                            data=data)


def dossier_print_record(*, dossier, actor, document, fmt):
    """Audit an official printing one of the dossier's documents (receipt, refusal, control sheet…): they
    carry the applicant's personal data, like the files. A `print` event with who, when, from which IP
    (the request's), which document and format; status and version stay as they were."""
    return lifecycle.record(dossier=dossier, action=lifecycle.Recorded.PRINT, actor=actor,
                            comment=str(document.title), data={"document": document.slug, "format": fmt})


def tracking_book_print_record(*, dossiers, actor, agency, fmt):
    """Audit the tracking book (Mẫu 07): one `print` event per dossier it listed, in one INSERT."""
    return lifecycle.record_many(dossiers=dossiers, action=lifecycle.Recorded.PRINT, actor=actor,
                                 comment=str(_("Sổ theo dõi hồ sơ")),
                                 data={"document": "so-theo-doi", "format": fmt, "agency": agency.code})


# --- counter and postal intake --------------------------------------------------------------------
@transaction.atomic
def dossier_intake_at_counter(*, procedure, agency, actor, channel, applicant_name, applicant_id_number="",
                              applicant_phone="", applicant_email="", applicant_address="", form_data=None,
                              documents=(), assisted=False, ip_address=None, now=None, deciding_agency=None,
                              proxy_name="", proxy_id_number="", proxy_authorisation="", sets=1,
                              result_delivery=None, result_address="", registry_prefill=None):
    """A walk-in, postal or assisted-online dossier: created, numbered and received in one transaction.

    `agency` is the receiving centre (the officer's desk); `deciding_agency` another agency that decides a
    procedure received regardless of administrative boundaries (Decree 118/2025/NĐ-CP), routed to at
    receipt. The proxy, the number of sets and where the result is collected print on Mẫu 01.

    `documents` is a list of `(required_document, name, uploaded_file_or_None)`; None means the paper
    stays paper (not digitized). `registry_prefill` is the officer's population-registry look-up
    (`registry_lookup_at_counter`) for this applicant: its values replace what was typed, and the
    papers it proves need not be among `documents` (the caller checks, dossiers.validation.registry_waived). Counter and postal intake is refused on the procedure's online-only
    days (CounterClosed); the officer then submits online on the citizen's behalf (assisted=True).
    """
    now = now or timezone.now()
    if Role.DESK_OFFICER not in actor.roles_in(agency):
        raise PermissionDenied(_("Chỉ cán bộ Một cửa của cơ quan được tiếp nhận hồ sơ."))
    if assisted:
        channel = Channel.ONLINE
    elif channel not in (Channel.COUNTER, Channel.POSTAL):
        raise LifecycleError(_("Kênh nộp không hợp lệ."))
    if channel != Channel.ONLINE and not procedure.accepts_paper_on(timezone.localdate(now)):
        raise CounterClosed(_(
            "Hôm nay thủ tục “%(name)s” chỉ tiếp nhận hồ sơ trực tuyến. Vui lòng hỗ trợ công dân nộp trực tuyến."
        ) % {"name": procedure.name})
    dossier = dossier_create_draft(
        procedure=procedure, agency=deciding_agency or agency, receiving_agency=agency, created_by=actor,
        channel=channel, assisted=assisted,
        applicant_name=applicant_name, applicant_id_number=applicant_id_number, applicant_phone=applicant_phone,
        applicant_email=applicant_email, applicant_address=applicant_address, form_data=form_data,
        proxy_name=proxy_name, proxy_id_number=proxy_id_number, proxy_authorisation=proxy_authorisation, sets=sets,
        result_delivery=result_delivery, result_address=result_address,
    )
    if registry_prefill:
        counter_prefill_apply(dossier=dossier, prefill=registry_prefill, actor=actor, ip_address=ip_address)
    for required_document, name, uploaded_file in documents:
        store_document(dossier=dossier, uploaded_file=uploaded_file, name=name, actor=actor,
                       source=DocumentSource.SCANNED, required_document=required_document)
    dossier = dossier_submit(dossier=dossier, actor=actor, ip_address=ip_address, now=now, received_at_once=True)
    return dossier_receive(dossier=dossier, actor=actor, ip_address=ip_address, now=now)


# --- bulk -----------------------------------------------------------------------------------------
@dataclass
class BulkOutcome:
    code: str
    ok: bool
    message: str


def dossiers_bulk_apply(*, dossiers, action, actor, assignee=None, ip_address=None):
    """Receive or assign several dossiers; each in its own transaction, each with its own outcome."""
    outcomes = []
    for dossier in dossiers:
        try:
            if action == Action.RECEIVE:
                dossier_receive(dossier=dossier, actor=actor, ip_address=ip_address)
            elif action == Action.ASSIGN:
                dossier_assign(dossier=dossier, actor=actor, assignee=assignee, ip_address=ip_address)
            else:
                raise LifecycleError(_("Thao tác hàng loạt không hợp lệ."))
        except LifecycleError as exc:
            outcomes.append(BulkOutcome(dossier.code, False, str(exc.message)))
        except PermissionDenied as exc:
            outcomes.append(BulkOutcome(dossier.code, False, str(exc)))
        else:
            outcomes.append(BulkOutcome(dossier.code, True, _("Thành công")))
    return outcomes


# --- overdue watch --------------------------------------------------------------------------------
WATCH_LOCK = zlib.crc32(b"dossiers.watch_overdue") & 0x7FFFFFFF


def dossiers_watch_overdue(*, day=None):
    """Mark newly overdue dossiers (one `overdue` audit event per due date) and queue each agency's digest.

    Idempotent: the event is written only if the dossier has none for its current due date, and the
    digest's outbox key is per (agency, leader, day). Runs one at a time (a transaction-scoped advisory
    lock): two runs at once (two beats, a redelivered task) would otherwise both read "no event yet"
    before either commits and mark every dossier twice. Does nothing on rest days. Returns the number
    of digests queued by this run.
    """
    from dossiers.models import DossierEvent, OutboxMessage, User
    from dossiers.notifications import queue_messages
    from dossiers.selectors import RUNNING, overdue_digest

    day = day or timezone.localdate()
    calendar = working_calendar()
    if not calendar.is_working_day(day):
        return 0
    soon = calendar.add_working_days(day, 2)
    with transaction.atomic():
        with connection.cursor() as cursor:  # the second run waits here, then sees the first one's rows
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WATCH_LOCK])
        already = DossierEvent.objects.annotate(due_text=KT("data__due_date")).filter(
            dossier=OuterRef("pk"), action="overdue", due_text=OuterRef("due_date_text"))
        newly_overdue = (
            Dossier.objects.filter(status__in=RUNNING, due_date__lt=day)
            .annotate(due_date_text=Cast("due_date", CharField()))
            .filter(~Exists(already)).values_list("pk", "status", "handling_agency_id", "due_date")
        )
        DossierEvent.objects.bulk_create([
            DossierEvent(dossier_id=pk, action="overdue", from_status=status, to_status=status, agency_id=agency_id,
                         data={"due_date": due.isoformat()})
            for pk, status, agency_id, due in newly_overdue
        ], batch_size=1000)
        agency_ids = set(
            Dossier.objects.filter(status__in=RUNNING, due_date__lte=soon)
            .values_list("handling_agency_id", flat=True).distinct()
        )
        messages = []
        leaders = User.objects.filter(memberships__role=Role.LEADER, memberships__agency_id__in=agency_ids,
                                      email__isnull=False).values_list("pk", "email", "memberships__agency_id",
                                                                        "memberships__agency__name")
        digests = {agency_id: overdue_digest(agency_id=agency_id, today=day) for agency_id in agency_ids}
        for user_id, email, agency_id, agency_name in leaders:
            key = f"overdue-digest:{agency_id}:{user_id}:{day.isoformat()}"
            messages.append(OutboxMessage(key=key, kind="digest", payload={
                "to": email, "agency_name": agency_name, "day": day.strftime("%d/%m/%Y"), **digests[agency_id]}))
        existing = set(OutboxMessage.objects.filter(key__in=[m.key for m in messages]).values_list("key", flat=True))
        fresh = [m for m in messages if m.key not in existing]
        queue_messages(fresh)
    return len(fresh)


# --- one entry point for pages and API ------------------------------------------------------------
def _receive(dossier, actor, data, **kw):
    return dossier_receive(dossier=dossier, actor=actor, **kw)


DESK_ACTIONS = {
    "receive": _receive,
    "refuse": lambda d, a, data, **kw: dossier_refuse(dossier=d, actor=a, reason=data["reason"], **kw),
    "request_supplement": lambda d, a, data, **kw: dossier_request_supplement(
        dossier=d, actor=a, missing=data["missing"], reason=data.get("reason", ""), **kw),
    "complete_supplement": lambda d, a, data, **kw: dossier_complete_supplement(dossier=d, actor=a, **kw),
    "assign": lambda d, a, data, **kw: dossier_assign(dossier=d, actor=a, assignee=data["assignee"], **kw),
    "transfer": lambda d, a, data, **kw: dossier_transfer(
        dossier=d, actor=a, to_agency=data["to_agency"], reason=data["reason"], **kw),
    "request_payment": lambda d, a, data, **kw: dossier_request_payment(
        dossier=d, actor=a, amount=data["amount"], **kw),
    "record_payment": lambda d, a, data, **kw: dossier_record_payment(dossier=d, actor=a, **kw),
    "collect_fee": lambda d, a, data, **kw: dossier_collect_fee(dossier=d, actor=a, **kw),
    "submit_for_approval": lambda d, a, data, **kw: dossier_submit_for_approval(
        dossier=d, actor=a, reason=data.get("reason", ""), **kw),
    "approve": lambda d, a, data, **kw: dossier_approve(dossier=d, actor=a, reason=data.get("reason", ""), **kw),
    "send_back": lambda d, a, data, **kw: dossier_send_back(dossier=d, actor=a, reason=data["reason"], **kw),
    "upload_result": lambda d, a, data, expected_version=None, **kw: dossier_upload_result(
        dossier=d, actor=a, uploaded_file=data["file"], name=data.get("name", ""), **kw),
    "late_letter": lambda d, a, data, **kw: dossier_send_late_letter(
        dossier=d, actor=a, new_due_date=data["new_due_date"], reason=data["reason"], **kw),
    "return_result": lambda d, a, data, **kw: dossier_return_result(dossier=d, actor=a, **kw),
    "stop": lambda d, a, data, **kw: dossier_stop(dossier=d, actor=a, reason=data["reason"], **kw),
}


# Desk slugs that differ from the lifecycle's action names (so they never clash with citizen routes).
LIFECYCLE_TO_DESK = {"supplement": "complete_supplement", "pay": "record_payment"}


def dossier_desk_action(*, dossier, action, actor, data, ip_address=None):
    """Run one officer action from validated form data (`version` included). Raises LifecycleError/PermissionDenied."""
    return DESK_ACTIONS[action](dossier, actor, data, expected_version=data.get("version"), ip_address=ip_address)


def desk_available_actions(*, user, dossier, today=None):
    """Action slugs to offer now: the lifecycle's, plus the result upload and the late letter."""
    slugs = (LIFECYCLE_TO_DESK.get(str(a), str(a)) for a in lifecycle.allowed_actions(user, dossier))
    actions = [slug for slug in slugs if slug in DESK_ACTIONS]
    roles = lifecycle.actor_kinds(user, dossier)
    officer = bool(roles & {Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER})
    if officer and dossier.status in RESULT_STATUSES:
        actions.append("upload_result")
    if officer and late_letter_refusal(dossier, today) is None:
        actions.append("late_letter")
    if (Role.DESK_OFFICER in roles and dossier.fee_amount and dossier.fee_paid_at is None
            and dossier.status in Status.open_statuses() and dossier.status != Status.AWAITING_PAYMENT):
        actions.append("collect_fee")
    return actions
