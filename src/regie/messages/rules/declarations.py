"""The rules on a declaration (323) and a declaration answer (325)."""

from __future__ import annotations

from collections import Counter

from regie.messages.codes import UNIT_EURO
from regie.messages.faults import step
from regie.messages.model import Declaration, DeclarationAnswer, Performance, Period
from regie.messages.rules.common import Faults, check_bsn, years_before
from regie.messages.rules.definitions import (
    START_OF_2021,
    amount_matches,
    declared_total,
    in_one_month,
    is_calendar_month,
)


def declaration(out: Faults, message: Declaration) -> None:
    base = "/Bericht/Declaratie"
    period = message.period
    if period.begin < START_OF_2021:
        out.add(f"{base}/DeclaratiePeriode/Begindatum", "CS100", "de declaratieperiode ligt voor 1 januari 2021.")
    if not is_calendar_month(period):
        out.add(f"{base}/DeclaratiePeriode", "CS340", "de declaratieperiode is niet precies één kalendermaand.")
    if declared_total(message) != message.total.signed:
        out.add(
            f"{base}/TotaalIngediendBedrag",
            "TR358",
            "TotaalIngediendBedrag is niet gelijk aan de som van de ingediende bedragen van de prestaties.",
        )
    if message.total.cents == 0 and message.total.debit_credit != "D":
        out.add(f"{base}/TotaalIngediendBedrag/DebetCredit", "CS325", "bij bedrag 0 moet DebetCredit D zijn.")
    performances = [p for _, p in message.performances()]
    references = {p.reference for p in performances}
    previous = Counter(p.previous_reference for p in performances if p.previous_reference is not None)
    debits = Counter(
        (client.bsn, p.period, p.category, p.code, p.allocation_number)
        for client, p in message.performances()
        if p.amount.debit_credit == "D"
    )
    for ci, client in enumerate(message.clients):
        client_path = f"{base}/Clienten/{step('Client', ci, len(message.clients))}"
        check_bsn(out, client.bsn, f"{client_path}/Bsn", tuple(p.reference for p in client.performances))
        for pi, p in enumerate(client.performances):
            path = f"{client_path}/Prestaties/{step('Prestatie', pi, len(client.performances))}"
            check_performance(out, message, client.bsn, p, path, previous, references, debits)


def check_performance(
    out: Faults,
    message: Declaration,
    bsn: str,
    p: Performance,
    path: str,
    previous: Counter[str],
    references: set[str],
    debits: Counter[tuple[str, Period, str, str, str]],
) -> None:
    """The rules on one Prestatie of a 323."""
    record = p.reference
    _performance_period(out, message, p, path, record)
    _performance_amount(out, p, path, record)
    _performance_credit(out, bsn, p, path, record, previous, references, debits)


def _performance_period(out: Faults, message: Declaration, p: Performance, path: str, record: str) -> None:
    """CS100, TR137, CS337, TR319 (9319), TR335: the product period of a Prestatie."""
    period = p.period
    if period.begin < START_OF_2021:
        out.add(f"{path}/ProductPeriode/Begindatum", "CS100", "de productperiode ligt voor 1 januari 2021.", record)
    if period.end < period.begin:
        out.add(f"{path}/ProductPeriode/Einddatum", "TR137", "de einddatum ligt voor de begindatum.", record)
    elif not in_one_month(period):
        out.add(
            f"{path}/ProductPeriode/Einddatum", "CS337", "de productperiode valt niet binnen één kalendermaand.", record
        )
    if period.end > out.header.dagtekening:
        out.add(
            f"{path}/ProductPeriode/Einddatum",
            "TR137",
            "de productperiode eindigt na de dagtekening van het bericht.",
            record,
        )
    if period.end > message.period.end:
        out.add(
            f"{path}/ProductPeriode",
            "TR319",
            "de productperiode valt niet in de huidige of een eerdere declaratieperiode.",
            record,
            code="9319",
        )
    if period.end < years_before(message.declaration_date, 5):
        out.add(
            f"{path}/ProductPeriode/Einddatum",
            "TR335",
            "de einddatum ligt meer dan 5 jaar voor de declaratiedagtekening.",
            record,
        )


def _performance_amount(out: Faults, p: Performance, path: str, record: str) -> None:
    """CD087, CS339, TR346 (9346), CS325: the tariff and amount of a Prestatie."""
    if p.unit == UNIT_EURO and p.tariff is not None:
        out.add(f"{path}/ProductTarief", "CD087", "bij eenheid 83 (euro's) blijft ProductTarief leeg.", record)
    if p.unit != UNIT_EURO and p.tariff is None:
        out.add(f"{path}/ProductTarief", "CD087", "ProductTarief is verplicht als de eenheid geen euro's is.", record)
    if p.unit == UNIT_EURO and p.amount.cents != p.volume:
        out.add(
            f"{path}/IngediendBedrag",
            "CS339",
            "bij eenheid 83 (euro's) moet het bedrag gelijk zijn aan het volume.",
            record,
        )
    if not amount_matches(p):
        out.add(
            f"{path}/IngediendBedrag",
            "TR346",
            "het ingediende bedrag is niet gelijk aan geleverd volume maal producttarief.",
            record,
            code="9346",
        )
    if p.amount.cents == 0 and p.amount.debit_credit != "D":
        out.add(f"{path}/IngediendBedrag/DebetCredit", "CS325", "bij bedrag 0 moet DebetCredit D zijn.", record)


def _performance_credit(
    out: Faults,
    bsn: str,
    p: Performance,
    path: str,
    record: str,
    previous: Counter[str],
    references: set[str],
    debits: Counter[tuple[str, Period, str, str, str]],
) -> None:
    """CD060, TR315, TR316, TR416: credits name what they credit, debits are not declared twice."""
    credit = p.amount.debit_credit == "C"
    if credit and p.previous_reference is None:
        out.add(
            f"{path}/ProductReferentie", "CD060", "bij een creditprestatie is VorigReferentieNummer verplicht.", record
        )
    if not credit and p.previous_reference is not None:
        out.add(f"{path}/ProductReferentie", "CD060", "VorigReferentieNummer alleen bij een creditprestatie.", record)
    if p.previous_reference is not None:
        if previous[p.previous_reference] > 1:
            out.add(
                f"{path}/ProductReferentie", "TR315", "VorigReferentieNummer komt vaker voor in het bericht.", record
            )
        if p.previous_reference in references:
            out.add(
                f"{path}/ProductReferentie",
                "TR316",
                "een debetprestatie mag niet in hetzelfde bericht gecrediteerd worden.",
                record,
            )
    if not credit and debits[(bsn, p.period, p.category, p.code, p.allocation_number)] > 1:
        out.add(path, "TR416", "voor deze periode, dit product en deze toewijzing is al een debetprestatie.", record)


def declaration_answer(out: Faults, message: DeclarationAnswer) -> None:
    body = message.body
    if body is None:
        return
    for ci, client in enumerate(body.clients):
        path = f"/Bericht/DeclaratieAntwoord/Clienten/{step('Client', ci, len(body.clients))}/Bsn"
        check_bsn(out, client.bsn, path)
    echoed = sum(a.performance.amount.signed for c in body.clients for a in c.performances)
    if body.clients and echoed != body.total_submitted.signed - body.total_granted.signed:
        out.add(
            "/Bericht/DeclaratieAntwoord/TotaalToegekendBedrag",
            "TR342",
            "het verschil tussen ingediend en toegekend totaal is niet de som van de afgewezen prestaties.",
        )
