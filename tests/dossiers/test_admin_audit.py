"""Every add, change and delete made through the Django admin is in the append-only admin trail, with
actor, time, IP, object and what changed; the provincial monitor searches it, nobody edits it."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from dossiers import audit, services
from dossiers.admin_audit import AdminAuditMixin
from dossiers.models import AdminChange, AgencyMembership, Role
from tests import factories
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db

ADMIN_IP = "192.0.2.44"
URL = "/giam-sat/nhat-ky-quan-tri/"


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_staff=True, is_superuser=True, email="quantri@example.vn")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_granting_a_role_in_the_admin_is_recorded_with_actor_ip_and_object(admin_client, superuser, agency):
    officer = factories.UserFactory()
    response = admin_client.post(reverse("admin:dossiers_agencymembership_add"),
                                 {"user": officer.pk, "agency": agency.pk, "role": Role.LEADER}, REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    membership = AgencyMembership.objects.get(user=officer)
    [change] = AdminChange.objects.all()
    assert (change.kind, change.actor, change.actor_label, change.ip_address) == (
        "add", superuser, "quantri@example.vn", ADMIN_IP)
    assert (change.model, change.object_id, change.object_repr) == (
        "dossiers.agencymembership", str(membership.pk), str(membership))
    assert change.log_entry_id == LogEntry.objects.get().pk


def test_a_change_records_which_fields_changed(admin_client, agency):
    membership = AgencyMembership.objects.create(user=factories.UserFactory(), agency=agency, role=Role.SPECIALIST)
    url = reverse("admin:dossiers_agencymembership_change", args=[membership.pk])
    response = admin_client.post(url, {"user": membership.user_id, "agency": agency.pk, "role": Role.LEADER},
                                 REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    [change] = AdminChange.objects.all()
    assert change.kind == "change"
    assert change.changes == [{"changed": {"fields": ["Vai trò"]}}]


def test_a_bulk_delete_records_every_object_deleted(admin_client, agency):
    """Django logs a multi-object delete with bulk_create (no post_save): the trail must not miss it."""
    memberships = [AgencyMembership.objects.create(user=factories.UserFactory(), agency=agency, role=role)
                   for role in (Role.DESK_OFFICER, Role.LEADER)]
    response = admin_client.post(reverse("admin:dossiers_agencymembership_changelist"), {
        "action": "delete_selected", "_selected_action": [m.pk for m in memberships], "post": "yes",
    }, REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    assert not AgencyMembership.objects.exists()
    changes = AdminChange.objects.filter(kind="delete")
    assert sorted(c.object_id for c in changes) == sorted(str(m.pk) for m in memberships)
    assert {c.ip_address for c in changes} == {ADMIN_IP}


def test_a_single_delete_is_recorded(admin_client, agency):
    membership = AgencyMembership.objects.create(user=factories.UserFactory(), agency=agency, role=Role.LEADER)
    response = admin_client.post(reverse("admin:dossiers_agencymembership_delete", args=[membership.pk]),
                                 {"post": "yes"}, REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    [change] = AdminChange.objects.all()
    assert (change.kind, change.object_id) == ("delete", str(membership.pk))


def test_every_admin_page_is_audited_third_party_ones_too():
    unaudited = [model._meta.label for model, model_admin in admin.site._registry.items()
                 if not isinstance(model_admin, AdminAuditMixin)]
    assert unaudited == []
    assert "django_celery_beat.PeriodicTask" in {m._meta.label for m in admin.site._registry}


# --- append-only --------------------------------------------------------------------------------------
@pytest.fixture
def recorded(superuser):
    entry = LogEntry.objects.log_actions(user_id=superuser.pk, queryset=[superuser], action_flag=2,
                                         change_message=[{"changed": {"fields": ["Họ và tên"]}}],
                                         single_object=True)
    [change] = services.admin_changes_record(actor=superuser, entries=[entry], ip_address=ADMIN_IP)
    return change


def test_the_model_refuses_to_change_or_delete_a_record(recorded):
    recorded.ip_address = "10.0.0.1"
    with pytest.raises(ValueError):
        recorded.save()
    with pytest.raises(ValueError):
        recorded.delete()


def test_the_database_rejects_update_and_delete(recorded):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AdminChange.objects.filter(pk=recorded.pk).update(ip_address="10.0.0.1")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AdminChange.objects.filter(pk=recorded.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM dossiers_adminchange")
    assert AdminChange.objects.get(pk=recorded.pk).ip_address == ADMIN_IP


def test_the_admin_cannot_add_change_or_delete_records(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[AdminChange]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


# --- the monitor's search -------------------------------------------------------------------------------
def test_only_the_monitor_sees_the_admin_trail(client, recorded, monitor, citizen, desk_officer, leader):
    assert reverse("admin_audit_log") == URL
    [response] = assert_permission_matrix(client, "get", URL, outsiders=[citizen, desk_officer, leader],
                                          insiders=[monitor])
    body = response.content.decode()
    assert ADMIN_IP in body and "quantri@example.vn" in body and "Họ và tên" in body


def test_the_monitor_filters_by_actor_kind_model_object_and_date(client, admin_client, superuser, monitor, agency):
    officer = factories.UserFactory(full_name="Trần Quản Lý")
    admin_client.post(reverse("admin:dossiers_agencymembership_add"),
                      {"user": officer.pk, "agency": agency.pk, "role": Role.LEADER})
    admin_client.post(reverse("admin:reports_onlineratetarget_add"), {"year": 2026, "level": "commune", "rate": 30})
    client.force_login(monitor)

    def found(**query):
        return [(c.kind, c.model) for c in client.get(URL, query).context["changes"]]

    assert found() == [("add", "reports.onlineratetarget"), ("add", "dossiers.agencymembership")]
    assert found(model="dossiers.agencymembership") == [("add", "dossiers.agencymembership")]
    assert found(object="Trần Quản") == [("add", "dossiers.agencymembership")]
    assert found(actor="QUANTRI@example.vn", kind="add") == found()
    assert found(kind="delete") == [] and found(actor=officer.email) == []
    assert found(date_from="01/01/2000", date_to="31/12/2000") == []
    page = client.get(URL).content.decode()
    assert "vai trò tại cơ quan" in page  # the model's name, not its label


def test_personal_numbers_in_an_object_name_are_masked_for_the_monitor(client, superuser, monitor):
    entry = LogEntry(user=superuser, content_type_id=None, object_id="7", object_repr="Hộ gia đình 042123456789",
                     action_flag=1, change_message="")
    entry.save()
    services.admin_changes_record(actor=superuser, entries=[entry], ip_address=None)
    client.force_login(monitor)
    body = client.get(URL).content.decode()
    assert "042123456789" not in body and "042*******89" in body


def test_the_admin_trail_pages_newest_first_with_a_bounded_number_of_queries(
    client, superuser, monitor, django_assert_max_num_queries
):
    entries = LogEntry.objects.log_actions(user_id=superuser.pk, queryset=[superuser] * (audit.PAGE_SIZE + 3),
                                           action_flag=2)
    services.admin_changes_record(actor=superuser, entries=entries, ip_address=ADMIN_IP)
    superuser.email = "doi-dia-chi@example.vn"
    superuser.save()
    client.force_login(monitor)
    with django_assert_max_num_queries(8):
        first = client.get(URL)
    assert len(first.context["changes"]) == audit.PAGE_SIZE
    rest = client.get(f"{URL}?{first.context['next_query']}").context["changes"]
    assert len(rest) == 3 and rest[0].pk < first.context["changes"][-1].pk
    # Found by the address the actor had then and by the one they have now.
    assert len(client.get(URL, {"actor": "quantri@example.vn"}).context["changes"]) == audit.PAGE_SIZE
    assert len(client.get(URL, {"actor": "doi-dia-chi@example.vn"}).context["changes"]) == audit.PAGE_SIZE


def test_a_catalogue_import_in_the_admin_records_each_procedure_it_created_or_changed(admin_client, superuser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from procedures.models import Procedure

    field = factories.ProcedureFactory().field
    kept = factories.ProcedureFactory(field=field)
    header = "code,name,field,level,processing_days\n"
    first = f"9.1,Thủ tục một,{field.code},commune,3\n9.2,Thủ tục hai,{field.code},commune,5\n"
    response = admin_client.post("/admin/procedures/procedure/import/",
                                 {"file": SimpleUploadedFile("danh-muc.csv", (header + first).encode())},
                                 REMOTE_ADDR=ADMIN_IP)
    assert response.status_code == 302
    added = AdminChange.objects.filter(kind="add").order_by("object_repr")
    assert [(c.model, c.object_id, c.ip_address, c.actor) for c in added] == [
        ("procedures.procedure", str(Procedure.objects.get(code=code).pk), ADMIN_IP, superuser)
        for code in ("9.1", "9.2")]
    assert "danh-muc.csv" in audit.change_summary(added[0])

    again = f"9.1,Thủ tục một (sửa),{field.code},commune,3\n9.2,Thủ tục hai,{field.code},commune,5\n"
    admin_client.post("/admin/procedures/procedure/import/",
                      {"file": SimpleUploadedFile("sua.csv", (header + again).encode())}, REMOTE_ADDR=ADMIN_IP)
    [changed] = AdminChange.objects.filter(kind="change")
    assert changed.object_id == str(Procedure.objects.get(code="9.1").pk)  # 9.2 unchanged: no entry
    assert not AdminChange.objects.filter(object_id=str(kept.pk)).exists()
