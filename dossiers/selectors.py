"""Read queries of the dossiers app (desk queues, the officer's dossier page), reused by pages, API and tasks."""

import base64
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from dossiers.auth import normalize_phone
from dossiers.models import Channel, Dossier, DossierEvent, Role, Status
from dossiers.name_search import filter_by_name
from procedures.fees import fee_breakdown
from procedures.form_schema import display_rows
from procedures.models import Agency, Procedure
from procedures.selectors import working_calendar

# Statuses whose clock runs (due soon / overdue); a supplement request stops it.
RUNNING = [s for s in Status.open_statuses() if s != Status.SUPPLEMENT_REQUESTED]


@dataclass(frozen=True)
class Tab:
    """One desk queue: which dossiers, and the (non-null) column it is ordered and paged by."""

    slug: str
    label: str
    order_field: str
    newest_first: bool = False


TABS = [
    Tab("moi", _("Chờ tiếp nhận"), "submitted_at"),
    Tab("da-tiep-nhan", _("Đã tiếp nhận"), "due_date"),
    Tab("cua-toi", _("Tôi đang xử lý"), "due_date"),
    Tab("dang-xu-ly", _("Đang xử lý (cơ quan)"), "due_date"),
    Tab("cho-bo-sung", _("Chờ bổ sung"), "clock_paused_at"),
    Tab("cho-nop-phi", _("Chờ nộp phí"), "due_date"),
    Tab("cho-phe-duyet", _("Chờ phê duyệt"), "due_date"),
    Tab("cho-tra", _("Chờ trả kết quả"), "due_date"),
    Tab("sap-den-han", _("Sắp đến hạn (2 ngày)"), "due_date"),
    Tab("qua-han", _("Quá hạn"), "due_date"),
]
TABS_BY_SLUG = {tab.slug: tab for tab in TABS}
# What a search lists instead of the tab (issue 21 item 10): every status but drafts, returned included,
# dossiers the officer's agencies handle or received, newest first.
SEARCH_TAB = Tab("tim-kiem", _("Kết quả tìm kiếm (mọi trạng thái)"), "submitted_at", newest_first=True)
DEFAULT_TAB_FOR_ROLE = {Role.DESK_OFFICER: "moi", Role.SPECIALIST: "cua-toi", Role.LEADER: "cho-phe-duyet"}


def officer_agency_ids(officer):
    """Agencies where `officer` works (monitors excluded: they watch, they do not process)."""
    return sorted({m.agency_id for m in officer.memberships.all() if m.role != Role.MONITOR})


def default_tab(officer):
    roles = {m.role for m in officer.memberships.all()}
    for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER):
        if role in roles:
            return DEFAULT_TAB_FOR_ROLE[role]
    return TABS[0].slug


def _tab_conditions(officer, today, calendar=None):
    """Q per tab, on dossiers already limited to the officer's agencies."""
    soon = (calendar or working_calendar()).add_working_days(today, 2)
    running = Q(status__in=RUNNING)
    return {
        "moi": Q(status=Status.SUBMITTED),
        "da-tiep-nhan": Q(status=Status.RECEIVED),
        "cua-toi": Q(status=Status.PROCESSING, assignee=officer),
        "dang-xu-ly": Q(status=Status.PROCESSING),
        "cho-bo-sung": Q(status=Status.SUPPLEMENT_REQUESTED),
        "cho-nop-phi": Q(status=Status.AWAITING_PAYMENT),
        "cho-phe-duyet": Q(status=Status.AWAITING_APPROVAL),
        "cho-tra": Q(status=Status.PROCESSED),
        "sap-den-han": running & Q(due_date__gte=today, due_date__lte=soon),
        "qua-han": running & Q(due_date__lt=today),
    }


