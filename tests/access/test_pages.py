"""The waiting-list page per role: the municipality's whole list with decisions, a core
partner's whole segment, another provider's assigned registrations only, the council's
figures only; registering on the page pseudonymises the BSN."""

from __future__ import annotations

import datetime as dt

import pytest

from regie.access.models import Registration
from regie.catalog import models as cat
from tests.access.factories import BSNS, CORE, OTHER, episode, register, setup_region, today
from tests.accounts.factories import client_for as login

PAGE = "/wachtlijst/"


@pytest.fixture
def listed(db: None) -> dict[str, int]:
    """Three registrations in WMO-IB: a crisis, an urgent one assigned to OTHER, a normal one."""
    setup_region()
    gemeente = login("gemeente")
    ids = {
        "normal": register(gemeente, BSNS[0], "normal", ago=50).json()["id"],
        "urgent": register(gemeente, BSNS[1], "urgent", ago=3).json()["id"],
        "crisis": register(gemeente, BSNS[2], "crisis", ago=2).json()["id"],
    }
    gemeente.post(f"/api/v1/waiting-list/{ids['urgent']}/assign/", {"provider": OTHER}, content_type="application/json")
    episode("pseudo-in-care-1", CORE, today())  # in care: capacity beside the list
    episode("pseudo-in-care-2", OTHER, today())
    return ids


def rows(html: str) -> list[int]:
    return [int(part.split('"')[0]) for part in html.split('<tr data-id="')[1:]]


def test_municipality_sees_the_list_in_priority_order(listed: dict[str, int]) -> None:
    html = login("gemeente").get(PAGE, {"segment": "WMO-IB"}).content.decode()
    assert rows(html) == [listed["crisis"], listed["urgent"], listed["normal"]]
    assert "boven norm" in html and 'id="capaciteit"' in html and "Toewijzen" in html
    assert all(bsn not in html for bsn in BSNS)


def test_core_partner_sees_the_whole_segment_and_claims(listed: dict[str, int]) -> None:
    core = login("aanbieder")
    html = core.get(PAGE, {"segment": "WMO-IB"}).content.decode()
    assert rows(html) == [listed["crisis"], listed["urgent"], listed["normal"]]
    assert "Claimen" in html and "kernpartner van WMO-IB" in html
    capacity = html.split('id="capaciteit"')[1]
    assert f'data-provider="{CORE}"' in capacity and f'data-provider="{OTHER}"' not in capacity
    core.post(f"{PAGE}{listed['normal']}/", {"action": "assign", "note": "wij hebben plek"})
    claimed = Registration.objects.get(pk=listed["normal"])
    assert (claimed.status, claimed.provider.agb, claimed.confirmed) == ("assigned", CORE, False)
    login("gemeente").post(f"{PAGE}{listed['normal']}/", {"action": "confirm"})
    assert Registration.objects.get(pk=listed["normal"]).confirmed


def test_other_provider_sees_only_what_is_assigned_to_it(listed: dict[str, int]) -> None:
    other = login("ander")
    html = other.get(PAGE).content.decode()
    assert rows(html) == [listed["urgent"]] and "Claimen" not in html
    assert other.post(f"{PAGE}{listed['crisis']}/", {"action": "withdraw", "note": "x"}).status_code == 404
    assert Registration.objects.get(pk=listed["crisis"]).status == "waiting"


def test_council_sees_figures_only(listed: dict[str, int]) -> None:
    html = login("raad").get(PAGE).content.decode()
    assert 'id="wachtlijst-cijfers"' in html and 'id="wachtlijst"' not in html and "<tr data-id=" not in html
    for client in Registration.objects.values_list("client", flat=True):
        assert client[:10] not in html
    assert 'data-urgency="crisis"' in html
    assert login("raad").post(f"{PAGE}{listed['crisis']}/", {"action": "withdraw"}).status_code == 403


def test_register_on_the_page(listed: dict[str, int]) -> None:
    gemeente = login("gemeente")
    form = gemeente.get(f"{PAGE}aanmelden/").content.decode()
    assert "Wordt direct een pseudoniem" in form or "pseudoniem" in form
    bad = gemeente.post(
        f"{PAGE}aanmelden/",
        {
            "municipality": "0983",
            "segment": "WMO-IB",
            "bsn": "123456789",
            "urgency": "normal",
            "registered_on": "2025-01-02",
        },
    )
    assert bad.status_code == 400 and "elfproef" in bad.content.decode() and "123456789" not in bad.content.decode()
    done = gemeente.post(
        f"{PAGE}aanmelden/",
        {
            "municipality": "0983",
            "segment": "WMO-IB",
            "bsn": BSNS[4],
            "urgency": "urgent",
            "referrer": "01",
            "registered_on": "2025-01-02",
        },
    )
    assert done.status_code == 302
    assert Registration.objects.filter(referrer="01", urgency="urgent").count() == 1
    assert login("ander").get(f"{PAGE}aanmelden/").status_code == 200  # the form, with no segment to choose
    assert login("raad").get(f"{PAGE}aanmelden/").status_code == 403


def test_referrers_per_segment(listed: dict[str, int]) -> None:
    # two registrations start: one at CORE, whose contract runs this year, one at a provider
    # without a contract in WMO-IB; both referred by a GP
    cat.Contract.objects.filter(provider__agb=CORE, segment__code="WMO-IB").update(end=dt.date(today().year, 12, 31))
    regs = {r.pk: r for r in Registration.objects.all()}
    episode(regs[listed["normal"]].client, CORE, today())
    episode(regs[listed["crisis"]].client, "33333333", today())
    html = login("gemeente").get(f"{PAGE}verwijzers/", {"jaar": today().year}).content.decode()
    row = html.split('<tr data-segment="WMO-IB">')[1].split("</tr>")[0]
    cells = [c.split("<")[0] for c in row.split('class="num">')[1:]]
    # new care 4 (two in care already, two started), referrer known for 2: all GP (02)
    assert cells[:2] == ["4", "2"] and "100,0 %" in cells and cells[-1] == "50,0 %"
    assert "aandeel van de nieuwe zorg per soort verwijzer" in html  # the indicator's definition
    english = login("gemeente").get(f"{PAGE}verwijzers/", headers={"accept-language": "en"}).content.decode()
    assert "share of new care per kind of referrer" in english and "aandeel van de nieuwe zorg" not in english
    assert login("raad").get(f"{PAGE}verwijzers/").status_code == 200
    assert login("aanbieder").get(f"{PAGE}verwijzers/").status_code == 403


def test_the_norm_signal_reads_on_the_signal_page(listed: dict[str, int]) -> None:
    from regie.access import services
    from regie.traffic import models as tm

    services.refresh()
    signal = tm.Signal.objects.get(key=f"waiting_norm|{listed['normal']}")
    html = login("gemeente").get(f"/signalen/{signal.pk}/").content.decode()
    assert "Aanmelding wacht langer dan de norm" in html and "Wachttijdnorm (dagen)" in html
    assert "Norm verstreken na" in html
