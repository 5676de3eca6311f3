"""Load test: concurrent users on the web app (amsterdam region), p95 per page against 300 ms.

Builds (or reuses) the amsterdam region of ``benchmarks/pages.py`` (same arguments, same
folder), starts the web app as ``regie serve`` does (waitress, 8 threads) on 127.0.0.1 in a
separate process, and lets ``--users`` simulated users (default 20), each logged in as the
municipality user with its own session and connection, walk the pages for ``--seconds``
(default 60): a page chosen at random, then a pause of ``--think`` seconds on average (0.5
to 1.5 x), after one user has requested every page once (not timed). Every user also
requests, in the same rotation, the reference: a trivial view behind the same login that
runs ``SELECT 1`` (``benchmarks/pages.py``), so its time under the same load is the
yardstick for the machine. Reports p50/p95 per page, for all pages
together and for the reference, requests per second and errors; exits 1 when a page's p95
passes 300 ms. Bounded (fixed users and duration), only 127.0.0.1; not part of the tests.

    uv run python benchmarks/load.py [--users 20] [--seconds 60] [--think 1.0] [--port 8105]
        [--dir benchmarks/out/pages-amsterdam] [--json out.json]

It uses the standard library only (threads and ``http.client``): a locust-style closed loop
of users with think time, without a dependency for it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300.0
REFERENCE = "reference (SELECT 1 view)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    sys.path.insert(0, str(ROOT))
    from benchmarks.pages import parse_args as page_args

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's requests (s)")
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    for name, value in vars(page_args(rest)).items():
        setattr(args, name, value)
    return args


def serve(args: argparse.Namespace) -> None:
    """In the server process: the site's URLs plus the reference view, as ``regie serve``."""
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "benchmarks.pages"
    from regie.cli.serve import serve as run

    run("127.0.0.1", args.port)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def user(
    port: int,
    cookie: str,
    paths: dict[str, str],
    until: list[float],
    think: float,
    seed: int,
    out: list[tuple[str, float, int]],
    warm: threading.Barrier,
) -> None:
    """One user: keep-alive connection, its own session, random pages with pauses."""
    rng = random.Random(seed)
    names = sorted(paths)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(path: str) -> int:
        nonlocal connection
        try:
            connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            return 0

    if seed == 0:  # one user warms every page up first (caches, first queries), not timed
        for name in names:
            get(paths[name])
    warm.wait()
    time.sleep(rng.uniform(0, think))  # users do not start in step
    while time.perf_counter() < until[0]:
        name = rng.choice(names)
        started = time.perf_counter()
        status = get(paths[name])
        out.append((name, (time.perf_counter() - started) * 1000, status))
        time.sleep(rng.uniform(0.5, 1.5) * think)
    connection.close()


def wait_until_up(port: int, server: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the web app stopped while starting")
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the web app did not start")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{(args.dir / 'regie.sqlite3').resolve()}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regie.site.settings")
    os.environ.setdefault("REGIE_DEMO", "1")  # a synthetic region: the development keys are fine
    if args.serve:
        serve(args)
        return 0
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from benchmarks.pages import build, pages

    build(args)
    from django.contrib.auth import get_user_model
    from django.test import Client

    paths = {name: path for name, path in pages(args).items() if not name.startswith("download")}
    paths[REFERENCE] = "/__bench__/select1/"
    cookies = []
    for _ in range(args.users):
        client = Client()
        client.force_login(get_user_model().objects.get(username="gemeente"))
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--port", str(args.port), "--dir", str(args.dir)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])},
    )
    try:
        wait_until_up(args.port, server)
        results: list[tuple[str, float, int]] = []
        until = [0.0]  # set when every user is ready (after the warm-up)

        def go() -> None:
            until[0] = time.perf_counter() + args.seconds

        warm = threading.Barrier(len(cookies), action=go)
        threads = [
            threading.Thread(target=user, args=(args.port, cookie, paths, until, args.think, i, results, warm))
            for i, cookie in enumerate(cookies)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = args.seconds
    finally:
        server.terminate()
        server.wait(timeout=30)
    return report(args, results, elapsed)


def report(args: argparse.Namespace, results: list[tuple[str, float, int]], elapsed: float) -> int:
    by_page: dict[str, list[float]] = {}
    errors = [(name, status) for name, _, status in results if status != 200]
    for name, ms, status in results:
        if status == 200:
            by_page.setdefault(name, []).append(ms)
    pages_ms = [ms for name, values in by_page.items() if name != REFERENCE for ms in values]
    reference = by_page.get(REFERENCE, [0.0])
    summary: dict[str, Any] = {
        "users": args.users,
        "seconds": args.seconds,
        "think": args.think,
        "requests": len(results),
        "per_second": len(results) / elapsed,
        "errors": len(errors),
        "pages": {"p50": statistics.median(pages_ms), "p95": percentile(pages_ms, 0.95), "n": len(pages_ms)},
        "reference": {"p50": statistics.median(reference), "p95": percentile(reference, 0.95), "n": len(reference)},
        "per_page": {
            name: {"p50": statistics.median(v), "p95": percentile(v, 0.95), "n": len(v)} for name, v in by_page.items()
        },
        "load_average": os.getloadavg(),
    }
    width = max(len(name) for name in by_page)
    print(
        f"\n{args.users} users, {args.seconds:.0f} s, think {args.think} s: {len(results)} requests "
        f"({summary['per_second']:.1f}/s), {len(errors)} errors; load average {summary['load_average'][0]:.1f}"
    )
    worst = 0.0
    for name, row in sorted(summary["per_page"].items()):
        if name != REFERENCE:
            worst = max(worst, row["p95"])
        print(f"{name:<{width}}  n {row['n']:4d}  p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms")
    print(
        f"all pages: p50 {summary['pages']['p50']:.1f} ms, p95 {summary['pages']['p95']:.1f} ms; "
        f"reference p95 {summary['reference']['p95']:.1f} ms; slowest page p95 {worst:.1f} ms "
        f"(target {TARGET_MS:.0f} ms)"
    )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0 if worst <= TARGET_MS and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
