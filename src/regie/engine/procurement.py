"""Tender selection rules (domain.md sections 10a and 12): pass/fail, minimums, weighted
ranking, at most N providers, the tie-break at the cut (standard library only).

A tender has requirements, each either ``pass_fail`` or ``score`` (with a ``weight`` and an
optional ``minimum``). Each bid is assessed by two different municipality users (four eyes);
an assessment gives every requirement a value: ``True``/``False`` for a pass/fail
requirement, a number for a scored one.

Rules, in this order:

1. **Assessed**: a bid counts as assessed when two different users have assessed it. An
   award while a bid lacks its two assessments is refused (:class:`AwardRefused`).
2. **Out**: a bid is out when an assessor failed it on a pass/fail requirement (both must
   pass it: four eyes), or when the mean of the two assessors' scores on a scored
   requirement is under that requirement's minimum.
3. **Score**: the weighted mean of the two assessors' scores over the scored requirements,
   ``sum_r w_r * (s_r1 + s_r2) / 2 / sum_r w_r`` (0 when the tender scores nothing).
4. **Ranking**: passing bids by score, highest first; equal scores are ordered by the answer
   ``care_share`` (the share of revenue spent on care; higher wins, a missing or unreadable
   answer counts as the lowest), then by AGB code (lower first). The first ``max_providers``
   are selected (all of them when fewer pass).

Arithmetic is exact (:class:`fractions.Fraction`), so two bids tie only when their scores
really are equal; scores are shown rounded to four decimals.

>>> reqs = [Requirement("ORG", "Organisatie", "pass_fail"), Requirement("Q", "Kwaliteit", "score", 1, 5)]
>>> def bid(agb, q, care):
...     marks = {"ORG": True, "Q": q}
...     return Bid(agb, {"care_share": care}, (Assessment("a", marks), Assessment("b", marks)))
>>> result = award(reqs, [bid("22222222", 8, 0.9), bid("11111111", 8, 0.8), bid("33333333", 4, 1)], 1)
>>> result.selected, [(r.provider, r.score, r.passed) for r in result.ranking]
(('22222222',), [('22222222', 8.0, True), ('11111111', 8.0, True), ('33333333', 4.0, False)])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal

Kind = Literal["pass_fail", "score"]
KINDS: tuple[Kind, ...] = ("pass_fail", "score")
#: The answer that breaks a tie at the cut (domain.md section 12).
CARE_SHARE = "care_share"
#: How many different assessors a bid needs (four eyes).
ASSESSORS = 2


@dataclass(frozen=True)
class Requirement:
    """One requirement of a tender: ``pass_fail``, or ``score`` with a weight and a minimum."""

    code: str
    text: str
    kind: Kind
    weight: float = 1.0
    minimum: float | None = None


@dataclass(frozen=True)
class Assessment:
    """One assessor's marks of a bid: requirement code -> bool (pass/fail) or number (score)."""

    assessor: str
    scores: Mapping[str, Any]


@dataclass(frozen=True)
class Bid:
    """A provider's bid: its answers (requirement code -> value) and the assessments so far."""

    provider: str
    answers: Mapping[str, Any]
    assessments: Sequence[Assessment] = ()


@dataclass(frozen=True)
class Ranked:
    """A bid's outcome: passed, score, place (1 = best, None when out), selected, and why."""

    provider: str
    score: float
    passed: bool
    rank: int | None
    selected: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Award:
    """The selected providers (AGB codes, in ranking order) and every bid's outcome."""

    selected: tuple[str, ...]
    ranking: tuple[Ranked, ...]


class AwardRefused(ValueError):
    """An award that may not be made yet: the providers whose bids lack an assessment."""

    def __init__(self, unassessed: tuple[str, ...]) -> None:
        super().__init__(unassessed)
        self.unassessed = unassessed

    def __str__(self) -> str:
        return "Nog niet door twee verschillende beoordelaars beoordeeld: " + ", ".join(self.unassessed)


def exact(value: Any) -> Fraction:
    """A number (int, float, decimal string) as an exact fraction; ValueError otherwise.

    >>> exact("7.5"), exact(0.1)
    (Fraction(15, 2), Fraction(1, 10))
    """
    if isinstance(value, bool):
        raise ValueError("a number, not a yes/no")
    try:
        return Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"not a number: {value!r}") from None


def assessors(bid: Bid) -> tuple[str, ...]:
    """The different users who assessed ``bid``, in the order they did."""
    return tuple(dict.fromkeys(a.assessor for a in bid.assessments))


def is_assessed(bid: Bid) -> bool:
    """Four eyes: two different users have assessed the bid."""
    return len(assessors(bid)) >= ASSESSORS


