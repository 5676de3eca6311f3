"""The upcoding signal and its evidence, from a hand-computed case."""

from __future__ import annotations

import datetime as dt

from regie.engine import frames
from regie.engine.catalog import catalog_from_dict
from regie.engine.quality import upcoding

CATALOG = catalog_from_dict(
    {
        "region": {"name": "r"},
        "segment": [{"code": "S", "name": "s", "domain": "jeugd", "funding_model": "lump_sum", "products": ["45"]}],
    }
)
BEFORE, RECENT = dt.date(2024, 6, 15), dt.date(2025, 6, 15)

#: provider -> window start day -> product -> starts
STARTS = {
    "X": {BEFORE: {"45A03": 5, "45A01": 10, "45A02": 10}, RECENT: {"45A03": 20, "45A01": 5}},
    "Y": {BEFORE: {"45A03": 5, "45A01": 20}, RECENT: {"45A03": 6, "45A01": 19}},
    "Z": {BEFORE: {"45A03": 4, "45A02": 21}, RECENT: {"45A03": 5, "45A02": 20}},
}


def _episodes() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for provider, windows in STARTS.items():
        for day, products in windows.items():
            for product, n in products.items():
                for i in range(n):
                    rows.append(
                        {
                            "client": f"{provider}{day.year}{product}{i}",
                            "provider": provider,
                            "segment": "S",
                            "product_code": product,
                            "start": day,
                            "start_arrival": day,
                        }
                    )
    return rows


def test_upcoding_flags_the_provider_with_its_evidence() -> None:
    """X: expensive share 5/25 = 0.20 -> 20/25 = 0.80 (rise 0.60); Y 0.20 -> 0.24 and Z 0.16 ->
    0.20 (rises 0.04), so the peers' median rise is 0.04 and X's excess 0.56 >= 0.20. Pooled
    p = 25/50, variance 0.25 x (1/25 + 1/25) = 0.02, z = 0.60 / sqrt(0.02) = 4.24 >= 3.5.
    Peers pooled: expensive 9/50 = 0.18 before, 11/50 = 0.22 recent."""
    found = upcoding(frames.frame("episodes", _episodes()), CATALOG, dt.date(2025, 12, 31))
    assert [(s.provider, s.segment) for s in found] == [("X", "S")]
    detail = found[0].detail
    assert detail["share_before"] == 0.2 and detail["share_recent"] == 0.8
    assert detail["peer_median_shift"] == 0.04 and detail["z"] == 4.24
    assert detail["expensive_products"] == ["45A03"]
    assert (detail["peer_share_before"], detail["peer_share_recent"], detail["peers"]) == (0.18, 0.22, 2)
    # hand laid out (fmt: skip): one line per product, as the evidence table reads
    assert detail["mix"] == [
        {"product": "45A03", "expensive": True, "own_before": 0.2, "own_recent": 0.8,
         "peers_before": 0.18, "peers_recent": 0.22},
        {"product": "45A01", "expensive": False, "own_before": 0.4, "own_recent": 0.2,
         "peers_before": 0.4, "peers_recent": 0.38},
        {"product": "45A02", "expensive": False, "own_before": 0.4, "own_recent": 0.0,
         "peers_before": 0.42, "peers_recent": 0.4},
    ]  # fmt: skip
