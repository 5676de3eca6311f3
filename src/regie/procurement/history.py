"""The demo's tender history (:mod:`regie.synth.tenders`, ``DIR/truth/tenders.json``), stored
once when the demo's database is built (``regie demo``, fresh), as regie.relations.history
stores the dialogues.

Made through the services, as a user would: the tender with its requirements, every bid with
its answers, two assessments per bid by two municipality users (``gemeente`` and ``inkoper``,
both demo users with the demo password; ``inkoper`` is made here, without a password, only
when the demo users were not made first), and the award, whose contracts are the catalog's own (they
were written by that award in the region's past). The days are set back to the tender's year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from regie.accounts.models import Role
from regie.accounts.users import add_user
from regie.catalog.models import Provider
from regie.procurement import models as m
from regie.procurement import services

#: The municipality user who assesses beside ``gemeente`` (four eyes).
SECOND_ASSESSOR = "inkoper"


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@transaction.atomic
def seed_tenders(history: Sequence[Mapping[str, Any]]) -> int:
    """Store the ``history`` unless there are tenders already; the number stored."""
    if m.Tender.objects.exists() or not history:
        return 0
    if not get_user_model().objects.filter(username=SECOND_ASSESSOR).exists():
        add_user(SECOND_ASSESSOR, Role.MUNICIPALITY)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["gemeente", SECOND_ASSESSOR])}
    for t in history:
        _store(t, users)
    return len(history)


def _store(t: Mapping[str, Any], users: Mapping[str, Any]) -> None:
    staff = users.get("gemeente")
    tender = services.create_tender(
        staff,
        t["segment"],
        t["year"],
        t["max_providers"],
        t["requirements"],
        start=dt.date.fromisoformat(t["start"]),
        end=dt.date.fromisoformat(t["end"]),
        municipalities=t["municipalities"],
    )
    opened = dt.date(t["year"] - 1, 9, 1)
    for b in t["bids"]:
        bid = services.submit_bid(None, tender, Provider.objects.get(agb=b["provider"]), b["answers"])
        for a in b["assessments"]:
            services.assess(users[a["assessor"]], bid, a["scores"], "Bewijsstukken en antwoorden beoordeeld")
    services.award(staff, tender, from_catalog=True)
    m.Tender.objects.filter(pk=tender.pk).update(
        created_at=_moment(opened), awarded_at=_moment(opened + dt.timedelta(days=75))
    )
    m.Bid.objects.filter(tender=tender).update(submitted_at=_moment(opened + dt.timedelta(days=30)))
    m.Assessment.objects.filter(bid__tender=tender).update(at=_moment(opened + dt.timedelta(days=50)))
