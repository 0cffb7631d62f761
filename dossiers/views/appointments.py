"""Appointment pages (issue 19 item 1): book a time at a centre, the confirmation with its QR code, move,
cancel, the citizen's list; and the kiosk's check-in, which turns an appointment into a ticket.

Booking works without JavaScript: a GET form chooses the centre and the day, then a POST form the time.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import appointment_selectors as selectors
from dossiers import citizen_selectors, services
from dossiers.appointments import Appointment
from dossiers.forms_counter import SlotDayForm, SlotTimeForm
from dossiers.models import Dossier
from dossiers.printing import qr_data_uri
from procedures.models import Procedure


def _own(request, public_id):
    try:
        return selectors.appointment_for_citizen(user=request.user, public_id=public_id)
    except Appointment.DoesNotExist:
        raise Http404 from None


def _picker(request, *, procedure, centres, initial_agency=None):
    """The two steps' forms: (day form, chosen agency, chosen day, slots, time form)."""
    query = request.GET.copy() if "agency" in request.GET or "day" in request.GET else None
    if request.method == "POST":
        query = request.POST
    day_form = SlotDayForm(
        query,
        centres=centres,
        days=selectors.bookable_days(),
        initial={"agency": initial_agency.code if initial_agency else None},
    )
    if not day_form.is_bound or not day_form.is_valid():
        return day_form, None, None, [], None
    agency, day = day_form.cleaned_data["agency"], day_form.cleaned_data["day"]
    slots = selectors.available_slots(agency=agency, procedure=procedure, day=day)
    time_form = SlotTimeForm(request.POST if request.method == "POST" else None, slots=slots)
    return day_form, agency, day, slots, time_form


def _render_picker(request, template, context, picker, status=200):
    day_form, agency, day, slots, time_form = picker
    if day_form.is_bound and not day_form.is_valid():
        status = 400
    return render(
        request,
        template,
        {
            **context,
            "day_form": day_form,
            "agency": agency,
            "day": day,
            "slots": slots,
            "time_form": time_form,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def book(request, procedure_code):
    procedure = get_object_or_404(Procedure, code=procedure_code, is_active=True)
    dossier = None
    if request.GET.get("dossier") or request.POST.get("dossier"):
        try:
            dossier = citizen_selectors.dossier_for_citizen(
                user=request.user, public_id=request.GET.get("dossier") or request.POST.get("dossier")
            )
        except (Dossier.DoesNotExist, ValidationError):  # a malformed id too
            raise Http404 from None
        if dossier.procedure_id != procedure.pk:
            raise Http404
    centres = selectors.booking_centres(procedure)
    initial = (
        dossier.receiving_agency
        if dossier and centres.filter(pk=dossier.receiving_agency_id).exists()
        else None
    )
    picker = _picker(request, procedure=procedure, centres=centres, initial_agency=initial)
    context = {"procedure": procedure, "dossier": dossier, "centres": centres}
    if request.method == "POST":
        _day_form, agency, _day, _slots, time_form = picker
        if time_form is not None and time_form.is_valid():
            try:
                appointment = services.appointment_book(
                    applicant=request.user,
                    agency=agency,
                    procedure=procedure,
                    starts_at=time_form.cleaned_data["time"],
                    dossier=dossier,
                )
            except services.AppointmentError as exc:
                return _render_picker(
                    request, "appointments/book.html", {**context, "error": exc.message}, picker, status=409
                )
            messages.success(request, _("Đã đặt lịch hẹn."))
            return redirect("appointment_detail", public_id=appointment.public_id)
        return _render_picker(request, "appointments/book.html", context, picker, status=400)
    return _render_picker(request, "appointments/book.html", context, picker)


@require_GET
@login_required
def detail(request, public_id):
    """The confirmation: centre, time, procedure, the code and its QR code for the kiosk."""
    appointment = _own(request, public_id)
    return render(
        request,
        "appointments/detail.html",
        {
            "appointment": appointment,
            "qr": qr_data_uri(appointment.code),
            "changeable": appointment.status == Appointment.State.BOOKED
            and appointment.starts_at > timezone.now(),
        },
    )


@require_GET
@login_required
def my_appointments(request):
    return render(
        request, "appointments/list.html", {"appointments": selectors.appointments_of(request.user)}
    )


@require_POST
@login_required
def cancel(request, public_id):
    appointment = _own(request, public_id)
    try:
        services.appointment_cancel(appointment=appointment, actor=request.user)
    except services.AppointmentError as exc:
        messages.error(request, exc.message)
        return redirect("appointment_detail", public_id=appointment.public_id)
    messages.success(request, _("Đã hủy lịch hẹn."))
    return redirect("appointment_detail", public_id=appointment.public_id)


@require_http_methods(["GET", "POST"])
@login_required
def move(request, public_id):
    appointment = _own(request, public_id)
    procedure, agency = appointment.procedure, appointment.slot.agency
    centres = selectors.booking_centres(procedure).filter(pk=agency.pk)
    picker = _picker(request, procedure=procedure, centres=centres, initial_agency=agency)
    context = {"procedure": procedure, "appointment": appointment, "centres": centres}
    if request.method == "POST":
        time_form = picker[4]
        if time_form is not None and time_form.is_valid():
            try:
                services.appointment_move(
                    appointment=appointment, actor=request.user, starts_at=time_form.cleaned_data["time"]
                )
            except services.AppointmentError as exc:
                return _render_picker(
                    request, "appointments/book.html", {**context, "error": exc.message}, picker, status=409
                )
            messages.success(request, _("Đã đổi giờ hẹn."))
            return redirect("appointment_detail", public_id=appointment.public_id)
        return _render_picker(request, "appointments/book.html", context, picker, status=400)
    return _render_picker(request, "appointments/book.html", context, picker)
