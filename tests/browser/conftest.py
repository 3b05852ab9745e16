"""Drive Debian's Chromium through Playwright's sync API against pytest-django's live server.

Each page a test opens is checked the same way (``Tab.open``): its HTTP status, no
console errors, no request leaving the live server, and axe-core at WCAG 2.2 AA with axe's
best-practice rules, at desktop width (1280 px) and again at phone width (390 px), where the
page must not scroll sideways as a whole (a wide table scrolls inside its own focusable box).
"""

from __future__ import annotations

import os
import shutil
from importlib.resources import files

import pytest

from tests.browser.waits import wait_until

# Playwright's sync API keeps an asyncio loop running in this thread, so Django
# would refuse ORM calls from the test ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI
    "--disable-gpu",
    "--disable-background-networking",  # no calls home, which would show up as foreign requests
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Violations and best-practice findings alike fail the walk; "incomplete" (needs a person to judge) does not.
AXE_RUN = "axe.run({runOnly: {type: 'tag', values: %r}, resultTypes: ['violations']})" % AXE_TAGS
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # an iPhone 12-15 in portrait
# After a resize: let layout, GOV.UK Frontend's media-query listeners and Plotly's resize settle.
SETTLED = "new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))))"
# Each drawn Plotly chart as wide as the box it is drawn in (within 2 px).
CHARTS_FIT = """() => [...document.querySelectorAll(".app-chart__figure")].every(box => {
  const svg = box.querySelector(".main-svg");
  return !svg || Math.abs(svg.getBoundingClientRect().width - box.getBoundingClientRect().width) <= 2;
})"""
SIDEWAYS = """() => {
  const root = document.scrollingElement || document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1 && !(e.parentElement && e.parentElement.closest(".app-table-scroll")))
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : ""));
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide: wide.slice(0, 5)};
}"""


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); scripts/test installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    # The axe-playwright-python wheel ships axe-core's axe.min.js: no npm, no CDN.
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


class Tab:
    """One browser tab that records console errors and requests, and checks every page it opens."""

    def __init__(self, page, base_url: str, axe_source: str):
        self.page = page
        self.base_url = base_url
        self.axe_source = axe_source
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.problems: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught exception: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if where.endswith("/favicon.ico") and "404" in message.text:
            return  # browsers ask for /favicon.ico on their own
        self.console_errors.append(f"{message.text} ({where})")

    def open(self, path: str, status: int = 200):
        """Go to ``path`` on the live server and check the page; return the response."""
        self.console_errors.clear()
        self.requests.clear()
        response = self.page.goto(self.base_url + path)
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
        self.check(path, status)
        return response

    def check(self, label: str, status: int = 200) -> None:
        """Check the page now showing: console, requests and axe-core.

        Problems are collected, not raised, so one run lists every page's problems;
        tests end with ``assert_no_problems()``.
        """
        self.page.wait_for_load_state("load")
        errors = self.console_errors
        if status != 200:
            # Chromium logs the page's own error status as a console error; that one is expected.
            errors = [e for e in errors if f"status of {status}" not in e or self.page.url not in e]
        self.problems += [f"{label}: console error: {error}" for error in errors]

        foreign = [url for url in self.requests if not (url.startswith(self.base_url) or url.startswith("data:"))]
        self.problems += [f"{label}: request outside the live server: {url}" for url in foreign]

        self.page.evaluate(self.axe_source)
        self._axe(label)
        width = self.page.viewport_size
        if width["width"] <= PHONE["width"]:
            self._sideways(label)  # a test already at phone width: one pass is both
            return
        # The same page at phone width: axe again, and nothing pushing the page sideways.
        self.page.set_viewport_size(PHONE)
        try:
            self._settle(f"{label} at {PHONE['width']} px")
            self._axe(f"{label} at {PHONE['width']} px")
            self._sideways(f"{label} at {PHONE['width']} px")
        finally:
            self.page.set_viewport_size(width)
            self._settle(label)  # the test goes on with the page as it opened it, charts redrawn

    def _settle(self, label: str) -> None:
        """Wait for the layout after a resize, and for Plotly (which redraws on a timer) to fit each chart."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        self.page.evaluate(SETTLED)
        try:
            wait_until(self.page, CHARTS_FIT, timeout=5_000)
        except PlaywrightTimeout:
            self.problems.append(f"{label}: a chart was not redrawn to the width of the page within 5 s")

    def _sideways(self, label: str) -> None:
        sideways = self.page.evaluate(SIDEWAYS)
        if sideways:
            self.problems.append(
                f"{label}: the page scrolls sideways ({sideways['scrollWidth']} px wide in "
                f"{sideways['clientWidth']} px); too wide: {sideways['wide']}"
            )

    def _axe(self, label: str) -> None:
        for violation in self.page.evaluate(AXE_RUN)["violations"]:
            nodes = violation["nodes"]
            first = nodes[0] if nodes else {}
            detail = (first.get("failureSummary") or "").replace("\n", " ")
            self.problems.append(
                f"{label}: axe {violation['id']} ({violation['impact']}): {violation['help']}; "
                f"{len(nodes)} element(s), first {first.get('target')}: {first.get('html', '')[:160]} {detail}"
            )

    def assert_no_problems(self) -> None:
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems)

    def log_in(self, username: str, password: str = "placements-demo") -> None:
        """Sign in through the real login form (also checking the login page itself)."""
        self.open("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()
        assert self.page.url == self.base_url + "/", f"signing in as {username} ended on {self.page.url}"

    def log_out(self) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def tab(chromium, live_server, axe_source):
    # A fresh context per test: no cookies carried from one test to the next.
    context = chromium.new_context(viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    yield Tab(context.new_page(), live_server.url, axe_source)
    context.close()