def check_scores(requirements: Sequence[Requirement], scores: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with one assessment's marks, per requirement code (empty when valid):
    every requirement needs a mark, yes/no for pass/fail, a number of at least 0 for a score."""
    problems: dict[str, str] = {}
    known = {r.code for r in requirements}
    for code in scores:
        if code not in known:
            problems[code] = "Geen eis van deze aanbesteding."
    for req in requirements:
        if req.code not in scores or scores[req.code] is None:
            problems[req.code] = "Ontbreekt."
        elif req.kind == "pass_fail":
            if not isinstance(scores[req.code], bool):
                problems[req.code] = "Voldoet (true) of voldoet niet (false)."
        else:
            try:
                if exact(scores[req.code]) < 0:
                    problems[req.code] = "Een score van 0 of meer."
            except ValueError:
                problems[req.code] = "Een getal."
    return problems


def _care_share(bid: Bid) -> Fraction:
    try:
        return exact(bid.answers.get(CARE_SHARE))
    except ValueError:
        return Fraction(-1)


def evaluate(requirements: Sequence[Requirement], bid: Bid) -> tuple[bool, Fraction, list[str]]:
    """One assessed bid against the requirements: (passed, exact score, reasons it is out).

    Uses the first two different assessors' marks."""
    first: dict[str, Assessment] = {}
    for a in bid.assessments:
        first.setdefault(a.assessor, a)
    marks = list(first.values())[:ASSESSORS]
    out: list[str] = []
    total = Fraction(0)
    weights = Fraction(0)
    for req in requirements:
        if req.kind == "pass_fail":
            if not all(m.scores.get(req.code) is True for m in marks):
                out.append(f"Voldoet niet aan eis {req.code} ({req.text}).")
            continue
        mean = sum((exact(m.scores[req.code]) for m in marks), Fraction(0)) / len(marks)
        if req.minimum is not None and mean < exact(req.minimum):
            out.append(f"Score {_shown(mean)} op eis {req.code} ({req.text}) onder het minimum {_shown(req.minimum)}.")
        total += exact(req.weight) * mean
        weights += exact(req.weight)
    score = total / weights if weights else Fraction(0)
    return not out, score, out


def _shown(value: Any) -> str:
    number = round(float(value), 4)
    return f"{number:g}".replace(".", ",")


def ranking_key(score: Fraction, bid: Bid) -> tuple[Fraction, Fraction, str]:
    """Sort key of a passing bid: higher score, then higher ``care_share``, then lower AGB."""
    return (-score, -_care_share(bid), bid.provider)


def award(requirements: Sequence[Requirement], bids: Sequence[Bid], max_providers: int) -> Award:
    """Select at most ``max_providers`` bids (the module's rules); refused while a bid lacks
    its two assessments. ``max_providers`` 0 means no maximum.

    The ranking lists the passing bids in order, then the bids that are out (by AGB code);
    each with its reasons: why it is out, its place, and what decided a tie at the cut."""
    missing = tuple(sorted(b.provider for b in bids if not is_assessed(b)))
    if missing:
        raise AwardRefused(missing)
    evaluated = [(bid, *evaluate(requirements, bid)) for bid in bids]
    passing = sorted((e for e in evaluated if e[1]), key=lambda e: ranking_key(e[2], e[0]))
    failing = sorted((e for e in evaluated if not e[1]), key=lambda e: e[0].provider)
    limit = max_providers if max_providers > 0 else len(passing)
    tie_at_cut = 0 < limit < len(passing) and passing[limit - 1][2] == passing[limit][2]
    cut_score = passing[limit - 1][2] if tie_at_cut else None
    ranked: list[Ranked] = []
    for place, (bid, _passed, score, _out) in enumerate(passing, start=1):
        selected = place <= limit
        reasons = [f"Plaats {place} van {len(passing)} met score {_shown(score)}."]
        if cut_score is not None and score == cut_score:
            reasons.append(_tie_reason(selected, bid))
        reasons.append(
            f"Gegund: binnen het maximum van {limit} aanbieders."
            if selected
            else f"Niet gegund: buiten het maximum van {limit} aanbieders."
        )
        ranked.append(Ranked(bid.provider, round(float(score), 4), True, place, selected, tuple(reasons)))
    for bid, _passed, score, out in failing:
        ranked.append(Ranked(bid.provider, round(float(score), 4), False, None, False, tuple(["Afgewezen.", *out])))
    return Award(tuple(r.provider for r in ranked if r.selected), tuple(ranked))


def _tie_reason(selected: bool, bid: Bid) -> str:
    share = bid.answers.get(CARE_SHARE)
    shown = "onbekend" if share is None else _shown(share)
    verdict = "gegund" if selected else "niet gegund"
    return (
        f"Gelijke score op de grens: {verdict} op het aandeel van de omzet dat aan zorg wordt "
        f"besteed ({CARE_SHARE} = {shown}, hoger gaat voor), daarna op AGB-code."
    )
