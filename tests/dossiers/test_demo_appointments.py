"""`make demo` seeds appointments at the counter (issue 19): past ones served or missed, coming ones booked."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count

from dossiers.appointments import Appointment
from dossiers.counter import ServicePoint
from dossiers.models import Role
from procedures.models import Level
from tests import factories
from tests.dossiers.desk_helpers import _fast_passwords  # noqa: F401 (autouse fixture)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_2PM = datetime(2025, 3, 10, 14, 0, tzinfo=VN)


@pytest.fixture
def centre(db):
    agency = factories.AgencyFactory(level=Level.DISTRICT)
    factories.ProcedureFactory(agencies=[agency])
    factories.officer(agency, Role.DESK_OFFICER)
    ServicePoint.objects.create(agency=agency, number=1, appointments_per_slot=1)
    # As seed_demo makes them: the demo citizen and the business have the 0912000001/2 phones.
    factories.UserFactory(email="congdan@motcua.local", phone="0912000001")
    factories.UserFactory(email="doanhnghiep@motcua.local", phone="0912000002")
    return agency


def test_the_demo_seeds_past_served_and_missed_and_future_booked_appointments(centre):
    with time_machine.travel(MONDAY_2PM, tick=False):
        call_command("generate_tickets", days=8, per_day=40, stdout=StringIO())
        call_command("generate_appointments", past_days=7, ahead_days=5, per_day=6, stdout=StringIO())
        now = MONDAY_2PM
        appointments = Appointment.objects.select_related("slot", "ticket")
        assert appointments.count() > 40
        for appointment in appointments:
            if appointment.status == "booked":
                assert appointment.slot.starts_at > now - timedelta(minutes=30)
            if appointment.status in ("checked_in", "missed"):
                assert appointment.slot.starts_at < now
            if appointment.status == "checked_in":
                ticket = appointment.ticket
                assert ticket.appointment_at == appointment.slot.starts_at and ticket.issued_at <= ticket.appointment_at
        states = set(appointments.values_list("status", flat=True))
        assert {"checked_in", "missed", "booked"} <= states
        assert appointments.filter(status="booked", applicant__email="congdan@motcua.local").exists()
        # Within capacity (one place per slot here) and one booking per citizen and procedure.
        held = appointments.filter(status__in=["booked", "checked_in"]).values("slot").annotate(n=Count("id"))
        assert max(row["n"] for row in held) == 1
        per_citizen = appointments.filter(status="booked").values("applicant", "procedure").annotate(n=Count("id"))
        assert max(row["n"] for row in per_citizen) == 1
        before = appointments.count()
        call_command("generate_appointments", past_days=7, ahead_days=5, stdout=StringIO())
        assert Appointment.objects.count() == before  # a second run adds nothing
