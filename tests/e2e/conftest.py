"""Browser fixtures: Debian's Chromium driven by Playwright, pages served by pytest-django's live server.

Tools fetched from the npm registry by scripts/fetch_test_tools.sh (axe-core, the Nu Html Checker) live in
var/test-tools/. Outside CI a test that needs a missing tool is skipped; in CI (`CI` set) it fails.
"""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "var" / "test-tools"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def require(path):
    """The path of a tool or browser, or a skip (outside CI) / failure (in CI) when it is missing."""
    if Path(path).exists() or shutil.which(str(path)):
        return Path(path)
    message = f"{path} is missing: run scripts/fetch_test_tools.sh"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module", autouse=True)
def _sync_orm_beside_playwright():
    """Playwright's sync API keeps an event loop in this thread, which Django takes for an async context;
    the ORM calls these tests make between browser steps are plain synchronous code. The guard is lifted
    while a browser test module runs, and restored after (left set, it would leak into other tests'
    subprocesses, and `check --deploy` rightly refuses it)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(django_db_setup, _sync_orm_beside_playwright):
    """One Chromium per test module, so its event loop is gone before other modules' tests run."""
    require(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(viewport=DESKTOP, language="vi")`: a page in a fresh browser context (own cookies)."""
    contexts = []

    def make(viewport=DESKTOP, language=None):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="vi-VN",
                                      accept_downloads=True)
        if language:
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        context.set_default_timeout(8_000)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    return tmp_path / "media"
