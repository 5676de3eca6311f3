"""The two synthetic profiles (venlo, amsterdam) as plain parameters.

Everything the simulation draws from is written down here, so a reader can check the
scenario against the seeds (domain.md section 13) without reading the simulation.

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

from dataclasses import dataclass, field

#: Eenheid codes of the standard used here.
UNIT_HOUR = "04"
UNIT_ETMAAL = "14"
UNIT_OUTPUT = "82"
#: Frequentie: per month.
PER_MONTH = "4"


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


VENLO_AREAS = (
    "Venlo-Centrum",
    "Venlo-Noord",
    "Venlo-Oost",
    "Venlo-Zuid",
    "Blerick",
    "Tegelen",
    "Belfeld",
    "Arcen en Velden",
)

AMSTERDAM_AREAS = (
    "Centrum-West",
    "Centrum-Oost",
    "Westerpark",
    "Bos en Lommer",
    "Oud-West, De Baarsjes",
    "Geuzenveld, Slotermeer",
    "Osdorp",
    "De Aker, Sloten, Nieuw-Sloten",
    "Slotervaart",
    "Oud-Zuid",
    "Buitenveldert, Zuidas",
    "De Pijp, Rivierenbuurt",
    "Oud-Oost",
    "Indische Buurt, Oostelijk Havengebied",
    "Watergraafsmeer",
    "IJburg, Zeeburgereiland",
    "Noord-West",
    "Oud-Noord",
    "Noord-Oost",
    "Bijlmer-Centrum",
    "Bijlmer-Oost",
    "Gaasperdam",
)

AMSTERDAM_POSTCODES = (
    "1012",
    "1011",
    "1051",
    "1055",
    "1053",
    "1064",
    "1068",
    "1069",
    "1065",
    "1071",
    "1081",
    "1073",
    "1091",
    "1094",
    "1097",
    "1087",
    "1031",
    "1032",
    "1025",
    "1102",
    "1103",
    "1106",
)

VENLO = ProfileSpec(
    name="venlo",
    region="Regio Venlo (synthetisch)",
    municipalities=(
        MunicipalitySpec(
            "0983", "Venlo", 101_000, VENLO_AREAS, ("5911", "5912", "5913", "5914", "5921", "5931", "5951", "5941")
        ),
    ),
    segments=(
        SegmentSpec(
            code="WMO-IB",
            name="Wmo individuele begeleiding",
            domain="wmo",
            law="wmo",
            category="02",
            funding_model="per_client",
            execution="outputgericht",
            weight=1,
            products=(Product("02A01", "Individuele begeleiding (prestatie)", UNIT_OUTPUT, 0, 1, 1.0),),
            providers=10,
            max_providers=20,
            clients_per_year=1220,
            duration_median=240,
            duration_sigma=0.8,
            validity_months=24,
            reentry_within_p=0.06,
            reentry_after_p=0.05,
            waiting_median=28,
            request_share=0.8,
            price_range=(600_000, 1_000_000),
            age_range=(18, 88),
            inflow_adjust=1.0,
        ),
        SegmentSpec(
            code="WMO-BW",
            name="Wmo beschermd wonen",
            domain="wmo",
            law="wmo",
            category="15",
            funding_model="per_client",
            execution="outputgericht",
            weight=2,
            products=(Product("15A01", "Beschermd wonen (prestatie)", UNIT_OUTPUT, 0, 1, 1.0),),
            providers=12,
            max_providers=20,
            clients_per_year=290,
            duration_median=600,
            duration_sigma=0.7,
            validity_months=60,
            step_down_to="WMO-IB",
            step_down_p=0.45,
            reentry_within_p=0.04,
            reentry_after_p=0.03,
            waiting_median=45,
            request_share=0.85,
            price_range=(4_500_000, 7_000_000),
            age_range=(18, 70),
            inflow_adjust=1.0,
        ),
        SegmentSpec(
            code="JGD-AMB",
            name="Jeugdhulp ambulant",
            domain="jeugd",
            law="jw",
            category="45",
            funding_model="pxq",
            execution="inspanningsgericht",
            weight=1,
            products=(
                Product("45A01", "Jeugdhulp ambulant licht", UNIT_HOUR, 6850, 6, 0.35),
                Product("45A02", "Jeugdhulp ambulant regulier", UNIT_HOUR, 8400, 10, 0.45),
                Product("45A03", "Jeugdhulp ambulant specialistisch", UNIT_HOUR, 10200, 16, 0.20),
            ),
            providers=15,
            max_providers=20,
            clients_per_year=1480,
            duration_median=180,
            duration_sigma=0.7,
            validity_months=12,
            reentry_within_p=0.07,
            reentry_after_p=0.06,
            waiting_median=35,
            request_share=0.8,
            age_range=(0, 17),
            inflow_adjust=1.0,
        ),
    ),
    deficit_segment="JGD-AMB",
    rise=0.22,
    rise_slope=0.16,
    upcoding_segment="JGD-AMB",
    upcoding_from=(-1, 4),
    extender_segment="JGD-AMB",
    faults={
        "bad_bsn": 3,
        "product_mismatch": 3,
        "above_volume": 4,
        "without_allocation": 4,
        "malformed": 2,
        "very_late_months": 3,
    },
)


def _spic_products(segment: str, base: int, shares: tuple[float, float, float]) -> tuple[Product, ...]:
    """Profile x intensity products of an Amsterdam segment, with reference tariffs per client-year."""
    profiles = {
        1: ("opvoeden en opgroeien", 0.95, 0.35),
        2: ("psychische problematiek", 1.10, 0.30),
        3: ("licht verstandelijke beperking", 1.05, 0.15),
        4: ("gezin en veiligheid", 0.95, 0.20),
    }
    intensities = {1: ("licht", 0.6), 2: ("middel", 1.0), 3: ("intensief", 1.6)}
    out = []
    for p, (pname, pfactor, pshare) in profiles.items():
        for i, (iname, ifactor) in intensities.items():
            out.append(
                Product(
                    code=f"45{segment}{p}{i}",
                    name=f"Segment {segment}, {pname}, {iname}",
                    unit=UNIT_OUTPUT,
                    tariff=int(round(base * pfactor * ifactor, -2)),
                    volume=1,
                    share=pshare * shares[i - 1],
                )
            )
    return tuple(out)


AMSTERDAM = ProfileSpec(
    name="amsterdam",
    region="Regio Amsterdam-Amstelland (synthetisch)",
    municipalities=(
        MunicipalitySpec("0363", "Amsterdam", 931_000, AMSTERDAM_AREAS, AMSTERDAM_POSTCODES, contract_offset=-3),
        MunicipalitySpec("0384", "Diemen", 32_000, ("Diemen",), ("1111",), contract_offset=-2),
        MunicipalitySpec("0437", "Ouder-Amstel", 14_000, ("Ouder-Amstel",), ("1191",), contract_offset=-2),
        MunicipalitySpec("0451", "Uithoorn", 31_000, ("Uithoorn",), ("1421",), contract_offset=-2),
    ),
    segments=(
        SegmentSpec(
            code="JGD-A",
            name="Jeugdhulp segment A (licht ambulant, preventief)",
            domain="jeugd",
            law="jw",
            category="45",
            funding_model="lump_sum",
            execution="taakgericht",
            weight=1,
            products=_spic_products("A", 240_000, (0.45, 0.40, 0.15)),
            providers=6,
            max_providers=10,
            clients_per_year=10_500,
            duration_median=130,
            duration_sigma=0.7,
            reentry_within_p=0.06,
            reentry_after_p=0.06,
            waiting_median=21,
            request_share=0.9,
        ),
        SegmentSpec(
            code="JGD-B",
            name="Jeugdhulp segment B (specialistisch, enkelvoudig)",
            domain="jeugd",
            law="jw",
            category="45",
            funding_model="lump_sum",
            execution="taakgericht",
            weight=2,
            products=_spic_products("B", 750_000, (0.30, 0.45, 0.25)),
            providers=7,
            max_providers=10,
            clients_per_year=8_300,
            duration_median=220,
            duration_sigma=0.7,
            step_down_to="JGD-A",
            step_down_p=0.22,
            reentry_within_p=0.05,
            reentry_after_p=0.05,
            waiting_median=42,
            request_share=0.9,
        ),
        SegmentSpec(
            code="JGD-C",
            name="Jeugdhulp segment C (hoogspecialistisch, meervoudig)",
            domain="jeugd",
            law="jw",
            category="45",
            funding_model="lump_sum",
            execution="taakgericht",
            weight=3,
            products=_spic_products("C", 1_600_000, (0.20, 0.45, 0.35)),
            providers=6,
            max_providers=10,
            clients_per_year=4_700,
            duration_median=320,
            duration_sigma=0.7,
            step_down_to="JGD-B",
            step_down_p=0.30,
            reentry_within_p=0.05,
            reentry_after_p=0.04,
            waiting_median=56,
            request_share=0.9,
        ),
        SegmentSpec(
            code="JGD-VERBLIJF",
            name="Specialistische jeugdhulp met verblijf",
            domain="jeugd",
            law="jw",
            category="43",
            funding_model="pxq",
            execution="inspanningsgericht",
            weight=4,
            products=(
                Product("43V01", "Verblijf regulier", UNIT_ETMAAL, 26500, 31, 0.55),
                Product("43V02", "Verblijf intensief", UNIT_ETMAAL, 34500, 31, 0.32),
                Product("43V03", "Verblijf zeer intensief", UNIT_ETMAAL, 43500, 31, 0.13),
            ),
            providers=8,
            max_providers=12,
            max_subcontracted_share=0.75,
            clients_per_year=1_300,
            duration_median=280,
            duration_sigma=0.65,
            validity_months=12,
            step_down_to="JGD-C",
            step_down_p=0.30,
            reentry_within_p=0.05,
            reentry_after_p=0.04,
            waiting_median=35,
            request_share=0.85,
        ),
    ),
    deficit_segment="JGD-VERBLIJF",
    rise=0.40,
    rise_slope=0.20,
    upcoding_segment="JGD-C",
    upcoding_from=(-1, 4),
    extender_segment="JGD-VERBLIJF",
    core_partners=10,
    consortia=(5, 4, 3, 3),
    savings_target=0.08,
    faults={
        "bad_bsn": 2,
        "product_mismatch": 2,
        "above_volume": 3,
        "without_allocation": 3,
        "malformed": 3,
        "very_late_months": 3,
    },
)

PROFILE_SPECS: dict[str, ProfileSpec] = {"venlo": VENLO, "amsterdam": AMSTERDAM}
