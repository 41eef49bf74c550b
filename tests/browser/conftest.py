"""Browser fixtures: Debian's Chromium through Playwright, axe-core from node_modules, signed-in pages.

Chromium is Debian's /usr/bin/chromium (never `playwright install`); axe-core comes from `npm ci`
(package.json). Both are installed by `make test`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent.parent
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses that unless told.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (make test does)"
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run npm ci (make test does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server) -> Iterator[Any]:
    """A fresh browser profile in Estonian, pointed at the live server.

    axe-core is added as an init script: that reaches every page without relaxing the page's
    Content Security Policy, so the policy itself is exercised on every visit.
    """
    context = browser.new_context(base_url=live_server.url, locale="et-EE")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "et", "url": live_server.url}])
    context.add_init_script(path=str(AXE_SCRIPT))
    yield context
    context.close()


@pytest.fixture
def page(context) -> Any:
    """A page that records Content Security Policy violations, script errors and failed sub-resources
    (style sheets, scripts, images) as `page.problems`; the page's own status is the test's to check."""
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: Any) -> None:
        # Failed loads are reported with their address by on_response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error: {message.text}")

    def on_response(response: Any) -> None:
        request = response.request
        if response.status >= 400 and request.resource_type != "document" and not request.url.endswith("/favicon.ico"):
            problems.append(f"{request.resource_type} {request.url} answered {response.status}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"{request.url} failed: {request.failure}"))
    page.problems = problems
    return page


def sign_in(context: Any, live_server: Any, user: Any) -> None:
    """Signs `user` in for this browser profile through a server-side session (no password round trip)."""
    client = Client()
    client.force_login(user, backend="accounts.backends.PasswordBackend")
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie.value, "url": live_server.url}])


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The WCAG 2.1 A and AA violations that axe-core finds on the page as it is now."""
    result = page.evaluate(
        """async (tags) => {
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
            const outcome = await axe.run(document, options);
            return outcome.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        WCAG_21_AA_TAGS,
    )
    return list(result)


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {node['target']}: {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    """Fails listing every WCAG 2.1 A/AA violation axe-core finds on the page."""
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n{describe_violations(violations)}"
