import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _membership_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    return response, [q for q in queries.captured_queries if "dossiers_agencymembership" in q["sql"]]


@pytest.mark.django_db
def test_officer_nav_shows_desk_and_statistics_with_one_role_query(client, desk_officer):
    client.force_login(desk_officer)
    response, membership_queries = _membership_queries(client)
    html = response.content.decode()
    assert reverse("desk:queue") in html and reverse("reports:dashboard") in html
    assert len(membership_queries) == 1


@pytest.mark.django_db
def test_citizen_nav_has_no_desk_or_statistics(client, citizen):
    client.force_login(citizen)
    response, _ = _membership_queries(client)
    html = response.content.decode()
    assert reverse("desk:queue") not in html and reverse("reports:dashboard") not in html
    assert reverse("my_dossiers") in html


@pytest.mark.django_db
def test_monitor_nav_has_statistics_but_no_desk(client, monitor):
    client.force_login(monitor)
    html = client.get(reverse("home")).content.decode()
    assert reverse("reports:dashboard") in html and reverse("desk:queue") not in html
