"""Dialogues and agreements through the services: agenda from the snapshot, the cycle, who
may do what, the audit log (domain.md section 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from regie.accounts.models import AuditEvent
from regie.accounts.scope import Scope, scope_for
from regie.catalog.models import Contract
from regie.monitor.models import Snapshot
from regie.relations import services as s
from regie.relations.models import Agreement
from tests.monitor.region import AS_OF, OTHER, OWN

D = dt.date


def who(username: str) -> tuple[Scope, Any]:
    user = get_user_model().objects.get(username=username)
    return scope_for(user), user


def test_agenda_is_built_from_the_snapshot_of_the_day(region: None, db: None) -> None:
    scope, user = who("gemeente")
    d = s.plan(scope, user, OWN, AS_OF + dt.timedelta(days=7))
    assert [i["kind"] for i in d.agenda] == [
        "scorecard",
        "forecast",
        "signals",
        "requests",
        "agreements",
        "risks",
        "targets",
        "opportunities",  # registered by the dossiers app (issue 15)
    ]
    snap = Snapshot.objects.filter(kind="scorecards").order_by("-as_of", "-computed_at").first()
    assert d.snapshot == snap
    card = d.agenda[0]["cards"][0]
    stored = next(c for c in snap.rows if c["provider"] == OWN and c["segment"] == card["segment"])
    assert card["indicators"] == stored["indicators"] and d.agenda[0]["as_of"] == AS_OF.isoformat()
    assert d.agenda[1]["rows"] and all(r["municipality"] for r in d.agenda[1]["rows"])
    assert d.agenda[5] == {"kind": "risks", "items": []}
    # The figures stay as they were when the snapshot changes afterwards
    snap.rows = []
    snap.save()
    d.refresh_from_db()
    assert d.agenda[0]["cards"][0]["indicators"] == stored["indicators"]
    assert AuditEvent.objects.filter(action="dialogue.plan", detail__dialogue=d.pk).exists()


def test_the_cycle(region: None, db: None) -> None:
    g, g_user = who("gemeente")
    a, a_user = who("aanbieder")
    first = s.plan(g, g_user, OWN, D(2025, 10, 6))
    s.add_item(a, a_user, first, "Wachttijd WMO-IB bespreken", today=D(2025, 10, 1))
    with pytest.raises(s.Refused):
        s.add_item(a, a_user, first, "te laat", today=D(2025, 10, 6))
    s.add_note(g, g_user, first, "Goed gesprek")
    with pytest.raises(s.NotAllowed):
        s.add_note(a, a_user, first, "mag niet")
    mine = s.make_agreement(g, g_user, first, "Wachtlijst opschonen", "provider", D(2025, 11, 1))
    ours = s.make_agreement(g, g_user, first, "Tarieven herzien", "municipality", D(2025, 10, 20))
    with pytest.raises(s.NotAllowed):
        s.make_agreement(a, a_user, first, "mag niet", "provider", D(2025, 11, 1))
    # the next dialogue carries both open agreements
    second = s.plan(g, g_user, OWN, D(2025, 12, 1))
    carried = next(i for i in second.agenda if i["kind"] == "agreements")["items"]
    assert [(x["id"], x["state"]) for x in carried] == [(ours.pk, "overdue"), (mine.pk, "overdue")]
    # the provider may not mark the municipality's agreement done, but its own
    with pytest.raises(s.Refused):
        s.mark_done(a, a_user, ours)
    s.comment(a, a_user, mine, "Gedaan, zie de lijst")
    s.mark_done(a, a_user, mine)
    mine.refresh_from_db()
    assert mine.status == "done" and mine.state(D(2025, 12, 1)) == "done"
    with pytest.raises(s.NotAllowed):
        s.confirm(a, a_user, mine)
    # done but not confirmed: still carried
    third = s.plan(g, g_user, OWN, D(2026, 1, 26))
    assert mine.pk in [x["id"] for x in next(i for i in third.agenda if i["kind"] == "agreements")["items"]]
    s.confirm(g, g_user, mine)
    s.mark_done(g, g_user, ours)  # the municipality's own marking confirms at once
    assert Agreement.objects.get(pk=ours.pk).state(D(2026, 2, 1)) == "confirmed"
    fourth = s.plan(g, g_user, OWN, D(2026, 3, 23))
    assert next(i for i in fourth.agenda if i["kind"] == "agreements")["items"] == []
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"dialogue.plan", "dialogue.item", "dialogue.note", "agreement.make", "agreement.done"} <= actions
    assert {"agreement.comment", "agreement.confirm"} <= actions


def test_who_sees_which_dialogues(region: None, db: None) -> None:
    g, g_user = who("gemeente")
    own = s.plan(g, g_user, OWN, D(2025, 10, 6))
    other = s.plan(g, g_user, OTHER, D(2025, 10, 7))
    a, _ = who("aanbieder")
    rm, rm_user = who("relatiebeheer")
    council, council_user = who("raad")
    assert set(s.dialogues(g)) == {own, other}
    assert set(s.dialogues(a)) == {own}
    assert set(s.dialogues(rm)) == {own}
    assert not s.dialogues(council).exists()
    with pytest.raises(s.NotFound):
        s.dialogue(a, other.pk)
    with pytest.raises(s.NotFound):
        s.plan(rm, rm_user, OTHER, D(2025, 10, 8))
    with pytest.raises(s.NotAllowed):
        s.plan(council, council_user, OWN, D(2025, 10, 8))
    assert s.plan(rm, rm_user, OWN, D(2025, 10, 8)).provider.agb == OWN


def test_due_list_follows_the_cadence(region: None, db: None) -> None:
    g, g_user = who("gemeente")
    rm, _ = who("relatiebeheer")
    today = D(2025, 10, 1)
    # never spoken to: everybody is due
    assert {r["provider"] for r in s.due_list(g, today)} == {"11111111", "22222222", "33333333", "44444444"}
    assert {r["provider"] for r in s.due_list(rm, today)} == set(rm.managed_agbs)
    s.plan(g, g_user, OWN, D(2025, 7, 1))  # held; 8 weeks later (26 August) overdue
    s.plan(g, g_user, OTHER, D(2025, 9, 20))  # held recently: not due
    rows = {r["provider"]: r for r in s.due_list(g, today)}
    assert rows[OWN]["status"] == "overdue" and rows[OWN]["due_on"] == D(2025, 8, 26)
    assert rows[OWN]["days_overdue"] == 36 and OTHER not in rows
    assert s.due_list(who("aanbieder")[0], today) == []
    # a provider whose contracts have ended is no longer spoken to
    Contract.objects.filter(provider__agb="33333333").update(end=D(2025, 9, 30))
    assert "33333333" not in {r["provider"] for r in s.due_list(g, today)}
    # after the region's last contract day, the providers under contract on that day
    assert {r["provider"] for r in s.due_list(g, D(2026, 3, 5))} == {"11111111", "22222222", "44444444"}


def test_the_day_discusses_its_own_years_figures(region: None, db: None) -> None:
    """The demo computes the past year's figures as of today after this year's: a dialogue
    (and a dossier's results) of today showed last year's scorecards."""
    this_year = Snapshot.objects.filter(kind="scorecards", as_of=AS_OF, year=AS_OF.year).get()
    fields = {"kind": "scorecards", "as_of": AS_OF, "key": "", "rows": []}
    Snapshot.objects.create(**fields, year=AS_OF.year - 1, computed_at=this_year.computed_at + dt.timedelta(hours=1))
    Snapshot.objects.create(**fields, year=AS_OF.year + 1, computed_at=this_year.computed_at + dt.timedelta(hours=2))
    scope, user = who("gemeente")
    d = s.plan(scope, user, OWN, AS_OF + dt.timedelta(days=7))
    assert d.snapshot == this_year and d.agenda[0]["year"] == AS_OF.year and d.agenda[0]["cards"]
