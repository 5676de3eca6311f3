"""Reading ``catalog.toml``: :func:`parse_catalog` reads and validates a file completely
before anything is stored, so a loader can be all-or-nothing.

Every error names the file, the entry and the rule that was broken::

    catalog.toml: contract '2025-WMO-IB-12345678': price_per_client must be > 0 for
    funding model per_client

Rules checked
-------------
- unknown keys, missing keys, wrong types;
- CBS codes are 4 digits, AGB codes 8 digits, product entries 2 digits (a whole category) or
  5 characters (one product code);
- references exist (contract -> provider, segment, municipalities; budget -> municipality,
  segment; population weights -> characteristics);
- an innovation fund appears once a year, with an amount >= 0;
- a contract fits its segment's funding model: the parameters of that model are set and
  positive, parameters of other models are left at their default;
- no more providers in a segment than its ``max_providers``;
- no two contracts of one provider in one segment overlap in time for a municipality.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from regie.engine.catalog.model import (
    ANSWER_TERM_DAYS,
    DEADLINE_RULES,
    DOMAINS,
    EXECUTIONS,
    FUNDING_MODELS,
    INSTALMENT_RULES,
    MODULE,
    WAITING_NORM_DAYS,
    Budget,
    Catalog,
    CatalogError,
    Contract,
    InnovationFund,
    Municipality,
    Provider,
    Segment,
)
from regie.engine.registry import keys as indicator_keys
from regie.engine.relations import DEFAULT_EVERY_WEEKS, target_indicator

_CBS = re.compile(r"^\d{4}$")
_AGB = re.compile(r"^\d{8}$")
_PRODUCT = re.compile(r"^(\d{2}|[0-9A-Z]{5})$")


class _Reader:
    """Checks one table of the TOML document and turns it into a dataclass."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, entry: str, rule: str) -> CatalogError:
        return CatalogError(self.file, entry, rule)

    def table(
        self,
        raw: Any,
        entry: str,
        required: dict[str, type | tuple[type, ...]],
        optional: dict[str, type | tuple[type, ...]],
    ) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(entry, "must be a table")
        unknown = sorted(set(raw) - set(required) - set(optional))
        if unknown:
            raise self.fail(entry, f"unknown key '{unknown[0]}'")
        for key in required:
            if key not in raw:
                raise self.fail(entry, f"missing key '{key}'")
        for key, value in raw.items():
            expected = required.get(key) or optional[key]
            if isinstance(value, bool) and bool not in _as_tuple(expected):
                raise self.fail(entry, f"'{key}' has the wrong type")
            if not isinstance(value, expected):
                raise self.fail(entry, f"'{key}' has the wrong type")
        return dict(raw)

    def keyed(
        self,
        raw: list[Any],
        kind: str,
        key: str,
        required: dict[str, type | tuple[type, ...]],
        optional: dict[str, type | tuple[type, ...]],
        form: tuple[re.Pattern[str], str] | None = None,
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each table of a list named by its ``key`` (which must be unique and, with ``form``,
        match its pattern): how errors name it, and the table, checked by :meth:`table`."""
        seen: set[str] = set()
        for i, item in enumerate(raw):
            t = self.table(item, _label(kind, item, key, i), required, optional)
            entry = f"{kind} '{t[key]}'"
            if form is not None and not form[0].match(t[key]):
                raise self.fail(entry, f"{key} must be {form[1]}")
            if t[key] in seen:
                raise self.fail(entry, "appears twice")
            seen.add(t[key])
            yield entry, t


def _as_tuple(t: type | tuple[type, ...]) -> tuple[type, ...]:
    return t if isinstance(t, tuple) else (t,)


_NUM = (int, float)


def _non_negative(value: Any) -> bool:
    """True for a number >= 0 (TOML's true and false are not numbers here)."""
    return isinstance(value, _NUM) and not isinstance(value, bool) and value >= 0


def _agb_codes(values: list[Any]) -> bool:
    """True when every value is an AGB code of 8 digits."""
    return all(isinstance(v, str) and _AGB.match(v) for v in values)


def _share_or_none(value: float | None) -> float | None:
    return None if value is None else float(value)


def parse_catalog(path: str | Path) -> Catalog:
    """Read and validate ``catalog.toml``; raise :class:`CatalogError` on the first fault."""
    path = Path(path)
    name = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(name, "file", "does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(name, "file", f"is not valid TOML ({exc})") from None
    return catalog_from_dict(data, name)


def catalog_from_dict(data: dict[str, Any], file: str = "<catalog>") -> Catalog:
    r = _Reader(file)
    unknown = sorted(
        set(data) - {"region", "municipality", "segment", "provider", "contract", "budget", "innovation_fund"}
    )
    if unknown:
        raise r.fail("file", f"unknown table '{unknown[0]}'")
    region = r.table(data.get("region"), "region", {"name": str}, {"answer_term_days": int})
    term = region.get("answer_term_days", ANSWER_TERM_DAYS)
    if term < 1:
        raise r.fail("region", "'answer_term_days' must be at least 1")

    municipalities = _municipalities(r, data.get("municipality", []))
    segments = _segments(r, data.get("segment", []))
    providers = _providers(r, data.get("provider", []))
    for s in segments.values():
        missing = sorted(set(s.core_partners) - set(providers))
        if missing:
            raise r.fail(f"segment '{s.code}'", f"core partner '{missing[0]}' is not a provider of the catalog")
    contracts = _contracts(r, data.get("contract", []), municipalities, segments, providers)
    budgets = _budgets(r, data.get("budget", []), municipalities, segments)
    _check_population(r, municipalities, segments, contracts)
    return Catalog(
        region=region["name"],
        municipalities=tuple(municipalities.values()),
        segments=tuple(segments.values()),
        providers=tuple(providers.values()),
        contracts=tuple(contracts),
        budgets=tuple(budgets),
        answer_term_days=term,
        innovation_funds=_funds(r, data.get("innovation_fund", [])),
    )


def _label(kind: str, item: Any, key: str, index: int) -> str:
    """How an entry is named in errors: by its key when it has one, else by its position."""
    if isinstance(item, dict) and isinstance(item.get(key), str):
        return f"{kind} '{item[key]}'"
    return f"{kind} #{index + 1}"


def _municipalities(r: _Reader, raw: list[Any]) -> dict[str, Municipality]:
    out: dict[str, Municipality] = {}
    for entry, t in r.keyed(
        raw,
        "municipality",
        "code",
        {"code": str, "name": str},
        {"areas": list, "population": dict, "postcodes": dict},
        (_CBS, "a CBS code of 4 digits"),
    ):
        areas = t.get("areas", [])
        if not all(isinstance(a, str) and a for a in areas) or len(set(areas)) != len(areas):
            raise r.fail(entry, "areas must be distinct names")
        population = t.get("population", {})
        for area, values in population.items():
            if area not in areas:
                raise r.fail(entry, f"population names area '{area}' that is not in areas")
            if not isinstance(values, dict) or not all(_non_negative(v) for v in values.values()):
                raise r.fail(entry, f"population of '{area}' must map characteristics to counts >= 0")
        postcodes = t.get("postcodes", {})
        for postcode, area in postcodes.items():
            if not re.fullmatch(r"\d{4}", postcode) or area not in areas:
                raise r.fail(entry, f"postcodes must map four digits to one of the areas ('{postcode}')")
        out[t["code"]] = Municipality(t["code"], t["name"], tuple(areas), population, dict(postcodes))
    return out


def _segments(r: _Reader, raw: list[Any]) -> dict[str, Segment]:
    out: dict[str, Segment] = {}
    for entry, t in r.keyed(
        raw,
        "segment",
        "code",
        {"code": str, "name": str, "domain": str, "funding_model": str, "products": list},
        {
            "weight": int,
            "max_providers": int,
            "execution": str,
            "population_weights": dict,
            "core_partners": list,
            "waiting_norm_days": int,
            "review_after_days": int,
            "max_subcontracted_share": _NUM,
        },
    ):
        if t["domain"] not in DOMAINS:
            raise r.fail(entry, f"domain must be one of {', '.join(DOMAINS)}")
        if t["funding_model"] not in FUNDING_MODELS:
            raise r.fail(entry, f"funding_model must be one of {', '.join(FUNDING_MODELS)}")
        if t.get("execution", "") and t["execution"] not in EXECUTIONS:
            raise r.fail(entry, f"execution must be one of {', '.join(EXECUTIONS)}")
        products = t["products"]
        if t["domain"] == "participatie":  # a participation segment's products are its modules
            if not products or not all(isinstance(p, str) and MODULE.match(p) for p in products):
                raise r.fail(
                    entry, "products of a participatie segment must be module codes (1-20 letters, digits, - or _)"
                )
        elif not products or not all(isinstance(p, str) and _PRODUCT.match(p) for p in products):
            raise r.fail(entry, "products must be product categories (2 digits) or product codes (5 characters)")
        if t.get("max_providers", 0) < 0 or t.get("weight", 1) < 0:
            raise r.fail(entry, "weight and max_providers must be >= 0")
        if t.get("review_after_days", 365) < 1:
            raise r.fail(entry, "review_after_days must be >= 1")
        if not 0 <= t.get("max_subcontracted_share", 0) <= 1:
            raise r.fail(entry, "max_subcontracted_share must be a share between 0 and 1")
        weights = t.get("population_weights", {})
        if not all(_non_negative(v) for v in weights.values()):
            raise r.fail(entry, "population_weights must map characteristics to weights >= 0")
        if t["funding_model"] == "population" and not weights:
            raise r.fail(entry, "population_weights are required for funding model population")
        partners = t.get("core_partners", [])
        if not _agb_codes(partners):
            raise r.fail(entry, "core_partners must be AGB codes of 8 digits")
        if t.get("waiting_norm_days", WAITING_NORM_DAYS) < 1:
            raise r.fail(entry, "'waiting_norm_days' must be at least 1")
        out[t["code"]] = Segment(
            code=t["code"],
            name=t["name"],
            domain=t["domain"],
            funding_model=t["funding_model"],
            weight=t.get("weight", 1),
            max_providers=t.get("max_providers", 0),
            products=tuple(products),
            execution=t.get("execution", ""),
            population_weights={k: float(v) for k, v in weights.items()},
            core_partners=tuple(partners),
            waiting_norm_days=t.get("waiting_norm_days", WAITING_NORM_DAYS),
            review_after_days=t.get("review_after_days", 365),
            max_subcontracted_share=_share_or_none(t.get("max_subcontracted_share")),
        )
    # A product belongs to one segment per domain.
    owner: dict[tuple[str, str], str] = {}
    for s in out.values():
        for p in s.products:
            if (s.domain, p) in owner:
                raise r.fail(
                    f"segment '{s.code}'", f"product '{p}' already belongs to segment '{owner[(s.domain, p)]}'"
                )
            owner[(s.domain, p)] = s.code
    return out


def _providers(r: _Reader, raw: list[Any]) -> dict[str, Provider]:
    out: dict[str, Provider] = {}
    for entry, t in r.keyed(
        raw,
        "provider",
        "agb",
        {"agb": str, "name": str},
        {"members": list, "core_partner": bool, "dialogue_every_weeks": int},
        (_AGB, "an AGB code of 8 digits"),
    ):
        members = t.get("members", [])
        if not _agb_codes(members):
            raise r.fail(entry, "members must be AGB codes of 8 digits")
        if t["agb"] in members:
            raise r.fail(entry, "a consortium cannot be its own member")
        weeks = t.get("dialogue_every_weeks", DEFAULT_EVERY_WEEKS)
        if not 1 <= weeks <= MAX_DIALOGUE_WEEKS:
            raise r.fail(entry, f"dialogue_every_weeks must lie in 1..{MAX_DIALOGUE_WEEKS}")
        out[t["agb"]] = Provider(t["agb"], t["name"], tuple(members), t.get("core_partner", False), weeks)
    return out


_CONTRACT_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "agreed_clients": int,
    "price_per_client": int,
    "band": _NUM,
    "tariffs": dict,
    "ceiling": int,
    "lump_sum": int,
    "expected_clients": int,
    "savings_target": _NUM,
    "instalments": str,
    "areas": list,
    "declaration_deadline": str,
    "extensions": list,
    "targets": dict,
}

#: The longest cadence of dialogues a provider may have (two years).
MAX_DIALOGUE_WEEKS = 104


def _contracts(
    r: _Reader,
    raw: list[Any],
    municipalities: dict[str, Municipality],
    segments: dict[str, Segment],
    providers: dict[str, Provider],
) -> list[Contract]:
    out: dict[str, Contract] = {}
    for entry, t in r.keyed(
        raw,
        "contract",
        "id",
        {"id": str, "provider": str, "segment": str, "municipalities": list, "start": dt.date, "end": dt.date},
        _CONTRACT_OPTIONAL,
    ):
        _check_contract_references(r, entry, t, municipalities, segments, providers)
        _check_contract_terms(r, entry, t, segments[t["segment"]])
        known_areas = {a for m in t["municipalities"] for a in municipalities[m].areas}
        for a in t.get("areas", []):
            if a not in known_areas:
                raise r.fail(entry, f"area '{a}' is not an area of its municipalities")
        out[t["id"]] = Contract(
            id=t["id"],
            provider=t["provider"],
            segment=t["segment"],
            municipalities=tuple(t["municipalities"]),
            start=t["start"],
            end=t["end"],
            agreed_clients=t.get("agreed_clients", 0),
            price_per_client=t.get("price_per_client", 0),
            band=float(t.get("band", 0.0)),
            tariffs=dict(t.get("tariffs", {})),
            ceiling=t.get("ceiling", 0),
            lump_sum=t.get("lump_sum", 0),
            expected_clients=t.get("expected_clients", 0),
            savings_target=float(t.get("savings_target", 0.0)),
            instalments=t.get("instalments", "monthly"),
            areas=tuple(t.get("areas", [])),
            declaration_deadline=t.get("declaration_deadline", "second-month-15"),
            extensions=_extensions(r, entry, t),
            targets=dict(t.get("targets", {})),
        )
    contracts = list(out.values())
    _check_overlaps(r, contracts)
    _check_max_providers(r, contracts, segments)
    return contracts


def _extensions(r: _Reader, entry: str, t: dict[str, Any]) -> tuple[dt.date, ...]:
    """A contract's extension options: the end dates it may be extended to, after its start and
    ascending (those up to its end are options already taken)."""
    out = t.get("extensions", [])
    if any(not isinstance(d, dt.date) or isinstance(d, dt.datetime) for d in out):
        raise r.fail(entry, "extensions must be dates (end dates of the options)")
    if any(b <= a for a, b in zip([t["start"], *out], out, strict=False)):
        raise r.fail(entry, "extensions must lie after start, each after the one before")
    return tuple(out)


def _check_contract_references(
    r: _Reader,
    entry: str,
    t: dict[str, Any],
    municipalities: dict[str, Municipality],
    segments: dict[str, Segment],
    providers: dict[str, Provider],
) -> None:
    """A contract's dates are dates, and its provider, segment and municipalities exist."""
    for key in ("start", "end"):
        if isinstance(t[key], dt.datetime):
            raise r.fail(entry, f"'{key}' must be a date without a time")
    if t["provider"] not in providers:
        raise r.fail(entry, f"provider '{t['provider']}' is not in the catalog")
    if t["segment"] not in segments:
        raise r.fail(entry, f"segment '{t['segment']}' is not in the catalog")
    if not t["municipalities"]:
        raise r.fail(entry, "municipalities must name at least one municipality")
    for m in t["municipalities"]:
        if m not in municipalities:
            raise r.fail(entry, f"municipality '{m}' is not in the catalog")
    if t["end"] < t["start"]:
        raise r.fail(entry, "end lies before start")


def _check_contract_terms(r: _Reader, entry: str, t: dict[str, Any], segment: Segment) -> None:
    """A contract's tariffs, amounts and rules are in range and fit its segment's funding model."""
    model = segment.funding_model
    tariffs = t.get("tariffs", {})
    for code, cents in tariffs.items():
        if not isinstance(cents, int) or isinstance(cents, bool) or cents <= 0:
            raise r.fail(entry, f"tariff of '{code}' must be a whole number of cents > 0")
        if not segment.covers(code[:2], code):
            raise r.fail(entry, f"tariff for product '{code}' that is not in segment '{segment.code}'")
    for key in ("agreed_clients", "price_per_client", "ceiling", "lump_sum", "expected_clients"):
        if t.get(key, 0) < 0:
            raise r.fail(entry, f"'{key}' must be >= 0")
    if not 0 <= t.get("band", 0.0) < 1:
        raise r.fail(entry, "band must lie in [0, 1)")
    if not 0 <= t.get("savings_target", 0.0) < 1:
        raise r.fail(entry, "savings_target must lie in [0, 1)")
    if t.get("declaration_deadline", "second-month-15") not in DEADLINE_RULES:
        raise r.fail(entry, f"declaration_deadline must be one of {', '.join(DEADLINE_RULES)}")
    _check_targets(r, entry, t.get("targets", {}))
    if t.get("instalments", "monthly") not in INSTALMENT_RULES:
        raise r.fail(entry, f"instalments must be one of {', '.join(INSTALMENT_RULES)}")
    if model == "per_client" and (t.get("agreed_clients", 0) <= 0 or t.get("price_per_client", 0) <= 0):
        raise r.fail(entry, "agreed_clients and price_per_client must be > 0 for funding model per_client")
    if model in ("pxq", "outcome") and not tariffs:
        raise r.fail(entry, f"tariffs are required for funding model {model}")
    if model == "lump_sum" and t.get("lump_sum", 0) <= 0 and not (t.get("expected_clients", 0) > 0 and tariffs):
        raise r.fail(entry, "lump_sum, or expected_clients with a tariff, is required for funding model lump_sum")


def _check_targets(r: _Reader, entry: str, targets: dict[str, Any]) -> None:
    """Each target names an indicator (``max_`` + key for a maximum) with a number >= 0."""
    known = set(indicator_keys())
    for key, value in targets.items():
        indicator, _ceiling = target_indicator(key)
        if indicator not in known:
            raise r.fail(entry, f"target '{key}' names no indicator; use one of {', '.join(sorted(known))}")
        if not _non_negative(value):
            raise r.fail(entry, f"target '{key}' must be a number >= 0")


def _check_overlaps(r: _Reader, contracts: list[Contract]) -> None:
    by_key: dict[tuple[str, str, str], list[Contract]] = {}
    for c in contracts:
        for m in c.municipalities:
            by_key.setdefault((c.provider, c.segment, m), []).append(c)
    for (_provider, _segment, m), group in by_key.items():
        group.sort(key=lambda c: (c.start, c.id))
        for a, b in zip(group, group[1:], strict=False):
            if b.start <= a.end:
                raise r.fail(f"contract '{b.id}'", f"overlaps contract '{a.id}' for municipality '{m}'")


def _check_max_providers(r: _Reader, contracts: list[Contract], segments: dict[str, Segment]) -> None:
    years: dict[tuple[str, int], set[str]] = {}
    for c in contracts:
        for year in range(c.start.year, c.end.year + 1):
            years.setdefault((c.segment, year), set()).add(c.provider)
    for (code, year), agbs in sorted(years.items()):
        limit = segments[code].max_providers
        if limit and len(agbs) > limit:
            raise r.fail(
                f"segment '{code}'",
                f"has {len(agbs)} providers under contract in {year}, more than its max_providers {limit}",
            )


def _budgets(
    r: _Reader, raw: list[Any], municipalities: dict[str, Municipality], segments: dict[str, Segment]
) -> list[Budget]:
    out: dict[tuple[str, str, int], Budget] = {}
    for i, item in enumerate(raw):
        t = r.table(
            item,
            f"budget #{i + 1}",
            {"municipality": str, "segment": str, "year": int, "amount": int},
            {"reserve": int},
        )
        key = (t["municipality"], t["segment"], t["year"])
        entry = f"budget '{t['municipality']}/{t['segment']}/{t['year']}'"
        if key in out:
            raise r.fail(entry, "appears twice")
        if t["municipality"] not in municipalities:
            raise r.fail(entry, f"municipality '{t['municipality']}' is not in the catalog")
        if t["segment"] not in segments:
            raise r.fail(entry, f"segment '{t['segment']}' is not in the catalog")
        if not 1900 <= t["year"] <= 2200:
            raise r.fail(entry, "year is out of range")
        if t["amount"] < 0 or not 0 <= t.get("reserve", 0) <= t["amount"]:
            raise r.fail(entry, "amount must be >= 0 and reserve between 0 and amount")
        out[key] = Budget(t["municipality"], t["segment"], t["year"], t["amount"], t.get("reserve", 0))
    return list(out.values())


def _funds(r: _Reader, raw: list[Any]) -> tuple[InnovationFund, ...]:
    """The innovation fund per year: one entry a year, an amount in cents >= 0."""
    out: dict[int, InnovationFund] = {}
    for i, item in enumerate(raw):
        t = r.table(item, f"innovation_fund #{i + 1}", {"year": int, "amount": int}, {})
        entry = f"innovation_fund '{t['year']}'"
        if t["year"] in out:
            raise r.fail(entry, "appears twice")
        if not 1900 <= t["year"] <= 2200:
            raise r.fail(entry, "year is out of range")
        if t["amount"] < 0:
            raise r.fail(entry, "amount must be >= 0")
        out[t["year"]] = InnovationFund(t["year"], t["amount"])
    return tuple(out.values())


def _check_population(
    r: _Reader, municipalities: dict[str, Municipality], segments: dict[str, Segment], contracts: list[Contract]
) -> None:
    for c in contracts:
        segment = segments[c.segment]
        if segment.funding_model != "population":
            continue
        if not c.areas:
            raise r.fail(f"contract '{c.id}'", "areas are required for funding model population")
        for m in c.municipalities:
            population = municipalities[m].population
            for area in c.areas:
                if area in municipalities[m].areas and area not in population:
                    raise r.fail(f"municipality '{m}'", f"population of area '{area}' is missing")
                for characteristic in segment.population_weights:
                    if area in population and characteristic not in population[area]:
                        raise r.fail(
                            f"municipality '{m}'",
                            f"population of area '{area}' lacks characteristic '{characteristic}'",
                        )
