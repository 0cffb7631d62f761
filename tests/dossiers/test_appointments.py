"""Appointments at the counter (issue 19 item 1): slots from the working-day calendar, booking, capacity,
cancel and move, the day-before reminder through the outbox, the kiosk's check-in and "appointments at their
time first"; and the centre's live satisfaction view and waiting figures (items 3, 4)."""

import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from dossiers import appointment_selectors, counter_selectors, notifications, services
from dossiers.appointments import Appointment, AppointmentEvent
from dossiers.counter import DeskRating, ServicePoint, Ticket
from dossiers.models import OutboxMessage, Role, SmsMessage
from procedures.models import CalendarException, Level
from tests import factories
from tests.dossiers.desk_helpers import _fast_passwords  # noqa: F401 (autouse fixture)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2025, 3, 3, 8, 0, tzinfo=VN)
TUESDAY_9 = datetime(2025, 3, 4, 9, 0, tzinfo=VN)


@pytest.fixture
def at_monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def centre(db):
    agency = factories.AgencyFactory(level=Level.COMMUNE)
    procedure = factories.ProcedureFactory(agencies=[agency])
    counter = ServicePoint.objects.create(agency=agency, number=1, appointments_per_slot=1)
    return {
        "agency": agency,
        "procedure": procedure,
        "counter": counter,
        "desk": factories.officer(agency, Role.DESK_OFFICER),
    }


def _book(centre, user=None, at=TUESDAY_9, **kwargs):
    return services.appointment_book(
        applicant=user or factories.UserFactory(),
        agency=centre["agency"],
        procedure=centre["procedure"],
        starts_at=at,
        **kwargs,
    )


# --- slots from the working-day calendar ---------------------------------------------------------------
def test_slots_follow_office_hours_without_lunch_and_none_on_rest_days(db, settings):
    settings.APPOINTMENT_SLOT_MINUTES, settings.OFFICE_LUNCH = 30, "11:30-13:30"
    starts = [f"{s:%H:%M}" for s in appointment_selectors.slot_starts(date(2025, 3, 4))]
    assert starts[0] == "07:30" and starts[-1] == "16:30"
    assert "11:00" in starts and "11:30" not in starts and "13:00" not in starts and "13:30" in starts
    assert appointment_selectors.slot_starts(date(2025, 3, 8)) == []  # a Saturday
    assert appointment_selectors.slot_starts(date(2025, 4, 30)) == []  # Reunification Day
    CalendarException.objects.create(
        date=date(2025, 3, 5), kind=CalendarException.Kind.DAY_OFF, name="Nghỉ bù"
    )
    assert appointment_selectors.slot_starts(date(2025, 3, 5)) == []


def test_only_counters_taking_appointments_give_places(centre, at_monday):
    procedure = centre["procedure"]
    assert list(appointment_selectors.booking_centres(procedure)) == [centre["agency"]]
    ServicePoint.objects.create(agency=centre["agency"], number=2, appointments_per_slot=2)
    ServicePoint.objects.create(agency=centre["agency"], number=3, appointments_per_slot=0)
    assert appointment_selectors.slot_capacity(agency=centre["agency"], procedure=procedure) == 3
    ServicePoint.objects.filter(agency=centre["agency"]).update(appointments_per_slot=0)
    assert not appointment_selectors.booking_centres(procedure).exists()


# --- booking ------------------------------------------------------------------------------------------
def test_a_citizen_books_a_slot_and_gets_a_confirmation_with_a_qr_code(client, centre, at_monday):
    citizen = factories.UserFactory()
    client.force_login(citizen)
    url = reverse("appointment_book", args=[centre["procedure"].code])
    page = client.get(url, {"agency": centre["agency"].code, "day": "2025-03-04"})
    assert page.status_code == 200 and "còn 1 chỗ" in page.content.decode()
    answer = client.post(
        url, {"agency": centre["agency"].code, "day": "2025-03-04", "time": TUESDAY_9.isoformat()}
    )
    appointment = Appointment.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "appointment_detail", args=[appointment.public_id]
    )
    assert (appointment.applicant, appointment.starts_at, appointment.status) == (
        citizen,
        TUESDAY_9,
        "booked",
    )
    assert list(AppointmentEvent.objects.values_list("action", flat=True)) == ["book"]
    confirmation = client.get(answer["Location"]).content.decode()
    assert appointment.code in confirmation and 'src="data:image/png;base64,' in confirmation
    assert "09:00" in confirmation and centre["agency"].name in confirmation
    assert appointment.code in client.get(reverse("my_appointments")).content.decode()


