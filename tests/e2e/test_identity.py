"""National identity sign-in and registry prefill in real Chromium on a 360 px phone (issue 17 items 1-2):
"Đăng nhập bằng VNeID" goes to the sandbox provider, the citizen picks a demo person and consents, comes
back signed in; a new dossier shows the registry's fields filled and locked and the paper the registry
proves as not asked for; the pages are axe clean and do not scroll sideways; logout ends both sessions.
The counter intake's look-up is in the same browser at 1280 px."""

import re

import pytest
from playwright.sync_api import expect

from dossiers import identity_sandbox
from dossiers.models import Dossier, IdentityLink, RegistryLookup
from dossiers.sandbox_people import BY_ID_NUMBER
from portal.oidc_keys import private_key_pem
from procedures.models import RegistryProof, RequiredDocument
from tests import factories
from tests.e2e import pages
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.pages import run_axe

pytestmark = [pytest.mark.e2e]

CUONG = "042078000003"


@pytest.fixture
def provider(live_server, settings, transactional_db, tmp_path):
    """The sandbox provider on the live server, MotCua registered as its client (as tests/dossiers/
    test_identity.py does, with the browser's site as callback)."""
    issuer = f"{live_server.url}/vneid-sandbox"
    settings.OIDC_SANDBOX_ISSUER = issuer
    settings.OIDC_DISCOVERY_URL = f"{issuer}/.well-known/openid-configuration"
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": issuer,
                                "OIDC_RSA_PRIVATE_KEY": private_key_pem(tmp_path / "private.pem"),
                                "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"]}
    settings.IDENTITY_ASSURANCE_ENFORCED = True
    settings.PASSWORD_LOGIN_ROLES = ["officer"]
    identity_sandbox.sandbox_application_ensure(
        redirect_uris=[f"{live_server.url}/tai-khoan/vneid/callback/"],
        post_logout_redirect_uris=[f"{live_server.url}/"])
    return issuer


@pytest.fixture
def marital(transactional_db):
    """A full-process online procedure whose name, birth date and ID fields come from the registry and
    whose ID-card paper the registry proves."""
    agency = factories.AgencyFactory(commune=True, name="UBND phường Thạch Quý")
    procedure = factories.ProcedureFactory(agencies=[agency], online_mode="full", form_schema=[
        {"name": "full_name", "label": "Họ và tên người yêu cầu", "type": "text", "required": True,
         "registry": "full_name"},
        {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True, "registry": "birth_date"},
        {"name": "purpose", "label": "Mục đích sử dụng", "type": "text", "required": True},
    ])
    RequiredDocument.objects.create(procedure=procedure, name="Căn cước công dân của người yêu cầu", required=True,
                                    kinds=["pdf", "jpg"], registry_proof=RegistryProof.IDENTITY, position=5)
    return procedure, agency


@pytest.fixture
def open_page(browser, live_server):
    """A page in a fresh context that lets axe's script in (bypass_csp), as the other axe-checked tests do."""
    contexts = []

    def make(viewport):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="vi-VN", bypass_csp=True)
        context.set_default_timeout(8_000)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


def _no_sideways_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _axe_clean(page):
    violations = run_axe(page)
    assert violations == [], violations


def test_vneid_sign_in_prefill_and_the_paper_not_asked_on_a_phone(open_page, provider, marital):
    procedure, agency = marital
    person = BY_ID_NUMBER[CUONG]
    page = open_page(PHONE)
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_role("link", name=re.compile("Đăng nhập bằng VNeID")).click()
    # The sandbox provider: the demo people and the consent.
    expect(page.get_by_role("heading", level=1)).to_have_text("Hệ thống định danh điện tử (thử nghiệm)")
    assert "/vneid-sandbox/" in page.url and "code_challenge=" in page.url and "nonce=" in page.url
    assert _no_sideways_scroll(page)
    _axe_clean(page)
    page.get_by_label(person.full_name).check()
    page.get_by_role("button", name="Đồng ý và đăng nhập").click()
    page.wait_for_url(re.compile(r"^(?!.*vneid).*$"))
    link = IdentityLink.objects.get(id_number=CUONG)
    assert link.assurance_level == 2 and link.user.full_name == person.full_name

    # A new dossier: the registry fills and locks the declared fields.
    page.goto(f"/ho-so/nop/{procedure.code}/")
    page.get_by_label(agency.name).check()
    page.get_by_role("button", name="Bắt đầu điền hồ sơ").click()
    name_field = page.get_by_label("Họ và tên người yêu cầu")
    expect(name_field).to_have_value(person.full_name)
    expect(name_field).to_have_attribute("readonly", "")
    expect(page.get_by_label("Ngày sinh")).to_have_value(f"{person.birth_date:%d/%m/%Y}")  # dd/mm/yyyy fields
    expect(page.locator("main")).to_contain_text("Từ Cơ sở dữ liệu quốc gia về dân cư (không sửa được).")
    assert _no_sideways_scroll(page)
    _axe_clean(page)
    page.get_by_label("Mục đích sử dụng").fill("Đăng ký kết hôn")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # The documents step: the ID-card paper is not asked for.
    expect(page.get_by_role("heading", level=1)).to_have_text("Đính kèm giấy tờ")
    waived = page.locator(".registry-waived", has_text="Căn cước công dân của người yêu cầu")
    expect(waived).to_contain_text("Không phải nộp: thông tin đã được khai thác từ Cơ sở dữ liệu quốc gia về dân cư.")
    assert waived.locator("input[type=file]").count() == 0
    assert _no_sideways_scroll(page)
    _axe_clean(page)
    dossier = Dossier.objects.get(applicant=link.user)
    assert dossier.applicant_id_number == CUONG and dossier.form_data["purpose"] == "Đăng ký kết hôn"
    assert page.js_errors == []

    # Logout ends the provider's session too: the next VNeID sign-in asks again.
    page.get_by_role("button", name=re.compile("Đăng xuất")).first.click()
    page.wait_for_load_state()
    page.goto("/tai-khoan/vneid/")
    expect(page.get_by_role("button", name="Đồng ý và đăng nhập")).to_be_visible()


def test_counter_intake_looks_the_applicant_up_at_1280px(open_page, live_server, transactional_db, marital):
    procedure, agency = marital
    procedure.online_mode = "partial"
    procedure.save()
    officer = factories.officer(agency, "desk_officer")
    page = open_page(DESKTOP)
    page.context.add_cookies([pages.session_cookie(officer, live_server)])
    page.goto(f"/mot-cua/tiep-nhan/?procedure={procedure.pk}&agency={agency.pk}&channel=counter")
    person = BY_ID_NUMBER[CUONG]
    page.get_by_label("Số định danh cá nhân của người nộp (tra cứu CSDL quốc gia về dân cư)").fill(CUONG)
    page.get_by_role("button", name="Tra cứu và điền từ CSDL dân cư").click()
    expect(page.locator(".registry-filled")).to_contain_text(CUONG)
    applicant = page.get_by_label("Họ và tên người nộp")
    expect(applicant).to_have_value(person.full_name)
    expect(applicant).to_have_attribute("readonly", "")
    expect(page.locator(".registry-waived")).to_contain_text("Căn cước công dân của người yêu cầu")
    _axe_clean(page)
    assert RegistryLookup.objects.get().actor == officer
    assert page.js_errors == []
