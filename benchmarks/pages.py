"""Benchmark: server time of every page of the web app on the amsterdam region.

Builds the amsterdam region once (``regie.synth.generate``, catalog load, ingest of
everything that had arrived by the as-of date, the demo users, :func:`regie.monitor.services.refresh`)
into ``DIR/regie.sqlite3`` (or the database ``DATABASE_URL`` names), or reuses it when
``DIR`` already holds one built with the same arguments. Then, as the logged-in
municipality user and through Django's test client (the full middleware stack: sessions,
authentication, role, CSRF, WhiteNoise), every page is requested ``--n`` times after a
warm-up, and its p50 and p95 server time is reported against the 300 ms target. In the same
run, the reference: a trivial view behind the same login and role check that runs
``SELECT 1`` and returns a short response, so a ratio to the bare framework cost can be read
off on any machine. Downloads (PDF, Excel, CSV) are timed separately: they are made on
demand and are not held to the page target.

    uv run python benchmarks/pages.py [--dir benchmarks/out/pages-amsterdam] [--scale 1.0] [--year 2025]
        [--as-of 2025-06-30] [--seed 2018] [--n 30] [--json out.json]

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300.0


def select1(request: Any) -> Any:
    """The reference: behind the same login and role check as a page, ``SELECT 1``, a short answer."""
    from django.db import connection
    from django.http import HttpResponse

    from regie.accounts.models import Role
    from regie.site.roles import require_role

    def view(request: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return HttpResponse("1", content_type="text/plain")

    return require_role(Role.MUNICIPALITY)(view)(request)


def __getattr__(name: str) -> Any:
    """``urlpatterns`` (ROOT_URLCONF while measuring): the site's URLs plus the reference
    view, made when Django asks for them (after set-up)."""
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("__bench__/select1/", select1), path("", include("regie.site.urls"))]
    raise AttributeError(name)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "benchmarks" / "out" / "pages-amsterdam")
    parser.add_argument("--profile", default="amsterdam", choices=["amsterdam", "venlo"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 6, 30))
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--n", type=int, default=30, help="timed requests per page")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    return parser.parse_args(argv)


def build(args: argparse.Namespace) -> None:
    """Generate, load, ingest, refresh, unless ``args.dir`` holds a build of the same arguments."""
    from regie.catalog.loader import load_catalog
    from regie.engine.catalog import parse_catalog
    from regie.monitor.models import Snapshot
    from regie.monitor.services import refresh
    from regie.site.demo import create_demo_users
    from regie.synth import generate
    from regie.traffic.ingest import ingest

    marker = args.dir / ".built"
    wanted = f"{args.profile} {args.year} {args.seed} {args.scale} {args.as_of}"
    if marker.exists() and marker.read_text().strip() == wanted and Snapshot.objects.exists():
        print(f"reusing the {args.profile} region in {args.dir}", file=sys.stderr)
        return
    data = args.dir / args.profile
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("generate", lambda: generate(args.profile, args.year, args.seed, data, scale=args.scale)),
        ("catalog load", lambda: load_catalog(parse_catalog(data / "catalog.toml"))),
        ("ingest", lambda: ingest(arrived(data, args.as_of))),
        ("demo users", create_demo_users),
        ("refresh", lambda: refresh(args.year, args.as_of)),
    ]
    for name, step in steps:
        started = time.perf_counter()
        step()
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    marker.write_text(wanted)


def arrived(data: Path, day: dt.date) -> list[Path]:
    """The generated files that had arrived by ``day`` (their names start with the arrival date)."""
    files = sorted(p for folder in ("messages", "csv") for p in (data / folder).rglob("*") if p.is_file())
    return [p for p in files if p.name[:10] <= day.isoformat()]


def pages(args: argparse.Namespace) -> dict[str, str]:
    """Every page, with the drill-downs of the warned segment and its biggest provider."""
    from regie.catalog.models import Provider
    from regie.monitor.services import latest
    from regie.traffic.models import Message, Signal

    period = f"jaar={args.year}&peildatum={args.as_of.isoformat()}"
    forecast = latest("forecast", args.year, args.as_of)
    providers = latest("forecast_providers", args.year, args.as_of)
    assert forecast is not None and providers is not None, "refresh did not store a forecast"
    row = max(forecast.rows, key=lambda r: (r["warning"], r["forecast"] - (r["budget"] or 0)))
    mun, seg = row["municipality"], row["segment"]
    inside = [p for p in providers.rows if p["municipality"] == mun and p["segment"] == seg]
    agb = max(inside, key=lambda p: p["forecast"])["provider"] if inside else Provider.objects.first().agb  # type: ignore[union-attr]
    message = Message.objects.filter(rejected_records__gt=0).order_by("pk").first() or Message.objects.first()
    assert message is not None
    signal_kind = Signal.objects.values_list("kind", flat=True).first() or "late_declaration"
    return {
        "overzicht": "/",
        "budgetgrip": f"/grip/?{period}",
        "budgetgrip gesorteerd": f"/grip/?{period}&sort=-forecast",
        "segment": f"/grip/{mun}/{seg}/?{period}",
        "aanbieder in segment": f"/grip/{mun}/{seg}/{agb}/?{period}",
        "scorekaarten": f"/aanbieders/?{period}",
        "scorekaarten gesorteerd": f"/aanbieders/?{period}&sort=-cost_per_client_cents",
        "aanbieder": f"/aanbieders/{agb}/?{period}",
        "signalen": "/signalen/",
        "signalen gefilterd": f"/signalen/?soort={signal_kind}&status=open&sort=provider",
        "bericht": f"/berichten/{message.pk}/",
        "bekostiging": f"/bekostiging/?{period}",
        "vergelijking": f"/bekostiging/vergelijking/?{period}",
        "verzoeken": "/bekostiging/verzoeken/",
        "herverdeling": "/bekostiging/herverdeling/",
        "rapportages": f"/rapportages/?{period}",
        "API indicatoren": f"/api/v1/indicators/?by=provider,segment,month&year={args.year}&as_of={args.as_of}",
        "API prognose": f"/api/v1/forecast/?year={args.year}&as_of={args.as_of}",
        "API scorekaarten": f"/api/v1/scorecards/?year={args.year}&as_of={args.as_of}",
        "API signalen": "/api/v1/signals/",
    } | {
        "download raad.xlsx": f"/rapportages/raad.xlsx?{period}",
        "download GMSD csv": f"/rapportages/monitor-sociaal-domein.csv?{period}",
        "download scorekaart.xlsx": f"/rapportages/scorekaart/{agb}.xlsx?{period}",
        "download raad.pdf": f"/rapportages/raad.pdf?{period}",
    }


def measure(client: Any, path: str, n: int) -> dict[str, float]:
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{(args.dir / 'regie.sqlite3').resolve()}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regie.site.settings")
    os.environ.setdefault("REGIE_DEMO", "1")  # a synthetic region: the development keys are fine
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    build(args)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(get_user_model().objects.get(username="gemeente"))
    results: dict[str, dict[str, float]] = {}
    with override_settings(ROOT_URLCONF="benchmarks.pages"):
        reference = measure(client, "/__bench__/select1/", args.n)
        for name, path in pages(args).items():
            results[name] = measure(client, path, max(5, args.n // 5) if name.startswith("download") else args.n)
    width = max(len(k) for k in results)
    print(f"\n{args.profile} (scale {args.scale}), {args.year} per {args.as_of}, {args.n} requests per page")
    print(f"{'reference (SELECT 1 view)':<{width}}  p50 {reference['p50']:7.1f} ms  p95 {reference['p95']:7.1f} ms")
    worst = 0.0
    for name, r in results.items():
        held = not name.startswith("download")
        verdict = ("OK " if r["p95"] <= TARGET_MS else "TOO SLOW") if held else "(download)"
        if held:
            worst = max(worst, r["p95"])
        print(
            f"{name:<{width}}  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
            f"x{r['p95'] / reference['p95']:6.1f} ref  {verdict}"
        )
    print(f"slowest page p95: {worst:.1f} ms (target {TARGET_MS:.0f} ms)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"args": {k: str(v) for k, v in vars(args).items()}, "reference": reference, "pages": results}, indent=2
            )
        )
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
