"""Counter pages (issue 19): the public kiosk and call display of a centre, the officer's counter, the measures.

The kiosk, the ticket slip and the display are public and show numbers, services and counters only, never
personal data (a ticket holds none). The officer's counter serves officers of the counter's agency; the
measures serve the agency's leader and the monitor.
"""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import appointment_selectors, counter_selectors, services
from dossiers.counter import ServicePoint, Ticket
from dossiers.forms_counter import CheckInForm, DeskRatingForm, KioskForm, MeasuresForm, TicketActionForm
from dossiers.views.desk import officer_required
from portal import ratelimit
from procedures.models import Agency, Field


def _centre(agency_code):
    agency = get_object_or_404(Agency, code=agency_code, is_active=True)
    if not ServicePoint.objects.filter(agency=agency, is_active=True).exists():
        raise Http404
    return agency


def _kiosk_fields(agency):
    """Services offered at the kiosk: the fields of the open counters, or of the centre's procedures when a
    counter serves everything."""
    counters = ServicePoint.objects.filter(agency=agency, is_active=True)
    named = Field.objects.filter(Q(pk__in=counters.values("fields")) | Q(procedures__in=counters.values("procedures")))
    if counters.filter(fields__isnull=True, procedures__isnull=True).exists():
        named = Field.objects.filter(procedures__agencies=agency, procedures__is_active=True)
    return named.distinct().order_by("name")


# --- public: kiosk, ticket slip, call display ------------------------------------------------------
@require_http_methods(["GET", "POST"])
def kiosk(request, agency_code):
    agency = _centre(agency_code)
    fields = _kiosk_fields(agency)
    if request.method == "POST":
        form = KioskForm(request.POST, fields=fields)
        # The kiosk is public: a client that issues more than a kiosk can (KIOSK_TICKETS_PER_MINUTE per
        # address and centre) is told to wait, so nobody can empty a day's numbers from a script.
        if not ratelimit.hit(f"kiosk:{agency.pk}:{ratelimit.client_ip(request)}", settings.KIOSK_TICKETS_PER_MINUTE, 60):
            form.add_error(None, _("Quá nhiều lượt lấy số trong một phút. Vui lòng chờ giây lát rồi chạm lại."))
            return render(request, "counter/kiosk.html", {"agency": agency, "form": form, "fields": fields,
                                                          "key": uuid.uuid4(),
                                                          "check_in": CheckInForm(initial={"key": uuid.uuid4()})},
                          status=429)
        if form.is_valid():
            ticket = services.ticket_issue(agency=agency, key=form.cleaned_data["key"],
                                           field=form.cleaned_data["field"])
            return redirect("counter_ticket", public_id=ticket.public_id)
        status = 400
    else:
        form, status = KioskForm(initial={"key": uuid.uuid4()}, fields=fields), 200
    return render(request, "counter/kiosk.html", {"agency": agency, "form": form, "fields": fields,
                                                  "key": form["key"].value() or uuid.uuid4(),
                                                  "check_in": CheckInForm(initial={"key": uuid.uuid4()})},
                  status=status)


@require_POST
def kiosk_check_in(request, agency_code):
    """An appointment checked in at the kiosk by its QR code or typed code: its ticket slip, or why not."""
    agency = _centre(agency_code)
    form = CheckInForm(request.POST)
    status = 400
    if not ratelimit.hit(f"kiosk:{agency.pk}:{ratelimit.client_ip(request)}", settings.KIOSK_TICKETS_PER_MINUTE, 60):
        form.add_error(None, _("Quá nhiều lượt lấy số trong một phút. Vui lòng chờ giây lát rồi chạm lại."))
        status = 429
    elif form.is_valid():
        try:
            ticket = services.appointment_check_in(agency=agency, code=form.cleaned_data["code"],
                                                   key=form.cleaned_data["key"])
        except services.AppointmentError as exc:
            form.add_error("code", exc.message)
            status = 409
        else:
            return redirect("counter_ticket", public_id=ticket.public_id)
    fields = _kiosk_fields(agency)
    return render(request, "counter/kiosk.html", {
        "agency": agency, "form": KioskForm(initial={"key": uuid.uuid4()}, fields=fields), "fields": fields,
        "key": uuid.uuid4(), "check_in": form}, status=status)


