"""Fixtures of the participant pages: a cohort at its first check-ins, the app on a clock
set inside that month, and a client that behaves as a browser (cookies, same origin)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from demo.clock import SimulatedClock
from mentorat.web import create_app
from mentorat.web.limits import Limits
from tests.web.world import World, build_world


@pytest.fixture
def world(settings) -> World:  # type: ignore[no-untyped-def]
    return build_world(settings)


@pytest.fixture
def clock(world: World) -> SimulatedClock:
    return SimulatedClock(world.checkins_due_at + timedelta(days=1))


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
def client(settings, clock, limits) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = create_app(settings, clock=clock, limits=limits)
    with TestClient(app, base_url="https://mentorat.exemple.fr") as test_client:
        yield test_client


# --- the real browser -------------------------------------------------------------------

BROWSER_SKIP = "Debian's chromium is not installed (apt-get install chromium)"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from tests.web.live import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip(BROWSER_SKIP)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live(settings, clock, limits) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from tests.web.live import serving_pages

    with serving_pages(settings, clock=clock, limits=limits) as base_url:
        yield base_url


@pytest.fixture
def phone(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A 360 px wide phone. CSP is bypassed only so that the test can inject axe-core."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="fr-FR",
        device_scale_factor=1,
        bypass_csp=True,
    )
    page = context.new_page()
    yield page
    context.close()
