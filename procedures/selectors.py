"""Read queries of the procedures app, reused by views, API, other apps and tasks."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import LAST_DAY, check_day
from procedures import assistant
from procedures.calendar import WorkingCalendar
from procedures.fees import fee_breakdown
from procedures.models import AdministrativeUnit, Agency, CalendarException, Field, OnlineMode, Procedure
from procedures.search import normalize, search_procedures, unaccented

# How long the filter lists (agencies, fields) of the search form are cached.
FILTER_CHOICES_SECONDS = 300
# Above this many agencies a procedure page offers a search instead of listing every office.
AGENCY_LIST_LIMIT = 30


def working_calendar():
    """The province's calendar: the holidays package plus what administrators entered."""
    rows = list(CalendarException.objects.values_list("date", "kind", "name"))
    return WorkingCalendar(
        extra_days_off={d: name for d, kind, name in rows if kind == CalendarException.Kind.DAY_OFF},
        extra_working_days={d: name for d, kind, name in rows if kind == CalendarException.Kind.WORKING_DAY},
        cutoff=_hhmm(settings.RECEIPT_CUTOFF), opens=_hhmm(settings.OFFICE_OPENS) or time(7, 30),
        closes=_hhmm(settings.OFFICE_CLOSES) or time(17, 0),
    )


def _hhmm(text):
    if not text:
        return None
    hour, minute = (int(part) for part in text.split(":"))
    return time(hour, minute)


def procedure_cutoff(procedure):
    """Keyword arguments of WorkingCalendar.due_date for a procedure's receipt cut-off: its own rule when it
    has one (with the legal basis shown in the explanation), else the province default."""
    if procedure is not None and procedure.receipt_cutoff is not None:
        return {"cutoff": procedure.receipt_cutoff, "cutoff_basis": procedure.receipt_cutoff_basis}
    return {}


def due_date_explain(*, received_at, days, procedure=None):
    """Due date and the explanation of each rule applied (see procedures.calendar).

    Raises a translated ValidationError when the receipt or the deadline falls outside the days MotCua
    handles (portal.dates; near 9999-12-31 the count overflowed: issue 20 item 9).
    """
    # The day as written, before any conversion: 0001-01-01T00:00+07:00 has no UTC (year 0).
    check_day(received_at.date())
    result = working_calendar().due_date(received_at, days, **procedure_cutoff(procedure))
    if result.due_date and result.due_date > LAST_DAY:
        raise ValidationError(
            _("Hạn giải quyết sẽ sau ngày %(last)s: hãy chọn ngày tiếp nhận sớm hơn hoặc thời hạn ngắn hơn."),
            code="date_range", params={"last": LAST_DAY.strftime("%d/%m/%Y")})
    return result


# --- agencies in force ----------------------------------------------------------------------------
def _day(value):
    return value.strftime("%d/%m/%Y")


def agency_not_in_force_reason(agency, day):
    """None when `agency` receives and handles dossiers on `day`; else why not, naming its successors.

    The one rule of validity for dossiers (issue 13): creating, submitting or taking in a dossier at an
    agency outside its validity period (`valid_from`..`valid_until`, e.g. a district division after
    30/6/2025, a department merged on 1/3/2025) is refused with this reason.
    """
    if agency.valid_until is not None and day > agency.valid_until:
        successors = [a.name for a in agency.successors.in_force_on(day).order_by("name")]
        params = {"agency": agency.name, "last": _day(agency.valid_until), "successors": "; ".join(successors)}
        if successors:
            return _("“%(agency)s” đã thôi hoạt động sau ngày %(last)s do sắp xếp tổ chức. "
                     "Hồ sơ nay do %(successors)s tiếp nhận, giải quyết.") % params
        return _("“%(agency)s” đã thôi hoạt động sau ngày %(last)s do sắp xếp tổ chức. "
                 "Vui lòng chọn cơ quan khác.") % params
    if agency.valid_from is not None and day < agency.valid_from:
        return _("“%(agency)s” chỉ tiếp nhận hồ sơ từ ngày %(first)s.") % {
            "agency": agency.name, "first": _day(agency.valid_from)}
    if not agency.is_active:
        return _("“%(agency)s” hiện không tiếp nhận hồ sơ.") % {"agency": agency.name}
    return None


def agencies_in_force(queryset=None, day=None):
    """Agencies in force on `day` (default today): the structure a person sees in the catalogue."""
    queryset = Agency.objects.all() if queryset is None else queryset
    return queryset.filter(is_active=True).in_force_on(day or timezone.localdate())


def receiving_centres(procedure, deciding_agency=None, day=None):
    """The centres where a dossier of `procedure` decided by `deciding_agency` may be submitted.

    Decree 118/2025/NĐ-CP: a procedure received regardless of administrative boundaries (Procedure.
    boundary_free) may be submitted at any competent centre of the province — MotCua reads "competent" as
    a centre in force that takes in this procedure; any other procedure only at the deciding agency.
    """
    if procedure.boundary_free:
        return agencies_in_force(procedure.agencies.all(), day)
    return agencies_in_force(procedure.agencies.filter(pk=getattr(deciding_agency, "pk", None)), day)


# --- catalogue ----------------------------------------------------------------------------------
def procedure_list():
    """Active procedures, with what a list row shows."""
    return Procedure.objects.filter(is_active=True).select_related("field")


def procedure_text_search(queryset, text):
    """Procedures whose code or names contain every word typed (as a prefix), accents and case
    ignored, best matches first: PostgreSQL full-text search on `search_text` (procedures.search)."""
    return search_procedures(queryset, text)