def _desk_base(officer):
    """Dossiers now handled by the officer's agencies (a transferred-away dossier leaves the queues),
    drafts excluded.

    These are exactly the rows of `Dossier.objects.visible_to(officer)` handled by those agencies that a
    tab can list (visible_to admits a dossier handled by one of the officer's agencies unless it is a
    draft, and no tab lists drafts), written without visible_to's OR: the planner then walks
    dossier_queue_idx (handling agency, status, due date, id) in order and stops at the page's end
    instead of sorting every matching row.
    """
    return Dossier.objects.filter(handling_agency_id__in=officer_agency_ids(officer)).exclude(status=Status.DRAFT)


def queue_counts(*, officer, today=None, calendar=None):
    """Number of dossiers in every tab, in ONE query (conditional aggregation).

    Pass the `calendar` already loaded for the request to save its query.
    """
    today = today or timezone.localdate()
    conditions = _tab_conditions(officer, today, calendar)
    # Served by an index-only scan of dossier_desk_counts_idx (it covers every column used here).
    return _desk_base(officer).filter(status__in=[Status.SUBMITTED, *Status.open_statuses()]).aggregate(
        **{slug: Count("id", filter=q) for slug, q in conditions.items()})


# --- keyset cursor --------------------------------------------------------------------------------
def encode_cursor(value, pk):
    raw = f"{value.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """(value, pk) or None for a malformed cursor (then the first page is shown)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        text, pk = raw.rsplit("|", 1)
        value = parse_datetime(text) if "T" in text else parse_date(text)
        if value is None:
            return None
        return value, int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


# filter name -> ORM lookup; dates are local days turned into datetime bounds (index-friendly).
FILTER_LOOKUPS = {
    "procedure": "procedure_id", "field": "procedure__field_id", "channel": "channel",
    "date_from": "submitted_at__gte", "date_to": "submitted_at__lt", "applicant": "applicant_name__icontains",
}


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _search(queryset, q):
    """What the officer typed: a dossier code or its end, an ID or phone number (digits), else part of a
    name.

    A code, whole or its last part as printed on the receipt ("261102-0001", "0001"), is matched on the
    end of the code by the index on the reversed code (dossier_code_reversed_idx), the ID and phone
    number by their indexes; a name by its words, accents ignored ("le van tra" finds "Lê Văn Trả", "dang"
    finds "Đặng"), each word typed a prefix of a word of the name, by its GIN index (dossiers/name_search.py).
    """
    digits = normalize_phone(q)
    if any(ch.isalpha() for ch in q) and "-" not in q and not any(ch.isdigit() for ch in q):
        return filter_by_name(queryset, q)
    code_end = q.upper()[::-1]
    queryset = queryset.annotate(code_reversed=Reverse("code"))
    # The number given at submission, which receipt replaced (unique index: exact only).
    match = Q(code_reversed__startswith=code_end) | Q(submission_code=q.upper())
    if q.replace(" ", "").replace(".", "").lstrip("+").isdigit():
        match |= Q(applicant_id_number=q.replace(" ", ""))
        if len(digits) >= 9:
            match |= Q(applicant_phone=digits)
    return queryset.filter(match)


def _apply_filters(queryset, filters):
    filters = dict(filters or {})
    if filters.get("date_from"):
        filters["date_from"] = _day_start(filters["date_from"])
    if filters.get("date_to"):
        filters["date_to"] = _day_start(filters["date_to"] + timedelta(days=1))
    lookups = {FILTER_LOOKUPS[name]: value for name, value in filters.items() if name in FILTER_LOOKUPS and value}
    queryset = queryset.filter(**lookups)
    q = (filters.get("q") or "").strip()
    if q:
        queryset = _search(queryset, q)
    return queryset


@dataclass
class QueuePage:
    tab: Tab
    rows: list
    next_cursor: str | None


