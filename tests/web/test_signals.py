"""The signals work list: grouped by kind and provider with counts, bulk explain / resolve
(audited like a single change), the upcoding signal's evidence, counters that follow a change
over HTMX, Dutch plural forms; and who may do what."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.test import Client

from regie.accounts.models import AuditEvent
from regie.traffic import models as tm
from tests.accounts.factories import client_for
from tests.monitor.region import OTHER, OTHER_NAME, OWN, OWN_NAME
from tests.traffic.factories import SignalFactory


def doc_of(response: object) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode())  # type: ignore[attr-defined]


def more_own_signals(n: int, status: str = "open") -> list[tm.Signal]:
    """``n`` late-declaration signals of the provider user's own provider."""
    return [
        SignalFactory(
            key=f"late-own-{status}-{i}",
            provider=OWN,
            segment="WMO-IB",
            record=f"R-{i}",
            care_month=dt.date(2025, 3, 1),
            raised_on=dt.date(2025, 6, 1) + dt.timedelta(days=i),
            status=status,
            detail={"deadline": "2025-05-15", "days_late": 10 + i, "amount_cents": 12345},
        )
        for i in range(n)
    ]


def group_counts(doc: lxml.html.HtmlElement) -> dict[tuple[str, str], dict[str, str]]:
    """(kind, provider or "") -> status -> the count shown in the grouped table."""
    out = {}
    for body in doc.xpath("//table[@id='groepen']/tbody"):
        kind = body.get("data-kind")
        for tr in body.xpath("./tr"):
            cells = {td.get("data-status"): td.text_content().strip() for td in tr.xpath("./td[@data-status]")}
            out[(kind, tr.get("data-provider") or "")] = cells
    return out


def status_counts(doc: lxml.html.HtmlElement) -> dict[str, str]:
    return {
        a.get("data-status"): a.xpath("string(.//*[@class='value'])").strip()
        for a in doc.xpath("//*[@id='signaal-tellers']/a")
    }


def test_grouped_by_kind_and_provider_with_counts(gemeente: Client) -> None:
    more_own_signals(3)
    more_own_signals(1, status="resolved")
    doc = doc_of(gemeente.get("/signalen/"))
    groups = group_counts(doc)
    assert groups[("late_declaration", "")] == {"open": "4", "explained": "0", "resolved": "1"}
    assert groups[("late_declaration", OWN)] == {"open": "3", "explained": "0", "resolved": "1"}
    assert groups[("late_declaration", OTHER)] == {"open": "1", "explained": "0", "resolved": "0"}
    assert groups[("upcoding", "33333333")]["open"] == "1"
    assert status_counts(doc) == {"open": "7", "explained": "0", "resolved": "1"}
    # A group's name links to the list of that kind and provider.
    link = doc.xpath(f"//tbody[@data-kind='late_declaration']/tr[@data-provider='{OWN}']/th/a")[0].get("href")
    assert "soort=" in link and f"aanbieder={OWN}" in link
    listed = doc_of(gemeente.get(link))
    assert len(listed.xpath("//table[@id='signalen']/tbody/tr[@data-status]")) == 4


def test_status_filter_keeps_the_counts_of_every_status(gemeente: Client) -> None:
    more_own_signals(2, status="explained")
    doc = doc_of(gemeente.get("/signalen/", {"status": "open"}))
    assert status_counts(doc) == {"open": "4", "explained": "2", "resolved": "0"}
    assert {tr.get("data-status") for tr in doc.xpath("//table[@id='signalen']/tbody/tr")} == {"open"}


