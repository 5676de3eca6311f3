"""The Gemeentelijke Monitor Sociaal Domein figures (:mod:`regie.engine.gmsd`), also for
task-based funding (seed 001)."""

from __future__ import annotations

import datetime as dt

from regie.engine import frames
from regie.engine.catalog import Budget, Catalog, Contract, Municipality, Segment
from regie.engine.gmsd import FIELDS, gmsd_rows, gmsd_type

# A task-based municipality: a lump-sum youth segment, no allocations, no declarations; the
# only client-level traffic is start/stop messages (episodes without allocation numbers).
CATALOG = Catalog(
    region="Taakland",
    municipalities=(Municipality("0363", "Amsterdam", ("Centrum", "Noord")),),
    segments=(
        Segment("JA", "Jeugd A", "jeugd", "lump_sum", 1, 10, ("45",)),
        Segment("J43", "Jeugd verblijf", "jeugd", "pxq", 3, 10, ("43",)),
    ),
    providers=(),
    contracts=(
        Contract("c1", "11111111", "JA", ("0363",), dt.date(2025, 1, 1), dt.date(2025, 12, 31), lump_sum=12_000_000),
    ),
    budgets=(Budget("0363", "JA", 2025, 12_000_000),),
)


def episode(client: str, start: dt.date, end: dt.date | None, category: str = "45", segment: str = "JA") -> dict:  # type: ignore[type-arg]
    return {
        "episode_id": f"{client}|11111111|{category}|{start}",
        "client": client,
        "provider": "11111111",
        "segment": segment,
        "domain": "jeugd",
        "weight": 1,
        "municipality": "0363",
        "area": "Noord",
        "product_category": category,
        "start": start,
        "start_arrival": start + dt.timedelta(days=2),
        "end": end,
        "end_arrival": None if end is None else end + dt.timedelta(days=2),
    }


EPISODES = frames.frame(
    "episodes",
    [
        episode("a", dt.date(2025, 1, 10), dt.date(2025, 3, 31)),
        episode("b", dt.date(2025, 2, 1), None),
        episode("c", dt.date(2025, 8, 1), None),
        episode("d", dt.date(2024, 11, 1), dt.date(2025, 8, 15), category="43", segment="J43"),
    ],
)


def test_gmsd_types_follow_the_national_monitor() -> None:
    assert gmsd_type("jeugd", "45") == "Jeugdhulp zonder verblijf"
    assert gmsd_type("jeugd", "43") == gmsd_type("jeugd", "44") == "Jeugdhulp met verblijf"
    assert gmsd_type("jeugd", "48") == "Jeugdbescherming" and gmsd_type("jeugd", "47") == "Jeugdreclassering"
    assert gmsd_type("wmo", "01") == "Hulp bij het huishouden"
    assert gmsd_type("wmo", "02") == gmsd_type("wmo", "07") == "Ondersteuning thuis"
    assert gmsd_type("wmo", "15") == gmsd_type("wmo", "16") == "Verblijf en opvang"
    assert gmsd_type("wmo", "12") == "Hulpmiddelen en diensten"
    assert gmsd_type("participatie", "99") == "Overig"


def test_task_based_municipality_gets_its_figures_from_start_stop_traffic() -> None:
    rows = gmsd_rows(CATALOG, EPISODES, year=2025, as_of=dt.date(2025, 12, 31))
    assert [list(r) for r in rows][0] == list(FIELDS)
    got = {(r["period"], r["type"]): r for r in rows}
    h1 = got[("2025 1e halfjaar", "Jeugdhulp zonder verblijf")]
    assert (h1["clients"], h1["inflow"], h1["outflow"]) == (2, 2, 1)
    assert h1["funding"] == "taakgericht" and h1["law"] == "Jeugdwet"
    h2 = got[("2025 2e halfjaar", "Jeugdhulp zonder verblijf")]
    assert (h2["clients"], h2["inflow"], h2["outflow"]) == (2, 1, 0)
    year = got[("2025", "Jeugdhulp zonder verblijf")]
    assert (year["clients"], year["inflow"], year["outflow"]) == (3, 3, 1)
    stay = got[("2025", "Jeugdhulp met verblijf")]
    assert (stay["clients"], stay["inflow"], stay["outflow"]) == (1, 0, 1)


def test_periods_after_the_as_of_date_are_left_out() -> None:
    rows = gmsd_rows(CATALOG, EPISODES, year=2025, as_of=dt.date(2025, 5, 31))
    assert {r["period"] for r in rows} == {"2025 1e halfjaar", "2025"}
