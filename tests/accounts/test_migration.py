"""Moving roles and the audit log from ``site`` to ``accounts`` keeps every row (on the
database ``DATABASE_URL`` names: SQLite by default, PostgreSQL in CI)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from regie.accounts.models import AuditEvent, Role, UserRole

BEFORE = [("site", "0002_failedlogin"), ("accounts", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_moving_to_accounts_keeps_roles_audit_events_and_content_types() -> None:
    loader = _migrate(BEFORE).loader
    # the other apps as they are now (their tables have every later column), site before the move
    others = [node for node in loader.graph.leaf_nodes() if node[0] not in ("site", "accounts")]
    old = loader.project_state([BEFORE[0], *others]).apps
    try:
        _check_the_move(old)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _check_the_move(old: Any) -> None:
    tables = connection.introspection.table_names()
    assert "site_userrole" in tables and "accounts_userrole" not in tables

    user = old.get_model("auth", "User").objects.create(username="ans")
    region = old.get_model("catalog", "Region").objects.create(name="Regio Venlo")
    provider = old.get_model("catalog", "Provider").objects.create(agb="12345678", name="Zorggroep Noord")
    old.get_model("site", "UserRole").objects.create(user=user, role="aanbieder", region=region, provider=provider)
    old.get_model("site", "AuditEvent").objects.create(
        user=user, action="signal.status", subject="signaal 1", reason="opgelost", detail={"signal": 1}
    )
    content_type = old.get_model("contenttypes", "ContentType")
    content_type.objects.get_or_create(app_label="site", model="userrole")

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(latest)

    tables = connection.introspection.table_names()
    assert "accounts_userrole" in tables and "site_userrole" not in tables
    assert "accounts_auditevent" in tables and "site_auditevent" not in tables
    role = UserRole.objects.select_related("user", "provider").get()
    assert (role.user.username, role.role, role.provider.agb) == ("ans", Role.PROVIDER, "12345678")
    event = AuditEvent.objects.get()
    assert (event.user_id, event.action, event.reason, event.detail) == (
        user.pk,
        "signal.status",
        "opgelost",
        {"signal": 1},
    )
    from django.contrib.contenttypes.models import ContentType

    assert ContentType.objects.filter(app_label="accounts", model="userrole").count() == 1
    assert not ContentType.objects.filter(app_label="site", model="userrole").exists()
    # new rows get fresh ids after the rename (the sequence moved with the table)
    second = AuditEvent.objects.create(action="x", subject="y")
    assert second.pk > event.pk
