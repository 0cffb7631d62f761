"""The dossier lifecycle: every status, every allowed transition and who may make it, in one table.

    draft --submit--> submitted --receive--> received --assign--> processing
    submitted --refuse--> refused
    received|processing --request_supplement--> supplement_requested --supplement--> received
    processing --transfer--> processing (at another agency)
    processing --request_payment--> awaiting_payment --pay--> processing
    processing --submit_for_approval--> awaiting_approval --approve--> processed
    awaiting_approval --send_back--> processing
    processed --return_result--> returned
    any open state --withdraw--> withdrawn (applicant) ; --stop--> stopped (agency, with reason)

`apply()` is the only code that changes a dossier's status. It locks the row, checks the status and
the actor's role, lets the calling service change the action's own fields, bumps the version, writes
the audit event, the citizen's notifications (outbox) and the national portal's sync event
(dossiers.national_sync, issue 18 item 3) in the same transaction, and hands them to Celery on commit.

Every event carries the client IP: the `ip_address` a caller passes, else the address of the request
being served (`portal.client_ip.ClientIpMiddleware`), so views need not thread it through; events
written outside a request (Celery tasks, the bank's callback relay, commands) have none.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers import access, national_sync
from dossiers.models import Dossier, DossierEvent, Role, Status
from portal.client_ip import current_client_ip


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ")
    RECEIVE = "receive", _("Tiếp nhận")
    REFUSE = "refuse", _("Từ chối tiếp nhận")
    ASSIGN = "assign", _("Phân công xử lý")
    TRANSFER = "transfer", _("Chuyển liên thông")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    REQUEST_PAYMENT = "request_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    PAY = "pay", _("Đã nộp phí, lệ phí")
    SUBMIT_FOR_APPROVAL = "submit_for_approval", _("Trình phê duyệt")
    APPROVE = "approve", _("Phê duyệt")
    SEND_BACK = "send_back", _("Trả lại để xử lý lại")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    STOP = "stop", _("Dừng xử lý")


class Recorded(models.TextChoices):
    """Audited actions that change no status (written by `record()`), as the audit search names them."""

    UPLOAD_RESULT = "upload_result", _("Tải lên kết quả")
    SIGN_RESULT = "sign_result", _("Ký số kết quả")  # dossiers.services.signing, when the leader approves
    LATE_LETTER = "late_letter", _("Thư xin lỗi và hẹn lại ngày trả")
    RATE = "rate", _("Đánh giá mức độ hài lòng")
    OVERDUE = "overdue", _("Cảnh báo quá hạn")
    DOWNLOAD = "download", _("Cán bộ xem, tải giấy tờ")
    PRINT = "print", _("Cán bộ in phiếu, văn bản của hồ sơ")
    COLLECT_FEE = "collect_fee", _("Thu phí, lệ phí tại quầy")
    REFUND_DUE = "payment_refund_due", _("Thanh toán cần hoàn tiền")
    REFUNDED = "payment_refunded", _("Đã hoàn tiền cho người nộp")  # dossiers.services.payment_settle
    REORGANIZE = "reorganize", _("Chuyển giao do sắp xếp tổ chức")  # dossiers.services.reorganize
    SYNC_REPLAY = "national_sync_replay", _("Gửi lại sự kiện đồng bộ Cổng DVCQG")  # dossiers.national_sync
    REGISTRY_LOOKUP = "registry_lookup", _("Khai thác dữ liệu dân cư")  # dossiers.services.identity


def action_label(slug):
    """The name of an action or recorded action, as the forms and the audit trail print it."""
    for choices in (Action, Recorded):
        if slug in choices.values:
            return choices(slug).label
    return slug


# Who acts. APPLICANT is the dossier's own account; SYSTEM is MotCua itself (a verified bank
# callback); the roles are the actor's roles in the agency now handling the dossier.
APPLICANT = "applicant"
SYSTEM = "system"
DESK, SPECIALIST, LEADER = Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER

OPEN = frozenset(Status.open_statuses())
STAFF_ONLY = DossierEvent.Audience.STAFF

# Recorded actions whose comment is addressed to the applicant; every other recorded comment is internal.
RECORDED_FOR_APPLICANT = frozenset({Recorded.LATE_LETTER, Recorded.RATE, Recorded.COLLECT_FEE, Recorded.REFUND_DUE,
                                    Recorded.REFUNDED,
                                    Recorded.REORGANIZE})


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    actors: frozenset
    needs_reason: bool = False
    notify: bool = True
    # Who may read the comment: the applicant (a refusal's reason, what to supplement) or officers only
    # (a specialist's note to the leader, the leader's reason for sending back). Issue 20 item 6.
    comment_to: str = DossierEvent.Audience.APPLICANT
    # Conditions besides the status: each guard(dossier, today) returns None or why the action must wait.
    # apply() refuses with that message and allowed_actions() does not offer the action meanwhile.
    guards: tuple = ()
    # Where a dossier not yet received goes instead of `target` (a supplement answered before receipt
    # returns to "submitted": Mẫu 02 before receipt, Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP).
    target_before_receipt: str | None = None
    extra: dict = field(default_factory=dict)

    def target_for(self, dossier):
        if self.target_before_receipt and dossier.received_at is None:
            return self.target_before_receipt
        return self.target


def _t(sources, target, actors, **kwargs):
    return Transition(frozenset(sources), target, frozenset(actors), **kwargs)


def result_attached(dossier, today):
    """A result is returned only when there is one: the electronic result, or the paper one scanned."""
    from dossiers.models import DocumentSource

    if not dossier.documents.filter(source=DocumentSource.RESULT).exclude(file="").exists():
        return _("Chưa có kết quả giải quyết: hãy tải lên (hoặc số hóa) kết quả trước khi trả kết quả.")
    return None


def fee_settled(dossier, today):
    """The result is handed over once the fee due is paid (online or at the counter)."""
    if not access.fee_settled(dossier):
        return _("Người nộp chưa nộp phí, lệ phí: chỉ trả kết quả sau khi đã thu phí, lệ phí.")
    return None


TRANSITIONS = {
    Action.SUBMIT: _t({Status.DRAFT}, Status.SUBMITTED, {APPLICANT, DESK}),
    Action.RECEIVE: _t({Status.SUBMITTED}, Status.RECEIVED, {DESK}),
    Action.REFUSE: _t({Status.SUBMITTED}, Status.REFUSED, {DESK}, needs_reason=True),
    Action.ASSIGN: _t({Status.RECEIVED, Status.PROCESSING}, Status.PROCESSING, {DESK, LEADER}, comment_to=STAFF_ONLY),
    Action.TRANSFER: _t({Status.RECEIVED, Status.PROCESSING}, Status.PROCESSING, {DESK, SPECIALIST, LEADER},
                        needs_reason=True, comment_to=STAFF_ONLY),
    # Before receipt (from "submitted"): the desk's Mẫu 02, the clock not started; after receipt: the first
    # request pauses the clock, a second one is the agency's fault (dossiers.services.desk).
    Action.REQUEST_SUPPLEMENT: _t({Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING}, Status.SUPPLEMENT_REQUESTED,
                                  {DESK, SPECIALIST}, needs_reason=True),
    Action.SUPPLEMENT: _t({Status.SUPPLEMENT_REQUESTED}, Status.RECEIVED, {APPLICANT, DESK},
                          target_before_receipt=Status.SUBMITTED),
    Action.REQUEST_PAYMENT: _t({Status.PROCESSING}, Status.AWAITING_PAYMENT, {SPECIALIST, DESK}),
    Action.PAY: _t({Status.AWAITING_PAYMENT}, Status.PROCESSING, {SYSTEM, DESK}),
    Action.SUBMIT_FOR_APPROVAL: _t({Status.PROCESSING}, Status.AWAITING_APPROVAL, {SPECIALIST}, notify=False,
                                   comment_to=STAFF_ONLY),
    Action.APPROVE: _t({Status.AWAITING_APPROVAL}, Status.PROCESSED, {LEADER}, comment_to=STAFF_ONLY),
    Action.SEND_BACK: _t({Status.AWAITING_APPROVAL}, Status.PROCESSING, {LEADER}, needs_reason=True, notify=False,
                         comment_to=STAFF_ONLY),
    Action.RETURN_RESULT: _t({Status.PROCESSED}, Status.RETURNED, {DESK},
                             guards=(result_attached, fee_settled)),
    Action.WITHDRAW: _t(OPEN | {Status.SUBMITTED}, Status.WITHDRAWN, {APPLICANT}, needs_reason=True),
    Action.STOP: _t(OPEN | {Status.SUBMITTED}, Status.STOPPED, {DESK, LEADER}, needs_reason=True),
}

# Timestamps that belong to reaching a status, set by apply() whatever the action.
_REACHED_AT = {
    Status.SUBMITTED: "submitted_at",
    Status.PROCESSED: "completed_at",
    Status.RETURNED: "returned_at",
}


class LifecycleError(Exception):
    """Base of the errors a transition raises; `message` is for the user (translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class TransitionNotAllowed(LifecycleError):
    """The dossier is not in a status this action starts from (often: someone acted first)."""


class DossierChanged(LifecycleError):
    """The dossier changed since the page was loaded (optimistic concurrency)."""


class ReasonRequired(LifecycleError):
    pass


class ConditionNotMet(LifecycleError):
    """A guard of the transition is not met yet (no result attached, fee unpaid, no late letter): 400."""


def actor_kinds(user, dossier):
    """What `user` is for this dossier: applicant, and/or roles in the agency now handling it."""
    if user is None:
        return {SYSTEM}
    kinds = set()
    if dossier.applicant_id is not None and dossier.applicant_id == user.pk:
        kinds.add(APPLICANT)
    kinds.update(m.role for m in user.memberships.all() if m.agency_id == dossier.handling_agency_id)
    return kinds


def waiting_for(transition, dossier, today=None):
    """The first unmet guard's message, or None when the action may go ahead."""
    today = today or timezone.localdate()
    for guard in transition.guards:
        message = guard(dossier, today)
        if message:
            return message
    return None


def allowed_actions(user, dossier, today=None):
    """Actions `user` may take on `dossier` now (drives the buttons on the dossier pages)."""
    kinds = actor_kinds(user, dossier)
    return [
        action for action, t in TRANSITIONS.items()
        if dossier.status in t.sources and kinds & t.actors and waiting_for(t, dossier, today) is None
    ]


def blocked_actions(user, dossier, today=None):
    """{action: why it must wait} for actions the status and role allow but a guard holds back."""
    kinds = actor_kinds(user, dossier)
    blocked = {}
    for action, t in TRANSITIONS.items():
        if dossier.status in t.sources and kinds & t.actors:
            message = waiting_for(t, dossier, today)
            if message:
                blocked[action] = message
    return blocked


def apply(*, dossier, action, actor, reason="", expected_version=None, ip_address=None, data=None, change=None,
          now=None):
    """Make one transition. Returns the updated dossier (a fresh, locked-then-saved instance).

    `change(dossier)`, given by the calling service, sets the action's own fields (due date, assignee,
    handling agency …) on the locked row before it is saved; it may raise LifecycleError to refuse.
    Raises TransitionNotAllowed, DossierChanged, ReasonRequired or PermissionDenied; nothing is written
    then. Runs in its own transaction (or the caller's).
    """
    action = Action(action)
    transition = TRANSITIONS[action]
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if expected_version is not None and int(expected_version) != locked.version:
            raise DossierChanged(_("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang rồi thao tác lại."))
        if locked.status not in transition.sources:
            raise TransitionNotAllowed(
                _("Hồ sơ đang ở trạng thái “%(status)s”, không thể thực hiện “%(action)s”.")
                % {"status": locked.get_status_display(), "action": action.label}
            )
        if not (actor_kinds(actor, locked) & transition.actors):
            raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))
        reason = (reason or "").strip()
        if transition.needs_reason and not reason:
            raise ReasonRequired(_("Vui lòng nêu lý do."))
        message = waiting_for(transition, locked, timezone.localdate(now) if now else None)
        if message:
            raise ConditionNotMet(message)
        from_status, agency_id = locked.status, locked.handling_agency_id
        now = timezone.now()
        if change is not None:
            change(locked)
        target = transition.target_for(locked)
        locked.status = target
        # Set the first time only: a dossier re-submitted after a supplement before receipt keeps its date.
        if target in _REACHED_AT and getattr(locked, _REACHED_AT[target]) is None:
            setattr(locked, _REACHED_AT[target], now)
        if target in Status.final_statuses():
            locked.closed_at = now
        locked.version += 1
        locked.save()
        event = DossierEvent.objects.create(
            dossier=locked, action=action, from_status=from_status, to_status=locked.status, actor=actor,
            agency_id=agency_id, comment=reason, comment_audience=transition.comment_to, data=data or {},
            ip_address=ip_address or current_client_ip(), created_at=now,
        )
        national_sync.record_status_change(dossier=locked, event=event)
        if transition.notify:
            from dossiers.notifications import notify_applicant

            notify_applicant(dossier=locked, event=event)
    return locked


