"""The counter (issue 19): ticket numbering, the kiosk, the officer's counter, the call display, the measures."""

import re
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from dossiers import counter_selectors, services
from dossiers.counter import ServicePoint, Ticket, TicketEvent
from dossiers.models import Role
from procedures.models import Level
from tests import factories
from tests.dossiers.desk_helpers import (
    _fast_passwords,  # noqa: F401 (autouse fixture)
    received,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2025, 3, 3, 8, 0, tzinfo=VN)  # a Monday


@pytest.fixture
def centre(db):
    agency = factories.AgencyFactory(level=Level.DISTRICT)
    procedure = factories.ProcedureFactory(agencies=[agency])
    counter = ServicePoint.objects.create(agency=agency, number=1)
    return {"agency": agency, "procedure": procedure, "field": procedure.field, "counter": counter,
            "desk": factories.officer(agency, Role.DESK_OFFICER)}


def _issue(centre, **kwargs):
    return services.ticket_issue(agency=centre["agency"], key=uuid.uuid4(), field=centre["field"], **kwargs)


def test_numbers_restart_each_morning_and_never_repeat_within_a_day(centre):
    with time_machine.travel(MORNING, tick=False):
        assert [_issue(centre).number for _ in range(3)] == [1, 2, 3]
    with time_machine.travel(MORNING + timedelta(days=1), tick=False):
        first = _issue(centre)
        assert (first.number, first.day) == (1, date(2025, 3, 4))
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(agency=centre["agency"], day=date(2025, 3, 3), number=2, idempotency_key=uuid.uuid4())


def test_numbers_follow_the_local_day_not_utc(centre):
    # 06:30 in Hà Nội is 23:30 UTC the day before: the ticket belongs to the local day.
    with time_machine.travel(datetime(2025, 3, 4, 6, 30, tzinfo=VN), tick=False):
        assert _issue(centre).day == date(2025, 3, 4)


def _kiosk_key(client, centre):
    page = client.get(reverse("counter_kiosk", args=[centre["agency"].code]))
    assert page.status_code == 200
    return re.search(r'name="key" value="([0-9a-f-]{36})"', page.content.decode()).group(1)


def test_a_double_submitted_kiosk_form_issues_one_ticket(client, centre):
    key = _kiosk_key(client, centre)
    url = reverse("counter_kiosk", args=[centre["agency"].code])
    first = client.post(url, {"key": key, "field": centre["field"].pk})
    second = client.post(url, {"key": key, "field": centre["field"].pk})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Ticket.objects.count() == 1
    slip = client.get(first["Location"])
    assert b"001" in slip.content and "phút".encode() in slip.content