@dataclass
class AssistantSuggestion:
    """One procedure the virtual assistant proposes, with what to bring, where, how long and how much."""

    procedure: Procedure
    documents: list
    agencies: list
    agency_count: int
    fees: list
    fee_total: int
    waived_online: bool
    online_open: bool


# Offices named in a suggestion; the procedure page lists the rest.
ASSISTANT_AGENCIES = 3


def assistant_answer(*, question, limit=3):
    """The virtual assistant's answer (procedures.assistant) to an everyday question: the best `limit` active
    procedures, or `known` False. Each match carries its `suggestion` (AssistantSuggestion)."""
    result = assistant.answer(Procedure.objects.filter(is_active=True), question, limit=limit)
    # Ranked on code and name only; the few shown are loaded whole.
    loaded = procedure_list().prefetch_related("fees", "documents").in_bulk([m.procedure.pk for m in result.matches])
    for match in result.matches:
        procedure = match.procedure = loaded[match.procedure.pk]
        agencies, agency_count = procedure_agencies(procedure=procedure, limit=ASSISTANT_AGENCIES)
        fees, fee_total = fee_breakdown(procedure)
        match.suggestion = AssistantSuggestion(
            procedure=procedure, documents=list(procedure.documents.all()), agencies=agencies,
            agency_count=agency_count, fees=fees, fee_total=fee_total,
            waived_online=any(line.waived_online for line in procedure.fees.all()),
            online_open=online_submission_open(procedure=procedure))
    return result


def procedure_detail(*, code):
    """One active procedure with its fees and documents (raises Procedure.DoesNotExist)."""
    return (Procedure.objects.filter(is_active=True).select_related("field")
            .prefetch_related("fees", "documents").get(code=code))


def procedure_export_list():
    return list(Procedure.objects.select_related("field").prefetch_related("fees", "documents", "agencies"))


def procedure_agencies(*, procedure, text="", district=None, limit=AGENCY_LIST_LIMIT):
    """(agencies to show, total count) of the offices where `procedure` can be submitted.

    Commune-level procedures are handled by every commune people's committee; callers show the
    first `limit` matches of a name search (accent-insensitive) or of a district.
    """
    agencies = agencies_in_force(procedure.agencies.all()).select_related("district").order_by("name")
    if district is not None:
        agencies = agencies.filter(Q(district=district) | Q(area=district))
    if text:
        agencies = agencies.annotate(plain_name=unaccented("name")).filter(plain_name__contains=normalize(text))
    return list(agencies[:limit]), agencies.count()


def online_submission_open(*, procedure):
    """Whether the "submit online" button shows: an online service exists and the procedure applies."""
    return procedure.is_active and procedure.online_mode != OnlineMode.NONE


def field_list():
    return Field.objects.all()


def agency_list():
    """The agencies of the public catalogue and API: those in force today."""
    return agencies_in_force().select_related("area", "district")


def agency_search(queryset, text):
    """Agencies whose name, short name or code contains `text` (case-insensitive)."""
    text = text.strip()
    return queryset.filter(Q(name__icontains=text) | Q(short_name__icontains=text) | Q(code__icontains=text))


def agency_filter_choices():
    """(code, name) of the offices worth listing in a filter: provincial and district agencies.

    Cached for FILTER_CHOICES_SECONDS: the list changes a few times a year and is on every search.
    """
    return cache.get_or_set("procedures:agency-filter-choices", lambda: list(
        agencies_in_force().exclude(level="commune").order_by("level", "name")
        .values_list("code", "name")
    ), FILTER_CHOICES_SECONDS)


def field_choices():
    """(code, name) of every field (lĩnh vực), cached like agency_filter_choices."""
    return cache.get_or_set("procedures:field-choices",
                            lambda: list(Field.objects.values_list("code", "name")), FILTER_CHOICES_SECONDS)


def unit_list():
    return AdministrativeUnit.objects.select_related("parent")


def procedure_districts(*, procedure):
    """Districts where some office handles `procedure` (the chooser's list on its page)."""
    return AdministrativeUnit.objects.filter(
        level="district", pk__in=agencies_in_force(procedure.agencies.all()).values("district")
    ).order_by("name")


# --- catalogue indicators (for reports) -------------------------------------------------------------
def agency_catalogue_indicators(*, agencies=None):
    """Agencies annotated with `procedures_total` (active procedures in their remit) and
    `procedures_online` (of which offering an online service): one GROUP BY query."""
    active = Q(procedures__is_active=True)
    return (agencies if agencies is not None else Agency.objects.all()).annotate(
        procedures_total=Count("procedures", filter=active, distinct=True),
        procedures_online=Count("procedures", filter=active & ~Q(procedures__online_mode=OnlineMode.NONE),
                                distinct=True),
    )


def procedures_without_dossiers(*, years=3, today=None):
    """Active procedures with no dossier submitted or received in the last `years` years (candidates
    to cut). Reads dossiers through the reverse relation only: procedures never import dossiers."""
    today = today or timezone.localdate()
    since = timezone.make_aware(datetime.combine(today - timedelta(days=365 * years), time.min))
    dossier_model = Procedure._meta.get_field("dossiers").related_model
    recent = dossier_model.objects.filter(procedure=OuterRef("pk")).filter(
        Q(submitted_at__gte=since) | Q(received_at__gte=since)
    )
    return Procedure.objects.filter(is_active=True).exclude(Exists(recent)).select_related("field")