def act(*, dossier, action, actor, roles, change, comment="", expected_version=None, ip_address=None,
        notify=False):
    """A recorded action that changes the dossier's own fields but not its status (the apology letter's
    new date, a fee collected at the counter): the same lock, version check and audit as `apply()`.

    `roles` are the roles in the handling agency that may act; `change(locked)` checks and sets the fields
    on the locked row, may raise LifecycleError to refuse (nothing is written then), and returns the
    event's data. The version is bumped, so a page rendered before the change gets DossierChanged.
    """
    action = Recorded(action)
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if expected_version is not None and int(expected_version) != locked.version:
            raise DossierChanged(_("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang rồi thao tác lại."))
        if not (actor.roles_in(locked.handling_agency) & set(roles)):
            raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với hồ sơ."))
        data = change(locked) or {}
        locked.version += 1
        locked.save()
        event = record(dossier=locked, action=action, actor=actor, comment=comment, data=data,
                       ip_address=ip_address)
        if notify:
            from dossiers.notifications import notify_applicant

            notify_applicant(dossier=locked, event=event)
    return locked


def _recorded_event(*, dossier, action, actor, comment="", data=None, ip_address=None):
    return DossierEvent(
        dossier=dossier, action=action, from_status=dossier.status, to_status=dossier.status, actor=actor,
        agency_id=dossier.handling_agency_id, comment=comment, data=data or {},
        comment_audience=(DossierEvent.Audience.APPLICANT if action in RECORDED_FOR_APPLICANT else STAFF_ONLY),
        ip_address=ip_address or current_client_ip(),
    )


def record(*, dossier, action, actor, comment="", data=None, ip_address=None):
    """Audit an action that changes no status (upload of the result, a printed letter, a download).

    Writes only the event: the dossier's status and version are untouched, so a page rendered before
    a download still acts without a DossierChanged conflict.
    """
    event = _recorded_event(dossier=dossier, action=action, actor=actor, comment=comment, data=data,
                            ip_address=ip_address)
    event.save()
    return event


def record_many(*, dossiers, action, actor, comment="", data=None, ip_address=None):
    """`record()` for many dossiers at once (one INSERT): a list an officer printed, such as the tracking
    book, audits every dossier whose personal data it showed."""
    return DossierEvent.objects.bulk_create([
        _recorded_event(dossier=d, action=action, actor=actor, comment=comment, data=data, ip_address=ip_address)
        for d in dossiers
    ])
