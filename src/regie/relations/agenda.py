"""A dialogue's agenda, pre-filled from what is stored on the day it is planned.

Each kind of item comes from one *source*: a function of the provider and the dialogue's day
(and the snapshots found for it) that returns the item's fields. The kinds, in order:

- ``scorecard``: the provider's cards (indicators beside its peers, agreed vs realised) from
  the latest stored scorecard snapshot as of the day (:func:`scorecard_snapshot`);
- ``forecast``: its year-end forecast per municipality and segment with the warning and its
  drivers, from the forecast snapshot of the same year and date;
- ``signals``: its open data-quality signals, counted per kind;
- ``requests``: its undecided requests for inflow above the agreement;
- ``agreements``: open agreements of earlier dialogues (:func:`regie.engine.relations.carried_over`);
- ``risks``: its risk dossier. No app holds risk dossiers yet: the source answers no items
  until one registers its own with :func:`register` (``register("risks", fn)`` in its
  ``AppConfig.ready``), which replaces the default;
- ``targets``: the contract targets it does not meet (:func:`regie.engine.relations.target_results`);
- ``opportunities``: the results of its awarded opportunity dossiers, when the dossiers app has
  registered them (``register("opportunities", fn)``).

The items are stored with the dialogue (``Dialogue.agenda``) as they were built, so the
agenda keeps the figures of its day. Titles are added by the shell in the user's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from regie.catalog import models as cat
from regie.engine import relations as rules
from regie.funding import models as fm
from regie.monitor.models import Snapshot
from regie.traffic import models as tm

Item = dict[str, Any]


@dataclass(frozen=True)
class Day:
    """What a source gets: the provider, the dialogue's day and the snapshots found for it."""

    provider: cat.Provider
    date: dt.date
    scorecards: Snapshot | None
    forecast: Snapshot | None


Source = Callable[[Day], Item]

#: Kind -> its heading on the agenda.
TITLES: dict[str, Any] = {
    "scorecard": _("Scorekaart: indicatoren naast de collega's, afgesproken en gerealiseerd"),
    "forecast": _("Prognose en waarschuwing"),
    "signals": _("Open signalen datakwaliteit"),
    "requests": _("Open verzoeken instroom boven afspraak"),
    "agreements": _("Openstaande afspraken uit eerdere gesprekken"),
    "risks": _("Risicodossier"),
    "targets": _("Contractdoelen niet gehaald"),
    "opportunities": _("Kansendossiers: resultaten"),
    "item": _("Ingebracht agendapunt"),
}


def scorecard_snapshot(day: dt.date) -> Snapshot | None:
    """The scorecard snapshot a dialogue on ``day`` discusses: the latest one as of ``day`` or
    before (None for a day before any figures: a dialogue never shows figures of a later day),
    of the latest year there is one for on that date: a past year's figures computed later as
    of the same date (its late declarations) do not replace the running year's; a year after
    ``day``'s has not begun."""
    qs = Snapshot.objects.filter(kind=Snapshot.Kind.SCORECARDS, key="", as_of__lte=day, year__lte=day.year)
    return qs.order_by("-as_of", "-year", "-computed_at", "-pk").first()


def forecast_snapshot(scorecards: Snapshot | None) -> Snapshot | None:
    """The per-provider forecast of the same year and as-of date as ``scorecards``."""
    if scorecards is None:
        return None
    return (
        Snapshot.objects.filter(
            kind=Snapshot.Kind.FORECAST_PROVIDERS, key="", year=scorecards.year, as_of=scorecards.as_of
        )
        .order_by("-computed_at", "-pk")
        .first()
    )


def _scorecard(day: Day) -> Item:
    snap = day.scorecards
    if snap is None:
        return {"year": None, "as_of": None, "cards": []}
    cards = [
        {"segment": c["segment"], "indicators": c["indicators"], "agreed": c["agreed"]}
        for c in snap.filtered(provider=day.provider.agb)
    ]
    return {"year": snap.year, "as_of": snap.as_of.isoformat(), "cards": cards}


FORECAST_FIELDS = ("municipality", "segment", "budget", "realised", "forecast", "low", "high", "warning", "drivers")


def _forecast(day: Day) -> Item:
    snap = day.forecast
    if snap is None:
        return {"rows": []}
    rows = [{k: r.get(k) for k in FORECAST_FIELDS} for r in snap.filtered(provider=day.provider.agb)]
    return {"rows": rows, "warning": any(r["warning"] for r in rows)}


