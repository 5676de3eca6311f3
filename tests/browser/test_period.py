"""The budget grip for an as-of date nobody computed yet, in a real browser (issue 11).

The venlo site has snapshots as of 30 June 2025 only. Opening the grip as of 3 May 2025
shows the progress note, which polls until the computation (a thread of ``regie serve``)
has stored the snapshots and then reloads into the figures of that date under the right
heading: the CLI's figures for the same question.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from regie.formatting import euro
from tests.browser.conftest import VENLO_YEAR, Site, login

pytestmark = pytest.mark.slow

AS_OF = "2025-05-03"  # not a month end, and no snapshot


def test_grip_for_a_date_without_snapshots(page: Any, venlo_site: Site, artifacts: Path) -> None:
    login(page, venlo_site.url, "gemeente")
    page.goto(f"{venlo_site.url}/grip/?jaar={VENLO_YEAR}&peildatum={AS_OF}")
    note = page.locator("#berekening")
    assert "Bezig met berekenen…" in note.inner_text()
    assert page.locator("#periode").inner_text().strip() == "Jaar 2025, cijfers per peildatum 3 mei 2025"
    page.screenshot(path=str(artifacts / "berekenen.png"), full_page=True)

    # the note polls and the page reloads into the figures by itself
    page.locator("table#grip").wait_for(state="visible", timeout=300_000)
    assert page.get_by_role("heading", name="Budgetgrip", level=1).is_visible()
    heading = page.locator("#periode")
    assert heading.inner_text().strip() == "Jaar 2025, cijfers per peildatum 3 mei 2025"
    assert heading.get_attribute("data-as-of") == AS_OF
    assert page.locator("#f-peildatum").input_value() == "03-05-2025"

    forecast = venlo_site.cli("forecast", "--year", str(VENLO_YEAR), "--as-of", AS_OF)
    assert forecast["rows"]
    for row in forecast["rows"]:
        tr = page.locator(f"table#grip tr[data-municipality='{row['municipality']}'][data-segment='{row['segment']}']")
        assert tr.locator("td[data-field='forecast']").inner_text().strip() == euro(row["forecast"])
        assert tr.locator("td[data-field='realised']").inner_text().strip() == euro(row["realised"])

    # an invalid date says so, in Dutch
    page.goto(f"{venlo_site.url}/grip/?jaar={VENLO_YEAR}&peildatum=2025-02-30")
    assert "‘2025-02-30’ is geen datum" in page.locator("[role=alert]").inner_text()
