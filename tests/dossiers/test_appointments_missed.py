"""A booked appointment nobody checked in within 30 minutes of its time is marked missed (issue 19): by a
periodic task, once, and shown so to the citizen and on the officer's counter page."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from dossiers import services, tasks
from dossiers.appointments import Appointment
from dossiers.counter import ServicePoint
from dossiers.models import Role
from procedures.models import Level
from tests import factories
from tests.dossiers.desk_helpers import _fast_passwords  # noqa: F401 (autouse fixture)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2025, 3, 3, 8, 0, tzinfo=VN)
TUESDAY_9 = datetime(2025, 3, 4, 9, 0, tzinfo=VN)


@pytest.fixture
def booked(db):
    agency = factories.AgencyFactory(level=Level.COMMUNE)
    procedure = factories.ProcedureFactory(agencies=[agency])
    counter = ServicePoint.objects.create(agency=agency, number=1, appointments_per_slot=2)
    with time_machine.travel(MONDAY, tick=False):
        citizen = factories.UserFactory()
        late = services.appointment_book(applicant=citizen, agency=agency, procedure=procedure, starts_at=TUESDAY_9)
        came = services.appointment_book(applicant=factories.UserFactory(), agency=agency, procedure=procedure,
                                         starts_at=TUESDAY_9)
    return {"agency": agency, "procedure": procedure, "counter": counter, "citizen": citizen, "late": late,
            "came": came, "desk": factories.officer(agency, Role.DESK_OFFICER)}


def test_an_appointment_is_missed_once_its_check_in_window_has_passed(booked):
    with time_machine.travel(TUESDAY_9 + timedelta(minutes=10), tick=False):
        services.appointment_check_in(agency=booked["agency"], code=booked["came"].code, key=uuid.uuid4())
    with time_machine.travel(TUESDAY_9 + timedelta(minutes=30), tick=False):
        assert services.appointments_mark_missed() == 0  # the window is still open (to 09:30 included)
    with time_machine.travel(TUESDAY_9 + timedelta(minutes=31), tick=False):
        assert services.appointments_mark_missed() == 1
        assert services.appointments_mark_missed() == 0  # idempotent
        with pytest.raises(services.AppointmentError, match="quá giờ hẹn"):
            services.appointment_check_in(agency=booked["agency"], code=booked["late"].code, key=uuid.uuid4())
    late, came = (Appointment.objects.get(pk=booked[k].pk) for k in ("late", "came"))
    assert (late.status, came.status) == ("missed", "checked_in")
    assert list(late.events.values_list("action", flat=True)) == ["book", "miss"]
    with time_machine.travel(TUESDAY_9 + timedelta(hours=1), tick=False):  # the citizen may book again
        again = services.appointment_book(applicant=booked["citizen"], agency=booked["agency"],
                                          procedure=booked["procedure"], starts_at=TUESDAY_9 + timedelta(hours=5))
    assert again.status == "booked"


def test_the_citizen_and_the_officer_see_the_missed_appointment(client, booked):
    with time_machine.travel(TUESDAY_9 + timedelta(minutes=45), tick=False):
        tasks.mark_missed_appointments.apply()
        client.force_login(booked["citizen"])
        page = client.get(reverse("appointment_detail", args=[booked["late"].public_id])).content.decode()
        assert "Không đến (quá giờ hẹn)" in page and "Đặt lịch hẹn mới" in page
        client.force_login(booked["desk"])
        counter = client.get(reverse("desk:counter", args=[booked["counter"].pk])).content.decode()
    assert "Lịch hẹn hôm nay" in counter and booked["late"].code in counter
    assert booked["came"].code in counter and counter.count("Không đến (quá giờ hẹn)") == 2


def test_the_missed_task_is_scheduled_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["counter-appointments-missed"]
    assert entry["task"] == "dossiers.tasks.mark_missed_appointments" and entry["schedule"] <= 600
