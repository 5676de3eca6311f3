"""The migration baseline (docs/adr/0032-migration-baseline.md; regie.site.baseline), on the
database ``DATABASE_URL`` names (SQLite by default, PostgreSQL in CI): a database at Regie
9baf4bd (stop 26) is taken over without a change, one with part of that history is refused
before anything changes, and a fresh one migrates. Each test restores ``django_migrations``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext

from regie.cli import main as regie
from regie.site.baseline import IncompleteHistory
from regie.site.manage import main as regie_manage

#: Every migration of Regie 9baf4bd (stop 26), the release the baselines replace, by app.
STOP_26 = {
    "access": ["0001_initial"],
    "accounts": [
        "0001_move_from_site",
        "0002_rename_tables",
        "0003_users_tokens_relationship_managers",
        "0004_token_names",
    ],
    "catalog": [
        "0001_initial",
        "0002_municipality_postcodes",
        "0003_region_answer_term_days",
        "0004_segment_access",
        "0005_provider_cadence_contract_targets",
        "0006_contract_extensions_versions",
        "0007_segment_review_after_days",
        "0008_segment_max_subcontracted_share",
        "0009_innovation_fund",
    ],
    "dossiers": ["0001_initial"],
    "funding": ["0001_initial"],
    "monitor": ["0001_initial", "0002_computation", "0003_cross_domain_snapshots"],
    "procurement": ["0001_initial"],
    "relations": ["0001_initial"],
    "scenarios": ["0001_initial"],
    "site": ["0001_initial", "0002_failedlogin", "0003_move_to_accounts"],
    "traffic": [
        "0001_initial",
        "0002_allocationversion_area",
        "0003_qualitycheck",
        "0004_refreshtodo",
        "0005_request_answers",
        "0006_signal_waiting_norm",
        "0007_request_referrer",
        "0008_signal_contract_expiry",
        "0009_pgb_budgets",
        "0010_signal_subcontracting",
        "0011_trajectories",
    ],
    "uploads": ["0001_initial", "0002_file_outcomes"],
}
OLD = {(app, name) for app, names in STOP_26.items() for name in names}
BASELINES = {(app, "0001_baseline") for app in STOP_26}
DDL = ("CREATE", "ALTER", "DROP")
WRITES = (*DDL, "INSERT", "UPDATE", "DELETE")


@pytest.fixture
def history() -> Iterator[Any]:
    """``django_migrations`` as the test left it is put back as it was."""
    rows = MigrationRecorder.Migration.objects
    saved = list(rows.values_list("app", "name", "applied"))
    try:
        yield rows
    finally:
        rows.all().delete()
        rows.bulk_create(MigrationRecorder.Migration(app=a, name=n, applied=t) for a, n, t in saved)


def _record_only(rows: Any, migrations: set[tuple[str, str]]) -> None:
    """The project's apps have exactly ``migrations`` recorded (Django's own apps keep theirs)."""
    rows.filter(app__in=STOP_26).delete()
    rows.bulk_create(MigrationRecorder.Migration(app=app, name=name) for app, name in sorted(migrations))


def _recorded() -> set[tuple[str, str]]:
    return set(MigrationRecorder(connection).applied_migrations())


def _schema() -> dict[str, list[tuple[str, bool | None]]]:
    with connection.cursor() as cursor:
        return {
            table: sorted((c.name, c.null_ok) for c in connection.introspection.get_table_description(cursor, table))
            for table in connection.introspection.table_names(cursor)
        }


def _statements(queries: CaptureQueriesContext, kinds: tuple[str, ...]) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(kinds)]


@pytest.mark.django_db(transaction=True)
def test_a_database_at_stop_26_gets_the_baselines_recorded_and_only_the_later_migrations(history: Any) -> None:
    latest = _schema()
    # stop 26's schema: the migrations added on top of the baselines since then undone
    MigrationExecutor(connection).migrate([(app, "0001_baseline") for app in STOP_26])
    _record_only(history, OLD)
    executor = MigrationExecutor(connection)
    later = {(m.app_label, m.name) for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())}
    assert not later & (OLD | BASELINES)  # no baseline runs: each is recorded as applied
    with CaptureQueriesContext(connection) as queries:
        call_command("migrate", verbosity=0, interactive=False)
    assert _schema() == latest
    # DDL only on the tables of the later migrations' apps
    assert all(any(f"{app}_" in sql for app, _ in later) for sql in _statements(queries, DDL))
    assert _recorded() >= OLD | BASELINES | later


MISSING = {
    ("catalog", "0009_innovation_fund"),
    ("traffic", "0010_signal_subcontracting"),
    ("traffic", "0011_trajectories"),
}
PART = OLD - MISSING
MESSAGE = (
    "de database heeft maar een deel van de migraties tot en met Regie-versie 9baf4bd (stop 26); deze ontbreken:\n"
    "  catalog: 0009_innovation_fund\n"
    "  traffic: 0010_signal_subcontracting, 0011_trajectories\n"
    "Er is niets veranderd. Werk eerst bij met Regie-versie 9baf4bd (stop 26) en migreer daar; daarna deze versie."
)


@pytest.mark.django_db(transaction=True)
def test_part_of_the_old_history_is_refused_on_every_path_before_anything_changes(
    history: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _record_only(history, PART)
    before = _schema()
    with CaptureQueriesContext(connection) as queries, pytest.raises(IncompleteHistory) as refused:
        call_command("migrate", verbosity=0, interactive=False)  # as the regie commands and the tests call it
    assert str(refused.value) == MESSAGE
    assert _statements(queries, WRITES) == []

    monkeypatch.setattr(sys, "argv", ["regie-manage", "migrate"])
    with pytest.raises(SystemExit) as exit_manage:
        regie_manage()
    with pytest.raises(SystemExit) as exit_regie:
        regie(["ingest", "nergens"])
    assert (exit_manage.value.code, exit_regie.value.code) == (1, 1)
    stderr = capsys.readouterr().err
    assert f"regie-manage: {MESSAGE}\n" in stderr and f"regie: {MESSAGE}\n" in stderr
    assert "Traceback" not in stderr
    assert _recorded() & (OLD | BASELINES) == PART and _schema() == before


@pytest.mark.django_db(transaction=True)
def test_a_fresh_database_migrates_to_the_baselines(history: Any) -> None:
    before = _schema()
    executor = MigrationExecutor(connection)
    executor.migrate([(app, None) for app in STOP_26])  # the project's tables gone: a fresh database for them
    assert not any(table.split("_")[0] in STOP_26 for table in connection.introspection.table_names())
    assert _recorded() & (OLD | BASELINES) == set()

    call_command("migrate", verbosity=0, interactive=False)
    assert _schema() == before
    # Django records what a baseline replaces too: a later baseline's guard sees this database whole
    assert _recorded() >= OLD | BASELINES
