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
    for d in Dialogue.objects.all():  # the note is of the dialogue's day
        assert [n.written_at.date() for n in d.notes.all()] == [d.date]
    states = {a.state(TODAY) for a in Agreement.objects.all()}
    assert states == {"overdue", "done", "confirmed", "open"}
    due = {r["status"] for r in rel.due_list(scope_for(get_user_model().objects.get(username="gemeente")), TODAY)}
    assert due == {"due", "overdue"}
    # the agenda of a provider's last dialogue carries the open agreement of the one before
    last = Dialogue.objects.filter(provider__agb="11111111").order_by("-date").first()
    assert last is not None
    carried = next(i for i in last.agenda if i["kind"] == "agreements")["items"]
    assert [a["state"] for a in carried] == ["overdue"]


def test_past_dialogues_get_the_figures_of_the_quarter_end_before_them(region: None, db: None) -> None:
    """The history is stored before there are figures; once the demo has computed the figures
    as of the quarter ends before the dialogues, their agendas show them (never a later day's)."""
    from regie.monitor.models import Snapshot
    from regie.monitor.services import refresh
    from regie.relations.history import fill_agendas, quarter_ends

    Snapshot.objects.all().delete()
    seed_history(TODAY)
    assert not Dialogue.objects.exclude(snapshot=None).exists()
    first = Dialogue.objects.order_by("date").first()
    assert first is not None
    days = quarter_ends(TODAY)
    assert days[0] <= first.date < days[1], "from the last quarter end on or before the first dialogue"
    assert days[-1] < TODAY and all(d.month in (3, 6, 9, 12) for d in days)
    refresh(2025, dt.date(2025, 6, 30), kinds=["scorecards", "forecast_providers"])
    filled = fill_agendas(TODAY)
    with_figures = Dialogue.objects.exclude(snapshot=None)
    assert filled == with_figures.count() == Dialogue.objects.filter(date__gte=dt.date(2025, 6, 30)).count() > 0
    for d in with_figures:
        assert d.snapshot is not None and d.snapshot.as_of == dt.date(2025, 6, 30) <= d.date
        scorecard = next(i for i in d.agenda if i["kind"] == "scorecard")
        forecast = next(i for i in d.agenda if i["kind"] == "forecast")
        assert scorecard["as_of"] == "2025-06-30" and scorecard["cards"] and forecast["rows"]
    assert fill_agendas(TODAY) == 0  # the others have no figures of their day
