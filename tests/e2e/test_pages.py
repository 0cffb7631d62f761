"""Every main page, in Vietnamese and English: no serious accessibility violation (axe-core), valid HTML
(Nu Html Checker), screenshots for the README; and the login form works with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import pages
from tests.e2e.conftest import DESKTOP, ROOT, SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("private_media")]

SCREENSHOT_PAGES = {"catalogue", "procedure", "wizard-form", "my-dossiers", "dossier", "desk-queue", "desk-dossier", "dashboard"}


def test_main_pages_pass_axe_and_the_html_checker_in_both_languages(browser, live_server, transactional_db, tmp_path):
    users, urls = pages.demo_site()
    violations, html_files = {}, []
    for language in ("vi", "en"):
        # axe is injected as a script tag: the page's CSP (script-src 'self') is bypassed in this context only.
        contexts = {}
        for name, (role, url) in urls.items():
            if role not in contexts:
                context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, bypass_csp=True)
                context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
                if role:
                    context.add_cookies([pages.session_cookie(users[role], live_server)])
                contexts[role] = context
            page = contexts[role].new_page()
            response = page.goto(url)
            assert response.status == (404 if name == "not-found" else 200), (name, response.status)
            # Printed documents follow the national (Vietnamese) forms whatever the screen's language.
            expect(page.locator("html")).to_have_attribute("lang", "vi" if name.startswith("desk-print") else language)
            found = pages.run_axe(page)
            if found:
                violations[f"{language}:{name}"] = found
            html = tmp_path / f"{language}-{name}.html"
            html.write_text(response.text(), encoding="utf-8")
            html_files.append(html)
            if language == "vi" and name in SCREENSHOT_PAGES:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
            page.close()
        for context in contexts.values():
            context.close()
    # The static error pages (served without the database) are checked as they are.
    html_files += [ROOT / "templates" / "500.html", ROOT / "templates" / "503.html"]
    assert violations == {}, "\n".join(f"{page}: {found}" for page, found in violations.items())
    errors = pages.run_vnu(html_files)
    assert errors == [], "\n".join(map(str, errors))


def test_login_form_works_with_the_keyboard_alone(new_page, django_user_model, transactional_db):
    from tests import factories

    factories.UserFactory(email="an@example.vn", password="Mật-khẩu-dài-2026")
    page = new_page()
    page.goto("/tai-khoan/dang-nhap/")
    # The first field has the focus on arrival; Tab moves on to the password, Enter submits.
    expect(page.locator(":focus")).to_have_attribute("name", "username")
    page.keyboard.type("an@example.vn")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("type", "password")
    focus_style = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert focus_style != "none"
    page.keyboard.type("Mật-khẩu-dài-2026")
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_english_pages_show_english_text(new_page, transactional_db):
    page = new_page(language="en")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Online public services")
    expect(page.get_by_role("link", name="Procedures", exact=True)).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dịch vụ công trực tuyến")
