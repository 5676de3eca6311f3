"""The two synthetic profiles (venlo, amsterdam) as plain parameters.

Everything the simulation draws from is data, written down in ``profiles.toml`` beside this
module, so a reader can check the scenario against the seeds (domain.md section 13) without
reading the simulation. :func:`load_profiles` reads it once, at import, into the frozen
dataclasses below (:data:`PROFILE_SPECS`) and checks it: unknown and missing keys, types,
the segments a profile names, units and laws, an area's postcode. An error names the file,
the key and the rule broken::

    .../profiles.toml: venlo.segments[2].duration_median: must be a number

Product code scheme (iJw/iWmo 5-character product codes)
--------------------------------------------------------
``CC`` (the product category) + a letter + two digits:

- venlo: ``02A01`` Wmo individuele begeleiding (one output product, per-client price),
  ``15A01`` Wmo beschermd wonen (idem), ``45A01``/``45A02``/``45A03`` Jeugdhulp ambulant
  licht / regulier / specialistisch (per hour).
- amsterdam, segments A/B/C: ``45`` + segment letter + profile digit + intensity digit, e.g.
  ``45B23`` = segment B, profile 2 (psychische problematiek), intensity 3 (intensief).
  Profiles: 1 opvoeden en opgroeien, 2 psychische problematiek, 3 licht verstandelijke
  beperking, 4 gezin en veiligheid. Intensities: 1 licht, 2 middel, 3 intensief.
- amsterdam, residential youth care: ``43V01`` verblijf regulier, ``43V02`` verblijf
  intensief, ``43V03`` verblijf zeer intensief (per etmaal).
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

#: Eenheid codes of the standard used here.
UNIT_HOUR = "04"
UNIT_ETMAAL = "14"
UNIT_OUTPUT = "82"
#: Frequentie: per month.
PER_MONTH = "4"
UNITS = (UNIT_HOUR, UNIT_ETMAAL, UNIT_OUTPUT)
LAWS = ("wmo", "jw")

#: The profiles' data (package data).
PROFILES_FILE = Path(__file__).with_name("profiles.toml")


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    unit: str
    #: cents per unit for price x volume; for task-based products the reference tariff per
    #: client per year (the lump sum's basis); unused for per-client products
    tariff: int
    #: median allocated units per month (price x volume)
    volume: int
    #: share in the product mix of new episodes
    share: float


@dataclass(frozen=True)
class SegmentSpec:
    code: str
    name: str
    domain: str
    law: str  # "wmo" | "jw"
    category: str
    funding_model: str
    execution: str
    weight: int
    products: tuple[Product, ...]
    #: providers with a contract in this segment at scale 1 (venlo) or core partners serving it
    providers: int
    max_providers: int
    #: distinct clients per year at scale 1 (the calibration target)
    clients_per_year: int
    #: lognormal duration of an episode: median in days and sigma
    duration_median: float
    duration_sigma: float
    #: allocation validity in months (0: no allocations, task-based); the extending provider
    #: gets allocations of half this validity and extends them again and again
    validity_months: int = 0
    step_down_to: str = ""
    step_down_p: float = 0.0
    reentry_within_p: float = 0.05
    reentry_after_p: float = 0.04
    #: median waiting time from request to care start in days
    waiting_median: float = 30.0
    #: share of new episodes that come with a request (315 or waiting-list registration)
    request_share: float = 0.8
    #: per-client price range (cents per client per year) for per_client segments
    price_range: tuple[int, int] = (0, 0)
    age_range: tuple[int, int] = (0, 17)
    #: calibration factor on the inflow rate, fitted so clients per year meet the target
    inflow_adjust: float = 1.0
    #: the most of the segment's care subcontractors may deliver (catalog key; None: no limit)
    max_subcontracted_share: float | None = None


@dataclass(frozen=True)
class MunicipalitySpec:
    code: str
    name: str
    population: int
    areas: tuple[str, ...]
    #: the four digits of the postcodes of each area (clients' addresses in 301 messages)
    postcodes: tuple[str, ...]
    #: first year of the region's contracts relative to the reference year (-3: history start)
    contract_offset: int = -3


@dataclass(frozen=True)
class ProfileSpec:
    name: str
    region: str
    municipalities: tuple[MunicipalitySpec, ...]
    segments: tuple[SegmentSpec, ...]
    #: segment whose inflow rises in the reference year, so that a deficit builds up
    deficit_segment: str
    #: extra inflow in the reference year: factor = 1 + rise + rise_slope * (fraction of year)
    rise: float
    rise_slope: float
    #: segment of the provider that upcodes, and the month (relative to the reference year,
    #: e.g. -1/4 = April of the previous year) from which it does
    upcoding_segment: str
    upcoding_from: tuple[int, int]
    #: segment of the provider that extends allocations again and again (Tilburg)
    extender_segment: str
    #: core partners (amsterdam): total number, consortia sizes (members per consortium)
    core_partners: int = 0
    consortia: tuple[int, ...] = ()
    #: lump-sum savings target in the first contract year (domain.md section 4.4)
    savings_target: float = 0.0
    #: yearly indexation of tariffs and prices
    indexation: float = 0.03
    #: faults at scale 1 (at least one each at any scale)
    faults: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _SchemeProfile:
    name: str
    factor: float
    share: float


@dataclass(frozen=True)
class _Intensity:
    name: str
    factor: float


@dataclass(frozen=True)
class _SchemeUse:
    """A segment's use of its profile's product scheme."""

    letter: str
    #: reference tariff in cents per client-year, before the profile's and intensity's factors
    base: int
    #: share of each intensity in the segment's mix
    shares: tuple[float, ...]


@dataclass(frozen=True)
class _ProductScheme:
    """Profile x intensity products (amsterdam's segments A/B/C), as the module docstring
    describes their codes."""

    profiles: tuple[_SchemeProfile, ...]
    intensities: tuple[_Intensity, ...]

    def products(self, use: _SchemeUse, category: str) -> tuple[Product, ...]:
        """The segment's products, with reference tariffs per client-year rounded to euros."""
        return tuple(
            Product(
                code=f"{category}{use.letter}{p}{i}",
                name=f"Segment {use.letter}, {profile.name}, {intensity.name}",
                unit=UNIT_OUTPUT,
                tariff=int(round(use.base * profile.factor * intensity.factor, -2)),
                volume=1,
                share=profile.share * share,
            )
            for p, profile in enumerate(self.profiles, start=1)
            for i, (intensity, share) in enumerate(zip(self.intensities, use.shares, strict=True), start=1)
        )


class ProfileError(ValueError):
    """The profiles file broke a rule; ``str()`` names the file, the key and the rule."""

    def __init__(self, file: str, key: str, rule: str) -> None:
        self.file = file
        self.key = key
        self.rule = rule
        super().__init__(f"{file}: {key}: {rule}")


T = TypeVar("T", bound="DataclassInstance")

#: The Python types of the fields' single values: the TOML values accepted, and their name.
_SCALARS: dict[type, tuple[tuple[type, ...], str]] = {
    str: ((str,), "a string"),
    int: ((int,), "an integer"),
    float: ((int, float), "a number"),
}


class _Reader:
    """Builds the dataclasses from the TOML tables of one file, checking them by the fields'
    types: a value is kept as written (an integer stays one where a number is asked)."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, rule: str) -> ProfileError:
        return ProfileError(self.file, key, rule)

    def build(self, cls: type[T], raw: Any, key: str, **given: Any) -> T:
        """``cls`` from the table ``raw`` at ``key``; the fields in ``given`` are not read."""
        if not isinstance(raw, dict):
            raise self.fail(key, "must be a table")
        fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in given}
        unknown = sorted(set(raw) - set(fields))
        if unknown:
            raise self.fail(f"{key}.{unknown[0]}", "unknown key")
        hints = typing.get_type_hints(cls)
        values = dict(given)
        for name, f in fields.items():
            if name in raw:
                values[name] = self.value(hints[name], raw[name], f"{key}.{name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise self.fail(f"{key}.{name}", "missing key")
        return cls(**values)

    def value(self, hint: Any, raw: Any, key: str) -> Any:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            return self.build(hint, raw, key)
        if origin is types.UnionType:  # "X | None": TOML has no null, a key left out is None
            return self.value(args[0], raw, key)
        if origin is tuple:
            if not isinstance(raw, list):
                raise self.fail(key, "must be an array")
            if args[-1] is not Ellipsis and len(raw) != len(args):
                raise self.fail(key, f"must have {len(args)} items")
            items = [args[0]] * len(raw) if args[-1] is Ellipsis else list(args)
            return tuple(self.value(h, v, f"{key}[{i}]") for i, (h, v) in enumerate(zip(items, raw, strict=True)))
        if origin is dict:
            if not isinstance(raw, dict):
                raise self.fail(key, "must be a table")
            return {k: self.value(args[1], v, f"{key}.{k}") for k, v in raw.items()}
        accepted, what = _SCALARS[hint]
        if isinstance(raw, bool) or not isinstance(raw, accepted):
            raise self.fail(key, f"must be {what}")
        return raw

    def profile(self, name: str, raw: Any) -> ProfileSpec:
        if not isinstance(raw, dict):
            raise self.fail(name, "must be a table")
        table = dict(raw)
        scheme = table.pop("product_scheme", None)
        segments = table.pop("segments", None)
        if not isinstance(segments, list):
            raise self.fail(f"{name}.segments", "must be an array of tables")
        schemes = None if scheme is None else self.build(_ProductScheme, scheme, f"{name}.product_scheme")
        spec = self.build(
            ProfileSpec,
            table,
            name,
            name=name,
            segments=tuple(self.segment(schemes, seg, f"{name}.segments[{i}]") for i, seg in enumerate(segments)),
        )
        self.check(spec)
        return spec

    def segment(self, scheme: _ProductScheme | None, raw: Any, key: str) -> SegmentSpec:
        """A segment with its own products, or with a ``scheme`` to make them by."""
        if not isinstance(raw, dict):
            raise self.fail(key, "must be a table")
        table = dict(raw)
        use = table.pop("scheme", None)
        if use is None:
            return self.build(SegmentSpec, table, key)
        if scheme is None:
            raise self.fail(f"{key}.scheme", "the profile has no product_scheme")
        if "products" in table:
            raise self.fail(f"{key}.products", "a segment with a scheme has no products of its own")
        spec = self.build(SegmentSpec, table, key, products=())
        made = self.build(_SchemeUse, use, f"{key}.scheme")
        if len(made.shares) != len(scheme.intensities):
            raise self.fail(f"{key}.scheme.shares", f"must have one share per intensity ({len(scheme.intensities)})")
        return dataclasses.replace(spec, products=scheme.products(made, spec.category))

    def check(self, spec: ProfileSpec) -> None:
        """The rules between keys: the segments named exist, units and laws are the standard's,
        every area has a postcode."""
        codes = [s.code for s in spec.segments]
        for i, seg in enumerate(spec.segments):
            key = f"{spec.name}.segments[{i}]"
            if seg.code in codes[:i]:
                raise self.fail(f"{key}.code", f"segment '{seg.code}' appears twice")
            if seg.law not in LAWS:
                raise self.fail(f"{key}.law", f"must be one of {', '.join(LAWS)}")
            if seg.step_down_to and seg.step_down_to not in codes:
                raise self.fail(f"{key}.step_down_to", f"names no segment of the profile ('{seg.step_down_to}')")
            for j, product in enumerate(seg.products):
                if product.unit not in UNITS:
                    raise self.fail(f"{key}.products[{j}].unit", f"must be one of {', '.join(UNITS)}")
        for name in ("deficit_segment", "upcoding_segment", "extender_segment"):
            if getattr(spec, name) not in codes:
                raise self.fail(f"{spec.name}.{name}", f"names no segment of the profile ('{getattr(spec, name)}')")
        for i, mun in enumerate(spec.municipalities):
            if len(mun.postcodes) != len(mun.areas):
                raise self.fail(f"{spec.name}.municipalities[{i}].postcodes", "must have one postcode per area")


def load_profiles(path: Path = PROFILES_FILE) -> dict[str, ProfileSpec]:
    """The profiles of ``path`` (a table each, named by its key), checked; raise
    :class:`ProfileError` on the first fault."""
    reader = _Reader(str(path))
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise reader.fail("file", f"cannot be read as TOML ({exc})") from None
    return {name: reader.profile(name, raw) for name, raw in data.items()}


PROFILE_SPECS: dict[str, ProfileSpec] = load_profiles()