def dossier_queue(*, officer, tab, filters=None, after=None, limit=50, today=None, calendar=None):
    """One page of a desk queue, oldest deadline first, keyset-paged on (order field, id).

    One query whatever `limit` (the page with its joins; memberships prefetched, calendar given): no
    OFFSET, so page 1,000 costs what page 1 costs.
    """
    today = today or timezone.localdate()
    tab = TABS_BY_SLUG[tab] if isinstance(tab, str) else tab
    if (filters or {}).get("q", "").strip():
        # A search looks in every tab, returned dossiers included (issue 21 item 10).
        tab = SEARCH_TAB
        agencies = officer_agency_ids(officer)
        queryset = Dossier.objects.visible_to(officer).exclude(status=Status.DRAFT).filter(
            Q(handling_agency_id__in=agencies) | Q(receiving_agency_id__in=agencies))
    else:
        queryset = _desk_base(officer).filter(_tab_conditions(officer, today, calendar)[tab.slug])
    key = tab.order_field
    queryset = _apply_filters(queryset, filters)
    cursor = decode_cursor(after) if after else None
    if cursor is not None:
        value, pk = cursor
        # (key, id) > (value, pk) (< when newest first), written so the index gets a range condition
        # (key >= value) to start at.
        near, past, pk_past = ("lte", "lt", "pk__lt") if tab.newest_first else ("gte", "gt", "pk__gt")
        queryset = queryset.filter(Q(**{f"{key}__{near}": value}) & (Q(**{f"{key}__{past}": value})
                                                                     | Q(**{pk_past: pk})))
    order = (f"-{key}", "-pk") if tab.newest_first else (key, "pk")
    rows = list(
        queryset.select_related("procedure", "procedure__field", "handling_agency", "assignee")
        .order_by(*order)[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, key), last.pk)
    return QueuePage(tab, rows, next_cursor)


# --- the officer's dossier page -------------------------------------------------------------------
def desk_dossier(*, officer, code):
    """The dossier with what its page shows, or Dossier.DoesNotExist if the officer may not see it."""
    return (
        Dossier.objects.visible_to(officer).exclude(status=Status.DRAFT)
        .select_related("procedure", "procedure__field", "receiving_agency", "handling_agency", "assignee",
                        "applicant")
        .prefetch_related("documents", "payments", Prefetch("events", queryset=DossierEvent.objects.timeline()
                                                            .select_related("actor", "agency")))
        .get(Q(code=code) | Q(submission_code=code))  # the number given at submission still opens it
    )


STEP_EARLY, STEP_ON_TIME, STEP_LATE = "early", "on_time", "late"
# The words of Mẫu 06 (Circular 03/2025/TT-VPCP, Appendix I): "Trước hạn/đúng hạn/quá hạn".
STEP_LABELS = {STEP_EARLY: _("Trước hạn"), STEP_ON_TIME: _("Đúng hạn"), STEP_LATE: _("Quá hạn")}


def timeliness(day, due_date, calendar=None):
    """Early / on time / late of something done on `day` against `due_date`, in working days: early
    with at least one working day to spare, on time on the due day (or a rest day just before it), else
    late. The desk page's step status and Mẫu 06's column "Trước hạn/đúng hạn/quá hạn" both use it."""
    margin = (calendar or working_calendar()).working_days_between(day, due_date)
    if margin > 0:
        return STEP_EARLY, margin
    if margin == 0 and day <= due_date:
        return STEP_ON_TIME, margin
    return STEP_LATE, margin


def step_status(*, dossier, today=None):
    """Early / on time / late, in working days against the due date (None before receipt).

    A finished dossier is judged on its completion day; an open one on today.
    """
    if dossier.due_date is None:
        return None
    end = dossier.completed_at or dossier.returned_at
    day = timezone.localdate(end) if isinstance(end, datetime) else (today or timezone.localdate())
    status, margin = timeliness(day, dossier.due_date)
    return {"status": status, "label": STEP_LABELS[status], "margin_days": margin, "judged_on": day}


def memberships_of(*, user):
    """An account's roles with their agencies ("who am I")."""
    return user.memberships.select_related("agency").order_by("agency__name", "role")


