"""Opportunity and risk dossiers: the rules of the innovation fund and of the risks providers
name (domain.md section 9; issue 15), as plain functions over plain values (standard library
only). The shell (:mod:`regie.dossiers`) stores dossiers, shows them and calls these rules.

Opportunity dossier (kansendossier)
-----------------------------------
A joint proposal of providers for money from the region's innovation fund (catalog
``[[innovation_fund]] year, amount``). Each refusal names its rule (:class:`Refused`
``.rule``, the name the API's problem+json carries in ``invalid_params``):

- ``cooperation`` (:func:`cooperating`): at least :data:`MIN_PROVIDERS` *distinct* providers
  cooperate; a dossier with fewer is refused when it is submitted, and never awarded;
- ``scores``: cooperation, innovation and acceleration are each scored 1..5;
- ``reason``: a decision (awarded or rejected) always gives its reason;
- ``regular_service``: the assessment answers whether the proposal is regular service (e.g.
  routine e-health) rather than innovation that speeds up the transformation; regular service
  is never awarded;
- ``awarded_amount``: an award is more than 0 and at most the requested amount; a rejection
  awards nothing;
- ``fund_left`` (:func:`fund_left`): an award is at most what is left of the dossier year's
  fund: the fund's amount minus what was awarded before in that year (no fund that year:
  nothing is left).

Since every award passes ``fund_left``, the awards of a year never add up to more than the
fund (a property test holds this).

Results (:func:`indicator_results`, :func:`client_outcomes`): the indicators the dossier names
for its providers at the award and now, and, from the clients the providers report for it
(a CSV of pseudonymised clients), the clients reached, the warm handovers (an end with reason
``voorliggend_veld``, to community services, or ``afschaling``, a step-down) and the
sustainable outflow as domain.md section 5 defines it (no new episode within 182 days of the
end; only ends with full follow-up count; none such: null).

Risk dossier (risicodossier)
----------------------------
Per provider and contract, risks with an owner (provider or municipality), likelihood and
impact 1..5, control measures, a status and a review date:

- score = likelihood x impact; level :func:`risk_level`: ``high`` from :data:`HIGH` (12), ``medium``
  from :data:`MEDIUM` (5), ``low`` below;
- a risk that is not closed is *overdue* (:func:`overdue`) when its review date has passed;
- the dialogue agenda lists a provider's open (not closed) high risks, the highest score
  first (:func:`agenda_risks`);
- the risk matrix (:func:`matrix`) counts the open risks per likelihood x impact cell.

>>> fund_left(10_000_000, [4_000_000, 2_500_000])
3500000
>>> cooperating(["12345678", "12345678", "87654321"])
('12345678', '87654321')
>>> risk_level(3, 4), risk_level(2, 2), risk_level(5, 1)
('high', 'low', 'medium')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

#: The fewest distinct providers that make a dossier a cooperation.
MIN_PROVIDERS = 2
#: The scale of the assessment's scores and of a risk's likelihood and impact.
SCALE = (1, 5)
DECISIONS = ("awarded", "rejected")
OWNERS = ("provider", "municipality")
RISK_STATUSES = ("open", "mitigated", "closed")
#: The lowest score (likelihood x impact) of a high and of a medium risk.
HIGH = 12
MEDIUM = 5
#: End reasons of a dossier's client (the CSV): to community services, a step-down, other.
END_REASONS = ("voorliggend_veld", "afschaling", "overig")
#: The end reasons that count as a warm handover.
WARM = ("voorliggend_veld", "afschaling")
#: Days of follow-up for sustainable outflow (domain.md section 5).
FOLLOW_UP_DAYS = 182

Level = Literal["high", "medium", "low"]


class Refused(ValueError):
    """A dossier or decision breaks a rule; ``rule`` names it, the message explains (Dutch)."""

    def __init__(self, rule: str, reason: str) -> None:
        self.rule = rule
        super().__init__(reason)


# --------------------------------------------------------------------------------------------
# Opportunity dossiers and the fund


def cooperating(providers: Iterable[str]) -> tuple[str, ...]:
    """The distinct providers of a dossier, in the order first named; refused (rule
    ``cooperation``) when fewer than :data:`MIN_PROVIDERS`."""
    distinct = tuple(dict.fromkeys(p.strip() for p in providers if p and p.strip()))
    if len(distinct) < MIN_PROVIDERS:
        raise Refused(
            "cooperation",
            f"Een kansendossier is een samenwerking van ten minste {MIN_PROVIDERS} verschillende aanbieders "
            f"(nu {len(distinct)}).",
        )
    return distinct


def fund_left(amount_cents: int, awarded_cents: Iterable[int]) -> int:
    """What is left of a year's fund: its amount minus every award of that year (may be
    negative only when the catalog lowered the fund after awards)."""
    return amount_cents - sum(awarded_cents)


@dataclass(frozen=True)
class FundYear:
    """One year's fund as the fund page shows it (cents)."""

    year: int
    amount_cents: int
    awarded_cents: int
    paid_cents: int
    dossiers: int
    awards: int

    @property
    def left_cents(self) -> int:
        return self.amount_cents - self.awarded_cents


