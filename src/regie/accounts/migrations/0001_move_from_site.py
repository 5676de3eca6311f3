"""Users' roles and the audit log move from the ``site`` app to ``accounts`` without copying
a row: the models are taken over in the migration state only (the tables stay where
``site`` created them), then 0002 renames the tables. The content types (and with them any
permissions granted on the models) are relabelled, so nothing is lost."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("userrole", "auditevent")


def _relabel(apps, schema_editor, source, target):
    """Move the moved models' content types from app ``source`` to ``target`` (unless
    ``target`` has them already: then the stale ones stay, as Django would leave them)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED:
        if not rows.filter(app_label=target, model=model).exists():
            rows.filter(app_label=source, model=model).update(app_label=target)


def relabel_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "site", "accounts")


def restore_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "accounts", "site")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("site", "0002_failedlogin"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("when", models.DateTimeField(auto_now_add=True, verbose_name="tijdstip")),
                        ("action", models.CharField(max_length=80, verbose_name="actie")),
                        ("subject", models.CharField(max_length=200, verbose_name="onderwerp")),
                        ("reason", models.TextField(blank=True, verbose_name="reden")),
                        ("detail", models.JSONField(blank=True, default=dict, verbose_name="details")),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="gebruiker",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "auditregel",
                        "verbose_name_plural": "auditlog",
                        "ordering": ["-when"],
                        "db_table": "site_auditevent",
                    },
                ),
                migrations.CreateModel(
                    name="UserRole",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("gemeente", "Gemeente"),
                                    ("aanbieder", "Aanbieder"),
                                    ("raad", "Gemeenteraad (alleen lezen)"),
                                ],
                                max_length=20,
                                verbose_name="rol",
                            ),
                        ),
                        (
                            "provider",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="catalog.provider",
                                verbose_name="aanbieder",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="catalog.region", verbose_name="regio"
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="regie_role",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="gebruiker",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "rol van gebruiker",
                        "verbose_name_plural": "rollen van gebruikers",
                        "db_table": "site_userrole",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("provider__isnull", False), ("role", "aanbieder")),
                                    models.Q(("role", "aanbieder"), _negated=True),
                                    _connector="OR",
                                ),
                                name="provider_role_has_provider",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types, elidable=True),
    ]
