import pytest
from django.core import mail
from django.urls import reverse

from dossiers.models import AgencyMembership, Role, User
from tests import factories


@pytest.mark.django_db
def test_citizen_registers_with_phone_only_and_is_logged_in(client):
    response = client.post(reverse("register"), {
        "full_name": "Trần Thị Bình", "phone": "+84 912 345 678", "email": "", "id_number": "",
        "address": "Xã Cẩm Bình", "password1": "Ha-Tinh-2026-an-toan", "password2": "Ha-Tinh-2026-an-toan",
    })
    assert response.status_code == 302
    user = User.objects.get(phone="0912345678")
    assert user.email is None and user.full_name == "Trần Thị Bình"
    assert not user.memberships.exists()
    assert client.get(reverse("home")).context["user"] == user


@pytest.mark.django_db
def test_registration_errors_are_in_vietnamese_and_keep_the_input(client):
    factories.UserFactory(email="da-co@example.vn")
    response = client.post(reverse("register"), {
        "full_name": "Lê Văn C", "email": "da-co@example.vn", "phone": "123", "id_number": "12ab",
        "password1": "12345678", "password2": "khac",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert "Thư điện tử này đã được dùng để đăng ký." in form.errors["email"]
    assert "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0." in form.errors["phone"]
    assert "Số định danh cá nhân gồm 12 chữ số." in form.errors["id_number"]
    assert 'value="Lê Văn C"' in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("login_name", ["nguoidan@example.vn", "NguoiDan@Example.vn", "0987654321", "+84987654321"])
def test_login_by_email_or_phone(client, login_name):
    factories.UserFactory(email="nguoidan@example.vn", phone="0987654321")
    response = client.post(reverse("login"), {"username": login_name, "password": factories.PASSWORD})
    assert response.status_code == 302, response.context["form"].errors if response.context else ""


@pytest.mark.django_db
def test_login_is_locked_after_five_failures(client):
    factories.UserFactory(email="bi-khoa@example.vn")
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "bi-khoa@example.vn", "password": "sai"})
    assert response.status_code in (403, 429)
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "bi-khoa@example.vn", "password": factories.PASSWORD})
    assert response.status_code in (403, 429)
    assert "Tạm khóa đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    factories.UserFactory(email="co-that@example.vn")
    known = client.post(reverse("password_reset"), {"email": "co-that@example.vn"})
    unknown = client.post(reverse("password_reset"), {"email": "khong-co@example.vn"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["co-that@example.vn"]


@pytest.mark.django_db
def test_officer_roles_are_per_agency(agency, other_agency):
    officer = factories.officer(agency, Role.DESK_OFFICER)
    factories.officer(other_agency, Role.LEADER, user=officer)
    assert officer.roles_in(agency) == {Role.DESK_OFFICER}
    assert officer.roles_in(other_agency) == {Role.LEADER}
    assert officer.is_officer and not officer.is_monitor
    assert AgencyMembership.objects.filter(user=officer).count() == 2


@pytest.mark.django_db
def test_monitor_role(monitor, citizen):
    assert monitor.is_monitor and not citizen.is_monitor and not citizen.is_officer