def test_a_full_slot_is_refused_and_shown_full(client, centre, at_monday):
    _book(centre)
    with pytest.raises(services.AppointmentError, match="vừa hết chỗ"):
        _book(centre)
    client.force_login(factories.UserFactory())
    url = reverse("appointment_book", args=[centre["procedure"].code])
    page = client.get(url, {"agency": centre["agency"].code, "day": "2025-03-04"}).content.decode()
    assert "hết chỗ" in page and f'value="{TUESDAY_9.isoformat()}"' not in page
    answer = client.post(
        url, {"agency": centre["agency"].code, "day": "2025-03-04", "time": TUESDAY_9.isoformat()}
    )
    assert answer.status_code == 400 and "Giờ này đã hết chỗ" in answer.content.decode()
    assert Appointment.objects.count() == 1


def test_one_citizen_cannot_book_a_procedure_twice(centre, at_monday):
    citizen = factories.UserFactory()
    ServicePoint.objects.filter(pk=centre["counter"].pk).update(appointments_per_slot=5)
    _book(centre, citizen)
    with pytest.raises(services.AppointmentError, match="đã có lịch hẹn"):
        _book(centre, citizen, at=TUESDAY_9 + timedelta(hours=1))


@pytest.mark.parametrize(
    ("when", "why"),
    [
        (datetime(2025, 3, 8, 9, 0, tzinfo=VN), "không có trong lịch"),  # Saturday
        (datetime(2025, 3, 4, 12, 0, tzinfo=VN), "không có trong lịch"),  # lunch
        (datetime(2025, 3, 4, 9, 10, tzinfo=VN), "không có trong lịch"),  # not a slot start
        (datetime(2025, 3, 3, 8, 30, tzinfo=VN), "đã qua hoặc quá gần"),  # within the hour of notice
        (datetime(2025, 4, 4, 9, 0, tzinfo=VN), "không có trong lịch"),  # beyond 14 days
    ],
)
def test_times_outside_the_calendar_are_refused(centre, at_monday, when, why):
    with pytest.raises(services.AppointmentError, match=why):
        _book(centre, at=when)


def test_bad_input_on_the_booking_page_is_a_translated_4xx(client, centre, at_monday):
    client.force_login(factories.UserFactory())
    url = reverse("appointment_book", args=[centre["procedure"].code])
    assert client.get(url, {"agency": "khong-co", "day": "2025-03-04"}).status_code == 400
    bad_day = client.get(url, {"agency": centre["agency"].code, "day": "hôm qua"})
    assert bad_day.status_code == 400 and "Ngày này không nhận lịch hẹn" in bad_day.content.decode()
    assert (
        client.post(url, {"agency": centre["agency"].code, "day": "2025-03-04", "time": "x"}).status_code
        == 400
    )
    assert client.get(url, {"dossier": "khong-phai-uuid"}).status_code == 404
    assert client.get(reverse("appointment_book", args=["khong-co"])).status_code == 404


# --- from a draft dossier ----------------------------------------------------------------------------------
def test_booking_from_a_draft_dossier_to_bring_the_originals(client, centre, at_monday):
    citizen = factories.UserFactory()
    draft = services.dossier_start_online(
        procedure=centre["procedure"], agency=centre["agency"], applicant=citizen
    )
    client.force_login(citizen)
    detail = client.get(reverse("dossier_detail", args=[draft.public_id])).content.decode()
    link = f"{reverse('appointment_book', args=[centre['procedure'].code])}?dossier={draft.public_id}"
    assert link in detail and "Đặt lịch mang bản gốc đến" in detail
    page = client.get(link)
    assert "mang bản gốc" in page.content.decode()
    client.post(
        link.split("?")[0],
        {
            "agency": centre["agency"].code,
            "day": "2025-03-04",
            "time": TUESDAY_9.isoformat(),
            "dossier": draft.public_id,
        },
    )
    appointment = Appointment.objects.get()
    assert appointment.dossier == draft
    assert (
        "Xin mang bản gốc"
        in client.get(reverse("appointment_detail", args=[appointment.public_id])).content.decode()
    )
    client.force_login(factories.UserFactory())  # someone else's draft: not found
    assert client.get(link).status_code == 404