def test_the_public_kiosk_is_rate_limited_per_address_and_issues_nothing_beyond(client, centre, settings):
    settings.KIOSK_TICKETS_PER_MINUTE = 2
    url = reverse("counter_kiosk", args=[centre["agency"].code])
    answers = [client.post(url, {"key": str(uuid.uuid4()), "field": centre["field"].pk}, REMOTE_ADDR="10.9.8.7")
               for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Quá nhiều lượt lấy số trong một phút." in answers[2].content.decode()
    assert Ticket.objects.count() == 2
    other = client.post(url, {"key": str(uuid.uuid4()), "field": centre["field"].pk}, REMOTE_ADDR="10.9.8.8")
    assert other.status_code == 302 and Ticket.objects.count() == 3


def test_the_kiosk_refuses_a_service_the_centre_does_not_offer_with_400(client, centre):
    url = reverse("counter_kiosk", args=[centre["agency"].code])
    other_field = factories.ProcedureFactory().field
    response = client.post(url, {"key": str(uuid.uuid4()), "field": other_field.pk})
    assert response.status_code == 400 and "Dịch vụ này không có tại trung tâm." in response.content.decode()
    assert client.post(url, {"key": "not-a-key", "field": centre["field"].pk}).status_code == 400
    assert not Ticket.objects.exists()


def test_a_centre_without_counters_has_no_kiosk(client, db):
    agency = factories.AgencyFactory()
    assert client.get(reverse("counter_kiosk", args=[agency.code])).status_code == 404


def test_call_next_takes_the_oldest_and_a_transfer_goes_first_at_its_counter(client, centre):
    second_counter = ServicePoint.objects.create(agency=centre["agency"], number=2)
    first, second, third = _issue(centre), _issue(centre), _issue(centre)
    desk = centre["desk"]
    called = services.ticket_call_next(counter=centre["counter"], actor=desk)
    assert called == first and called.status == Ticket.State.CALLED and called.called_at
    with pytest.raises(services.TicketConflict):  # the counter must finish the current ticket first
        services.ticket_call_next(counter=centre["counter"], actor=desk)
    services.ticket_transfer(ticket=called, counter=centre["counter"], target=second_counter, actor=desk)
    assert services.ticket_call_next(counter=second_counter, actor=desk) == first  # ahead of second and third
    assert services.ticket_call_next(counter=centre["counter"], actor=desk) == second
    services.ticket_no_show(ticket=second, counter=centre["counter"], actor=desk)
    assert Ticket.objects.get(pk=second.pk).status == Ticket.State.NO_SHOW
    assert Ticket.objects.get(pk=third.pk).status == Ticket.State.WAITING
    assert list(TicketEvent.objects.filter(ticket=first).values_list("action", flat=True)) == [
        "issue", "call", "transfer", "call"]


def test_serving_a_ticket_opens_counter_intake_with_the_ticket(client, centre):
    ticket = _issue(centre, procedure=centre["procedure"])
    client.force_login(centre["desk"])
    counter = centre["counter"]
    assert client.post(reverse("desk:counter_call", args=[counter.pk])).status_code == 302
    page = client.get(reverse("desk:counter", args=[counter.pk]))
    assert "Đang phục vụ số" in page.content.decode()
    response = client.post(reverse("desk:counter_action", args=[counter.pk, "phuc-vu"]), {"ticket": ticket.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:intake")) and f"ticket={ticket.pk}" in response["Location"]
    intake = client.get(response["Location"])
    assert intake.status_code == 200 and f"ticket={ticket.pk}".encode() in intake.content
    ticket.refresh_from_db()
    assert ticket.status == Ticket.State.SERVING and ticket.officer == centre["desk"]
    # An action on a ticket the counter does not hold is a conflict, not a 500.
    other = _issue(centre)
    assert client.post(reverse("desk:counter_action", args=[counter.pk, "xong"]), {"ticket": other.pk}).status_code == 409
    assert client.post(reverse("desk:counter_action", args=[counter.pk, "xong"]), {"ticket": "x"}).status_code == 400


def test_the_call_display_shows_numbers_and_counters_only(client, centre):
    ticket = _issue(centre, procedure=centre["procedure"])
    services.ticket_call_next(counter=centre["counter"], actor=centre["desk"])
    dossier = received(centre["procedure"], centre["desk"])
    services.ticket_link_dossier(ticket_id=ticket.pk, dossier=dossier, actor=centre["desk"])
    assert Ticket.objects.get(pk=ticket.pk).dossier == dossier
    code = centre["agency"].code
    page = client.get(reverse("counter_display", args=[code])).content.decode()
    rows = client.get(reverse("counter_display_rows", args=[code])).content.decode()
    assert 'data-hx-trigger="every 3s"' in page
    for body in (page, rows):
        assert "<td>001</td><td>1</td>" in body
        for personal in (dossier.applicant_name, dossier.applicant_phone, dossier.applicant_email, dossier.code,
                         centre["desk"].full_name):
            assert personal not in body


def _ticket(centre, number, issued, called=None, done=None, status=Ticket.State.DONE, counter=True):
    at = MORNING.replace(hour=8, minute=0)
    return Ticket.objects.create(
        agency=centre["agency"], day=at.date(), number=number, field=centre["field"], status=status,
        counter=centre["counter"] if counter else None, idempotency_key=uuid.uuid4(),
        issued_at=at + timedelta(minutes=issued),
        called_at=at + timedelta(minutes=called) if called is not None else None,
        done_at=at + timedelta(minutes=done) if done is not None else None,
    )


def test_waiting_and_service_measures_from_hand_made_tickets(centre):
    with time_machine.travel(MORNING + timedelta(hours=4), tick=False):
        _ticket(centre, 1, 0, called=5, done=15)       # wait 5, service 10
        _ticket(centre, 2, 0, called=10, done=30)      # wait 10, service 20
        _ticket(centre, 3, 0, called=20, done=26)      # wait 20, service 6
        _ticket(centre, 4, 0, called=30, done=32, status=Ticket.State.NO_SHOW)  # wait 30, absent
        _ticket(centre, 5, 40, status=Ticket.State.WAITING, counter=False)  # not called yet
        day = MORNING.date()
        (by_agency,) = counter_selectors.ticket_measures(agency_ids=[centre["agency"].pk], start=day, end=day,
                                                         by="agency")
        by_counter = counter_selectors.ticket_measures(agency_ids=None, start=day, end=day, by="counter")
    assert by_agency["tickets"] == 5 and by_agency["called"] == 4 and by_agency["no_shows"] == 1
    assert by_agency["mean_wait"] == pytest.approx(16.25, abs=0.051)
    assert by_agency["p90_wait"] == pytest.approx(27.0)  # percentile_cont over 5, 10, 20, 30
    assert by_agency["within_share"] == 50.0  # 5 and 10 minutes of the four called
    assert by_agency["mean_service"] == pytest.approx(12.0)  # (10 + 20 + 6) / 3, the absent one excluded
    assert [(r["counter__number"], r["tickets"]) for r in by_counter] == [(1, 4), (None, 1)]


def test_reception_productivity_is_annualised_against_the_district_target(centre):
    with time_machine.travel(MORNING, tick=False):
        for _ in range(3):
            received(centre["procedure"], centre["desk"])
    (row,) = counter_selectors.reception_productivity(agency_ids=[centre["agency"].pk], start=date(2025, 3, 1),
                                                     end=date(2025, 3, 31))
    assert (row.received, row.per_year, row.target, row.meets) == (3, 35, 1600, False)  # 3 × 365 / 31


def test_the_measures_page_lists_the_figures_for_the_leader(client, centre):
    leader = factories.officer(centre["agency"], Role.LEADER)
    with time_machine.travel(MORNING + timedelta(hours=1), tick=False):
        _ticket(centre, 1, 0, called=5, done=15)
        client.force_login(leader)
        response = client.get(reverse("desk:counter_measures"), {"start": "03/03/2025", "end": "03/03/2025"})
        bad = client.get(reverse("desk:counter_measures"), {"start": "04/03/2025", "end": "03/03/2025"})
    assert response.status_code == 200 and "100,0%" in response.content.decode()  # Vietnamese decimal comma
    assert bad.status_code == 400


def test_a_dossier_taken_in_from_a_served_ticket_is_linked_to_it(client, procedure, agency, desk_officer):
    from tests.dossiers.test_desk_pages import intake_data

    counter = ServicePoint.objects.create(agency=agency, number=3)
    with time_machine.travel(MORNING, tick=False):
        ticket = services.ticket_issue(agency=agency, key=uuid.uuid4(), procedure=procedure)
        services.ticket_call_next(counter=counter, actor=desk_officer)
        client.force_login(desk_officer)
        serve = client.post(reverse("desk:counter_action", args=[counter.pk, "phuc-vu"]), {"ticket": ticket.pk})
        response = client.post(serve["Location"], intake_data(procedure))
    assert response.status_code == 302, response.content.decode()[:1000]
    ticket.refresh_from_db()
    assert ticket.dossier is not None and ticket.dossier.receiving_agency == agency
    assert ticket.events.filter(action="intake").count() == 1


def test_the_demo_command_seeds_tickets_that_the_kiosk_continues(centre):
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel(MORNING + timedelta(hours=6), tick=False):  # Monday 14:00
        call_command("generate_tickets", days=7, per_day=30, stdout=StringIO())
        today = Ticket.objects.filter(agency=centre["agency"], day=MORNING.date())
        last = max(today.values_list("number", flat=True))
        assert _issue(centre).number == last + 1
        week = {"start": MORNING.date() - timedelta(days=6), "end": MORNING.date()}
        (row,) = counter_selectors.ticket_measures(agency_ids=[centre["agency"].pk], by="agency", **week)
    assert row["tickets"] > 100 and row["mean_wait"] is not None and row["p90_wait"] >= row["mean_wait"]
    busy = Ticket.objects.filter(status__in=[Ticket.State.CALLED, Ticket.State.SERVING]).values_list("counter", flat=True)
    assert len(busy) == len(set(busy))  # at most one ticket at a counter at a time


def test_a_recalled_number_comes_back_on_top_of_the_display(client, centre):
    other_counter = ServicePoint.objects.create(agency=centre["agency"], number=2)
    first, _second = _issue(centre), _issue(centre)
    services.ticket_call_next(counter=centre["counter"], actor=centre["desk"])
    services.ticket_call_next(counter=other_counter, actor=centre["desk"])
    day = first.day
    assert [r["number"] for r in counter_selectors.display_rows(agency=centre["agency"], day=day)] == [2, 1]
    services.ticket_recall(ticket=first, counter=centre["counter"], actor=centre["desk"])
    assert [r["number"] for r in counter_selectors.display_rows(agency=centre["agency"], day=day)] == [1, 2]
    assert Ticket.objects.get(pk=first.pk).calls == 2


def test_the_counter_tablet_rates_the_ticket_just_served_once(client, centre):
    from dossiers.counter import DeskRating

    ticket = _issue(centre)
    services.ticket_call_next(counter=centre["counter"], actor=centre["desk"])
    url = reverse("counter_rating", args=[centre["agency"].code, centre["counter"].number])
    assert "Chưa có lượt phục vụ" in client.get(url).content.decode()
    services.ticket_done(ticket=ticket, counter=centre["counter"], actor=centre["desk"])
    page = client.get(url).content.decode()
    assert str(ticket.public_id) in page and "Rất hài lòng" in page
    data = {"ticket": ticket.public_id, "value": "unsatisfied", "reasons": ["wait", "guidance"]}
    assert client.post(url, data).status_code == 200
    again = client.post(url, {**data, "value": "very_satisfied"})
    assert "đã được đánh giá" in again.content.decode()
    rating = DeskRating.objects.get()
    assert (rating.ticket, rating.value, rating.reasons) == (ticket, "unsatisfied", ["guidance", "wait"])
    assert client.post(url, {"ticket": ticket.public_id, "value": "bad"}).status_code == 400
    (by_value) = counter_selectors.desk_ratings(agency_ids=None, start=ticket.day, end=ticket.day)
    assert [(str(label), n) for label, n, _share in by_value] == [
        ("Rất hài lòng", 0), ("Hài lòng", 0), ("Không hài lòng", 1)]
