"""The demo's synthetic history of dialogues and agreements (issue 14)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from regie.accounts.scope import scope_for
from regie.relations import services as rel
from regie.relations.history import seed_history
from regie.relations.models import Agreement, Dialogue
from regie.synth.dialogues import history

TODAY = dt.date(2025, 10, 15)


def test_history_is_the_same_for_the_same_region_and_day() -> None:
    providers = [("22222222", 8), ("11111111", 3), ("33333333", 8)]
    assert history(providers, TODAY) == history(list(reversed(providers)), TODAY)
    states = {a.state for d in history(providers, TODAY) for a in d.agreements}
    assert states == {"open", "done", "confirmed"}


def test_seeded_history_shows_every_state(region: None, db: None) -> None:
    assert seed_history(TODAY) == 16 and seed_history(TODAY) == 0  # once
    assert Dialogue.objects.count() == 16
    states = {a.state(TODAY) for a in Agreement.objects.all()}
    assert states == {"overdue", "done", "confirmed", "open"}
    due = {r["status"] for r in rel.due_list(scope_for(get_user_model().objects.get(username="gemeente")), TODAY)}
    assert due == {"due", "overdue"}
    # the agenda of a provider's last dialogue carries the open agreement of the one before
    last = Dialogue.objects.filter(provider__agb="11111111").order_by("-date").first()
    assert last is not None
    carried = next(i for i in last.agenda if i["kind"] == "agreements")["items"]
    assert [a["state"] for a in carried] == ["overdue"]
