"""The contract's life in the shell: extension options from the catalog, the contract_expiry
signal, taking an option (API and page), changing a contract with its versions kept."""

from __future__ import annotations

import datetime as dt

import pytest

from regie.accounts.models import AuditEvent
from regie.catalog.loader import load_catalog
from regie.catalog.models import Contract
from regie.engine.catalog import CatalogError, catalog_from_dict, catalog_to_dict, parse_catalog
from regie.procurement.contract_life import raise_expiry_signals
from regie.traffic.models import Signal
from tests.conftest import DATA
from tests.procurement.conftest import OTHER, OWN, client_for, post

IDENT = f"2025-WMO-IB-{OWN}"


def with_options(*options: str) -> None:
    contract = Contract.objects.get(ident=IDENT)
    contract.extensions = list(options)
    contract.save()


def test_catalog_extensions_are_read_checked_and_stored(region: None) -> None:
    catalog = parse_catalog(DATA / "catalog" / "two_providers.toml")
    data = catalog_to_dict(catalog)
    data["contract"][0]["extensions"] = [dt.date(2026, 12, 31), dt.date(2027, 12, 31)]
    loaded = catalog_from_dict(data)
    assert loaded.contracts[0].extensions == (dt.date(2026, 12, 31), dt.date(2027, 12, 31))
    assert catalog_from_dict(catalog_to_dict(loaded)) == loaded  # written back the same
    for wrong in ([dt.date(2024, 12, 31)], [dt.date(2027, 12, 31), dt.date(2026, 12, 31)], ["2026-12-31"]):
        data["contract"][0]["extensions"] = wrong
        with pytest.raises(CatalogError, match="extensions"):
            catalog_from_dict(data)
    load_catalog(loaded)
    stored = Contract.objects.get(ident=IDENT)
    assert stored.extensions == ["2026-12-31", "2027-12-31"]
    version = stored.versions.get()  # the load changed it: the version before is kept
    assert (
        version.changes == {"extensions": [[], ["2026-12-31", "2027-12-31"]]} and version.reason == "catalogus geladen"
    )


def test_contract_expiry_six_months_before_the_end_naming_the_next_option(region: None) -> None:
    with_options("2026-12-31")
    assert raise_expiry_signals(dt.date(2025, 6, 29)) == 0
    assert raise_expiry_signals(dt.date(2025, 7, 1)) == 2  # both contracts end 2025-12-31
    assert raise_expiry_signals(dt.date(2025, 8, 1)) == 0  # once per contract and end
    own = Signal.objects.get(kind="contract_expiry", record=IDENT)
    assert own.raised_on == dt.date(2025, 6, 30) and own.provider == OWN
    assert own.detail == {"contract": IDENT, "end": "2025-12-31", "next_option": "2026-12-31"}
    other = Signal.objects.get(kind="contract_expiry", record=f"2025-WMO-IB-{OTHER}")
    assert other.detail["next_option"] is None


def test_taking_an_option_through_the_api(region: None) -> None:
    with_options("2026-12-31")
    raise_expiry_signals(dt.date(2025, 7, 1))
    path = f"/api/v1/contracts/{IDENT}/extend/"
    assert post(client_for("aanbieder"), path, {"reason": "x"}).status_code == 403
    assert post(client_for("zuid"), path, {"reason": "x"}).status_code == 404
    assert post(client_for("gemeente"), path, {}).status_code == 400
    taken = post(client_for("gemeente"), path, {"reason": "Goed samengewerkt"})
    assert taken.status_code == 200, taken.json()
    assert taken.json()["end"] == "2026-12-31" and taken.json()["extensions"] == ["2026-12-31"]
    assert Signal.objects.get(kind="contract_expiry", record=IDENT).status == "resolved"
    event = AuditEvent.objects.get(action="contract_option_taken")
    assert event.reason == "Goed samengewerkt" and event.detail["changes"] == {"end": ["2025-12-31", "2026-12-31"]}
    versions = client_for("gemeente").get(f"/api/v1/contracts/{IDENT}/versions/").json()["results"]
    assert [(v["number"], v["changed_by"], v["values"]["end"]) for v in versions] == [(1, "gemeente", "2025-12-31")]
    again = post(client_for("gemeente"), path, {"reason": "nog eens"})
    assert again.status_code == 400 and again["Content-Type"] == "application/problem+json"
    assert again.json()["invalid_params"][0]["name"] == "end"
    assert client_for("zuid").get(f"/api/v1/contracts/{IDENT}/versions/").status_code == 404


def test_changing_a_contract_on_its_page_keeps_every_version(region: None) -> None:
    gemeente = client_for("gemeente")
    page = gemeente.get(f"/inkoop/contracten/{IDENT}/wijzigen/").content.decode()
    assert 'name="price_per_client" value="8500"' in page  # the price in euros
    form = {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "extensions": "2026-12-31, 2027-12-31",
        "agreed_clients": "130",
        "price_per_client": "8600",
        "band": "0",
        "ceiling": "0",
        "lump_sum": "0",
        "reason": "Indexering 2025",
    }
    assert gemeente.post(f"/inkoop/contracten/{IDENT}/wijzigen/", form).status_code == 302
    contract = Contract.objects.get(ident=IDENT)
    assert (contract.agreed_clients, contract.price_per_client) == (130, 860000)
    wrong = gemeente.post(f"/inkoop/contracten/{IDENT}/wijzigen/", {**form, "end": "2024-12-31"})
    assert "Zo klopt het contract niet" in wrong.content.decode()
    assert gemeente.post(f"/inkoop/contracten/{IDENT}/optie/", {"reason": "Verlengd"}).status_code == 302
    assert Contract.objects.get(ident=IDENT).end == dt.date(2026, 12, 31)
    page = gemeente.get(f"/inkoop/contracten/{IDENT}/").content.decode()
    assert 'data-version="2"' in page and 'data-version="1"' in page
    assert page.count('id="versies"') == 1  # once, in the page (the title is only the contract)
    assert f"<title>Contract {IDENT} · Regie</title>" in page
    assert "31-12-2025 → 31-12-2026" in page and "Indexering 2025" in page
    assert "Optie nemen: verlengen tot 31 december 2027" in page
    # the provider sees its contract's history, cannot change it
    own = client_for("aanbieder")
    assert 'data-version="2"' in own.get(f"/inkoop/contracten/{IDENT}/").content.decode()
    assert own.get(f"/inkoop/contracten/{IDENT}/wijzigen/").status_code == 403
    assert own.post(f"/inkoop/contracten/{IDENT}/optie/", {"reason": "x"}).status_code == 403
