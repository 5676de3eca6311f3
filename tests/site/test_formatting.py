from regie.site.formatting import euro, number, percent


def test_dutch_figures() -> None:
    assert euro(0) == "€ 0"
    assert euro(50) == "€ 1"  # half a euro rounds up, at the edge only
    assert euro(149) == "€ 1"
    assert euro(123456789, "cents") == "€ 1.234.567,89"
    assert number(None) == "–"
    assert percent(None) == "–"
    assert percent(1) == "100,0 %"
