from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _sqlite_pragmas(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite: write-ahead logging (readers do not block the writer) and fewer fsyncs."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")


class SiteConfig(AppConfig):
    name = "regie.site"
    label = "site"
    verbose_name = "Regie: website en API"

    def ready(self) -> None:
        connection_created.connect(_sqlite_pragmas)
