"""The shared waiting list in Chromium: a core partner sees its segment's whole list in
priority order and claims a registration; a provider that is no core partner sees only what
is assigned to it (screenshots at 1280 px in test-artifacts/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from regie.access import services
from regie.access.models import Registration
from regie.accounts.scope import scope_for
from regie.catalog import models as cat
from tests.access.factories import BSNS, CORE, OTHER, SEGMENT, episode, setup_region, today
from tests.browser.conftest import follow_menu, login


@pytest.fixture
def waiting(transactional_db: None) -> dict[str, int]:
    """Four registrations in WMO-IB (one assigned to OTHER) and one in JGD-45."""
    setup_region()
    gemeente = get_user_model().objects.get(username="gemeente")
    scope = scope_for(gemeente)
    made = {}
    for name, bsn, urgency, ago, segment in [
        ("normal", BSNS[0], "normal", 50, SEGMENT),
        ("urgent", BSNS[1], "urgent", 3, SEGMENT),
        ("crisis", BSNS[2], "crisis", 2, SEGMENT),
        ("assigned", BSNS[3], "normal", 20, SEGMENT),
        ("youth", BSNS[4], "urgent", 9, "JGD-45"),
    ]:
        made[name] = services.register(
            gemeente,
            scope,
            municipality=cat.Municipality.objects.get(code="0983"),
            segment=cat.Segment.objects.get(code=segment),
            bsn=bsn,
            urgency=urgency,
            registered_on=today() - dt.timedelta(days=ago),
            area="Blerick",
            referrer="02",
        ).pk
    services.assign(gemeente, scope, Registration.objects.get(pk=made["assigned"]), cat.Provider.objects.get(agb=OTHER))
    episode("pseudo-in-care", CORE, today())
    return made


def listed(page: Any) -> list[int]:
    return [int(r.get_attribute("data-id")) for r in page.locator("#wachtlijst tbody tr[data-id]").all()]


def test_core_partner_sees_the_whole_list_and_claims(
    page: Any, live_server: Any, waiting: dict[str, int], artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server.url, "aanbieder")
    follow_menu(page, "Wachtlijst")
    page.locator("#f-segment").select_option(SEGMENT)
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_load_state("networkidle")
    assert listed(page) == [waiting["crisis"], waiting["urgent"], waiting["normal"], waiting["assigned"]]
    assert "kernpartner van WMO-IB" in page.locator("#wat-u-ziet").inner_text()
    assert page.locator(f"#capaciteit tr[data-provider='{CORE}']").is_visible()
    assert page.locator(f"#capaciteit tr[data-provider='{OTHER}']").count() == 0
    page.screenshot(path=str(artifacts / "wachtlijst-kernpartner.png"), full_page=True)

    row = page.locator(f"#wachtlijst tr[data-id='{waiting['normal']}']")
    row.get_by_text("Acties").click()
    row.get_by_placeholder("toelichting of reden").fill("Wij hebben volgende week plek")
    row.get_by_role("button", name="Claimen").click()
    page.wait_for_load_state("networkidle")
    assert "geclaimd" in page.locator(".messages").inner_text()
    row = page.locator(f"#wachtlijst tr[data-id='{waiting['normal']}']")
    assert "claim, nog te bevestigen" in row.inner_text() and "Zorggroep Noord" in row.inner_text()


def test_other_provider_sees_only_what_is_assigned_to_it(
    page: Any, live_server: Any, waiting: dict[str, int], artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server.url, "ander")
    follow_menu(page, "Wachtlijst")
    page.wait_for_load_state("networkidle")
    assert listed(page) == [waiting["assigned"]]
    assert page.locator("#wat-u-ziet").inner_text() == "U ziet de aanmeldingen die aan u zijn toegewezen."
    assert page.get_by_role("link", name="Nieuwe aanmelding").count() == 0
    row = page.locator(f"#wachtlijst tr[data-id='{waiting['assigned']}']")
    row.get_by_text("Acties").click()
    assert row.get_by_role("button", name="Claimen").count() == 0
    page.screenshot(path=str(artifacts / "wachtlijst-aanbieder.png"), full_page=True)
    answer = page.request.get(live_server.url + f"/api/v1/waiting-list/{waiting['crisis']}/")
    assert answer.status == 404 and answer.json()["status"] == 404