# --- cancel and move ---------------------------------------------------------------------------------
def test_cancel_frees_the_place_and_move_needs_a_free_slot(client, centre, at_monday):
    citizen, other = factories.UserFactory(), factories.UserFactory()
    mine = _book(centre, citizen)
    eleven = TUESDAY_9 + timedelta(hours=2)
    _book(centre, other, at=eleven)
    with pytest.raises(services.AppointmentError, match="vừa hết chỗ"):
        services.appointment_move(appointment=mine, actor=citizen, starts_at=eleven)
    client.force_login(citizen)
    ten = TUESDAY_9 + timedelta(hours=1)
    answer = client.post(
        reverse("appointment_move", args=[mine.public_id]),
        {"agency": centre["agency"].code, "day": "2025-03-04", "time": ten.isoformat()},
    )
    assert answer.status_code == 302
    mine.refresh_from_db()
    assert mine.starts_at == ten
    assert client.post(reverse("appointment_cancel", args=[mine.public_id])).status_code == 302
    mine.refresh_from_db()
    assert mine.status == "cancelled"
    assert list(mine.events.values_list("action", flat=True)) == ["book", "move", "cancel"]
    _book(centre, at=ten)  # the place is free again
    with pytest.raises(services.AppointmentError, match="không thay đổi được"):
        services.appointment_cancel(appointment=mine, actor=citizen)


def test_another_citizen_cannot_see_move_or_cancel_an_appointment(client, centre, at_monday):
    appointment = _book(centre)
    client.force_login(factories.UserFactory())
    for name in ("appointment_detail", "appointment_move"):
        assert client.get(reverse(name, args=[appointment.public_id])).status_code == 404
    assert client.post(reverse("appointment_cancel", args=[appointment.public_id])).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "booked"


