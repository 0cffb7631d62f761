"""The provincial monitor's audit search, and the audit trail being append-only."""

from datetime import datetime

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.db import DatabaseError, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dossiers import audit, lifecycle, services
from dossiers.models import DossierEvent
from tests import factories
from tests.permissions import assert_permission_matrix

URL = "/giam-sat/nhat-ky/"


@pytest.fixture
def trail(procedure, agency, desk_officer):
    """Two dossiers: one submitted and received on 01/07/2025, one submitted on 03/07/2025."""
    dossiers = []
    with time_machine.travel(timezone.make_aware(datetime(2025, 7, 1, 9, 0)), tick=False):
        first = factories.DossierFactory(procedure=procedure)
        first = services.dossier_submit(dossier=first, actor=first.applicant, ip_address="203.0.113.7")
        first = services.dossier_receive(dossier=first, actor=desk_officer, ip_address="10.1.2.3")
        dossiers.append(first)
    with time_machine.travel(timezone.make_aware(datetime(2025, 7, 3, 9, 0)), tick=False):
        second = factories.DossierFactory(procedure=procedure)
        dossiers.append(services.dossier_submit(dossier=second, actor=second.applicant))
    return dossiers


def test_the_audit_log_page_is_only_for_monitors(client, trail, monitor, citizen, desk_officer):
    assert reverse("audit_log") == URL
    [response] = assert_permission_matrix(client, "get", URL, outsiders=[citizen, desk_officer], insiders=[monitor])
    body = response.content.decode()
    assert trail[0].code in body and trail[1].code in body
    assert "10.1.2.3" in body and desk_officer.email in body
    assert "Tiếp nhận" in body  # the action's label, not its code


def _codes(response):
    return [e.dossier.code for e in response.context["events"]]


def test_the_monitor_filters_by_code_actor_action_and_dates(client, trail, monitor, desk_officer):
    client.force_login(monitor)
    first, second = trail
    assert set(_codes(client.get(URL, {"code": first.code}))) == {first.code}
    by_actor = client.get(URL, {"actor": desk_officer.email.upper()}).context["events"]
    assert [(e.dossier.code, e.action) for e in by_actor] == [(first.code, "receive")]
    assert _codes(client.get(URL, {"action": "submit"})) == [second.code, first.code]
    assert _codes(client.get(URL, {"date_from": "02/07/2025"})) == [second.code]
    assert set(_codes(client.get(URL, {"date_to": "01/07/2025"}))) == {first.code}
    response = client.get(URL, {"date_from": "05/07/2025", "date_to": "01/07/2025"})
    assert response.context["events"] == []
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()


def test_the_audit_log_pages_newest_first_with_a_bounded_number_of_queries(
    client, procedure, monitor, django_assert_max_num_queries
):
    dossier = factories.DossierFactory(procedure=procedure)
    dossier = services.dossier_submit(dossier=dossier, actor=dossier.applicant)
    for n in range(audit.PAGE_SIZE + 5):
        lifecycle.record(dossier=dossier, action="download", actor=monitor, comment=f"tệp {n}")
    client.force_login(monitor)
    with django_assert_max_num_queries(8):
        first_page = client.get(URL)
    events = first_page.context["events"]
    assert len(events) == audit.PAGE_SIZE
    assert [e.pk for e in events] == sorted((e.pk for e in events), reverse=True)
    second_page = client.get(f"{URL}?{first_page.context['next_query']}")
    rest = second_page.context["events"]
    assert len(rest) == 6 and rest[0].pk < events[-1].pk
    assert second_page.context["next_query"] is None


def test_events_cannot_be_changed_through_the_model(trail):
    event = DossierEvent.objects.first()
    event.comment = "sửa lén"
    with pytest.raises(ValueError):
        event.save()


def test_the_database_rejects_any_update_of_an_event(trail):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DossierEvent.objects.filter(pk=trail[0].events.first().pk).update(comment="sửa lén")
    assert not DossierEvent.objects.filter(comment="sửa lén").exists()


def test_the_admin_cannot_add_change_or_delete_events(db):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = admin
    model_admin = site._registry[DossierEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_deleting_a_dossier_still_removes_its_events(trail):
    dossier = trail[1]
    dossier.delete()
    assert not DossierEvent.objects.filter(dossier_id=dossier.pk).exists()




def test_the_number_given_at_submission_still_finds_the_events(client, trail, monitor):
    first = trail[0]
    assert first.submission_code and first.code != first.submission_code  # receipt gave the code proper
    client.force_login(monitor)
    assert set(_codes(client.get(URL, {"code": first.submission_code}))) == {first.code}
