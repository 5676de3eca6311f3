"""The risk dossier page (/risicodossiers/): filtered by provider, status and level, paged,
the counts and the risk matrix those of the filtered set; each role sees only what it may
(a provider its own risks, a relationship manager those of its providers, the council no
risk and no name: counts only)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone
from lxml import html

from regie.catalog.models import Contract, Provider
from regie.dossiers.models import Risk
from tests.accounts.factories import client_for
from tests.monitor.region import OTHER, OTHER_NAME, OWN

MANAGED = (OWN, "44444444")
#: provider -> (likelihood, impact, status) of its risks: high 4x4, medium 2x3, low 1x2.
RISKS = {
    OWN: [(4, 4, "open"), (2, 3, "mitigated"), (1, 2, "closed")],
    OTHER: [(5, 5, "open"), (2, 3, "open")],
    "33333333": [(1, 2, "open")],
    "44444444": [(4, 3, "closed"), (3, 2, "open")],
}


def add(agb: str, text: str, likelihood: int, impact: int, status: str = "open") -> None:
    """A risk of ``agb``'s first contract, reviewed in 2030."""
    provider = Provider.objects.get(agb=agb)
    contract = provider.contracts.order_by("ident").first()
    assert contract is not None
    Risk.objects.create(
        provider=provider,
        contract=contract,
        risk=text,
        owner="provider",
        likelihood=likelihood,
        impact=impact,
        status=status,
        review_on=dt.date(2030, 1, 1),
    )


@pytest.fixture
def risks(region: None, db: None) -> None:
    for agb, rows in RISKS.items():
        for n, (likelihood, impact, status) in enumerate(rows):
            add(agb, f"Risico {n} van {agb}", likelihood, impact, status)


def page(username: str, query: str = "") -> Any:
    response = client_for(username).get("/risicodossiers/" + query)
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def listed(doc: Any) -> list[str]:
    """The risks in the table (their text)."""
    return [td.text_content() for td in doc.xpath("//table[@id='risicos']/tbody/tr[@data-level]/td[3]")]


def counted(doc: Any) -> int:
    return int(doc.xpath("string(//dl[@id='telling']/dd[1])"))


def matrix_total(doc: Any) -> int:
    spec = json.loads(doc.xpath("string(//script[contains(@class, 'vl-spec')])"))
    return sum(cell["aantal"] for cell in spec["data"]["values"])


def filter_options(doc: Any) -> list[str]:
    return doc.xpath("//select[@id='f-aanbieder']/option/@value")


def test_each_role_sees_and_filters_what_it_may(risks: None) -> None:
    everyone = sum(len(rows) for rows in RISKS.values())
    municipality = page("gemeente")
    assert len(listed(municipality)) == counted(municipality) == everyone
    assert filter_options(municipality) == ["", *sorted(RISKS, key=lambda a: Provider.objects.get(agb=a).name)]
    other = page("gemeente", f"?aanbieder={OTHER}")
    assert sorted(listed(other)) == [f"Risico 0 van {OTHER}", f"Risico 1 van {OTHER}"]
    assert counted(other) == 2 and matrix_total(other) == 2

    provider = page("aanbieder")
    assert {r.rsplit(" ", 1)[1] for r in listed(provider)} == {OWN}
    assert counted(provider) == len(RISKS[OWN]) and not filter_options(provider)  # nothing to choose
    refused = page("aanbieder", f"?aanbieder={OTHER}")
    assert listed(refused) == [] and counted(refused) == 0 and OTHER not in refused.text_content()

    manager = page("relatiebeheer")
    assert {r.rsplit(" ", 1)[1] for r in listed(manager)} == set(MANAGED)
    assert filter_options(manager)[1:] == sorted(MANAGED, key=lambda a: Provider.objects.get(agb=a).name)
    assert listed(page("relatiebeheer", f"?aanbieder={OTHER}")) == []

    council = page("raad", f"?aanbieder={OTHER}")  # the council chooses no provider: counts of all
    assert listed(council) == [] and counted(council) == everyone and not filter_options(council)
    names = Provider.objects.values_list("name", flat=True)
    assert not [n for n in names if n in council.text_content()]


