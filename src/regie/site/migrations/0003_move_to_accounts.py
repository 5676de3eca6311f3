"""Users' roles and the audit log now belong to the ``accounts`` app
(``accounts.0001_move_from_site``): they leave this app's migration state only; the
tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("site", "0002_failedlogin"),
        ("accounts", "0001_move_from_site"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="UserRole"),
            ],
            database_operations=[],
        ),
    ]