def fund_year(year: int, amount_cents: int, awarded: Sequence[int], paid: Sequence[int], dossiers: int) -> FundYear:
    """The year's fund: amount, the sum of the awards (``awarded``), of the payments booked
    (``paid``), the number of dossiers and of awards."""
    return FundYear(year, amount_cents, sum(awarded), sum(paid), dossiers, len(awarded))


@dataclass(frozen=True)
class Assessment:
    cooperation: int
    innovation: int
    acceleration: int
    regular_service: bool
    decision: str
    awarded_cents: int
    reason: str

    @property
    def total(self) -> int:
        """The sum of the three scores (3..15)."""
        return self.cooperation + self.innovation + self.acceleration


def check_scale(name: str, value: Any, rule: str) -> int:
    """``value`` as a whole number on the 1..5 scale, else refused under ``rule``."""
    low, high = SCALE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Refused(rule, f"'{name}' is een geheel getal van {low} tot en met {high}.")
    return value


def decide(a: Assessment, providers: Sequence[str], requested_cents: int, left_cents: int) -> int:
    """Check an assessment of a dossier against the rules; return the amount it awards (0 for a
    rejection). ``left_cents``: what is left of the dossier year's fund before this decision."""
    for name in ("cooperation", "innovation", "acceleration"):
        check_scale(name, getattr(a, name), "scores")
    if a.decision not in DECISIONS:
        raise Refused("decision", "Het besluit is 'awarded' (toegekend) of 'rejected' (afgewezen).")
    if not (a.reason or "").strip():
        raise Refused("reason", "Geef de reden van het besluit.")
    if a.decision == "rejected":
        if a.awarded_cents:
            raise Refused("awarded_amount", "Een afwijzing kent geen bedrag toe.")
        return 0
    cooperating(providers)
    if a.regular_service:
        raise Refused(
            "regular_service",
            "Reguliere dienstverlening (zoals routinematige e-health) komt niet in aanmerking voor het innovatiefonds.",
        )
    if a.awarded_cents <= 0 or a.awarded_cents > requested_cents:
        raise Refused(
            "awarded_amount",
            f"Het toegekende bedrag ligt boven 0 en ten hoogste op het gevraagde ({requested_cents} cent).",
        )
    if a.awarded_cents > left_cents:
        raise Refused(
            "fund_left",
            f"Het toegekende bedrag ({a.awarded_cents} cent) is meer dan er over is in het fonds van dat jaar "
            f"({max(left_cents, 0)} cent).",
        )
    return a.awarded_cents


# --------------------------------------------------------------------------------------------
# Results


