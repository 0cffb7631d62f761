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
