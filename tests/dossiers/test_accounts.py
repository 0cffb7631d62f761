import re

import pytest
from django.core import mail
from django.urls import reverse

from dossiers.models import AgencyMembership, Role, SmsMessage, User
from tests import factories


def _code(text):
    return re.search(r"\b(\d{6})\b", text).group(1)


def _sms_to(phone):
    return list(SmsMessage.objects.filter(phone=phone).order_by("id").values_list("text", flat=True))


def _register(client, **fields):
    data = {"full_name": "Trần Thị Bình", "phone": "", "email": "", "id_number": "", "address": "Xã Cẩm Bình",
            "password1": "Ha-Tinh-2026-an-toan", "password2": "Ha-Tinh-2026-an-toan", **fields}
    return client.post(reverse("register"), data)


@pytest.mark.django_db
def test_citizen_registers_with_phone_only_and_is_logged_in(client):
    response = _register(client, phone="+84 912 345 678")
    assert response.status_code == 302 and response["Location"] == reverse("register_confirm")
    assert not User.objects.filter(phone="0912345678").exists()  # not before the code
    page = client.get(reverse("register_confirm")).content.decode()
    assert "091****678" in page
    [sms] = _sms_to("0912345678")
    response = client.post(reverse("register_confirm"), {"code": _code(sms)})
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
    assert "email" not in form.errors  # taken or not is never said
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


SPELLINGS = ["name@example.vn", "NAME@example.vn", " Name@Example.VN ", "0987650001", "+84987650001",
             "0987.650.001", "+84 987 650 001"]


@pytest.mark.django_db
def test_lockout_counts_per_account_whatever_the_spelling(client):
    """Issue 20 item 1: five failures spread over spellings of one account lock that account."""
    factories.UserFactory(email="name@example.vn", phone="0987650001")
    for spelling in SPELLINGS[:5]:
        client.post(reverse("login"), {"username": spelling, "password": "sai"})
    for spelling in SPELLINGS:
        response = client.post(reverse("login"), {"username": spelling, "password": factories.PASSWORD})
        assert response.status_code in (403, 429), spelling
        assert "Tạm khóa đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_spellings_of_an_unknown_name_share_one_count(client):
    for spelling in ["ghost@example.vn", "GHOST@example.vn", "ghost@example.vn ", "Ghost@example.vn", "gHost@example.vn"]:
        client.post(reverse("login"), {"username": spelling, "password": "sai"})
    response = client.post(reverse("login"), {"username": "GHOST@EXAMPLE.VN", "password": "sai"})
    assert response.status_code in (403, 429)