def test_plural_forms(gemeente: Client) -> None:
    doc = doc_of(gemeente.get("/signalen/", {"soort": "upcoding"}))
    assert doc.xpath("string(//h2[@id='h-signalen'])").strip().startswith("1 signaal ")
    assert "het ene signaal in deze selectie" in doc.xpath("string(//form[@id='bulk'])")
    doc = doc_of(gemeente.get("/signalen/"))
    assert doc.xpath("string(//h2[@id='h-signalen'])").strip() == "4 signalen"
    assert "alle 4 signalen in deze selectie" in doc.xpath("string(//form[@id='bulk'])")
    gemeente.post("/i18n/setlang/", {"language": "en", "next": "/"})
    doc = doc_of(gemeente.get("/signalen/", {"soort": "upcoding"}))
    assert doc.xpath("string(//h2[@id='h-signalen'])").strip().startswith("1 signal ")
    doc = doc_of(gemeente.get("/signalen/"))
    assert doc.xpath("string(//h2[@id='h-signalen'])").strip() == "4 signals"


def test_bulk_resolve_of_the_ticked_signals_is_audited_per_signal(gemeente: Client) -> None:
    a, b, c = more_own_signals(3)
    response = gemeente.post(
        "/signalen/bulk/",
        {"ids": [a.pk, b.pk], "status": "resolved", "note": "Termijn verlengd", "next": "/signalen/?status=open"},
    )
    assert response.status_code == 302 and response["Location"] == "/signalen/?status=open"
    assert {s.pk: s.status for s in tm.Signal.objects.filter(pk__in=[a.pk, b.pk, c.pk])} == {
        a.pk: "resolved",
        b.pk: "resolved",
        c.pk: "open",
    }
    events = AuditEvent.objects.filter(action="signal.status").order_by("detail__signal")
    assert [(e.detail["signal"], e.detail["was"], e.detail["now"], e.reason, e.detail["bulk"]) for e in events] == [
        (a.pk, "open", "resolved", "Termijn verlengd", 2),
        (b.pk, "open", "resolved", "Termijn verlengd", 2),
    ]
    assert all(e.user and e.user.username == "gemeente" for e in events)
    assert "2 signalen bijgewerkt." in gemeente.get("/signalen/").content.decode()


def test_bulk_over_the_whole_filter(gemeente: Client) -> None:
    more_own_signals(3)
    response = gemeente.post(
        "/signalen/bulk/",
        {
            "alle": "1",
            "status": "explained",
            "note": "Bekend",
            "next": f"/signalen/?soort=late_declaration&aanbieder={OWN}",
        },
    )
    assert response.status_code == 302
    late = tm.Signal.objects.filter(kind="late_declaration")
    assert {(s.provider, s.status) for s in late} == {(OWN, "explained"), (OTHER, "open")}
    assert AuditEvent.objects.filter(action="signal.status").count() == 3
    assert tm.Signal.objects.exclude(kind="late_declaration").filter(status="open").count() == 3


def test_bulk_needs_a_note_and_a_choice(gemeente: Client) -> None:
    (a,) = more_own_signals(1)
    gemeente.post("/signalen/bulk/", {"ids": [a.pk], "status": "resolved", "note": "", "next": "/signalen/"})
    gemeente.post("/signalen/bulk/", {"status": "resolved", "note": "x", "next": "/signalen/"})
    a.refresh_from_db()
    assert a.status == "open" and not AuditEvent.objects.exists()
    page = gemeente.get("/signalen/").content.decode()
    assert "Geef een toelichting." in page and "Kies eerst de signalen die u wilt bijwerken." in page