def indicator_values(cards: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """segment -> indicator key -> value, for ``keys``, from a provider's scorecard cards
    (``{"segment", "indicators": {key: {"value"}}}``)."""
    out: dict[str, dict[str, Any]] = {}
    for card in cards:
        found = card.get("indicators", {})
        out[str(card["segment"])] = {k: (found.get(k) or {}).get("value") for k in keys}
    return out


def indicator_results(
    keys: Sequence[str],
    at_award: Mapping[str, Mapping[str, Mapping[str, Any]]],
    now: Mapping[str, Mapping[str, Mapping[str, Any]]],
) -> list[dict[str, Any]]:
    """Per provider, segment and named indicator: its value at the award and now, and the
    change (None when either is unknown). ``at_award`` and ``now``: provider -> segment ->
    key -> value (:func:`indicator_values`)."""
    rows = []
    for provider in sorted(set(at_award) | set(now)):
        before, after = at_award.get(provider, {}), now.get(provider, {})
        for segment in sorted(set(before) | set(after)):
            for key in keys:
                b = before.get(segment, {}).get(key)
                n = after.get(segment, {}).get(key)
                change = n - b if isinstance(b, (int, float)) and isinstance(n, (int, float)) else None
                rows.append(
                    {
                        "provider": provider,
                        "segment": segment,
                        "indicator": key,
                        "at_award": b,
                        "now": n,
                        "change": change,
                    }
                )
    return rows


@dataclass(frozen=True)
class DossierClient:
    """A client a dossier reached, as its provider reports it (pseudonym only)."""

    client: str
    provider: str
    start: dt.date
    end: dt.date | None = None
    end_reason: str | None = None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def client_outcomes(
    clients: Sequence[DossierClient], later_starts: Mapping[str, Sequence[dt.date]], as_of: dt.date
) -> dict[str, Any]:
    """What the dossier's reported clients show on ``as_of`` (ends after it do not count yet):

    - ``clients``: distinct clients reached; ``ended``: clients whose reported end is on or
      before ``as_of``;
    - ``warm_handover``: ended with reason ``voorliggend_veld`` or ``afschaling``, and its share
      of the ended (None with none ended);
    - ``sustainable_outflow_rate``: of the ends at least 182 days before ``as_of`` (full
      follow-up), the share after which the client started no care episode within 182 days
      (``later_starts``: client -> start dates of its care episodes); None with none such.
    """
    ended = [c for c in clients if c.end is not None and c.end <= as_of]
    warm = [c for c in ended if c.end_reason in WARM]
    followed = [c for c in ended if c.end is not None and (as_of - c.end).days >= FOLLOW_UP_DAYS]
    sustained = [
        c
        for c in followed
        if c.end is not None
        and not any(0 <= (s - c.end).days <= FOLLOW_UP_DAYS for s in later_starts.get(c.client, ()))
    ]
    return {
        "clients": len({c.client for c in clients}),
        "ended": len(ended),
        "warm_handover": len(warm),
        "warm_handover_share": _share(len(warm), len(ended)),
        "followed_up": len(followed),
        "sustainable": len(sustained),
        "sustainable_outflow_rate": _share(len(sustained), len(followed)),
    }


def client_outcomes_by_provider(
    clients: Sequence[DossierClient], later_starts: Mapping[str, Sequence[dt.date]], as_of: dt.date
) -> list[dict[str, Any]]:
    """:func:`client_outcomes` per provider (``provider`` first), then for all (provider None)."""
    providers = sorted({c.provider for c in clients})
    rows = [
        {"provider": p, **client_outcomes([c for c in clients if c.provider == p], later_starts, as_of)}
        for p in providers
    ]
    return rows + [{"provider": None, **client_outcomes(clients, later_starts, as_of)}] if rows else []


# --------------------------------------------------------------------------------------------
# Risks


def risk_score(likelihood: int, impact: int) -> int:
    return likelihood * impact


def risk_level(likelihood: int, impact: int) -> Level:
    """``high`` from a score (likelihood x impact) of 12, ``medium`` from 5, else ``low``."""
    score = risk_score(likelihood, impact)
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


def check_risk(owner: str, likelihood: Any, impact: Any, status: str = "open") -> None:
    """A risk's owner, scale and status are valid, else refused naming the rule."""
    if owner not in OWNERS:
        raise Refused("owner", "De eigenaar van een risico is de aanbieder (provider) of de gemeente (municipality).")
    check_scale("likelihood", likelihood, "scale")
    check_scale("impact", impact, "scale")
    if status not in RISK_STATUSES:
        raise Refused("status", f"De status is een van {', '.join(RISK_STATUSES)}.")


def overdue(review_on: dt.date, status: str, today: dt.date) -> bool:
    """A risk that is not closed is overdue once its review date has passed."""
    return status != "closed" and review_on < today


def agenda_risks(risks: Iterable[Mapping[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """The open (not closed) high risks of a provider for its dialogue's agenda, the highest
    score first, each with ``score``, ``level`` and ``overdue``. A risk is a mapping with at
    least ``likelihood``, ``impact``, ``status`` and ``review_on``."""
    out = []
    for r in risks:
        if r["status"] == "closed" or risk_level(r["likelihood"], r["impact"]) != "high":
            continue
        out.append(
            {
                **r,
                "score": risk_score(r["likelihood"], r["impact"]),
                "level": "high",
                "overdue": overdue(r["review_on"], r["status"], today),
            }
        )
    return sorted(out, key=lambda r: (-r["score"], r["review_on"], str(r.get("id", ""))))


def matrix(risks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The risk matrix: for each of the 25 cells (likelihood x impact), the number of open
    (not closed) risks in it and the cell's level."""
    counts: dict[tuple[int, int], int] = {}
    for r in risks:
        if r["status"] != "closed":
            cell = (r["likelihood"], r["impact"])
            counts[cell] = counts.get(cell, 0) + 1
    low, high = SCALE
    return [
        {"likelihood": li, "impact": im, "count": counts.get((li, im), 0), "level": risk_level(li, im)}
        for li in range(low, high + 1)
        for im in range(low, high + 1)
    ]