def test_status_and_level_filters_and_the_matrix(risks: None) -> None:
    high = page("gemeente", "?niveau=high")
    assert {tr.get("data-level") for tr in high.xpath("//table[@id='risicos']/tbody/tr")} == {"high"}
    assert counted(high) == 3  # 4x4, 5x5, 4x3 (closed)
    assert matrix_total(high) == 2  # the matrix counts what is not closed
    closed = page("gemeente", "?status=closed")
    assert sorted(listed(closed)) == ["Risico 0 van 44444444", f"Risico 2 van {OWN}"]
    assert matrix_total(closed) == 0
    both = page("gemeente", f"?status=open&niveau=low&aanbieder={OWN}")
    assert listed(both) == [] and "Geen risico's in deze selectie." in both.text_content()
    assert matrix_total(page("raad", "?niveau=medium")) == 3  # 2x3 (twice) and 3x2, none closed
    assert counted(page("gemeente", "?niveau=onzin")) == 8  # an unknown choice filters nothing


def test_the_list_is_paged_and_keeps_its_filters(region: None, db: None) -> None:
    for n in range(30):
        add(OWN, f"Risico {n:02}", 1 + n % 5, 3)
    first = page("gemeente", f"?aanbieder={OWN}")
    assert len(listed(first)) == 25 and counted(first) == 30 and matrix_total(first) == 30
    following = first.xpath("//nav[@class='pager']//a[@rel='next']/@href")
    assert following == [f"?aanbieder={OWN}&pagina=2"]
    second = page("gemeente", following[0])
    assert len(listed(second)) == 5 and counted(second) == 30
    assert set(listed(first)).isdisjoint(listed(second))


def test_a_change_with_a_bad_review_date_is_refused_and_changes_nothing(region: None, db: None) -> None:
    add(OWN, "Personeelstekort", 3, 4)
    r = Risk.objects.get()
    provider = client_for("aanbieder")
    response = provider.post(f"/risicodossiers/{r.pk}/", {"status": "closed", "review_on": "31-02-2030"}, follow=True)
    assert response.status_code == 200
    errors = html.fromstring(response.content.decode()).xpath("//ul[@class='messages']/li[@class='error']/text()")
    assert errors == ["Kies de datum waarop het risico wordt herzien."]
    assert Risk.objects.values_list("status", "review_on").get() == ("open", dt.date(2030, 1, 1))
    # a good date is stored, and a change without a date keeps the one there is
    provider.post(f"/risicodossiers/{r.pk}/", {"status": "mitigated", "review_on": "2030-06-30"})
    assert Risk.objects.values_list("status", "review_on").get() == ("mitigated", dt.date(2030, 6, 30))
    provider.post(f"/risicodossiers/{r.pk}/", {"status": "closed"})
    assert Risk.objects.values_list("status", "review_on").get() == ("closed", dt.date(2030, 6, 30))


def contract_groups(doc: Any) -> dict[str, list[str]]:
    """The new risk form's contract choices: group label -> the contracts' idents."""
    groups = doc.xpath("//form[@id='risico-form']//select[@id='contract']/optgroup")
    return {g.get("label"): g.xpath("option/@value") for g in groups}


def test_the_new_risk_form_offers_running_contracts_first(region: None, db: None) -> None:
    today = timezone.localdate()
    Contract.objects.filter(ident="WMO-BW-11111111").update(end=today)  # runs until today
    Contract.objects.filter(ident=f"WMO-IB-{OTHER}").update(end=today + dt.timedelta(days=400))
    everyone = contract_groups(page("gemeente"))
    assert list(everyone) == ["Lopende contracten", "Afgelopen contracten"]
    assert everyone["Lopende contracten"] == [f"WMO-IB-{OTHER}", "WMO-BW-11111111"]  # by provider name
    assert sorted(everyone["Afgelopen contracten"]) == ["JGD-45-33333333", "JGD-45-44444444", "WMO-IB-11111111"]
    own = contract_groups(page("aanbieder"))  # a provider names risks of its own contracts only
    assert own == {"Lopende contracten": ["WMO-BW-11111111"], "Afgelopen contracten": ["WMO-IB-11111111"]}
    option = page("gemeente").xpath("string(//select[@id='contract']/optgroup[1]/option[1])")
    end = today + dt.timedelta(days=400)
    assert option == f"{OTHER_NAME}: WMO-IB-{OTHER} (1-1-2024 t/m {end.day}-{end.month}-{end.year})"
    assert not page("raad").xpath("//form[@id='risico-form']")  # the council records no risks