@require_GET
def ticket_slip(request, public_id):
    ticket = get_object_or_404(Ticket.objects.select_related("agency", "field", "counter"), public_id=public_id)
    wait = services.ticket_estimated_wait(ticket=ticket) if ticket.status == Ticket.State.WAITING else None
    return render(request, "counter/ticket.html", {"ticket": ticket, "wait": wait})


@require_GET
def display(request, agency_code):
    agency = _centre(agency_code)
    return render(request, "counter/display.html", {
        "agency": agency, "rows": counter_selectors.display_rows(agency=agency, day=timezone.localdate()),
        "chime": settings.COUNTER_DISPLAY_CHIME})


@require_GET
def display_rows(request, agency_code):
    """The display's rows alone, fetched every few seconds by htmx (the page works without it on reload)."""
    agency = _centre(agency_code)
    return render(request, "counter/_display_rows.html", {
        "rows": counter_selectors.display_rows(agency=agency, day=timezone.localdate())})


@require_http_methods(["GET", "POST"])
def desk_rating(request, agency_code, number):
    """The counter's tablet: rate the ticket just finished there (public: the tablet stands at the counter)."""
    agency = _centre(agency_code)
    counter = get_object_or_404(ServicePoint, agency=agency, number=number, is_active=True)
    if request.method == "POST":
        form = DeskRatingForm(request.POST)
        if form.is_valid():
            rating = services.desk_rating_give(counter=counter, ticket_public_id=form.cleaned_data["ticket"],
                                               value=form.cleaned_data["value"], reasons=form.cleaned_data["reasons"])
            return render(request, "counter/rating_thanks.html", {"counter": counter, "rated": rating is not None})
        ticket, status = services.ticket_to_rate(counter=counter), 400
    else:
        ticket, status = services.ticket_to_rate(counter=counter), 200
        form = DeskRatingForm(initial={"ticket": ticket.public_id if ticket else None})
    return render(request, "counter/rating.html", {"counter": counter, "ticket": ticket, "form": form},
                  status=status)


# --- the officer's counter ---------------------------------------------------------------------------
def _get_counter(request, pk):
    try:
        return counter_selectors.counter_of(officer=request.user, pk=pk)
    except ServicePoint.DoesNotExist:
        raise Http404 from None


def _counter_page(request, counter, *, form=None, error=None, status=200):
    current = (Ticket.objects.filter(counter=counter, status__in=[Ticket.State.CALLED, Ticket.State.SERVING])
               .select_related("field").first())
    others = ServicePoint.objects.filter(agency=counter.agency, is_active=True).exclude(pk=counter.pk)
    waiting = Ticket.objects.filter(agency=counter.agency, day=timezone.localdate(), status=Ticket.State.WAITING)
    return render(request, "desk/counter.html", {
        "counter": counter, "current": current, "error": error,
        "form": form or TicketActionForm(initial={"ticket": current.pk if current else None}, counters=others),
        "waiting": waiting.filter(services.counter_waiting_filter(counter)).count(),
        "counters": counter_selectors.counters_of(officer=request.user),
        "appointments": appointment_selectors.appointments_of_day(agency=counter.agency, day=timezone.localdate(),
                                                                  counter=counter),
    }, status=status)


@require_GET
@officer_required
def counter_list(request):
    """The counters of the officer's agencies, with their centres' kiosk and display."""
    return render(request, "desk/counter_list.html", {
        "counters": counter_selectors.counters_of(officer=request.user).order_by("agency__name", "number"),
        "reads_measures": counter_selectors.measures_agency_ids(request.user) != set(),
    })


@require_GET
@officer_required
def counter_page(request, pk):
    return _counter_page(request, _get_counter(request, pk))


