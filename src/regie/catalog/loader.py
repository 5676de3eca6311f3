"""Store a parsed catalog: upsert by natural keys, all or nothing.

:func:`load_catalog` compares each entry with what is stored and writes only what changed,
so loading the same file twice changes nothing (and reports every entry as unchanged).
Entries that are stored but no longer in the file are left alone: allocations and
declarations may refer to them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from regie.catalog import models as m
from regie.catalog.history import record_version, snapshot
from regie.engine import catalog as core


@dataclass
class LoadResult:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"created": dict(self.created), "updated": dict(self.updated), "unchanged": dict(self.unchanged)}

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))


def _upsert(
    result: LoadResult,
    kind: str,
    model: type[models.Model],
    key: dict[str, Any],
    values: dict[str, Any],
    many: dict[str, set[int]] | None = None,
) -> Any:
    """Create or update one row (and its many-to-many sets) and count what happened."""
    many = many or {}
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = model.objects.create(**key, **values)
        for name, pks in many.items():
            getattr(obj, name).set(pks)
        result.created[kind] += 1
        return obj
    dirty = [name for name, value in values.items() if getattr(obj, name) != value]
    if dirty:
        for name in dirty:
            setattr(obj, name, values[name])
        obj.save(update_fields=dirty)
    for name, pks in many.items():
        if set(getattr(obj, name).values_list("pk", flat=True)) != pks:
            getattr(obj, name).set(pks)
            dirty.append(name)
    (result.updated if dirty else result.unchanged)[kind] += 1
    return obj


@transaction.atomic
def load_catalog(catalog: core.Catalog) -> LoadResult:
    """Write ``catalog`` to the database; raise before writing anything on a conflict."""
    result = LoadResult()
    region = _load_region(result, catalog)
    municipalities = _load_municipalities(result, catalog, region)
    segments = _load_segments(result, catalog, region)
    providers = _load_providers(result, catalog)
    _load_contracts(result, catalog, municipalities, segments, providers)
    _load_budgets(result, catalog, municipalities, segments)
    for fund in catalog.innovation_funds:
        _upsert(result, "innovation_fund", m.InnovationFund, {"year": fund.year}, {"amount": fund.amount})
    return result


def _load_region(result: LoadResult, catalog: core.Catalog) -> m.Region:
    region, created = m.Region.objects.get_or_create(
        name=catalog.region, defaults={"answer_term_days": catalog.answer_term_days}
    )
    if not created and region.answer_term_days != catalog.answer_term_days:
        region.answer_term_days = catalog.answer_term_days
        region.save(update_fields=["answer_term_days"])
        result.updated["region"] += 1
    else:
        (result.created if created else result.unchanged)["region"] += 1
    return region


def _load_municipalities(result: LoadResult, catalog: core.Catalog, region: m.Region) -> dict[str, m.Municipality]:
    municipalities: dict[str, m.Municipality] = {}
    for mun in catalog.municipalities:
        obj = _upsert(
            result,
            "municipality",
            m.Municipality,
            {"code": mun.code},
            {"region": region, "name": mun.name, "population": mun.population, "postcodes": mun.postcodes},
        )
        municipalities[mun.code] = obj
        stored = list(obj.areas.order_by("position").values_list("name", flat=True))
        if stored != list(mun.areas):
            obj.areas.exclude(name__in=mun.areas).delete()
            for position, name in enumerate(mun.areas):
                m.Area.objects.update_or_create(municipality=obj, name=name, defaults={"position": position})
    return municipalities


def _load_segments(result: LoadResult, catalog: core.Catalog, region: m.Region) -> dict[str, m.Segment]:
    segments: dict[str, m.Segment] = {}
    for seg in catalog.segments:
        segments[seg.code] = _upsert(
            result,
            "segment",
            m.Segment,
            {"code": seg.code},
            {
                "region": region,
                "name": seg.name,
                "domain": seg.domain,
                "funding_model": seg.funding_model,
                "execution": seg.effective_execution,
                "weight": seg.weight,
                "max_providers": seg.max_providers,
                "products": list(seg.products),
                "population_weights": seg.population_weights,
                "core_partners": list(seg.core_partners),
                "waiting_norm_days": seg.waiting_norm_days,
                "review_after_days": seg.review_after_days,
                "max_subcontracted_share": seg.max_subcontracted_share,
            },
        )
    return segments


def _load_providers(result: LoadResult, catalog: core.Catalog) -> dict[str, m.Provider]:
    providers: dict[str, m.Provider] = {}
    for prov in catalog.providers:
        providers[prov.agb] = _upsert(
            result,
            "provider",
            m.Provider,
            {"agb": prov.agb},
            {
                "name": prov.name,
                "members": list(prov.members),
                "core_partner": prov.core_partner,
                "dialogue_every_weeks": prov.dialogue_every_weeks,
            },
        )
    return providers


def _load_contracts(
    result: LoadResult,
    catalog: core.Catalog,
    municipalities: dict[str, m.Municipality],
    segments: dict[str, m.Segment],
    providers: dict[str, m.Provider],
) -> None:
    for con in catalog.contracts:
        stored = m.Contract.objects.filter(ident=con.id).first()
        before = snapshot(stored) if stored is not None else None
        contract = _upsert(
            result,
            "contract",
            m.Contract,
            {"ident": con.id},
            {
                "provider": providers[con.provider],
                "segment": segments[con.segment],
                "start": con.start,
                "end": con.end,
                "agreed_clients": con.agreed_clients,
                "price_per_client": con.price_per_client,
                "band": con.band,
                "tariffs": con.tariffs,
                "ceiling": con.ceiling,
                "lump_sum": con.lump_sum,
                "expected_clients": con.expected_clients,
                "savings_target": con.savings_target,
                "instalments": con.instalments,
                "areas": list(con.areas),
                "declaration_deadline": con.declaration_deadline,
                "extensions": [d.isoformat() for d in con.extensions],
                "targets": dict(con.targets),
            },
            many={"municipalities": {municipalities[c].pk for c in con.municipalities}},
        )
        if before is not None:
            record_version(contract, before, None, "catalogus geladen")


def _load_budgets(
    result: LoadResult,
    catalog: core.Catalog,
    municipalities: dict[str, m.Municipality],
    segments: dict[str, m.Segment],
) -> None:
    for bud in catalog.budgets:
        _upsert(
            result,
            "budget",
            m.Budget,
            {"municipality": municipalities[bud.municipality], "segment": segments[bud.segment], "year": bud.year},
            {"amount": bud.amount, "reserve": bud.reserve},
        )


def stored_catalog() -> core.Catalog:
    """The stored catalog as the engine's plain dataclasses (for computations)."""
    region = m.Region.objects.order_by("pk").first()
    return core.Catalog(
        region=region.name if region else "",
        answer_term_days=region.answer_term_days if region else core.ANSWER_TERM_DAYS,
        municipalities=tuple(
            core.Municipality(
                mun.code, mun.name, tuple(a.name for a in mun.areas.all()), dict(mun.population), dict(mun.postcodes)
            )
            for mun in m.Municipality.objects.prefetch_related("areas")
        ),
        segments=tuple(
            core.Segment(
                code=s.code,
                name=s.name,
                domain=s.domain,
                funding_model=s.funding_model,
                weight=s.weight,
                max_providers=s.max_providers,
                products=tuple(s.products),
                execution=s.execution,
                population_weights=dict(s.population_weights),
                core_partners=tuple(s.core_partners),
                waiting_norm_days=s.waiting_norm_days,
                review_after_days=s.review_after_days,
                max_subcontracted_share=s.max_subcontracted_share,
            )
            for s in m.Segment.objects.all()
        ),
        providers=tuple(
            core.Provider(p.agb, p.name, tuple(p.members), p.core_partner, p.dialogue_every_weeks)
            for p in m.Provider.objects.all()
        ),
        contracts=tuple(
            c.to_core()
            for c in m.Contract.objects.select_related("provider", "segment").prefetch_related("municipalities")
        ),
        budgets=tuple(
            core.Budget(b.municipality.code, b.segment.code, b.year, b.amount, b.reserve)
            for b in m.Budget.objects.select_related("municipality", "segment")
        ),
        innovation_funds=tuple(core.InnovationFund(f.year, f.amount) for f in m.InnovationFund.objects.all()),
    )