@pytest.mark.django_db
def test_lockout_of_one_account_does_not_lock_another(client):
    factories.UserFactory(email="name@example.vn", phone="0987650001")
    factories.UserFactory(email="other@example.vn", phone="0987650002")
    for _ in range(5):
        client.post(reverse("login"), {"username": "name@example.vn", "password": "sai"})
    response = client.post(reverse("login"), {"username": "0987650002", "password": factories.PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_owner_unlocks_by_resetting_the_password_from_the_emailed_link(client):
    """The lockout is not a denial of service: the e-mailed reset link lifts it at once."""
    import re

    factories.UserFactory(email="name@example.vn", phone="0987650001")
    for _ in range(5):
        client.post(reverse("login"), {"username": "0987650001", "password": "sai"})
    assert client.post(reverse("login"), {"username": "name@example.vn", "password": factories.PASSWORD}).status_code in (403, 429)
    client.post(reverse("password_reset"), {"email": "name@example.vn"})
    link = re.search(r"https?://[^\s]+/tai-khoan/dat-lai-mat-khau/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    new = "Mat-khau-moi-2026-an-toan"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    response = client.post(reverse("login"), {"username": "+84987650001", "password": new})
    assert response.status_code == 302


@pytest.mark.django_db
def test_password_reset_mails_are_rate_limited_per_address_without_revealing_it(client, settings):
    factories.UserFactory(email="co-that@example.vn")
    answers = [client.post(reverse("password_reset"), {"email": "co-that@example.vn"}) for _ in range(6)]
    assert {a.status_code for a in answers} == {302}
    assert len(mail.outbox) == settings.PASSWORD_RESET_MAILS_PER_HOUR


@pytest.mark.django_db
def test_password_reset_requests_are_rate_limited_per_client(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_HOUR = 3
    codes = [client.post(reverse("password_reset"), {"email": f"x{i}@example.vn"}).status_code for i in range(5)]
    assert codes[:3] == [302, 302, 302] and codes[3:] == [429, 429]



@pytest.mark.django_db
@pytest.mark.parametrize("taken", [{"email": "co-roi@example.vn"}, {"phone": "0912000111"}])
def test_registration_answers_the_same_for_a_taken_contact(client, taken):
    """Issue 20 item 12: a taken e-mail or phone gets the same answer as a new one; its owner is told."""
    factories.UserFactory(email="co-roi@example.vn", phone="0912000111")
    fresh = _register(client, **{k: v.replace("co-roi", "moi").replace("0912000111", "0912000222")
                                 for k, v in taken.items()})
    fresh_page = client.get(reverse("register_confirm"))
    client.cookies.clear()
    mail.outbox.clear()
    same = _register(client, **taken)
    same_page = client.get(reverse("register_confirm"))
    assert (same.status_code, same["Location"]) == (fresh.status_code, fresh["Location"])
    assert same_page.status_code == fresh_page.status_code == 200
    assert same_page.context["form"].fields.keys() == fresh_page.context["form"].fields.keys()
    notice = mail.outbox[0].body if "email" in taken else _sms_to("0912000111")[-1]
    assert "đã có tài khoản" in notice and not re.search(r"\b\d{6}\b", notice)
    # No code works for the taken contact: no second account.
    for guess in ("000000", "123456"):
        client.post(reverse("register_confirm"), {"code": guess})
    assert User.objects.count() == 1  # the owner only


@pytest.mark.django_db
def test_registration_code_allows_a_few_tries_then_starts_over(client, settings):
    _register(client, email="moi@example.vn")
    code = _code(mail.outbox[0].body)
    wrong = client.post(reverse("register_confirm"), {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and "Mã xác nhận không đúng" in wrong.content.decode()
    for _ in range(settings.REGISTRATION_CODE_ATTEMPTS - 1):
        client.post(reverse("register_confirm"), {"code": "999999" if code != "999999" else "111111"})
    late = client.post(reverse("register_confirm"), {"code": code})
    assert late.status_code == 302 and late["Location"] == reverse("register")
    assert not User.objects.filter(email="moi@example.vn").exists()



@pytest.mark.django_db
def test_a_phone_only_account_resets_its_password_by_sms_and_is_unlocked(client):
    """Issue 20 items 1, 12: a number without e-mail gets back in (and out of a lockout) with an SMS code."""
    factories.UserFactory(email=None, phone="0987650009")
    for _ in range(5):
        client.post(reverse("login"), {"username": "0987650009", "password": "sai"})
    assert client.post(reverse("login"), {"username": "0987650009", "password": factories.PASSWORD}
                       ).status_code in (403, 429)
    response = client.post(reverse("password_reset_phone"), {"phone": "+84 987 650 009"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_phone_confirm")
    [sms] = _sms_to("0987650009")
    new = "Mat-khau-moi-2026-an-toan"
    wrong = client.post(reverse("password_reset_phone_confirm"),
                        {"code": "000000" if _code(sms) != "000000" else "111111", "password1": new, "password2": new})
    assert wrong.status_code == 400 and "Mã xác nhận không đúng" in wrong.content.decode()
    done = client.post(reverse("password_reset_phone_confirm"), {"code": _code(sms), "password1": new, "password2": new})
    assert done.status_code == 302 and done["Location"] == reverse("login")
    assert client.post(reverse("login"), {"username": "0987650009", "password": new}).status_code == 302


@pytest.mark.django_db
def test_phone_reset_answers_the_same_for_an_unknown_number(client):
    factories.UserFactory(phone="0987650009")
    known = client.post(reverse("password_reset_phone"), {"phone": "0987650009"})
    known_page = client.get(known["Location"]).content.decode()
    client.cookies.clear()
    unknown = client.post(reverse("password_reset_phone"), {"phone": "0987650010"})
    unknown_page = client.get(unknown["Location"]).content.decode()
    assert known["Location"] == unknown["Location"]
    def same(page, masked):  # tokens and nonces differ per request
        return re.sub(r'(value|nonce)="[A-Za-z0-9+/=_-]{20,}"', "", page.replace(masked, "X"))

    assert same(known_page, "098****009") == same(unknown_page, "098****010")
    assert _sms_to("0987650010") == [] and len(_sms_to("0987650009")) == 1
