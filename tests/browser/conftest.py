"""Browser tests: real Chromium through Playwright against pytest-django's live server.

Fixtures and helpers shared by the modules in this folder:

- Chromium is /usr/bin/chromium. Where it is missing the tests skip, except in CI (the CI
  environment variable set), where they fail: CI installs Chromium, so a skip there would
  hide a broken set-up.
- ``site`` is the live server's base URL with the bundled course imported.
- ``dark_page`` and ``nojs_page`` are pages in their own contexts (dark colour scheme,
  JavaScript disabled); ``page`` is pytest-playwright's default light page.
- ``shoot(page, name)`` saves ``screenshots/<name>.png`` (git-ignored) at the repo root.
- ``assert_no_axe_violations(page, where)`` runs axe-core and fails with a readable list
  (on a ``nojs_page`` it checks a JavaScript-enabled copy: axe-core needs JavaScript).
- The live server answers one request at a time (see ``OneRequestAtATime``).
"""

import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server's threads share one connection to the suite's in-memory SQLite
    database, which cannot run two statements at once: an htmx preview that overlapped a
    form's POST failed both ("bad parameter or other API misuse"). Requests here take
    turns; connections still live in their own threads (keep-alive works)."""

    _turn = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self._turn:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    response.close()  # request_finished, as the server would send it

        super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATime

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
LESSON_SLUG = "fixture-readiness"
TIMERS_RUN = "() => new Promise(resolve => setTimeout(() => resolve(true), 0))"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


def pytest_configure(config):
    # pytest-playwright's own base_url fixture (used when pytest-base-url is absent) trips a
    # pytest 9 deprecation warning on every run; it is theirs to fix, not ours.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """The one place that decides what happens without Chromium: skip, or fail in CI."""
    if item.get_closest_marker("browser") is None or CHROMIUM.exists():
        return
    reason = f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium`"
    if _in_ci():
        pytest.fail(f"{reason}. CI must run the browser tests, not skip them.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP}


@pytest.fixture
def site(live_server, course_tx):
    """The live server's base URL (no trailing slash), with the bundled course imported."""
    return live_server.url


@pytest.fixture
def lesson_url(site):
    return f"{site}/patterns/{LESSON_SLUG}/"


@pytest.fixture
def dark_page(new_context):
    """A desktop page that prefers the dark colour scheme."""
    return new_context(color_scheme="dark").new_page()


@pytest.fixture
def nojs_page(new_context):
    """A desktop page with JavaScript disabled: the full-page fallback."""
    return new_context(java_script_enabled=False).new_page()


def shoot(page, name: str) -> Path:
    """Save a full-page screenshot to screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.wait_for_load_state("load")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _timers_run(page) -> bool:
    try:
        page.wait_for_function(TIMERS_RUN, timeout=2_000)
    except PlaywrightTimeoutError:
        return False
    return True


def _run_axe(page) -> list[dict]:
    return Axe().run(page).response["violations"]


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (axe ships with the package).

    axe-core runs on the page's timers, which never fire with JavaScript disabled. For such
    a page it checks a copy instead: the same URL, cookies, viewport and colour scheme in a
    JavaScript-enabled context (so a page that only a POST renders cannot be checked).
    """
    page.wait_for_load_state("load")  # styles in place: contrast is computed from them
    if _timers_run(page):
        return _run_axe(page)
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    context = page.context.browser.new_context(
        storage_state=page.context.storage_state(),
        viewport=page.viewport_size,
        color_scheme="dark" if dark else "light",
    )
    try:
        copy = context.new_page()
        copy.goto(page.url)
        return [{**violation, "onCopy": True} for violation in _run_axe(copy)]
    finally:
        context.close()


def axe_view(new_context, page):
    """The same URL in a JavaScript-enabled context with the same cookies, for axe-core.

    (``assert_no_axe_violations`` now does this by itself for a page without JavaScript.)
    """
    copy = new_context(storage_state=page.context.storage_state()).new_page()
    copy.goto(page.url)
    return copy


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        copy = " [on a JavaScript-enabled copy]" if violation.get("onCopy") else ""
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}{copy}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    target: {', '.join(map(str, node['target']))}")
            lines.append(f"    html:   {node['html'][:300]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n            ")
                lines.append(f"    why:    {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {where} ({page.url}):\n"
        + format_violations(violations)
    )


def assert_no_axe_violations_in_both_schemes(page, where: str) -> None:
    """axe in light and in dark on the page as it is, without reloading it."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_no_axe_violations(page, f"{where} ({scheme})")
    page.emulate_media(color_scheme="light")


ACTIVE_MATCHES = """([selector, text]) => {
    const el = document.activeElement;
    return !!el && el.matches(selector) && (text === null || el.textContent.trim() === text);
}"""


def tab_to(page, selector: str, text: str | None = None, limit: int = 60) -> int:
    """Press Tab until the focused element matches; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE_MATCHES, [selector, text]):
            return presses
    active = page.evaluate("document.activeElement && document.activeElement.outerHTML")
    raise AssertionError(f"{limit} Tabs never reached {selector} {text!r}; focus is on {active}")