def test_provider_bulk_explains_only_its_own_and_never_resolves(aanbieder: Client) -> None:
    own = more_own_signals(2)
    resolved = more_own_signals(1, status="resolved")[0]
    other = tm.Signal.objects.get(provider=OTHER)
    ids = [s.pk for s in own] + [resolved.pk, other.pk]
    aanbieder.post("/signalen/bulk/", {"ids": ids, "status": "resolved", "note": "x", "next": "/signalen/"})
    assert not tm.Signal.objects.filter(pk__in=ids, status="resolved").exclude(pk=resolved.pk).exists()
    aanbieder.post("/signalen/bulk/", {"ids": ids, "status": "explained", "note": "Vakantie", "next": "/signalen/"})
    statuses = {s.pk: s.status for s in tm.Signal.objects.filter(pk__in=ids)}
    assert statuses == {own[0].pk: "explained", own[1].pk: "explained", resolved.pk: "resolved", other.pk: "open"}
    page = aanbieder.get("/signalen/").content.decode()
    assert "2 signalen bijgewerkt. 1 signaal overgeslagen: al opgelost door de gemeente." in page
    # The whole filter of a provider is its own signals only.
    aanbieder.post("/signalen/bulk/", {"alle": "1", "status": "explained", "note": "Alles", "next": "/signalen/"})
    assert tm.Signal.objects.get(pk=other.pk).status == "open"


