"""Django's ``migrate``, refusing first a database with only part of the history that the
migration baselines replace (:mod:`regie.site.baseline`)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from regie.site.baseline import refuse_incomplete


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        refuse_incomplete(connections[options["database"]])
        super().handle(*args, **options)