def desk_intake_choices(*, officer):
    """The agencies where `officer` is a desk officer, and the active procedures they take in."""
    desk_agency_ids = [m.agency_id for m in officer.memberships.all() if m.role == Role.DESK_OFFICER]
    agencies = Agency.objects.filter(pk__in=desk_agency_ids)
    procedures = Procedure.objects.filter(is_active=True, agencies__in=desk_agency_ids).distinct()
    return agencies, procedures


def agency_specialists(*, agency):
    from dossiers.models import User

    return User.objects.filter(memberships__agency=agency, memberships__role=Role.SPECIALIST).order_by("full_name")


def overdue_digest(*, agency_id, today=None):
    """Open dossiers of one agency due within 2 working days or overdue (the leader's morning digest)."""
    today = today or timezone.localdate()
    soon = working_calendar().add_working_days(today, 2)
    rows = (
        Dossier.objects.filter(handling_agency_id=agency_id, status__in=RUNNING, due_date__lte=soon)
        .order_by("due_date", "pk").values_list("code", "due_date", "applicant_name")
    )
    overdue = [(c, d.isoformat(), n) for c, d, n in rows if d < today]
    due_soon = [(c, d.isoformat(), n) for c, d, n in rows if d >= today]
    return {"overdue": overdue, "due_soon": due_soon}



def specialists_of(*, agency_ids):
    """Specialists of the given agencies (assignment choices)."""
    from dossiers.models import User

    return (User.objects.filter(memberships__agency_id__in=agency_ids, memberships__role=Role.SPECIALIST)
            .distinct().order_by("full_name"))


def dossier_form_rows(*, dossier):
    """The filled form as the officer reads it: (label from the procedure's form schema, value), in the
    schema's order, choices by label and dates as dd/mm/yyyy (procedures.form_schema.display_rows)."""
    return [(label, value) for label, value, _name in display_rows(dossier.procedure.form_schema, dossier.form_data)]


def _received_before(agency_id, moment):
    """How many dossiers the agency's desk received in `moment`'s calendar year before `moment`."""
    year_start = _day_start(timezone.localdate(moment).replace(month=1, day=1))
    return Dossier.objects.filter(receiving_agency_id=agency_id, received_at__gte=year_start,
                                  received_at__lt=moment).count()


def book_number(dossier):
    """The dossier's entry in its desk's tracking book: one book (quyển) per calendar year, numbered in the
    order of receipt (Mẫu 01 "Vào Sổ theo dõi hồ sơ, Quyển số …, Số thứ tự …"; Mẫu 07)."""
    if dossier.received_at is None:
        return None
    ties = Dossier.objects.filter(receiving_agency_id=dossier.receiving_agency_id, received_at=dossier.received_at,
                                  pk__lte=dossier.pk).count()
    return _received_before(dossier.receiving_agency_id, dossier.received_at) + ties


def tracking_book(*, officer, agency_id, date_from, date_to):
    """Mẫu 07 (Sổ theo dõi hồ sơ, Circular 03/2025/TT-VPCP, Appendix I): the dossiers one agency's desk
    received between two days (inclusive), in the order of receipt, each with its `book_number` (the
    book restarts each calendar year); only an agency the officer works in."""
    if agency_id not in officer_agency_ids(officer):
        return []
    start, end = _day_start(date_from), _day_start(date_to + timedelta(days=1))
    dossiers = list(
        Dossier.objects.visible_to(officer)
        .filter(receiving_agency_id=agency_id, received_at__gte=start, received_at__lt=end)
        .select_related("procedure", "handling_agency").order_by("received_at", "pk")
    )
    counters = {}
    for dossier in dossiers:
        year = timezone.localdate(dossier.received_at).year
        if year not in counters:
            counters[year] = _received_before(agency_id, dossier.received_at)
        counters[year] += 1
        dossier.book_year, dossier.book_number = year, counters[year]
    return dossiers


def dossier_fee_items(dossier):
    """How the dossier's fee was reached, line by line (procedures.fees), for the receipt and the desk."""
    return fee_breakdown(dossier.procedure, dossier.form_data, online=dossier.channel == Channel.ONLINE)[0]


