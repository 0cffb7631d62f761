"""Creating, numbering, submitting and receiving dossiers: the steps every channel shares."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import lifecycle
from dossiers.models import Channel, Dossier, ResultDelivery
from procedures.fees import fee_breakdown
from procedures.models import OnlineMode
from procedures.selectors import (
    agency_not_in_force_reason,
    procedure_cutoff,
    receiving_centres,
    working_calendar,
)
from procedures.services import procedure_version_in_force

__all__ = [
    "AgencyNotInForce", "check_agency_in_force", "dossier_allocate_code", "dossier_create_draft", "dossier_fee", "dossier_submit", "dossier_receive",
    "dossier_due_explanation", "dossier_start_clock", "dossier_resume_clock", "check_result_delivery",
]


class AgencyNotInForce(lifecycle.LifecycleError):
    """The agency does not exist that day (merged, abolished, not yet set up): 400 with the reason."""


def check_agency_in_force(agency, day):
    """Refuse a dossier at an agency outside its validity period (procedures.selectors.agency_not_in_force_reason).

    Called when a dossier is created, submitted and taken in, so a district division after 30/6/2025 or a
    department merged on 1/3/2025 no longer gets new dossiers; the reason names its successors.
    """
    reason = agency_not_in_force_reason(agency, day)
    if reason:
        raise AgencyNotInForce(reason)


def dossier_allocate_code(*, agency, day):
    """Next code `{agency code}-{yyMMdd}-{NNNN}` for the agency and the day of *receipt*.

    Circular 01/2018/TT-VPCP art. 19 (the structure kept under Decree 118/2025 and Circular 03/2025):
    "YYMMDD là ngày tiếp nhận hồ sơ", "XXXX là số thứ tự hồ sơ tiếp nhận trong ngày". An online
    dossier therefore gets its code when the desk receives it; until then it carries its submission
    number (`dossier_allocate_submission_code`).

    One upsert on the (agency, day) counter row: the row stays locked until the caller's transaction
    ends, so concurrent submissions queue behind it and a rolled-back submission gives its number
    back. Codes are therefore neither duplicated nor skipped. Must run inside a transaction.
    """
    number = next_in_day_sequence(table="dossiers_dossiersequence", agency=agency, day=day)
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def dossier_allocate_submission_code(*, agency, day):
    """Next submission number `{agency code}-{yyMMdd}-N{NNNN}` of an online dossier not yet received.

    Its own counter, so submissions do not use up the numbers of the day's receipts, and its "N" keeps
    it apart from every code proper."""
    number = next_in_day_sequence(table="dossiers_submissionsequence", agency=agency, day=day)
    return f"{agency.code}-{day:%y%m%d}-N{number:04d}"


def next_in_day_sequence(*, table, agency, day):
    """Bump and return the (agency, day) counter of `table` (dossier codes, queue tickets) in one upsert.

    The row stays locked until the caller's transaction ends; a rollback gives the number back.
    """
    assert connection.in_atomic_block, "allocate numbers inside the transaction that uses them"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1)
            ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1
            RETURNING last
            """,  # noqa: S608 - `table` is one of two constants of this app, never input
            [agency.pk, day],
        )
        return cursor.fetchone()[0]


def dossier_fee(*, procedure, channel, form_data=None):
    """Fees due in đồng: every fee line by its formula for this form (`procedures.fees`), less those waived
    for online applications."""
    return fee_breakdown(procedure, form_data, online=channel == Channel.ONLINE)[1]


@transaction.atomic
def check_result_delivery(*, result_delivery, result_address, applicant_address, applicant=None,
                          applicant_email=""):
    """Where the result is collected (Mẫu 01): by post needs an address (the applicant's by default),
    online needs somewhere to send it (an account or an e-mail). Returns the postal address to keep."""
    if result_delivery not in ResultDelivery.values:
        raise lifecycle.LifecycleError(_("Nơi nhận kết quả không hợp lệ."))
    if result_delivery == ResultDelivery.POSTAL:
        address = (result_address or applicant_address or "").strip()
        if not address:
            raise lifecycle.LifecycleError(_("Nhận kết quả qua bưu chính cần địa chỉ nhận."))
        return address
    if result_delivery == ResultDelivery.ONLINE and applicant is None and not applicant_email:
        raise lifecycle.LifecycleError(_("Nhận kết quả trực tuyến cần tài khoản hoặc thư điện tử của người nộp."))
    return ""