def _signals(day: Day) -> Item:
    counts = (
        tm.Signal.objects.filter(provider=day.provider.agb, status=tm.Signal.Status.OPEN)
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    labels = dict(tm.Signal.Kind.choices)
    by_kind = [{"kind": c["kind"], "label": str(labels.get(c["kind"], c["kind"])), "n": c["n"]} for c in counts]
    return {"count": sum(c["n"] for c in by_kind), "by_kind": by_kind}


def _requests(day: Day) -> Item:
    pending = fm.InflowRequest.objects.filter(
        contract__provider=day.provider, status=fm.InflowRequest.Status.PENDING
    ).select_related("contract")
    items = [
        {
            "id": r.pk,
            "contract": r.contract.ident,
            "month": r.month.isoformat(),
            "current_clients": r.current_clients,
            "requested_clients": r.requested_clients,
        }
        for r in pending.order_by("month", "pk")
    ]
    return {"items": items}


def _agreements(day: Day) -> Item:
    rows = [
        {
            "id": a.pk,
            "text": a.text,
            "owner": a.owner,
            "made_on": a.dialogue.date,
            "due": a.due,
            "done": a.done_at is not None,
            "confirmed": a.confirmed_at is not None,
        }
        for a in day.provider.agreements.select_related("dialogue")
    ]
    carried = rules.carried_over(rows, day.date)
    items = [
        {**a, "made_on": a["made_on"].isoformat(), "due": a["due"].isoformat()}
        for a in ({k: v for k, v in r.items() if k not in ("done", "confirmed")} for r in carried)
    ]
    return {"items": items}


def _no_risks(day: Day) -> Item:
    return {"items": []}


def _targets(day: Day) -> Item:
    return {"items": rules.unmet(target_results(day.provider, day.scorecards))}


def target_results(provider: cat.Provider, snap: Snapshot | None) -> list[Item]:
    """The provider's contract targets against its cards in ``snap``: per contract in force on
    the snapshot's as-of date, each target met / not met (with ``contract`` and ``segment``)."""
    if snap is None:
        return []
    cards = {c["segment"]: c for c in snap.filtered(provider=provider.agb)}
    contracts = cat.Contract.objects.filter(provider=provider, start__lte=snap.as_of, end__gte=snap.as_of)
    out: list[Item] = []
    for contract in contracts.select_related("segment").order_by("segment__code", "ident"):
        targets = contract.targets or {}
        card = cards.get(contract.segment.code, {})
        values = {k: v.get("value") for k, v in card.get("indicators", {}).items()}
        for result in rules.target_results(targets, values):
            out.append({"contract": contract.ident, "segment": contract.segment.code, **result})
    return out


SOURCES: dict[str, Source] = {
    "scorecard": _scorecard,
    "forecast": _forecast,
    "signals": _signals,
    "requests": _requests,
    "agreements": _agreements,
    "risks": _no_risks,
    "targets": _targets,
}


def register(kind: str, source: Source) -> None:
    """Let an app supply (or replace) the items of one kind, e.g. the risk dossiers."""
    SOURCES[kind] = source


def build(provider: cat.Provider, date: dt.date) -> tuple[Snapshot | None, list[Item]]:
    """The scorecard snapshot a dialogue with ``provider`` on ``date`` discusses and its
    pre-filled agenda (JSON-able), one item per kind of :data:`SOURCES`."""
    scorecards = scorecard_snapshot(date)
    day = Day(provider, date, scorecards, forecast_snapshot(scorecards))
    return scorecards, [{"kind": kind, **source(day)} for kind, source in SOURCES.items()]


def titled(items: list[Item]) -> list[Item]:
    """The items with their heading in the active language (``title``), the open signals'
    kinds named in it too (the agenda keeps the names of the language it was planned in)."""
    return [_named({"kind": i["kind"], "title": str(TITLES.get(i["kind"], i["kind"])), **i}) for i in items]


def _named(item: Item) -> Item:
    if item["kind"] != "signals":
        return item
    labels = dict(tm.Signal.Kind.choices)
    kinds = [{**k, "label": str(labels.get(k["kind"], k["label"]))} for k in item.get("by_kind", [])]
    return {**item, "by_kind": kinds}