@require_POST
@officer_required
def counter_call(request, pk):
    counter = _get_counter(request, pk)
    try:
        ticket = services.ticket_call_next(counter=counter, actor=request.user)
    except services.TicketConflict as exc:
        return _counter_page(request, counter, error=exc.message, status=409)
    if ticket is None:
        messages.info(request, _("Không còn ai chờ ở quầy này."))
    else:
        messages.success(request, _("Đã gọi số %(number)s.") % {"number": ticket.label})
    return redirect("desk:counter", pk=counter.pk)


TICKET_ACTIONS = {
    "goi-lai": services.ticket_recall, "vang-mat": services.ticket_no_show, "phuc-vu": services.ticket_serve,
    "xong": services.ticket_done, "chuyen-quay": services.ticket_transfer,
}


@require_POST
@officer_required
def counter_action(request, pk, action):
    counter = _get_counter(request, pk)
    if action not in TICKET_ACTIONS:
        raise Http404
    others = ServicePoint.objects.filter(agency=counter.agency, is_active=True).exclude(pk=counter.pk)
    form = TicketActionForm(request.POST, counters=others)
    if not form.is_valid() or (action == "chuyen-quay" and not form.cleaned_data.get("target")):
        if form.is_valid():
            form.add_error("target", _("Hãy chọn quầy nhận."))
        return _counter_page(request, counter, form=form, status=400)
    ticket = Ticket.objects.filter(pk=form.cleaned_data["ticket"], agency=counter.agency).first()
    if ticket is None:
        return _counter_page(request, counter, error=_("Không tìm thấy số thứ tự."), status=400)
    extra = {"target": form.cleaned_data["target"]} if action == "chuyen-quay" else {}
    try:
        ticket = TICKET_ACTIONS[action](ticket=ticket, counter=counter, actor=request.user, **extra)
    except services.TicketConflict as exc:
        return _counter_page(request, counter, error=exc.message, status=409)
    if action == "phuc-vu":
        query = {"agency": counter.agency_id, "channel": "counter", "ticket": ticket.pk}
        if ticket.procedure_id:
            query["procedure"] = ticket.procedure_id
        return redirect(f"{reverse('desk:intake')}?{urlencode(query)}")
    messages.success(request, _("Đã cập nhật số %(number)s.") % {"number": ticket.label})
    return redirect("desk:counter", pk=counter.pk)


# --- measures ------------------------------------------------------------------------------------------
@require_GET
@login_required
def counter_measures(request):
    agency_ids = counter_selectors.measures_agency_ids(request.user)
    if agency_ids is not None and not agency_ids:
        raise Http404
    form = MeasuresForm(request.GET or {})
    context = {"form": form}
    if form.is_valid():
        period = {"agency_ids": agency_ids, "start": form.cleaned_data["start"], "end": form.cleaned_data["end"]}
        context.update({
            "by_counter": counter_selectors.ticket_measures(by="counter", **period),
            "by_agency": counter_selectors.ticket_measures(by="agency", **period),
            "by_day": counter_selectors.ticket_measures(by="day", **period),
            "productivity": counter_selectors.reception_productivity(**period),
            "ratings": counter_selectors.desk_ratings(**period),
            **period,
        })
    return render(request, "desk/counter_measures.html", context, status=200 if form.is_valid() else 400)


# --- real-time satisfaction at the desk ---------------------------------------------------------------
def _live_context(request):
    agency_ids = counter_selectors.measures_agency_ids(request.user)
    if agency_ids is not None and not agency_ids:
        raise Http404
    day = timezone.localdate()
    rows, total = counter_selectors.live_satisfaction(agency_ids=agency_ids, day=day)
    return {"day": day, "rows": rows, "total": total, "now": timezone.localtime(),
            "latest": counter_selectors.latest_desk_ratings(agency_ids=agency_ids, day=day),
            "target": counter_selectors.SATISFACTION_TARGET}


@require_GET
@login_required
def ratings_live(request):
    """Today's desk ratings for the monitor (all centres) and a leader (own): the satisfied share against the
    95% target, refreshed every 10 s by htmx (a <noscript> refresh every 30 s without JavaScript)."""
    return render(request, "desk/ratings_live.html", _live_context(request))


@require_GET
@login_required
def ratings_live_rows(request):
    return render(request, "desk/_ratings_live_rows.html", _live_context(request))
