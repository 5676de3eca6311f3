"""The guard of the migration baseline (docs/adr/0032-migration-baseline.md).

Each app's migrations start with one ``0001_baseline`` that ``replaces`` the app's history up to
:data:`RELEASE`, whose files are gone. Django marks a baseline applied when a database has every
migration it replaces, and applies it to a database that has none; a database with only part of
that history (older than :data:`RELEASE`) would be half migrated, so every ``migrate`` (the
``regie`` commands, ``regie-manage migrate``, the test databases) asks :func:`refuse_incomplete`
first and stops before anything changes.
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

#: The release a database must have migrated with before this one: the baselines replace its history.
RELEASE = "9baf4bd (stop 26)"


class IncompleteHistory(Exception):
    """The database has part of the history the baselines replace: it must pass :data:`RELEASE` first."""


def missing_history(connection: Any) -> dict[str, list[str]]:
    """The migrations the baselines replace that the database lacks, by app, when it has some of
    the project's history; empty for a fresh database and for one that has passed :data:`RELEASE`."""
    disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    replaced = {key for migration in disk.values() for key in migration.replaces if key not in disk}
    recorder = MigrationRecorder(connection)
    apps = {app for app, _ in replaced}
    applied = {key for key in recorder.applied_migrations() if key[0] in apps} if recorder.has_table() else set()
    missing: dict[str, list[str]] = {}
    if applied:  # a fresh database has none of them: the baselines create it
        for app, name in sorted(replaced - applied):
            missing.setdefault(app, []).append(name)
    return missing


def refuse_incomplete(connection: Any) -> None:
    """Raise :class:`IncompleteHistory`, naming each app and migration missing, when the database
    has only part of the history the baselines replace."""
    missing = missing_history(connection)
    if missing:
        lines = "".join(f"\n  {app}: {', '.join(names)}" for app, names in missing.items())
        raise IncompleteHistory(
            f"de database heeft maar een deel van de migraties tot en met Regie-versie {RELEASE}; "
            f"deze ontbreken:{lines}\n"
            f"Er is niets veranderd. Werk eerst bij met Regie-versie {RELEASE} en migreer daar; "
            "daarna deze versie."
        )
