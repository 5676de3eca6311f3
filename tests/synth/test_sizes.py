"""At scale 1 the profiles have the sizes of the seeds: about 3,000 (Venlo) and 25,000
(Amsterdam) clients a year, counted from the truth episodes of every history year."""

from __future__ import annotations

import pytest

from regie.synth import build
from regie.synth.generator import clients_per_year

from .conftest import YEAR


@pytest.mark.slow
@pytest.mark.parametrize(("profile", "target"), [("venlo", 3_000), ("amsterdam", 25_000)])
def test_clients_per_year_at_scale_one(profile: str, target: int) -> None:
    truth = build(profile, YEAR, 1, 1.0)[4]
    per_year = clients_per_year(truth.episodes(), range(YEAR - 3, YEAR + 1))
    for year, clients in per_year.items():
        assert 0.9 * target <= clients <= 1.1 * target, (year, clients)
    assert per_year[str(YEAR)] > per_year[str(YEAR - 1)]  # the rising inflow of the deficit segment