@dataclass
class SignatureCheck:
    """What the public verification page and API show: the verdict, each check, and the few facts printed
    on the document (code, procedure, agency, date). Never the applicant's personal data."""

    verdict: str
    sha256: str = ""
    signature: object = None
    checks: dict = None
    facts: dict = None
    expected_sha256: str = ""

    def as_dict(self):
        return {"verdict": self.verdict, "sha256": self.sha256, "expected_sha256": self.expected_sha256,
                "checks": self.checks or {}, "facts": self.facts or {}}


def _facts(signature):
    if signature.receipt_id:
        receipt = signature.receipt
        dossier = receipt.payment.dossier
        return {"code": dossier.code, "procedure": dossier.procedure.name, "agency": dossier.handling_agency.name,
                "signed_on": timezone.localtime(signature.signed_at).date().isoformat(),
                "document": _("Biên lai điện tử số %(number)s") % {"number": receipt.number}}
    dossier = signature.document.dossier
    return {"code": dossier.code, "procedure": dossier.procedure.name,
            "agency": dossier.handling_agency.name,
            "signed_on": timezone.localtime(signature.signed_at).date().isoformat(),
            "document": signature.document.name}


def signature_check(*, verification_id=None, data=None):
    """Check a result: the stored file of `verification_id` (the QR code's link), or the uploaded `data`
    (matched to a record by its hash or by its signature's). Verdicts: valid, tampered, revoked (the
    certificate was revoked before it signed), unknown (no record, no signature, not our trust roots)."""
    from dossiers import signing  # here: pyHanko is loaded only by the pages that validate
    from dossiers.models import DocumentSignature, SignatureVerification

    Verdict = SignatureVerification.Verdict
    records = DocumentSignature.objects.select_related(
        "document__dossier__procedure", "document__dossier__handling_agency", "certificate",
        "receipt__payment__dossier__procedure", "receipt__payment__dossier__handling_agency")
    signature = None
    if verification_id is not None:
        signature = records.filter(verification_id=verification_id).first()
        if signature is None:
            return SignatureCheck(verdict=Verdict.UNKNOWN)
        with signature.signed_file.open("rb") as handle:
            data = handle.read()
    validation = signing.validate(data)
    if signature is None:
        signature = (records.filter(sha256=validation.sha256).first()
                     or (validation.signature_digest and records.filter(
                         signature_digest=validation.signature_digest).first()) or None)
    checks = {"signed": validation.signed, "intact": validation.intact and validation.whole_file,
              "trusted": validation.trusted, "not_revoked": None, "timestamped": validation.timestamp_trusted}
    result = SignatureCheck(verdict=Verdict.UNKNOWN, sha256=validation.sha256, signature=signature, checks=checks)
    if signature is None:
        # A signed PDF we never recorded: intact or not, we cannot vouch for its content.
        if validation.signed and not validation.intact:
            result.verdict = Verdict.TAMPERED
        return result
    result.facts, result.expected_sha256 = _facts(signature), signature.sha256
    certificate = signature.certificate
    # At the signing time the time-stamping authority vouches for, else the one recorded here; the CA's
    # revocation list (validation.revoked) and the recorded revocation must both be clear.
    signed_at = validation.signed_at if validation.timestamp_trusted else signature.signed_at
    revoked_before = validation.revoked or bool(certificate and certificate.revoked_at
                                                and certificate.revoked_at <= signed_at)
    checks["not_revoked"] = not revoked_before
    if not (validation.signed and validation.intact and validation.whole_file) or validation.sha256 != signature.sha256:
        result.verdict = Verdict.TAMPERED
    elif revoked_before:  # before "trusted": the validator distrusts a chain with a revoked certificate
        result.verdict = Verdict.REVOKED
    elif not validation.trusted:
        result.verdict = Verdict.UNKNOWN
    else:
        result.verdict = Verdict.VALID
    return result
