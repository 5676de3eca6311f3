"""The signals work list and the inflow-request form in Chromium, on the generated venlo region:
grouped counts, a bulk resolve whose counters follow without a page load (HTMX), one signal
explained in its row; the form's months and contracts in Dutch, what Regie knows filled in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import VENLO_AS_OF, VENLO_YEAR, Site, follow_menu, login

pytestmark = pytest.mark.slow


def counters(page: Any) -> dict[str, int]:
    out = {}
    for a in page.locator("#signaal-tellers a").all():
        out[a.get_attribute("data-status")] = int(a.locator(".value").inner_text().replace(".", ""))
    return out


def group_row(page: Any, kind: str, provider: str) -> dict[str, int]:
    row = page.locator(f"#groepen tbody[data-kind='{kind}'] tr[data-provider='{provider}']")
    return {s: int(row.locator(f"td[data-status='{s}']").inner_text()) for s in ("open", "explained", "resolved")}


def test_grouped_work_list_bulk_resolve_and_counters(page: Any, venlo_site: Site, artifacts: Path) -> None:
    login(page, venlo_site.url, "gemeente")
    follow_menu(page, "Signalen")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Per soort en aanbieder").is_visible()
    page.screenshot(path=str(artifacts / "signalen-gegroepeerd.png"), full_page=False)

    # The late declarations of the provider with the most of them: open it from its group.
    late = page.locator("#groepen tbody[data-kind='late_declaration'] tr.sub")
    sizes = [
        (int(r.locator("td[data-status='open']").inner_text()), r.get_attribute("data-provider")) for r in late.all()
    ]
    n, provider = max(sizes)
    assert n >= 3
    page.locator(f"#groepen tbody[data-kind='late_declaration'] tr[data-provider='{provider}'] th a").click()
    page.wait_for_load_state("networkidle")
    assert re.search(rf"{n} signalen\s+in deze selectie", page.locator("#h-signalen").inner_text())
    before, group = counters(page), group_row(page, "late_declaration", provider)
    url = page.url

    # Tick two, resolve them with one note: the rows and every counter follow, the page stays.
    page.locator("#signalen tbody input[name='ids']").nth(0).check()
    page.locator("#signalen tbody input[name='ids']").nth(1).check()
    page.locator("#bulk-status").select_option("resolved")
    page.get_by_label("Toelichting (voor alle gekozen signalen)").fill("Termijn met de aanbieder besproken")
    page.get_by_role("button", name="Toepassen").click()
    page.get_by_role("status").filter(has_text="2 signalen bijgewerkt.").wait_for()
    assert page.url == url, "answered over HTMX, no page load"
    after = counters(page)
    assert after["open"] == before["open"] - 2 and after["resolved"] == before["resolved"] + 2
    assert group_row(page, "late_declaration", provider) == {**group, "open": group["open"] - 2, "resolved": 2}
    assert page.locator("#signalen tbody tr[data-status='resolved']").count() == 2
    page.locator("#werklijst").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "signalen-bulk.png"), full_page=False)

    # One more, in its own row: explained; the counters follow again.
    row = page.locator("#signalen tbody tr[data-status='open']").first
    row_id = row.get_attribute("id")
    row.locator("select[name='status']").select_option("explained")
    row.locator("input[name='note']").fill("Factuur kwam via de post")
    row.get_by_role("button", name="Opslaan").click()
    page.locator(f"#{row_id}[data-status='explained']").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#signaal-tellers a[data-status=explained] .value').textContent.trim() !== '0'"
    )
    assert counters(page)["explained"] == before["explained"] + 1
    assert group_row(page, "late_declaration", provider)["explained"] == group["explained"] + 1

    # Put everything back for the other tests of this session (open needs no note).
    page.locator("#bulk-alle").check()
    page.locator("#bulk-status").select_option("open")
    page.get_by_role("button", name="Toepassen").click()
    page.get_by_role("status").filter(has_text=f"{n} signalen bijgewerkt.").wait_for()
    assert counters(page) == before


def test_provider_sees_its_own_groups_only(page: Any, venlo_site: Site, artifacts: Path) -> None:
    login(page, venlo_site.url, "aanbieder")
    page.goto(venlo_site.url + "/signalen/")
    assert page.get_by_role("heading", name="Per soort", exact=True).is_visible()
    assert page.locator("#groepen tr.sub").count() == 0
    providers = set(page.locator("#signalen tbody tr td:nth-child(4)").all_inner_texts())
    assert len(providers) <= 1
    assert page.get_by_role("button", name="Toepassen").is_visible()
    assert page.locator("#bulk-status option").all_inner_texts() == ["verklaard"]
    page.screenshot(path=str(artifacts / "signalen-aanbieder.png"), full_page=False)


def test_inflow_request_form(page: Any, venlo_site: Site, artifacts: Path) -> None:
    login(page, venlo_site.url, "aanbieder")
    page.goto(f"{venlo_site.url}/bekostiging/verzoeken/nieuw/?jaar={VENLO_YEAR}&peildatum={VENLO_AS_OF}")
    months = page.locator("#id_month option").all_inner_texts()
    assert months[0] == f"januari {VENLO_YEAR}" and months[-1] == f"december {VENLO_YEAR}"
    assert page.locator("#id_month option:checked").inner_text() == f"juli {VENLO_YEAR}"
    contracts = [t for t in page.locator("#id_contract option").all_inner_texts() if t != "---------"]
    assert contracts, "the provider has per-client contracts this year"
    for text in contracts:
        assert re.search(rf" · \d{{1,2}}-\d{{1,2}}-{VENLO_YEAR} t/m \d{{1,2}}-\d{{1,2}}-{VENLO_YEAR} · ", text), text
    assert not [t for t in contracts if str(VENLO_YEAR - 1) in t], "no contract of an earlier year"

    # Choosing the contract fills in what Regie knows; what was typed stays.
    page.get_by_label("Gevraagd afgesproken aantal").fill("99")
    largest = max(contracts, key=lambda t: int(t.rsplit(" · ", 1)[1].split()[0].replace(".", "")))
    page.get_by_label("Contract").select_option(label=largest)
    page.locator(".known").wait_for()
    known = page.locator(".known").inner_text()
    assert "Wat Regie weet op 30 juni 2025" in known
    now = int(re.search(r"(\d+) cliënt(?:en)? nu in zorg", known).group(1))  # type: ignore[union-attr]
    assert page.get_by_label("Cliënten nu in zorg").input_value() == str(now)
    assert page.get_by_label("Gevraagd afgesproken aantal").input_value() == "99"
    page.screenshot(path=str(artifacts / "verzoek-nieuw.png"), full_page=True)


def test_area_view_beside_a_year_earlier(page: Any, venlo_site: Site, artifacts: Path) -> None:
    """The areas page holds the CLI's indicators per area, for the year and for the year
    before as of the same day a year earlier; its chart is drawn."""
    now = venlo_site.cli("indicators", "--year", str(VENLO_YEAR), "--as-of", VENLO_AS_OF, "--by", "municipality,area")
    before_as_of = f"{VENLO_YEAR - 1}{VENLO_AS_OF[4:]}"
    before = venlo_site.cli(
        "indicators", "--year", str(VENLO_YEAR - 1), "--as-of", before_as_of, "--by", "municipality,area"
    )
    login(page, venlo_site.url, "raad")
    follow_menu(page, "Gebieden")
    page.wait_for_load_state("networkidle")
    page.locator("#gebieden-grafiek svg").first.wait_for(state="attached", timeout=15000)
    previous = {r["area"]: r for r in before["rows"]}
    rows = [r for r in now["rows"] if r["area"]]
    assert len(rows) >= 5
    for r in rows:
        tr = page.locator(f"#gebieden tr[data-area='{r['area']}']")
        assert tr.locator("td[data-field='clients']").get_attribute("data-value") == str(r["clients"])
        shown_before = tr.locator("td[data-field='clients'] .yoy-prev").inner_text().split(" · ")[0]
        assert shown_before == str(previous[r["area"]]["clients"]), r["area"]
    assert "Onder elk cijfer: hetzelfde cijfer voor 2024 met wat op 30 juni 2024 bekend was" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "gebieden.png"), full_page=True)
