"""The counter under concurrency (issue 19 item 5): real threads on real PostgreSQL."""

import threading
import uuid

import pytest
from django.db import connection

from dossiers import services
from dossiers.counter import ServicePoint, Ticket
from dossiers.models import Role
from tests import factories

THREADS = 8


def _together(target, args_list):
    barrier = threading.Barrier(len(args_list))
    results, errors, lock = [], [], threading.Lock()

    def run(*args):
        try:
            barrier.wait()
            result = target(*args)
            with lock:
                results.append(result)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_officers_calling_next_at_once_never_get_the_same_ticket():
    agency = factories.AgencyFactory()
    counters = [ServicePoint.objects.create(agency=agency, number=n) for n in range(1, THREADS + 1)]
    officers = [factories.officer(agency, Role.DESK_OFFICER) for _ in counters]
    for _ in range(THREADS + 2):
        services.ticket_issue(agency=agency, key=uuid.uuid4())

    called = _together(lambda c, o: services.ticket_call_next(counter=c, actor=o), list(zip(counters, officers, strict=True)))
    assert len({t.pk for t in called}) == THREADS
    assert sorted(t.number for t in called) == list(range(1, THREADS + 1))
    assert Ticket.objects.filter(status=Ticket.State.WAITING).count() == 2


@pytest.mark.django_db(transaction=True)
def test_parallel_kiosks_get_distinct_numbers_and_one_key_gets_one_ticket():
    agency = factories.AgencyFactory()
    issued = _together(lambda key: services.ticket_issue(agency=agency, key=key), [(uuid.uuid4(),) for _ in range(THREADS)])
    assert sorted(t.number for t in issued) == list(range(1, THREADS + 1))
    key = uuid.uuid4()
    same = _together(lambda: services.ticket_issue(agency=agency, key=key), [() for _ in range(THREADS)])
    assert len({t.pk for t in same}) == 1 and same[0].number == THREADS + 1
    assert Ticket.objects.count() == THREADS + 1


def _future_slot():
    from dossiers import appointment_selectors

    day = appointment_selectors.bookable_days()[-1]  # far enough ahead whatever the clock says
    return appointment_selectors.slot_starts(day)[2]


@pytest.mark.django_db(transaction=True)
def test_citizens_racing_for_a_slot_never_overbook_it():
    """Issue 19 item 1: eight citizens book the same slot at once; it has three places (two counters)."""
    from dossiers.appointments import Appointment

    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    ServicePoint.objects.create(agency=agency, number=1, appointments_per_slot=2)
    ServicePoint.objects.create(agency=agency, number=2, appointments_per_slot=1)
    citizens = [factories.UserFactory() for _ in range(THREADS)]
    starts_at = _future_slot()

    def book(citizen):
        try:
            return services.appointment_book(applicant=citizen, agency=agency, procedure=procedure, starts_at=starts_at)
        except services.AppointmentError as exc:
            return exc

    outcomes = _together(book, [(c,) for c in citizens])
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [o for o in outcomes if isinstance(o, services.AppointmentError)]
    assert (len(booked), len(refused)) == (3, THREADS - 3)
    assert all("hết chỗ" in str(exc.message) for exc in refused)
    assert Appointment.objects.filter(slot__starts_at=starts_at, status="booked").count() == 3


@pytest.mark.django_db(transaction=True)
def test_one_citizen_submitting_a_booking_many_times_at_once_books_once():
    from dossiers.appointments import Appointment

    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    ServicePoint.objects.create(agency=agency, number=1, appointments_per_slot=THREADS)
    citizen = factories.UserFactory()
    starts_at = _future_slot()

    def book():
        try:
            return services.appointment_book(applicant=citizen, agency=agency, procedure=procedure, starts_at=starts_at)
        except services.AppointmentError as exc:
            return exc

    outcomes = _together(book, [() for _ in range(THREADS)])
    assert sum(isinstance(o, Appointment) for o in outcomes) == 1
    assert Appointment.objects.filter(applicant=citizen).count() == 1
