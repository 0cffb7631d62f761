"""A rating given on the counter's tablet becomes the rating of the dossier taken in from the ticket
(issue 19 item 3), so the satisfaction statistics count it — once per dossier."""

import uuid

import pytest
from django.utils import timezone

from dossiers import services
from dossiers.counter import DeskRating, ServicePoint
from dossiers.models import Rating, Role, Status
from procedures.models import Level
from reports import services as report_services
from reports.models import MonthlyAgencyStat
from tests import factories
from tests.dossiers.desk_helpers import (
    _fast_passwords,  # noqa: F401 (autouse fixture)
    received,
)


@pytest.fixture
def centre(db):
    agency = factories.AgencyFactory(level=Level.COMMUNE)
    procedure = factories.ProcedureFactory(agencies=[agency])
    return {"agency": agency, "procedure": procedure, "counter": ServicePoint.objects.create(agency=agency, number=1),
            "desk": factories.officer(agency, Role.DESK_OFFICER)}


def _served(centre, dossier=None, value=DeskRating.Value.VERY_SATISFIED, reasons=()):
    """Issue, call, take in `dossier` from it (if any), finish and rate one ticket at the centre's counter."""
    ticket = services.ticket_issue(agency=centre["agency"], key=uuid.uuid4(), procedure=centre["procedure"])
    services.ticket_call_next(counter=centre["counter"], actor=centre["desk"])
    if dossier is not None:
        services.ticket_link_dossier(ticket_id=ticket.pk, dossier=dossier, actor=centre["desk"])
    services.ticket_done(ticket=ticket, counter=centre["counter"], actor=centre["desk"])
    return services.desk_rating_give(counter=centre["counter"], ticket_public_id=ticket.public_id, value=value,
                                     reasons=list(reasons))


def test_a_desk_rating_of_a_ticket_that_led_to_a_dossier_is_the_dossiers_rating(centre):
    dossier = received(centre["procedure"], centre["desk"])
    desk = _served(centre, dossier, value=DeskRating.Value.UNSATISFIED, reasons=["wait"])
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.value, rating.source, rating.comment) == ("unsatisfied", "desk", "Chờ lâu")
    assert rating.created_at == desk.created_at
    month = timezone.localdate(desk.created_at).replace(day=1)
    report_services.month_compute(month=month)
    row = MonthlyAgencyStat.objects.get(month=month, agency=centre["agency"])
    assert (row.ratings, row.ratings_satisfied) == (1, 0)


def test_a_dossier_is_counted_once_however_many_tickets_rate_it(centre):
    dossier = received(centre["procedure"], centre["desk"])
    _served(centre, dossier, value=DeskRating.Value.VERY_SATISFIED)
    _served(centre, dossier, value=DeskRating.Value.UNSATISFIED)  # came back for the same dossier
    _served(centre)  # an enquiry: no dossier, a desk rating only
    assert DeskRating.objects.count() == 3
    assert list(Rating.objects.values_list("dossier", "value")) == [(dossier.pk, "satisfied")]
    month = timezone.localdate().replace(day=1)
    report_services.month_compute(month=month)
    assert MonthlyAgencyStat.objects.get(month=month, agency=centre["agency"]).ratings == 1


def test_the_citizens_rating_of_the_result_replaces_the_desk_rating(centre):
    citizen = factories.UserFactory()
    dossier = received(centre["procedure"], centre["desk"])
    _served(centre, dossier, value=DeskRating.Value.SATISFIED)
    dossier.applicant = citizen
    dossier.status = Status.RETURNED
    dossier.save(update_fields=["applicant", "status"])
    assert services.dossier_can_rate(dossier=dossier)
    services.dossier_rate(dossier=dossier, actor=citizen, value="unsatisfied", comment="Kết quả sai tên")
    assert list(Rating.objects.filter(dossier=dossier).values_list("value", "source")) == [("unsatisfied", "citizen")]
    assert not services.dossier_can_rate(dossier=dossier)
    with pytest.raises(services.AlreadyRated):
        services.dossier_rate(dossier=dossier, actor=citizen, value="satisfied")
