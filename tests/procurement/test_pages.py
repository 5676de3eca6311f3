"""The procurement pages with Django's test client: a tender made, bid on, assessed by two
users and awarded through the forms; who sees which page."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from regie.catalog.models import Contract
from regie.procurement import models as m
from regie.procurement.services import STANDARD_REQUIREMENTS
from tests.procurement.conftest import OTHER, OWN, client_for


def tender_form(**extra: Any) -> dict[str, Any]:
    rows = [*STANDARD_REQUIREMENTS, {"code": "", "kind": "score"}]
    data = {
        "segment": "WMO-IB",
        "year": "2026",
        "max_providers": "1",
        "agreed_clients": "40",
        "price_per_client": "8750.50",
        "eis-TOTAL_FORMS": str(len(rows)),
        "eis-INITIAL_FORMS": "0",
    }
    for i, r in enumerate(rows):
        for key in ("code", "text", "kind", "weight", "minimum"):
            value = r.get(key)
            data[f"eis-{i}-{key}"] = "" if value is None else str(value)
    return {**data, **extra}


def answers(care_share: str) -> dict[str, Any]:
    data = {f"answer_{r['code']}": "ja" for r in STANDARD_REQUIREMENTS}
    data["answer_care_share"] = care_share
    return data


def marks(client: Client, tender: m.Tender, bid: m.Bid, **scores: Any) -> Any:
    data = {"reason": "Gecontroleerd"}
    for r in STANDARD_REQUIREMENTS:
        data[f"score_{r['code']}"] = "1" if r["kind"] == "pass_fail" else "7"
    data.update({f"score_{k}": v for k, v in scores.items()})
    return client.post(f"/inkoop/aanbestedingen/{tender.pk}/inschrijvingen/{bid.pk}/", data)


def test_tender_from_requirements_to_contracts(region: None) -> None:
    gemeente = client_for("gemeente")
    assert "Organisatie en bestuur op orde" in gemeente.get("/inkoop/aanbestedingen/nieuw/").content.decode()
    made = gemeente.post("/inkoop/aanbestedingen/nieuw/", tender_form())
    assert made.status_code == 302
    tender = m.Tender.objects.get()
    assert tender.funding == {"agreed_clients": 40, "price_per_client": 875050}
    assert tender.requirements.count() == len(STANDARD_REQUIREMENTS)

    evidence = SimpleUploadedFile("cao.pdf", b"%PDF cao", content_type="application/pdf")
    own = client_for("aanbieder").post(
        f"/inkoop/aanbestedingen/{tender.pk}/inschrijven/", {**answers("92"), "evidence_cao": evidence}
    )
    assert own.status_code == 302
    client_for("zuid").post(f"/inkoop/aanbestedingen/{tender.pk}/inschrijven/", answers("88"))
    bids = {b.provider.agb: b for b in tender.bids.all()}
    assert bids[OWN].answers["care_share"] == 0.92 and bids[OWN].evidence.get().name == "cao.pdf"

    # two assessors; the first cannot assess again, the award waits for the second
    for bid in bids.values():
        assert marks(gemeente, tender, bid).status_code == 302
    page = gemeente.get(f"/inkoop/aanbestedingen/{tender.pk}/inschrijvingen/{bids[OWN].pk}/").content.decode()
    assert 'id="beoordeling"' not in page
    detail = gemeente.get(f"/inkoop/aanbestedingen/{tender.pk}/").content.decode()
    assert "Gunnen kan pas" in detail
    second = client_for("gemeente2")
    page = second.get(f"/inkoop/aanbestedingen/{tender.pk}/inschrijvingen/{bids[OWN].pk}/").content.decode()
    assert "Verborgen tot u zelf hebt beoordeeld" in page and 'id="beoordeling"' in page
    for bid in bids.values():
        assert marks(second, tender, bid).status_code == 302
    assert gemeente.post(f"/inkoop/aanbestedingen/{tender.pk}/gunnen/").status_code == 302

    contract = Contract.objects.get(ident=f"2026-WMO-IB-{OWN}")
    assert (contract.agreed_clients, contract.price_per_client) == (40, 875050)
    page = gemeente.get(f"/inkoop/contracten/{contract.ident}/").content.decode()
    assert "Gegund in de aanbesteding WMO-IB 2026" in page
    # the other provider sees its own outcome and reasons, not the winner's bid
    zuid = client_for("zuid")
    mine = zuid.get(f"/inkoop/aanbestedingen/{tender.pk}/inschrijvingen/{bids[OTHER].pk}/").content.decode()
    assert "niet gegund" in mine and "Gelijke score op de grens" in mine
    assert zuid.get(f"/inkoop/aanbestedingen/{tender.pk}/inschrijvingen/{bids[OWN].pk}/").status_code == 404
    assert OWN not in zuid.get(f"/inkoop/aanbestedingen/{tender.pk}/").content.decode()
    assert zuid.get(f"/inkoop/contracten/{contract.ident}/").status_code == 404
    evidence_url = (
        f"/inkoop/aanbestedingen/{tender.pk}/inschrijvingen/{bids[OWN].pk}/bewijs/{bids[OWN].evidence.get().pk}/"
    )
    assert zuid.get(evidence_url).status_code == 404
    assert client_for("aanbieder").get(evidence_url).content == b"%PDF cao"


def test_roles_on_the_pages(region: None) -> None:
    assert client_for("raad").get("/inkoop/").status_code == 403
    assert client_for("raad").get("/inkoop/contracten/").status_code == 403
    assert client_for("aanbieder").get("/inkoop/aanbestedingen/nieuw/").status_code == 403
    assert client_for("aanbieder").get("/inkoop/").status_code == 200
    listed = client_for("aanbieder").get("/inkoop/contracten/").content.decode()
    assert f"2025-WMO-IB-{OWN}" in listed and f"2025-WMO-IB-{OTHER}" not in listed


def test_a_tender_form_with_a_taken_year_says_so(region: None) -> None:
    gemeente = client_for("gemeente")
    gemeente.post("/inkoop/aanbestedingen/nieuw/", tender_form())
    again = gemeente.post("/inkoop/aanbestedingen/nieuw/", tender_form())
    assert again.status_code == 200 and "Er is al een aanbesteding voor WMO-IB in 2026." in again.content.decode()