def test_htmx_change_answers_the_row_and_the_counters(gemeente: Client) -> None:
    signal = tm.Signal.objects.get(provider=OTHER)
    response = gemeente.post(
        f"/signalen/{signal.pk}/status/",
        {"status": "resolved", "note": "Gecorrigeerd", "next": "/signalen/?soort=late_declaration"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="signaal-{signal.pk}"')
    frag = lxml.html.fromstring(f"<div>{body}</div>")
    tellers = frag.xpath("//*[@id='signaal-tellers']")[0]
    assert tellers.get("hx-swap-oob") == "true"
    assert status_counts(frag) == {"open": "0", "explained": "0", "resolved": "1"}, "counted under the list's filter"
    groups = frag.xpath("//*[@id='signaal-groepen']")[0]
    assert groups.get("hx-swap-oob") == "true"
    assert group_counts(frag)[("late_declaration", OTHER)] == {"open": "0", "explained": "0", "resolved": "1"}


def test_htmx_bulk_answers_the_work_list(gemeente: Client) -> None:
    a, b = more_own_signals(2)
    response = gemeente.post(
        "/signalen/bulk/",
        {"ids": [a.pk, b.pk], "status": "resolved", "note": "Klaar", "next": "/signalen/?status=open"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    doc = doc_of(response)
    assert doc.xpath("string(//*[@id='werklijst']//*[@role='status'])").strip() == "2 signalen bijgewerkt."
    assert status_counts(doc) == {"open": "4", "explained": "0", "resolved": "2"}
    shown = {int(tr.get("id").split("-")[1]) for tr in doc.xpath("//table[@id='signalen']/tbody/tr[@id]")}
    assert a.pk not in shown and b.pk not in shown, "the list keeps its filter: resolved ones leave it"
    assert doc.xpath("//form[@id='bulk']/input[@name='next']/@value") == ["/signalen/?status=open"]


def test_upcoding_signal_shows_its_evidence(gemeente: Client) -> None:
    signal = tm.Signal.objects.get(kind="upcoding")
    listing = doc_of(gemeente.get("/signalen/", {"soort": "upcoding"}))
    short = " ".join(listing.xpath(f"string(//tr[@id='signaal-{signal.pk}']//*[@class='small evidence'])").split())
    assert (
        short
        == "duurste producten 20 % → 80 % van de starts; +60 procentpunt tegen +4 procentpunt bij de anderen; z = 4,24"
    )
    doc = doc_of(gemeente.get(f"/signalen/{signal.pk}/"))
    text = " ".join(doc.xpath("string(//section[@aria-labelledby='h-bewijs'])").split())
    assert "viel 80 % in de duurste producten (25 starts in de laatste twaalf maanden)" in text
    assert "tegen 20 % in de twaalf maanden daarvoor" in text
    assert "bij de 2 andere aanbieders in het segment +4 procentpunt (mediaan)" in text
    assert "z = 4,24" in text
    rows = [[c.text_content().strip() for c in tr] for tr in doc.xpath("//table[@id='productmix']//tr[@data-product]")]
    assert rows[0] == ["45A03 duur", "20,0 %", "80,0 %", "18,0 %", "22,0 %"]
    assert rows[2] == ["45A02", "40,0 %", "0,0 %", "42,0 %", "40,0 %"]
    foot = [c.text_content().strip() for c in doc.xpath("//table[@id='productmix']/tfoot/tr")[0]]
    assert foot == ["Duurste producten samen", "20,0 %", "80,0 %", "18,0 %", "22,0 %"]


def test_signal_page_shows_its_changes(gemeente: Client) -> None:
    (a,) = more_own_signals(1)
    gemeente.post(f"/signalen/{a.pk}/status/", {"status": "explained", "note": "Eerst", "next": "/signalen/"})
    gemeente.post("/signalen/bulk/", {"ids": [a.pk], "status": "resolved", "note": "Daarna", "next": "/signalen/"})
    doc = doc_of(gemeente.get(f"/signalen/{a.pk}/"))
    rows = [
        [c.text_content().strip() for c in tr.xpath("./td")] for tr in doc.xpath("//table[@id='historie']/tbody/tr")
    ]
    assert [r[1:] for r in rows] == [
        ["gemeente", "verklaard", "opgelost", "Daarna (tegelijk gewijzigd)"],
        ["gemeente", "open", "verklaard", "Eerst"],
    ]
    facts = {dt_.text_content(): dt_.getnext().text_content() for dt_ in doc.xpath("//dl/dt")}
    assert facts["Dagen te laat"] == "10" and facts["Uiterste datum"] == "15 mei 2025" and facts["Bedrag"] == "€ 123,45"


@pytest.mark.parametrize(
    ("role", "own", "other"), [("gemeente", 200, 200), ("aanbieder", 200, 404), ("raad", 403, 403)]
)
def test_signal_page_per_role(region: None, db: None, role: str, own: int, other: int) -> None:
    client = client_for(role)
    mine = tm.Signal.objects.get(provider=OWN)
    theirs = tm.Signal.objects.get(provider=OTHER)
    assert client.get(f"/signalen/{mine.pk}/").status_code == own
    response = client.get(f"/signalen/{theirs.pk}/")
    assert response.status_code == other
    if role == "aanbieder":
        assert OTHER_NAME not in client.get(f"/signalen/{mine.pk}/").content.decode()
        assert OWN_NAME in client.get(f"/signalen/{mine.pk}/").content.decode()


def test_bulk_per_role(region: None, db: None) -> None:
    assert (
        client_for("raad").post("/signalen/bulk/", {"alle": "1", "status": "explained", "note": "x"}).status_code == 403
    )
    assert Client().post("/signalen/bulk/", {"alle": "1", "status": "explained", "note": "x"}).status_code == 302
    assert not tm.Signal.objects.exclude(status="open").exists()


def test_provider_sees_only_its_own_groups(aanbieder: Client) -> None:
    more_own_signals(2)
    doc = doc_of(aanbieder.get("/signalen/"))
    groups = group_counts(doc)
    assert set(groups) == {("care_without_allocation", ""), ("late_declaration", "")}
    assert groups[("late_declaration", "")]["open"] == "2"
    page = lxml.html.tostring(doc).decode()
    assert OTHER_NAME not in page and "Jeugdhulp Oost" not in page


def pager_text(doc: lxml.html.HtmlElement) -> list[str]:
    return [" ".join(nav.text_content().split()) for nav in doc.xpath("//nav[@class='pager']")]


def test_the_list_is_paged_like_the_other_lists(gemeente: Client) -> None:
    """One page: no pager (the other lists say nothing either); more: where the reader is,
    with a link to the next page that keeps the filter."""
    assert pager_text(doc_of(gemeente.get("/signalen/"))) == []
    more_own_signals(60)
    first = doc_of(gemeente.get("/signalen/", {"aanbieder": OWN}))
    assert len(first.xpath("//table[@id='signalen']/tbody/tr[@data-status]")) == 50
    assert pager_text(first) == ["Pagina 1 van 2 Volgende"]
    following = first.xpath("//nav[@class='pager']//a[@rel='next']/@href")
    assert following == [f"?aanbieder={OWN}&pagina=2"]
    second = doc_of(gemeente.get("/signalen/" + following[0]))
    total = int(first.xpath("string(//h2[@id='h-signalen'])").split()[0])  # the 60 and OWN's own
    assert total > 60 and len(second.xpath("//table[@id='signalen']/tbody/tr[@data-status]")) == total - 50
    assert pager_text(second) == ["Vorige Pagina 2 van 2"]


#: Signals beside the region's four (2024: OTHER's late declaration and 33333333's volume;
#: 2025: OWN's care without allocation and 33333333's upcoding), over the years:
#: (provider, raised on, status). The relationship manager looks after OWN and 44444444.
OVER_THE_YEARS = [
    (OTHER, dt.date(2022, 3, 1), "open"),
    (OWN, dt.date(2023, 5, 10), "open"),
    (OWN, dt.date(2023, 11, 20), "open"),
    (OWN, dt.date(2024, 8, 1), "open"),
    ("44444444", dt.date(2024, 4, 1), "open"),
    (OWN, dt.date(2025, 7, 1), "open"),
    (OWN, dt.date(2025, 7, 2), "resolved"),
    ("44444444", dt.date(2025, 2, 1), "open"),
    ("44444444", dt.date(2025, 2, 2), "explained"),
    (OWN, dt.date(2026, 1, 15), "open"),
]
#: Per role, by hand: the open signals raised in the overview's year (2025), the older ones
#: still open, and the years of the signals it sees (the work list's "Jaar" options).
BY_ROLE = {
    "gemeente": (4, 7, [2026, 2025, 2024, 2023, 2022]),
    "aanbieder": (2, 3, [2026, 2025, 2024, 2023]),
    "relatiebeheer": (3, 4, [2026, 2025, 2024, 2023]),
}


def signals_over_the_years() -> None:
    for i, (provider, raised, status) in enumerate(OVER_THE_YEARS):
        SignalFactory(key=f"years-{i}", provider=provider, segment="WMO-IB", raised_on=raised, status=status)


def card(doc: lxml.html.HtmlElement) -> dict[str, tuple[str, str]]:
    """The overview's signals card: field -> (number shown, where it links)."""
    return {
        a.get("data-field"): (a.text_content().split()[0], a.get("href"))
        for a in doc.xpath("//*[@id='kaart-signalen']//a[@data-field]")
    }


@pytest.mark.parametrize("role", list(BY_ROLE))
def test_the_overview_card_counts_the_years_open_signals_and_the_older_ones(region: None, db: None, role: str) -> None:
    """The overview shows 2025 (as of 30 September): its card counts the open signals raised
    in 2025 and, below, the older ones still open (a 2026 one is in neither); each number
    links to the work list whose open counter is that number."""
    signals_over_the_years()
    client = client_for(role)
    this_year, older, _years = BY_ROLE[role]
    shown = card(doc_of(client.get("/")))
    assert shown == {
        "open_signals": (str(this_year), "/signalen/?status=open&jaar=2025"),
        "older_signals": (str(older), "/signalen/?status=open&jaar=voor-2025"),
    }
    for number, link in shown.values():
        assert status_counts(doc_of(client.get(link)))["open"] == number


def test_the_council_sees_no_signals_card(raad: Client) -> None:
    signals_over_the_years()
    doc = doc_of(raad.get("/"))
    assert not doc.xpath("//*[@id='kaart-signalen']") and "Open signalen" not in doc.text_content()
    assert raad.get("/signalen/", {"jaar": "2025"}).status_code == 403


def year_choices(doc: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    return [(o.get("value"), o.text_content()) for o in doc.xpath("//select[@id='f-jaar']/option")]


@pytest.mark.parametrize(("role", "open_2024"), [("gemeente", 4), ("aanbieder", 1), ("relatiebeheer", 2)])
def test_the_year_filter_per_role(region: None, db: None, role: str, open_2024: int) -> None:
    """The filter "Jaar" offers the years of the signals the role sees and the years before
    each; the list, its counters and its groups hold the signals raised in the chosen year."""
    signals_over_the_years()
    client = client_for(role)
    years = BY_ROLE[role][2]
    doc = doc_of(client.get("/signalen/", {"jaar": "2024"}))
    assert year_choices(doc) == [
        ("", "alle"),
        *[(str(y), str(y)) for y in years],
        *[(f"voor-{y}", f"vóór {y}") for y in years[:-1]],
    ]
    assert doc.xpath("//select[@id='f-jaar']/option[@selected]/@value") == ["2024"]
    assert status_counts(doc)["open"] == str(open_2024)
    raised = [tr.xpath("string(./td[2])").strip() for tr in doc.xpath("//table[@id='signalen']/tbody/tr[@data-status]")]
    assert len(raised) == open_2024 and all(r.endswith("2024") for r in raised), raised
    grouped = sum(int(c["open"]) for (_kind, provider), c in group_counts(doc).items() if not provider)
    assert grouped == open_2024
    if role == "gemeente":
        assert group_counts(doc)[("late_declaration", "")] == {"open": "3", "explained": "0", "resolved": "0"}
        assert status_counts(doc_of(client.get("/signalen/", {"jaar": "voor-2024"}))) == {
            "open": "3",
            "explained": "0",
            "resolved": "0",
        }
    # what is not a year is no filter
    assert status_counts(doc_of(client.get("/signalen/", {"jaar": "0000"}))) == status_counts(
        doc_of(client.get("/signalen/"))
    )


def test_the_year_is_kept_by_the_pager_the_sort_links_and_the_bulk_form(gemeente: Client) -> None:
    more_own_signals(60)  # raised in June and July 2025
    signals_over_the_years()
    doc = doc_of(gemeente.get("/signalen/", {"jaar": "2025", "aanbieder": OWN}))
    assert doc.xpath("string(//h2[@id='h-signalen'])").split()[0] == "63"  # the 60, the region's one, 2 of 2025
    assert doc.xpath("//nav[@class='pager']//a[@rel='next']/@href") == [f"?jaar=2025&aanbieder={OWN}&pagina=2"]
    sorts = doc.xpath("//table[@id='signalen']/thead//a/@href")
    assert sorts and all("jaar=2025" in href for href in sorts)
    assert doc.xpath("//form[@id='bulk']/input[@name='next']/@value") == [f"/signalen/?jaar=2025&aanbieder={OWN}"]
    groups = doc.xpath("//table[@id='groepen']//th/a/@href") + doc.xpath("//*[@id='signaal-tellers']/a/@href")
    assert groups and all("jaar=2025" in href for href in groups)


def test_the_older_open_signals_close_in_one_step(gemeente: Client) -> None:
    """From the card's "ouder" link, resolve the whole filter: the older open signals are
    resolved (each audited), the year's stay open, and the card says 0 older."""
    signals_over_the_years()
    older = card(doc_of(gemeente.get("/")))["older_signals"][1]
    response = gemeente.post("/signalen/bulk/", {"alle": "1", "status": "resolved", "note": "Verjaard", "next": older})
    assert response.status_code == 302 and response["Location"] == older
    assert AuditEvent.objects.filter(action="signal.status").count() == 7
    assert card(doc_of(gemeente.get("/"))) == {
        "open_signals": ("4", "/signalen/?status=open&jaar=2025"),
        "older_signals": ("0", "/signalen/?status=open&jaar=voor-2025"),
    }
    assert tm.Signal.objects.filter(raised_on__year=2026, status="open").count() == 1
