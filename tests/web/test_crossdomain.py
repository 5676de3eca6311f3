"""The client across domains (``/clienten-over-domeinen/``, ADR 0025): the engine's figures
for the municipality, an overlap counted by hand, and no page for anyone else."""

from __future__ import annotations

import datetime as dt

import lxml.html
from django.test import Client

from regie.monitor import services
from regie.monitor.models import Snapshot
from regie.traffic.models import Episode, Message, Trajectory
from tests.accounts.factories import client_for
from tests.monitor.region import AS_OF, YEAR

PATH = "/clienten-over-domeinen/"


def page_at(client: Client, path: str, **params: str) -> lxml.html.HtmlElement:
    response = client.get(path, params)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def page(client: Client, **params: str) -> lxml.html.HtmlElement:
    return page_at(client, PATH, **params)


def cells(doc: lxml.html.HtmlElement, table: str, key: str) -> dict[str, list[str]]:
    return {
        tr.get(key): [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        for tr in doc.xpath(f"//table[@id='{table}']//tr[@{key}]")
    }


def test_the_page_shows_the_engines_figures(gemeente: Client) -> None:
    region, *per_municipality = services.compute_cross_domain(YEAR, AS_OF)
    assert region["municipality"] is None and {r["municipality"] for r in per_municipality} == {"0983", "0889"}
    doc = page(gemeente)
    combos = cells(doc, "combinaties", "data-combination")
    assert list(combos) == ["jeugd", "wmo", "jeugd+wmo"]  # the catalog's domains, every combination
    for r in region["combinations"]:
        assert combos[r["combination"]][0] == str(r["clients"])
    assert cells(doc, "domeinen-aantal", "data-domains")["1"] == [str(region["by_count"]["1"])]
    venlo = next(r for r in per_municipality if r["municipality"] == "0983")
    shown = cells(page(gemeente, gemeente="0983"), "combinaties", "data-combination")
    assert shown["wmo"][0] == str(venlo["combinations"][1]["clients"])
    assert "Cliënt over domeinen" in doc.xpath("string(//nav[@aria-label='Hoofdmenu'])")


def test_a_client_in_youth_care_and_wmo_at_once(gemeente: Client) -> None:
    youth = Episode.objects.filter(segment="JGD-45", start__year=YEAR, end__isnull=False).order_by("start").first()
    wmo = Episode.objects.filter(segment="WMO-IB", municipality=youth.municipality).order_by("pk").first()
    assert youth and wmo
    # the Wmo episode becomes the youth client's, from 10 days after the youth start to 20 days after it
    start = youth.start + dt.timedelta(days=10)
    Episode.objects.filter(pk=wmo.pk).update(
        client=youth.client,
        start=start,
        end=start + dt.timedelta(days=10),
        start_arrival=start,
        end_arrival=start + dt.timedelta(days=11),
    )
    services.refresh(YEAR, AS_OF, kinds=[Snapshot.Kind.CROSS_DOMAIN])
    expected_days = (min(youth.end, start + dt.timedelta(days=10)) - start).days + 1
    doc = page(gemeente)
    assert cells(doc, "overlap-domeinen", "data-pair")["jeugd+wmo"][:2] == ["1", str(expected_days)]
    assert cells(doc, "overlap-segmenten", "data-pair")["JGD-45+WMO-IB"][2:4] == ["1", str(expected_days)]
    assert cells(doc, "combinaties", "data-combination")["jeugd+wmo"][0] == "1"


def test_not_for_providers_the_council_or_the_relationship_manager(aanbieder: Client, raad: Client) -> None:
    for client in (aanbieder, raad, client_for("relatiebeheer")):
        assert client.get(PATH).status_code == 403
        assert "Cliënt over domeinen" not in client.get("/").content.decode()


def test_the_budget_grip_says_it_in_short_for_the_municipality(gemeente: Client, raad: Client) -> None:
    region = services.compute_cross_domain(YEAR, AS_OF)[0]
    section = page_at(gemeente, "/grip/").xpath("//section[@id='over-domeinen']")
    assert section, "the section on the budget grip"
    text = " ".join(section[0].text_content().split())
    assert f"0 van de {region['clients']} cliënten" in text  # the test region's clients each use one domain
    assert section[0].xpath(".//a[starts-with(@href, '/clienten-over-domeinen/')]")
    assert not page_at(raad, "/grip/").xpath("//section[@id='over-domeinen']")


def test_the_api_gives_the_same_aggregates(gemeente: Client) -> None:
    expected = services.compute_cross_domain(YEAR, AS_OF)
    body = gemeente.get("/api/v1/cross-domain/", {"year": YEAR, "as_of": AS_OF.isoformat()}).json()
    assert body["results"] == expected and body["count"] == len(expected)
    one = gemeente.get("/api/v1/cross-domain/", {"municipality": "0889"}).json()
    assert [r["municipality"] for r in one["results"]] == ["0889"]
    # a municipality without clients here is an empty page, as every filter (ADR 0030)
    assert gemeente.get("/api/v1/cross-domain/", {"municipality": "9999"}).json()["count"] == 0
    wrong = gemeente.get("/api/v1/cross-domain/", {"municipality": "Venlo"})
    assert wrong.status_code == 400 and wrong["Content-Type"].startswith("application/problem+json")
    assert "pseudo-" not in str(body)  # no pseudonym of the test region's clients


def test_a_participation_trajectory_during_wmo_support(gemeente: Client) -> None:
    wmo = Episode.objects.filter(segment="WMO-IB", start__year=YEAR, end__isnull=False).order_by("start").first()
    assert wmo and wmo.end
    start = wmo.start + dt.timedelta(days=5)  # a module from 5 days after the Wmo start, open
    Trajectory.objects.create(
        message=Message.objects.order_by("pk").first(),
        municipality=wmo.municipality,
        provider="55555555",
        segment="PART-RE",
        client=wmo.client,
        module="WERKFIT",
        start=start,
        start_arrival=start,
    )
    services.refresh(YEAR, AS_OF, kinds=[Snapshot.Kind.CROSS_DOMAIN])
    doc = page(gemeente)
    combos = cells(doc, "combinaties", "data-combination")
    assert len(combos) == 7 and combos["wmo+participatie"][0] == "1"
    days = (min(wmo.end, AS_OF) - start).days + 1  # the Wmo support's last day counts
    assert cells(doc, "overlap-domeinen", "data-pair")["wmo+participatie"][:2] == ["1", str(days)]
