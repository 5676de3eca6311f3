"""Any year and as-of date can be chosen, and a page shows exactly that one (issue 11).

The small region is refreshed as of :data:`AS_OF` (30 September 2025) only. A date without
snapshots is computed on demand: the first visit answers with the progress note (202) and
starts the computation (here run at once in the request instead of in a thread, see
``inline``), the next visit shows the figures of that date, equal to what ``regie forecast
--as-of`` computes for it. Invalid choices get a Dutch message with status 400.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from typing import Any

import lxml.html
import pytest
from django.test import Client
from django.utils import timezone

from regie.cli import main
from regie.formatting import euro
from regie.monitor import ondemand, services
from regie.monitor.models import Computation, Snapshot
from tests.monitor.region import AS_OF, OTHER, OTHER_NAME, OWN, OWN_NAME, YEAR

JUNE_END = dt.date(2025, 6, 30)
THIRD = dt.date(2025, 7, 3)  # not a month end: before July's declarations arrive
HEADING = "//p[@id='periode']"


@pytest.fixture
def inline(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dt.date]]:
    """Run each started computation at once (a thread would not see the test's transaction)."""
    started: list[tuple[int, dt.date]] = []

    def run(pk: int, year: int, as_of: dt.date) -> None:
        started.append((year, as_of))
        ondemand.compute(pk, year, as_of)

    monkeypatch.setattr(ondemand, "launch", run)
    return started


def forecast_cli(capsys: pytest.CaptureFixture[str], as_of: dt.date) -> dict[str, Any]:
    assert main(["forecast", "--year", str(YEAR), "--as-of", as_of.isoformat(), "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def heading(html: str) -> tuple[str, str]:
    p = lxml.html.fromstring(html).xpath(HEADING)[0]
    return p.get("data-year"), p.get("data-as-of")


def visit(client: Client, url: str, as_of: dt.date) -> str:
    """Open ``url`` for ``as_of``: the first time the progress note, then the figures."""
    first = client.get(url, {"jaar": YEAR, "peildatum": as_of.isoformat()})
    assert first.status_code == 202, first.content.decode()[:500]
    text = first.content.decode()
    assert "Bezig met berekenen…" in text
    assert heading(text) == (str(YEAR), as_of.isoformat())
    status = client.get("/berekening/", {"jaar": YEAR, "peildatum": as_of.isoformat()})
    assert status.status_code == 200 and status["HX-Refresh"] == "true"
    second = client.get(url, {"jaar": YEAR, "peildatum": as_of.isoformat()})
    assert second.status_code == 200
    return second.content.decode()


def grip_cells(html: str) -> dict[tuple[str, str], dict[str, str]]:
    doc = lxml.html.fromstring(html)
    return {
        (tr.get("data-municipality"), tr.get("data-segment")): {
            td.get("data-field"): td.text_content().strip() for td in tr.xpath("td[@data-field]")
        }
        for tr in doc.xpath("//table[@id='grip']/tbody/tr[@data-segment]")
    }


def assert_grip_equals_cli(html: str, cli: dict[str, Any]) -> None:
    cells = grip_cells(html)
    assert set(cells) == {(r["municipality"], r["segment"]) for r in cli["rows"]}
    for row in cli["rows"]:
        shown = cells[(row["municipality"], row["segment"])]
        for field in ("budget", "realised", "ibnr", "remaining", "forecast", "low", "high"):
            assert shown[field] == euro(row[field]), (row["segment"], field)


# --------------------------------------------------------------------------------------------
# A date that has snapshots: shown at once, for each role


def test_a_date_with_snapshots_is_shown_at_once(gemeente: Client, raad: Client, aanbieder: Client) -> None:
    query = {"jaar": YEAR, "peildatum": AS_OF.isoformat()}
    for client in (gemeente, raad):
        response = client.get("/grip/", query)
        assert response.status_code == 200
        html = response.content.decode()
        assert heading(html) == (str(YEAR), AS_OF.isoformat())
        assert "Jaar 2025, cijfers per peildatum 30 september 2025" in " ".join(html.split())
    assert aanbieder.get("/grip/", query).status_code == 403
    own = aanbieder.get(f"/aanbieders/{OWN}/", query)
    assert own.status_code == 200 and heading(own.content.decode()) == (str(YEAR), AS_OF.isoformat())
    assert aanbieder.get(f"/aanbieders/{OTHER}/", query).status_code == 404
    assert not Computation.objects.exists(), "nothing is computed for a date that has its snapshots"


def test_a_dutch_date_as_typed_in_the_form(gemeente: Client) -> None:
    response = gemeente.get("/grip/", {"jaar": YEAR, "peildatum": "30-09-2025"})
    assert response.status_code == 200 and heading(response.content.decode()) == (str(YEAR), AS_OF.isoformat())


# --------------------------------------------------------------------------------------------
# A date without snapshots: computed on demand, then the same figures as the CLI


def test_municipality_a_date_without_snapshots_is_computed_and_equals_the_cli(
    gemeente: Client, inline: list[tuple[int, dt.date]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert not services.latest(Snapshot.Kind.FORECAST, YEAR, JUNE_END)
    html = visit(gemeente, "/grip/", JUNE_END)
    assert inline == [(YEAR, JUNE_END)], "computed once"
    assert heading(html) == (str(YEAR), JUNE_END.isoformat())
    cli = forecast_cli(capsys, JUNE_END)
    assert_grip_equals_cli(html, cli)
    before = forecast_cli(capsys, AS_OF)
    assert [r["forecast"] for r in cli["rows"]] != [r["forecast"] for r in before["rows"]], (
        "June's figures differ from September's: the page did not show another date's"
    )
    # stored: the next visit (and the other pages) need no computation
    assert gemeente.get("/grip/", {"jaar": YEAR, "peildatum": JUNE_END.isoformat()}).status_code == 200
    assert gemeente.get("/bekostiging/", {"jaar": YEAR, "peildatum": JUNE_END.isoformat()}).status_code == 200
    assert inline == [(YEAR, JUNE_END)]
    history = services.latest(Snapshot.Kind.FORECAST_HISTORY, YEAR, JUNE_END)
    assert history is not None and history.rows[-1]["as_of"] == JUNE_END.isoformat()


def test_council_on_a_day_that_is_not_a_month_end(
    raad: Client, inline: list[tuple[int, dt.date]], capsys: pytest.CaptureFixture[str]
) -> None:
    html = visit(raad, "/grip/", THIRD)
    assert heading(html) == (str(YEAR), THIRD.isoformat())
    assert "Jaar 2025, cijfers per peildatum 3 juli 2025" in " ".join(html.split())
    assert_grip_equals_cli(html, forecast_cli(capsys, THIRD))
    for name in (OWN_NAME, OTHER_NAME):
        assert name not in html, "the council sees no providers"


def test_provider_sees_only_its_own_figures_of_a_computed_date(
    aanbieder: Client, inline: list[tuple[int, dt.date]], capsys: pytest.CaptureFixture[str]
) -> None:
    html = visit(aanbieder, f"/aanbieders/{OWN}/", THIRD)
    assert heading(html) == (str(YEAR), THIRD.isoformat())
    own = [r for r in forecast_cli(capsys, THIRD)["providers"] if r["provider"] == OWN]
    assert own and OWN_NAME in html and OTHER_NAME not in html
    doc = lxml.html.fromstring(html)
    shown = " ".join(doc.text_content().split())
    for row in own:
        assert euro(row["forecast"]) in shown
    # another provider's page stays hidden, computed or not
    assert aanbieder.get(f"/aanbieders/{OTHER}/", {"jaar": YEAR, "peildatum": THIRD.isoformat()}).status_code == 404
    assert aanbieder.get("/grip/", {"jaar": YEAR, "peildatum": THIRD.isoformat()}).status_code == 403


def test_only_a_year_chosen_shows_its_latest_date(gemeente: Client) -> None:
    response = gemeente.get("/grip/", {"jaar": YEAR})
    assert response.status_code == 200 and heading(response.content.decode()) == (str(YEAR), AS_OF.isoformat())


def test_a_year_with_data_but_no_snapshots_is_computed_as_of_its_end(
    gemeente: Client, inline: list[tuple[int, dt.date]]
) -> None:
    response = gemeente.get("/grip/", {"jaar": 2024})
    assert response.status_code == 202
    assert heading(response.content.decode()) == ("2024", "2024-12-31")
    assert inline == [(2024, dt.date(2024, 12, 31))]


# --------------------------------------------------------------------------------------------
# Invalid choices


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"jaar": "twintig"}, "‘twintig’ is geen jaartal"),
        ({"jaar": YEAR, "peildatum": "2025-13-45"}, "‘2025-13-45’ is geen datum"),
        ({"jaar": YEAR, "peildatum": "gisteren"}, "‘gisteren’ is geen datum"),
        ({"jaar": 2019, "peildatum": "2019-06-30"}, "Voor 2019 zijn er geen gegevens; kies een jaar van"),
        ({"jaar": 2031}, "Voor 2031 zijn er geen gegevens"),
        ({"jaar": YEAR, "peildatum": "2024-12-31"}, "ligt vóór het begin van 2025"),
    ],
)
def test_an_invalid_choice_says_what_is_wrong(gemeente: Client, query: dict[str, Any], says: str) -> None:
    response = gemeente.get("/grip/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert says in html
    assert "Deze keuze van jaar en peildatum kan niet" in html
    assert not Computation.objects.exists()
    assert gemeente.get("/berekening/", query).status_code == 286, "the progress note stops polling"


def test_a_future_date_is_refused(gemeente: Client, aanbieder: Client) -> None:
    future = timezone.localdate() + dt.timedelta(days=30)
    for client, url in ((gemeente, "/grip/"), (aanbieder, f"/aanbieders/{OWN}/"), (gemeente, "/bekostiging/")):
        response = client.get(url, {"jaar": future.year, "peildatum": future.isoformat()})
        assert response.status_code == 400
        assert "ligt in de toekomst" in response.content.decode()


# --------------------------------------------------------------------------------------------
# One computation per date at a time


def test_a_date_is_never_computed_twice_at_once(
    gemeente: Client, raad: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    monkeypatch.setattr(ondemand, "launch", lambda pk, year, as_of: started.append(pk))
    query = {"jaar": YEAR, "peildatum": JUNE_END.isoformat()}
    assert gemeente.get("/grip/", query).status_code == 202
    assert raad.get("/grip/", query).status_code == 202
    assert gemeente.get("/berekening/", query).status_code == 200
    assert len(started) == 1, "the second visitor waits for the first computation"
    assert ondemand.claim(YEAR, JUNE_END) is None


def test_a_claim_of_a_process_that_is_gone_is_taken_over(db: None) -> None:
    now = timezone.now()
    Computation.objects.create(
        year=YEAR, as_of=JUNE_END, owner="elders 12345 t", started_at=now, updated_at=now
    )  # another host: only time tells
    assert ondemand.claim(YEAR, JUNE_END) is None
    Computation.objects.filter(year=YEAR).update(updated_at=now - ondemand.STALE)
    taken = ondemand.claim(YEAR, JUNE_END)
    assert taken is not None and taken.state == Computation.State.RUNNING
    assert ondemand.claim(YEAR, JUNE_END) is None

    Computation.objects.filter(pk=taken.pk).update(owner=f"{socket.gethostname()} 999999999 t")  # no such process
    assert ondemand.claim(YEAR, JUNE_END) is not None


def test_a_failed_computation_is_shown_and_tried_again_later(
    gemeente: Client, inline: list[tuple[int, dt.date]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(services, "load_inputs", broken)
    query = {"jaar": YEAR, "peildatum": JUNE_END.isoformat()}
    response = gemeente.get("/grip/", query)
    assert response.status_code == 200 and "De berekening is mislukt." in response.content.decode()
    assert "schijf vol" in response.content.decode()
    assert gemeente.get("/berekening/", query).status_code == 286
    assert inline == [(YEAR, JUNE_END)], "not again at once"
    Computation.objects.update(updated_at=timezone.now() - ondemand.RETRY_FAILED)
    monkeypatch.undo()
    monkeypatch.setattr(ondemand, "launch", lambda pk, year, as_of: ondemand.compute(pk, year, as_of))
    assert gemeente.get("/grip/", query).status_code == 202
    assert gemeente.get("/grip/", query).status_code == 200


def test_a_page_waits_for_a_computation_held_elsewhere(gemeente: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo holds the claim of the date it computes: a page asking for it meanwhile shows
    the progress note and starts nothing; once released (and stored) it shows the figures."""
    started: list[int] = []
    monkeypatch.setattr(ondemand, "launch", lambda pk, year, as_of: started.append(pk))
    query = {"jaar": YEAR, "peildatum": JUNE_END.isoformat()}
    with ondemand.holding(YEAR, JUNE_END):
        assert gemeente.get("/grip/", query).status_code == 202
        services.refresh(YEAR, JUNE_END, kinds=ondemand.FIRST_KINDS)
    assert not started
    assert Computation.objects.get(year=YEAR, as_of=JUNE_END).state == Computation.State.DONE
    assert gemeente.get("/grip/", query).status_code == 200


def test_the_month_not_yet_complete_is_not_drawn_as_a_month(
    gemeente: Client, inline: list[tuple[int, dt.date]]
) -> None:
    """On 3 July a segment's per-month charts drew July as a whole month (a few days' inflow
    beside full months: a dip that is not there); they stop at June and say why. On a month end
    the month is complete and drawn."""
    html = visit(gemeente, "/grip/0983/JGD-45/", THIRD)
    doc = lxml.html.fromstring(html)
    months = {
        chart: [
            v["volgorde"][:7] for v in json.loads(doc.xpath(f"string(//*[@id='{chart}']//script)"))["data"]["values"]
        ]
        for chart in ("clienten-figure", "instroom-figure")
    }
    assert all(m and m[-1] == "2025-06" for m in months.values()), months
    note = " ".join(doc.xpath("string(//*[@id='lopende-maand'])").split())
    assert (
        note
        == "Juli 2025 staat niet in de grafieken per maand: op de peildatum 3 juli 2025 is de maand nog niet compleet."
    )
    complete = lxml.html.fromstring(
        gemeente.get("/grip/0983/JGD-45/", {"jaar": YEAR, "peildatum": AS_OF.isoformat()}).content.decode()
    )
    spec = json.loads(complete.xpath("string(//*[@id='clienten-figure']//script)"))
    assert spec["data"]["values"][-1]["volgorde"][:7] == "2025-09" and not complete.xpath("//*[@id='lopende-maand']")
