"""One number format everywhere (:mod:`regie.formatting`)."""

import ast
from pathlib import Path

from regie.formatting import count, days, euro, number, percent, signed_euro, whole_days, whole_euros

SRC = Path(__file__).resolve().parents[1] / "src" / "regie"


def test_dutch_figures() -> None:
    assert euro(0) == "€ 0"
    assert euro(50) == "€ 1"  # half a euro rounds up, at the edge only
    assert euro(149) == "€ 1"
    assert euro(123456789, "cents") == "€ 1.234.567,89"
    assert number(None) == "–"
    assert percent(None) == "–"
    assert percent(1) == "100,0 %"


def test_negative_amounts_read_one_way() -> None:
    assert euro(-123456789) == "€ -1.234.568"
    assert signed_euro(-123456789) == "€ -1.234.568"
    assert signed_euro(123456789) == "€ +1.234.568"
    assert euro(-49) == signed_euro(-49) == "€ 0"  # never "-0"
    assert percent(-0.00001) == "0,0 %"


def test_counts_and_durations_are_whole() -> None:
    assert count(12.5) == "13" and count(1234) == "1.234"
    assert days(117.4) == "117"
    assert (whole_euros(1_234_550), whole_days(41.5), whole_euros(None)) == (12346, 42, None)


def test_one_formatting_module() -> None:
    """No other module defines its own euro formatting (the model comparison had a copy)."""
    for path in SRC.rglob("*.py"):
        if path.name == "formatting.py" and path.parent == SRC:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not defined & {"euro", "signed_euro", "percent"}, path
