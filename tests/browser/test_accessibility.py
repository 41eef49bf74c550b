"""Every page, as every persona who may open it, in Estonian: no WCAG 2.1 A or AA violation (axe-core),
no Content Security Policy violation or script error, and the page is in Estonian."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import access_world
from tests.access_spec import ANONYMOUS, OK, PERSONAS, SPEC
from tests.browser.conftest import axe_violations, describe_violations, sign_in

pytestmark = pytest.mark.browser


def pages_for(persona: str) -> list[str]:
    return [
        name
        for name, page in SPEC.items()
        if page.html and page.get_expect is not None and page.get_expect[persona] == OK
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_the_persona_may_open_passes_axe_in_estonian(persona, people, demo_case, live_server, context, page):
    world = access_world.build_world(people, demo_case)
    names = pages_for(persona)
    assert names, f"{persona} may open no page at all"
    if persona != ANONYMOUS:
        sign_in(context, live_server, world.people[persona])
    problems = []
    for name in names:
        spec = SPEC[name]
        url = reverse(name, kwargs=spec.kwargs(world)) + (f"?{spec.query}" if spec.query else "")
        page.problems.clear()
        response = page.goto(url)
        if response is None or response.status != 200:
            problems.append(f"{name} ({url}): expected 200, got {response and response.status}")
            continue
        if page.get_attribute("html", "lang") != "et":
            problems.append(f"{name} ({url}): page language is not Estonian")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name} ({url}):\n{describe_violations(violations)}")
        if page.problems:
            problems.append(f"{name} ({url}): " + "; ".join(page.problems))
    assert not problems, f"as {persona}:\n" + "\n".join(problems)