def dossier_create_draft(*, procedure, agency, applicant=None, created_by=None, channel=Channel.ONLINE,
                         assisted=False, applicant_name="", applicant_id_number="", applicant_phone="",
                         applicant_email="", applicant_address="", form_data=None, receiving_agency=None,
                         proxy_name="", proxy_id_number="", proxy_authorisation="", sets=1,
                         result_delivery=None, result_address=""):
    """A draft for `procedure` decided by `agency`; contact details default to the applicant's account.

    `receiving_agency` (default `agency`): the centre where it is submitted — another centre only for a
    procedure received regardless of administrative boundaries (`receiving_centres`); the dossier is then
    held by the receiving centre until receipt and routed to `agency` (`deciding_agency`) at receipt.
    """
    if not procedure.is_active:
        raise lifecycle.LifecycleError(_("Thủ tục này hiện không áp dụng."))
    if not procedure.agencies.filter(pk=agency.pk).exists():
        raise lifecycle.LifecycleError(_("Cơ quan đã chọn không giải quyết thủ tục này."))
    check_agency_in_force(agency, timezone.localdate())
    receiving_agency = receiving_agency or agency
    if receiving_agency != agency and not receiving_centres(procedure).filter(pk=receiving_agency.pk).exists():
        raise lifecycle.LifecycleError(_(
            "Thủ tục này chỉ tiếp nhận tại cơ quan giải quyết, không tiếp nhận tại Bộ phận Một cửa khác."))
    if sets is None or sets < 1:
        raise lifecycle.LifecycleError(_("Số bộ hồ sơ ít nhất là 1."))
    if (proxy_id_number or proxy_authorisation) and not proxy_name:
        raise lifecycle.LifecycleError(_("Ghi họ tên người nộp thay."))
    if channel == Channel.ONLINE and procedure.online_mode == OnlineMode.NONE:
        raise lifecycle.LifecycleError(_("Thủ tục này chưa cung cấp dịch vụ trực tuyến."))
    if applicant is not None:
        applicant_name = applicant_name or applicant.full_name
        applicant_id_number = applicant_id_number or applicant.id_number
        applicant_phone = applicant_phone or (applicant.phone or "")
        applicant_email = applicant_email or (applicant.email or "")
        applicant_address = applicant_address or applicant.address
    if result_delivery is None:  # online applicants get the result in their account by default
        result_delivery = ResultDelivery.ONLINE if channel == Channel.ONLINE and applicant else ResultDelivery.DESK
    result_address = check_result_delivery(
        result_delivery=result_delivery, result_address=result_address, applicant_address=applicant_address,
        applicant=applicant, applicant_email=applicant_email)
    return Dossier.objects.create(
        procedure=procedure, receiving_agency=receiving_agency, handling_agency=receiving_agency,
        deciding_agency=agency if agency != receiving_agency else None, applicant=applicant,
        channel=channel, assisted=assisted, applicant_name=applicant_name, applicant_id_number=applicant_id_number,
        applicant_phone=applicant_phone, applicant_email=applicant_email, applicant_address=applicant_address,
        form_data=form_data or {}, proxy_name=proxy_name, proxy_id_number=proxy_id_number,
        proxy_authorisation=proxy_authorisation, sets=sets, result_delivery=result_delivery,
        result_address=result_address,
    )


