"""``generate``: same arguments give the same bytes, other seeds other bytes, clean overwrites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from regie.cli import main
from regie.synth import PROFILES, SynthError, generate

from .conftest import SEED, YEAR, Region, tree_hash

TINY = 0.01


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each profile generated twice with seed 3 and once with seed 4."""
    out = {}
    for profile in PROFILES:
        for run, seed in (("a", 3), ("b", 3), ("c", 4)):
            path = tmp_path_factory.mktemp(f"{profile}-{run}") / "region"
            generate(profile, YEAR, seed, path, scale=TINY)
            out[(profile, run)] = path
    return out


def test_profiles() -> None:
    assert PROFILES == ("venlo", "amsterdam")


@pytest.mark.parametrize("profile", PROFILES)
def test_same_arguments_give_the_same_bytes(profile: str, runs: dict[tuple[str, str], Path]) -> None:
    assert tree_hash(runs[(profile, "a")]) == tree_hash(runs[(profile, "b")])


def test_bytes_do_not_depend_on_string_hashing(runs: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    """Another process with another PYTHONHASHSEED writes the same files."""
    code = (
        "import sys; from pathlib import Path; from regie.synth import generate; "
        f"generate('venlo', {YEAR}, 3, Path(sys.argv[1]), scale={TINY})"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "there")], check=True, env=env)
    assert tree_hash(runs[("venlo", "a")]) == tree_hash(tmp_path / "there")


@pytest.mark.parametrize("profile", PROFILES)
def test_different_seeds_differ(profile: str, runs: dict[tuple[str, str], Path]) -> None:
    a, c = runs[(profile, "a")], runs[(profile, "c")]
    assert tree_hash(a) != tree_hash(c)
    for name in ("catalog.toml", "truth/episodes.parquet", "truth/declarations.parquet"):
        assert (a / name).read_bytes() != (c / name).read_bytes()


def test_a_previous_output_is_replaced_without_stale_files(runs: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate("venlo", YEAR, 3, out, scale=TINY)
    generate("venlo", YEAR, 4, out, scale=TINY)
    assert tree_hash(out) == tree_hash(runs[("venlo", "c")])


def test_a_foreign_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SynthError, match="niet leeg"):
        generate("venlo", YEAR, 3, tmp_path, scale=TINY)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "catalog.toml").exists()


@pytest.mark.parametrize(
    ("profile", "year", "scale"),
    [("utrecht", YEAR, 0.1), ("venlo", 2023, 0.1), ("venlo", YEAR, 0.0), ("venlo", YEAR, -1.0)],
)
def test_bad_arguments_are_refused(profile: str, year: int, scale: float, tmp_path: Path) -> None:
    with pytest.raises(SynthError) as info:
        generate(profile, year, 1, tmp_path / "out", scale=scale)
    assert info.value.usage
    assert not (tmp_path / "out").exists()


def test_summary_matches_the_files(region: Region) -> None:
    s = region.summary
    assert (s["profile"], s["year"], s["seed"]) == (region.scenario["profile"], YEAR, SEED)
    files = [p for p in (region.path / "messages").rglob("*.xml")]
    assert sum(s["messages"].values()) == len(files)
    for name, count in s["messages"].items():
        assert count == sum(1 for p in files if f"_{name}_" in p.name)
    assert sum(s["csv_files"].values()) == len(list((region.path / "csv").glob("*.csv")))
    assert s["malformed_messages"] == len(region.scenario["faulty_files"])
    assert sorted(s["clients_per_year"]) == [str(y) for y in range(YEAR - 3, YEAR + 1)]
    for name in s["truth"]:
        assert (region.path / name).is_file()
    assert s["signals"] == {k: n for k, n in region.truth["signals"].group_by("kind").len().sort("kind").iter_rows()}
    json.dumps(s)


def test_command_line_prints_one_json_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "region"
    argv = [
        "generate",
        "--profile",
        "venlo",
        "--year",
        str(YEAR),
        "--seed",
        "3",
        "--out",
        str(out),
        "--scale",
        str(TINY),
    ]
    assert main([*argv, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["profile"] == "venlo" and (out / "catalog.toml").is_file()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x", encoding="utf-8")
    assert main([*argv[:-4], "--out", str(tmp_path / "other"), "--json"]) == 1
    assert main([*argv[:4], "2020", *argv[5:], "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "regie:" in captured.err