# --- the reminder the day before -----------------------------------------------------------------------
def test_the_reminder_goes_out_the_day_before_once_by_email_and_sms(centre, at_monday, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    citizen = factories.UserFactory(email="hen@example.vn", phone="0912345678")
    appointment = _book(centre, citizen)
    _book(centre, at=datetime(2025, 3, 5, 9, 0, tzinfo=VN))  # the day after tomorrow: not yet
    assert services.appointments_remind(today=date(2025, 3, 3)) == 2
    assert services.appointments_remind(today=date(2025, 3, 3)) == 0  # hourly runs queue nothing twice
    keys = sorted(OutboxMessage.objects.values_list("key", flat=True))
    assert keys == [
        f"appointment:{appointment.pk}:{appointment.slot_id}:remind:email",
        f"appointment:{appointment.pk}:{appointment.slot_id}:remind:sms",
    ]
    for key in keys:
        assert notifications.outbox_send(key=key)
    sms = SmsMessage.objects.get()
    assert sms.phone == "0912345678" and appointment.code in sms.text and "09:00 04/03/2025" in sms.text
    assert len(mail.outbox) == 1 and appointment.code in mail.outbox[0].subject
    assert centre["agency"].name in mail.outbox[0].body and "Change or cancel" in mail.outbox[0].body
    # Moved to another time of tomorrow: a new reminder for the new time.
    services.appointment_move(
        appointment=appointment, actor=citizen, starts_at=TUESDAY_9 + timedelta(hours=1)
    )
    assert services.appointments_remind(today=date(2025, 3, 3)) == 2


def test_the_reminder_task_is_scheduled_and_calls_the_service(centre, at_monday, settings):
    from dossiers.tasks import remind_appointments

    assert (
        settings.CELERY_BEAT_SCHEDULE["counter-appointment-reminders"]["task"]
        == "dossiers.tasks.remind_appointments"
    )
    _book(centre)
    assert remind_appointments.run("2025-03-03") == 2
    assert remind_appointments.run("2025-03-03") == 0


# --- the kiosk's check-in and the call order --------------------------------------------------------------
def _check_in(client, centre, code):
    page = client.get(reverse("counter_kiosk", args=[centre["agency"].code])).content.decode()
    key = re.search(r'name="key" value="([0-9a-f-]{36})"', page.split("check-in-heading")[-1]).group(1)
    return client.post(
        reverse("counter_kiosk_check_in", args=[centre["agency"].code]), {"code": code, "key": key}
    )


def test_the_kiosk_checks_an_appointment_in_by_its_qr_code_within_its_window(client, centre, at_monday):
    appointment = _book(centre)
    with time_machine.travel(TUESDAY_9 - timedelta(minutes=90), tick=False):
        early = _check_in(client, centre, appointment.code)
        assert early.status_code == 409 and "Mời quay lại từ 08:00" in early.content.decode()
    with time_machine.travel(TUESDAY_9 - timedelta(minutes=20), tick=False):
        # The scanner types what the QR code holds; a person may type it in lower case with spaces.
        answer = _check_in(client, centre, f" {appointment.code[:4].lower()} {appointment.code[4:].lower()} ")
        assert answer.status_code == 302
        again = _check_in(client, centre, appointment.code)  # a re-tap after a lost answer
        assert again["Location"] == answer["Location"]
    ticket = Ticket.objects.get()
    appointment.refresh_from_db()
    assert (appointment.status, appointment.ticket, ticket.appointment_at) == (
        "checked_in",
        ticket,
        TUESDAY_9,
    )
    assert ticket.procedure == centre["procedure"] and ticket.field == centre["procedure"].field
    slip = client.get(answer["Location"]).content.decode()
    assert ticket.label in slip and appointment.applicant.full_name not in slip


def test_the_kiosk_refuses_unknown_late_cancelled_and_foreign_appointments(client, centre, at_monday):
    appointment = _book(centre)
    cancelled = _book(centre, at=TUESDAY_9 + timedelta(hours=1))
    services.appointment_cancel(appointment=cancelled, actor=cancelled.applicant)
    assert _check_in(client, centre, "KHONGCO2").status_code == 409
    assert _check_in(client, centre, "").status_code == 400
    with time_machine.travel(TUESDAY_9 + timedelta(minutes=45), tick=False):
        late = _check_in(client, centre, appointment.code)
        assert late.status_code == 409 and "quá giờ hẹn" in late.content.decode()
        gone = _check_in(client, centre, cancelled.code)
        assert gone.status_code == 409 and "đã hủy" in gone.content.decode()
    other = factories.AgencyFactory()
    ServicePoint.objects.create(agency=other, number=1)
    with time_machine.travel(TUESDAY_9, tick=False):
        assert _check_in(client, {"agency": other}, appointment.code).status_code == 409  # another centre
    assert Ticket.objects.count() == 0


def test_call_next_takes_appointments_at_their_time_first(centre, at_monday):
    appointment = _book(centre)
    counter, desk = centre["counter"], centre["desk"]
    field = centre["procedure"].field
    with time_machine.travel(TUESDAY_9 - timedelta(minutes=30), tick=False):
        walk_in_1 = services.ticket_issue(agency=centre["agency"], key=uuid.uuid4(), field=field)
    with time_machine.travel(TUESDAY_9 - timedelta(minutes=20), tick=False):
        booked = services.appointment_check_in(
            agency=centre["agency"], code=appointment.code, key=uuid.uuid4()
        )
        walk_in_2 = services.ticket_issue(agency=centre["agency"], key=uuid.uuid4(), field=field)
    with time_machine.travel(TUESDAY_9 - timedelta(minutes=10), tick=False):
        # Before its time the appointment waits like anyone: the earliest walk-in goes first.
        assert services.ticket_call_next(counter=counter, actor=desk) == walk_in_1
        services.ticket_done(ticket=walk_in_1, counter=counter, actor=desk)
    with time_machine.travel(TUESDAY_9, tick=False):
        # Its time has come: ahead of walk_in_2, who took a number before it was called.
        assert services.ticket_call_next(counter=counter, actor=desk) == booked
        services.ticket_done(ticket=booked, counter=counter, actor=desk)
        assert services.ticket_call_next(counter=counter, actor=desk) == walk_in_2


# --- live satisfaction and the waiting figures ---------------------------------------------------------
def _rated(centre, value, at):
    with time_machine.travel(at, tick=False):
        ticket = services.ticket_issue(
            agency=centre["agency"], key=uuid.uuid4(), field=centre["procedure"].field
        )
        services.ticket_call_next(counter=centre["counter"], actor=centre["desk"])
        services.ticket_done(ticket=ticket, counter=centre["counter"], actor=centre["desk"])
        return services.desk_rating_give(
            counter=centre["counter"],
            ticket_public_id=ticket.public_id,
            value=value,
            reasons=["wait"] if value == "unsatisfied" else [],
        )


def test_live_satisfaction_is_the_satisfied_share_against_95_percent(client, centre):
    for minute, value in enumerate(["very_satisfied"] * 18 + ["satisfied"] + ["unsatisfied"]):
        _rated(centre, value, MONDAY + timedelta(minutes=minute))
    rows, total = counter_selectors.live_satisfaction(agency_ids=None, day=MONDAY.date())
    assert (total.ratings, total.share, total.meets) == (20, 95.0, True)
    assert [(r.agency_id, r.unsatisfied) for r in rows] == [(centre["agency"].pk, 1)]
    _rated(centre, "unsatisfied", MONDAY + timedelta(minutes=30))
    _rows, total = counter_selectors.live_satisfaction(agency_ids=None, day=MONDAY.date())
    assert (total.share, total.meets) == (90.5, False)
    assert DeskRating.objects.count() == 21
    leader = factories.officer(centre["agency"], Role.LEADER)
    client.force_login(leader)
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        page = client.get(reverse("desk:counter_ratings_live")).content.decode()
        rows_html = client.get(reverse("desk:counter_ratings_live_rows")).content.decode()
    assert 'data-hx-trigger="every 10s"' in page and ("90,5%" in page or "90.5%" in page)
    assert "chưa đạt" in rows_html and "Chờ lâu" in rows_html and "<html" not in rows_html
    client.force_login(factories.officer(factories.AgencyFactory(), Role.LEADER))  # another centre's leader
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        assert "chưa có đánh giá" in client.get(reverse("desk:counter_ratings_live_rows")).content.decode()


def test_average_wait_per_centre_and_counter_per_month(centre):
    field = centre["procedure"].field
    for day, wait in ((3, 10), (4, 20), (5, 40)):
        issued = datetime(2025, 3, day, 8, 0, tzinfo=VN)
        with time_machine.travel(issued, tick=False):
            ticket = services.ticket_issue(agency=centre["agency"], key=uuid.uuid4(), field=field)
        with time_machine.travel(issued + timedelta(minutes=wait), tick=False):
            services.ticket_call_next(counter=centre["counter"], actor=centre["desk"])
            services.ticket_done(ticket=ticket, counter=centre["counter"], actor=centre["desk"])
    assert counter_selectors.average_wait(centre["agency"], date(2025, 3, 15)) == pytest.approx(23.3)
    assert counter_selectors.average_wait(centre["counter"], date(2025, 3, 1)) == pytest.approx(23.3)
    assert counter_selectors.average_wait(centre["agency"], date(2025, 4, 1)) is None
    figures = counter_selectors.wait_figures(centre["agency"], date(2025, 3, 1))
    assert (figures.tickets, figures.called, figures.within_15_share, figures.p90_minutes) == (
        3,
        3,
        33.3,
        36.0,
    )
    panel = counter_selectors.month_wait_figures(month=date(2025, 3, 1))
    assert panel == {centre["agency"].pk: figures}


# --- the call display's chime ------------------------------------------------------------------------------
def test_the_display_offers_a_chime_button_that_needs_a_tap(client, centre, settings):
    url = reverse("counter_display", args=[centre["agency"].code])
    page = client.get(url).content.decode()
    assert 'data-chime aria-pressed="false"' in page and "js/counter-display.js" in page
    assert "<audio" not in page and "autoplay" not in page
    settings.COUNTER_DISPLAY_CHIME = False
    assert "data-chime" not in client.get(url).content.decode()
