"""Waiting in the browser tests for something the page does by itself (charts drawn, focus moved)."""

from __future__ import annotations

import time


def wait_until(page, predicate: str, timeout: float = 30_000, message: str = "") -> None:
    """Wait until the JavaScript ``predicate`` (an expression or a function) is true in ``page``, asking it from
    the test every 50 ms. Not Playwright's ``wait_for_function``: that polls a predicate compiled in the page,
    which the app's Content-Security-Policy refuses (no 'unsafe-eval'), so it fails whenever the first look
    is not already true. ``page.evaluate`` runs through the DevTools protocol, which the policy does not cover."""
    deadline = time.monotonic() + timeout / 1000
    source = predicate if predicate.lstrip().startswith(("(", "function")) else f"() => Boolean({predicate})"
    while not page.evaluate(source):
        if time.monotonic() > deadline:
            from playwright.sync_api import TimeoutError as PlaywrightTimeout

            raise PlaywrightTimeout(message or f"not true within {timeout / 1000:g} s: {predicate}")
        time.sleep(0.05)