def dossier_submit(*, dossier, actor, ip_address=None, now=None, received_at_once=False):
    """Submit a draft: fix the procedure version and online mode, number it, compute the fee.

    An online dossier is given its submission number, shown as its code until the desk receives it.
    A dossier received at once (the counter's intake, `received_at_once`) gets no submission number
    but its code proper at once: it is received in the same transaction, on the same day.

    Validation of the form and documents is the caller's (`dossiers.validation.check_complete`) and
    happens before; this function only enforces the lifecycle.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)

    def change(locked):
        check_agency_in_force(locked.receiving_agency, day)
        procedure = locked.procedure
        locked.procedure_version = procedure_version_in_force(procedure=procedure, day=day)
        locked.online_mode = procedure.online_mode if locked.channel == Channel.ONLINE else ""
        locked.fee_amount = dossier_fee(procedure=procedure, channel=locked.channel, form_data=locked.form_data)
        locked.processing_days = procedure.days_for(online=locked.channel == Channel.ONLINE)
        if received_at_once:  # received in this same transaction: the code of the day's receipts
            locked.code = dossier_allocate_code(agency=locked.receiving_agency, day=day)
        else:
            locked.code = locked.submission_code = dossier_allocate_submission_code(
                agency=locked.receiving_agency, day=day)

    with transaction.atomic():
        return lifecycle.apply(dossier=dossier, action=lifecycle.Action.SUBMIT, actor=actor, ip_address=ip_address,
                               change=change)


def dossier_start_clock(locked, now):
    """Start the legal clock at receipt (`now`): the committed time, counted by the calendar with the
    procedure's own receipt cut-off if its rule sets one (procedures.calendar). Clears `clock_paused_at`.
    Call on the locked row inside a transition's `change`."""
    result = working_calendar().due_date(now, locked.processing_days or 0,
                                         **procedure_cutoff(locked.procedure))
    locked.clock_started_at = now
    locked.clock_paused_at = None
    locked.due_date = result.due_date
    return result


def dossier_resume_clock(locked, now):
    """The supplement asked for after receipt arrived: the clock resumes, the period is not restarted.

    The time the dossier waited for the applicant is not elapsed: the due day moves by the working days
    in (pause day, resume day] (procedures.calendar; Decree 118/2025/NĐ-CP supplement rules as monitored
    nationally). `paused_days` adds those working days. A pause that began after the due day does not
    move it (the dossier was already late).
    """
    if locked.due_date is None or locked.clock_paused_at is None:
        locked.clock_paused_at = None
        return None
    locked.due_date, shift = working_calendar().resume(
        locked.due_date, timezone.localdate(locked.clock_paused_at), timezone.localdate(now))
    locked.paused_days += shift
    locked.clock_paused_at = None
    return shift


_start_clock = dossier_start_clock  # former private name, kept for callers written against it


def dossier_receive(*, dossier, actor, expected_version=None, ip_address=None, now=None):
    """Desk receives an online dossier: the clock starts, the due date is fixed and explained, and the
    dossier gets its code dated on the day of receipt (`dossier_allocate_code`)."""
    now = now or timezone.now()

    def change(locked):
        day = timezone.localdate(now)
        check_agency_in_force(locked.handling_agency, day)
        if locked.code_is_provisional:  # a counter intake has its code proper already
            locked.code = dossier_allocate_code(agency=locked.receiving_agency, day=day)
        locked.received_at = now
        dossier_start_clock(locked, now)
        # Received regardless of administrative boundaries (Decree 118/2025/NĐ-CP): the receiving centre
        # keeps the receipt (its code, its statistics); the deciding agency now holds the dossier.
        if locked.deciding_agency_id and locked.deciding_agency_id != locked.handling_agency_id:
            check_agency_in_force(locked.deciding_agency, day)
            locked.handling_agency_id = locked.deciding_agency_id

    return lifecycle.apply(dossier=dossier, action=lifecycle.Action.RECEIVE, actor=actor,
                           expected_version=expected_version, ip_address=ip_address, change=change)


def _pauses(dossier):
    """(start, end or None) of each clock pause after receipt, from the audit trail."""
    pauses, start = [], None
    for event in dossier.events.filter(action__in=["request_supplement", "supplement"]).order_by("created_at"):
        if event.action == "request_supplement" and event.data.get("pauses_clock", True) and start is None:
            if dossier.received_at and event.created_at >= dossier.received_at:
                start = event.created_at
        elif event.action == "supplement" and start is not None:
            pauses.append((start, event.created_at))
            start = None
    if dossier.clock_paused_at is not None:
        pauses.append((dossier.clock_paused_at, None))
    return pauses


def dossier_due_explanation(*, dossier):
    """Why the due date is what it is: the calendar's steps from receipt, with the pauses of the clock."""
    if dossier.clock_started_at is None:
        return None
    try:
        return working_calendar().due_date(dossier.clock_started_at, dossier.processing_days or 0,
                                           paused=_pauses(dossier), **procedure_cutoff(dossier.procedure))
    except ValueError:  # inconsistent history (imported data): explain without the pauses
        return working_calendar().due_date(dossier.clock_started_at, dossier.processing_days or 0,
                                           **procedure_cutoff(dossier.procedure))
