"""Fixtures for tests that drive the system Chromium (Debian package chromium) with Playwright.

No browser is ever downloaded: `CHROMIUM` (a name on PATH or a path, default `chromium`) says
which one to drive. Without it the browser tests are skipped; a Chromium that fails to start
is an error.
"""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No network here: without these Chromium keeps trying to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
NOTICES = Path(settings.BASE_DIR) / "fixtures" / "notices"


def pytest_collection_modifyitems(items):
    """Mark the tests of this folder `browser` and run them last (see `browser` below)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which(os.environ.get("CHROMIUM", "chromium"))
    if executable is None:
        pytest.skip("Chromium not found: install the Debian package chromium")
    # Playwright's sync API marks its event loop as running in this thread between calls, so
    # Django would refuse every ORM call made by the tests (SynchronousOnlyOperation). Allow
    # them for as long as Playwright runs, which is why these tests run last.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open_page(browser, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def locale():
    """The browser's language (Accept-Language, navigator.language): parametrize to change it."""
    return "en"


@pytest.fixture
def viewport():
    """The page's size: parametrize to change it."""
    return DESKTOP


@pytest.fixture
def page(browser, locale, viewport):
    """A page in a new browser context (fresh cookies), desktop-sized by default."""
    context, page = _open_page(browser, locale=locale, viewport=viewport)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, locale):
    """A page in a new browser context on a 360 x 740 touch screen."""
    context, page = _open_page(
        browser, locale=locale, viewport=PHONE, is_mobile=True, has_touch=True
    )
    yield page
    context.close()


@pytest.fixture
def axe_violations():
    """axe_violations(page): the WCAG 2.2 A and AA violations that axe-core finds on the page.

    Each one is a dict with the rule's id, impact, help text and nodes (CSS target, HTML
    snippet, what to fix), so that `assert axe_violations(page) == []` reads well on failure.
    """

    def run(page):
        options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
        results = Axe().run(page, options=options)
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "nodes": [
                    {
                        "target": " ".join(map(str, node["target"])),
                        "html": node["html"],
                        "fix": node.get("failureSummary", ""),
                    }
                    for node in violation["nodes"]
                ],
            }
            for violation in results.response["violations"]
        ]

    return run


@pytest.fixture
def screenshot(tmp_path):
    """screenshot(page, name, **options): save the page as NAME.png.

    `make screenshots` (SCREENSHOTS=1) refreshes the pictures in docs/screenshots that the
    README shows; other runs write them to a temporary folder, leaving the tree untouched.
    """
    folder = SCREENSHOTS if os.environ.get("SCREENSHOTS") else tmp_path

    def save(page, name, **options):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=path, animations="disabled", **options)
        return path

    return save


@pytest.fixture
def board(live_server, board):
    """The sample board (tests/conftest.py), served: written from the test's thread
    (Playwright runs there too), read by the server's thread."""
    return board
