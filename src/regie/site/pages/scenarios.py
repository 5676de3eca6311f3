"""What if: scenarios on the forecast (issue 20).

- ``/scenarios/``: the saved scenarios, and a form that builds a new one from up to five
  changes (municipality); saved, it is computed at once (:func:`regie.scenarios.services.save_scenario`);
- ``/scenarios/<id>/``: one scenario: per municipality x segment the forecast without and
  with it, the difference per change, and the outlook's years;
- ``/scenarios/vergelijken/?id=..&id=..``: up to three scenarios side by side, table and chart;
- ``/langdurige-zorg/``: the long-stay work list and the review outcomes with their follow-up
  (municipality; a provider sees its own clients); ``/langdurige-zorg/uitkomst/`` records one.

The council reads scenarios (without provider rows); providers have no access.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regie.accounts.models import Role
from regie.catalog import models as cat
from regie.engine.scenarios import KINDS
from regie.monitor import services as monitor_services
from regie.reports.charts import scenario_chart
from regie.scenarios import review, services
from regie.scenarios.models import ReviewOutcome, SavedScenario
from regie.site.pages.common import charts, names
from regie.site.roles import require_role

READERS = (Role.MUNICIPALITY, Role.COUNCIL)
#: Change rows on the form.
ROWS = 5
#: The code of a new legal task built on the form without a segment.
NEW_SEGMENT = "NIEUW"
#: Scenarios side by side at most.
MAX_COMPARE = 3

KIND_CHOICES = [
    ("", gettext_lazy("— geen —")),
    ("tariff", gettext_lazy("Tarief (factor)")),
    ("inflow", gettext_lazy("Instroom (factor)")),
    ("duration", gettext_lazy("Verblijfsduur (factor)")),
    ("funding_model", gettext_lazy("Ander bekostigingsmodel")),
    ("new_segment", gettext_lazy("Nieuwe taak")),
    ("capacity", gettext_lazy("Capaciteit naar andere aanbieder")),
    ("provider_exit", gettext_lazy("Aanbieder stopt")),
]
MODEL_CHOICES = [
    ("", "—"),
    ("pxq", "P x Q"),
    ("outcome", gettext_lazy("Resultaat")),
    ("per_client", gettext_lazy("Prijs per cliënt")),
    ("lump_sum", gettext_lazy("Lumpsum")),
    ("population", gettext_lazy("Populatie")),
]


class ScenarioForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Naam"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    year = forms.IntegerField(label=gettext_lazy("Jaar"), min_value=1901, max_value=2999)
    as_of = forms.DateField(
        label=gettext_lazy("Peildatum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    years = forms.IntegerField(label=gettext_lazy("Jaren vooruit (0-5)"), min_value=0, max_value=5, initial=2)


class ChangeForm(forms.Form):
    """One change row; which fields count depends on the kind (:data:`regie.engine.scenarios.KINDS`)."""

    kind = forms.ChoiceField(label=gettext_lazy("Soort"), choices=KIND_CHOICES, required=False)
    start = forms.CharField(
        label=gettext_lazy("Vanaf (maand)"), required=False, widget=forms.DateInput(attrs={"type": "month"})
    )
    segment = forms.ChoiceField(label=gettext_lazy("Segment"), required=False)
    factor = forms.FloatField(label=gettext_lazy("Factor"), required=False, min_value=0.01)
    model = forms.ChoiceField(label=gettext_lazy("Bekostigingsmodel"), choices=MODEL_CHOICES, required=False)
    clients = forms.FloatField(label=gettext_lazy("Cliënten"), required=False, min_value=0)
    price = forms.DecimalField(
        label=gettext_lazy("Prijs per cliënt per jaar (euro)"), required=False, min_value=0, decimal_places=2
    )
    from_provider = forms.ChoiceField(label=gettext_lazy("Van aanbieder"), required=False)
    to_provider = forms.ChoiceField(label=gettext_lazy("Naar aanbieder"), required=False)

    def __init__(self, *args: Any, segments: list[tuple[str, str]], providers: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [("", _("alle / nieuw"))] + segments  # type: ignore[attr-defined]
        for name in ("from_provider", "to_provider"):
            self.fields[name].choices = [("", "—")] + providers  # type: ignore[attr-defined]

    def change(self) -> dict[str, Any] | None:
        """The change as a scenario's entry (None for an empty row); the engine checks it."""
        data = self.cleaned_data
        kind = data.get("kind")
        if not kind:
            return None
        required, optional = KINDS[kind]
        values: dict[str, Any] = {
            "segment": data.get("segment") or None,
            "factor": data.get("factor"),
            "model": data.get("model") or None,
            "clients": data.get("clients"),
            "price_per_client": None if data.get("price") is None else int(round(data["price"] * 100)),
            "from_provider": data.get("from_provider") or None,
            "to_provider": data.get("to_provider") or None,
            "provider": data.get("from_provider") or None,
        }
        if kind == "new_segment" and not values["segment"]:
            values["segment"] = NEW_SEGMENT
        out: dict[str, Any] = {"kind": kind, "from": data.get("start") or ""}
        for key in (*required, *optional):
            if values.get(key) is not None:
                out[key] = values[key]
        return out


def _default_period() -> tuple[int, dt.date]:
    """The form's year and as-of date: the latest with figures (else today)."""
    available = monitor_services.available()
    if available:
        year = max(available)
        return year, available[year][0]
    today = timezone.localdate()
    return today.year, today


def _choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    segments = [(s.code, f"{s.code} {s.name}") for s in cat.Segment.objects.order_by("code")]
    providers = [(p.agb, p.name) for p in cat.Provider.objects.order_by("name")]
    return segments, providers


@require_role(*READERS)
def scenario_list(request: HttpRequest) -> HttpResponse:
    """The saved scenarios, to open or to tick for comparison, and (municipality) the form."""
    scope = request.scope  # type: ignore[attr-defined]
    segments, providers = _choices()
    post = request.POST if request.method == "POST" and scope.is_municipality else None
    year, as_of = _default_period()
    form = ScenarioForm(post, initial={"year": year, "as_of": as_of, "years": 2})
    rows = [ChangeForm(post, prefix=f"w{i}", segments=segments, providers=providers) for i in range(1, ROWS + 1)]
    if post is not None and form.is_valid() and all(r.is_valid() for r in rows):
        data = {
            **form.cleaned_data,
            "as_of": form.cleaned_data["as_of"].isoformat(),
            "changes": [c for c in (r.change() for r in rows) if c],
        }
        try:
            saved = services.save_scenario(request.user, data)
        except services.InvalidScenario as exc:
            for param in exc.params:
                form.add_error(None, param["reason"])
        else:
            flash.success(request, _("Scenario opgeslagen en doorgerekend."))
            return HttpResponseRedirect(reverse("scenario", args=[saved.pk]))
    context = {
        "scenarios": SavedScenario.objects.all()[:50],
        "form": form,
        "rows": rows,
        "can_edit": scope.is_municipality,
        "max_compare": MAX_COMPARE,
    }
    return render(request, "regie/scenarios/list.html", context)


def _table(result: dict[str, Any], council: bool) -> dict[str, Any]:
    """A scenario's rows with names, and the columns of its outlook's years."""
    nm = names()
    result = services.visible_result(result, council)
    rows = []
    for r in result["rows"]:
        rows.append(
            {**r, "municipality_name": nm.municipality(r["municipality"]), "segment_name": nm.segment(r["segment"])}
        )
    years = [o["year"] for o in (rows[0].get("outlook") or [])] if rows else []
    return {"rows": rows, "years": years, "totals": result["totals"], "changes": result["scenario"]["changes"]}


@require_role(*READERS)
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    saved = get_object_or_404(SavedScenario, pk=pk)
    table = _table(saved.result, scope.is_council)
    specs = charts(compare=scenario_chart([{"name": saved.name, "result": saved.result}]))
    context = {"scenario": saved, **table, "chart_specs": specs, "has_charts": bool(specs)}
    return render(request, "regie/scenarios/detail.html", context)


def _yearly(result: dict[str, Any], field: str) -> list[int]:
    """The total of ``field`` in the forecast's year and each outlook year."""
    out = [sum(r[field] for r in result["rows"])]
    years = len(result["rows"][0].get("outlook") or []) if result["rows"] else 0
    for i in range(years):
        out.append(sum(r["outlook"][i][field] for r in result["rows"] if len(r.get("outlook") or []) > i))
    return out


@require_role(*READERS)
def scenario_compare(request: HttpRequest) -> HttpResponse:
    """Up to three saved scenarios side by side: totals per year and the difference per
    municipality x segment, as a table and a chart."""
    ids = [int(i) for i in request.GET.getlist("id") if i.isdigit()][:MAX_COMPARE]
    chosen = [get_object_or_404(SavedScenario, pk=i) for i in ids]
    if not chosen:
        flash.info(request, _("Kies één tot drie scenario's om te vergelijken."))
        return HttpResponseRedirect(reverse("scenarios"))
    nm = names()
    first = chosen[0].result
    years = [first["year"]] + [o["year"] for o in (first["rows"][0].get("outlook") or [])] if first["rows"] else []
    totals = [{"name": _("Zonder scenario"), "values": _yearly(first, "baseline")}]
    totals += [{"name": s.name, "values": _yearly(s.result, "forecast")} for s in chosen]
    keys = [(r["municipality"], r["segment"]) for r in first["rows"]]
    rows = []
    for key in keys:
        found = [{(r["municipality"], r["segment"]): r for r in s.result["rows"]}.get(key) for s in chosen]
        base = next((f["baseline"] for f in found if f), 0)
        rows.append(
            {
                "municipality_name": nm.municipality(key[0]),
                "segment_name": nm.segment(key[1]),
                "baseline": base,
                "cells": [{"forecast": f["forecast"], "difference": f["difference"]} if f else None for f in found],
            }
        )
    mismatch = len({(s.year, s.as_of) for s in chosen}) > 1
    spec = scenario_chart([{"name": s.name, "result": s.result} for s in chosen])
    specs = charts(compare=spec)
    context = {
        "chosen": chosen,
        "years": years,
        "totals": totals,
        "rows": rows,
        "mismatch": mismatch,
        "chart_specs": specs,
        "has_charts": bool(specs),
    }
    return render(request, "regie/scenarios/compare.html", context)


# --------------------------------------------------------------------------------------------
# The long-stay review

FOLLOW_UP = {
    "not_applicable": gettext_lazy("n.v.t."),
    "done": gettext_lazy("gebeurd"),
    "pending": gettext_lazy("nog niet, termijn loopt"),
    "overdue": gettext_lazy("niet gebeurd, termijn verstreken"),
}


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def long_stays(request: HttpRequest) -> HttpResponse:
    """The work list of clients (pseudonyms) in care longer than their segment's threshold,
    and the recorded outcomes with their follow-up; the municipality records an outcome."""
    scope = request.scope  # type: ignore[attr-defined]
    as_of = timezone.localdate()
    text = request.GET.get("peildatum")
    if text:
        try:
            as_of = dt.date.fromisoformat(text)
        except ValueError:
            flash.error(request, _("Geen geldige peildatum; vandaag is gebruikt."))
    inputs = monitor_services.load_inputs()
    nm = names()
    rows = [
        {
            **r,
            "municipality_name": nm.municipality(r["municipality"]),
            "segment_name": nm.segment(r["segment"]),
            "provider_name": nm.provider(r["provider"]),
        }
        for r in review.long_stays(scope, as_of, inputs=inputs)
    ]
    for r in rows:
        r["start_date"] = dt.date.fromisoformat(r["start"])
        if r["review"]:
            r["review"]["label"] = ReviewOutcome.Outcome(r["review"]["outcome"]).label
    reviews = [
        {
            **r,
            "follow_up_label": FOLLOW_UP[r["follow_up"]],
            "provider_name": nm.provider(r["provider"]),
            "outcome_label": ReviewOutcome.Outcome(r["outcome"]).label,
        }
        for r in review.review_rows(scope, as_of, inputs=inputs)
    ]
    context = {
        "rows": rows,
        "reviews": reviews,
        "as_of": as_of,
        "can_record": scope.is_municipality,
        "outcomes": ReviewOutcome.Outcome.choices,
    }
    return render(request, "regie/scenarios/long_stays.html", context)


@require_role(Role.MUNICIPALITY)
def long_stay_record(request: HttpRequest) -> HttpResponse:
    """Record a review's outcome (POST from a row of the work list); audited."""
    back = reverse("long-stays")
    if request.method != "POST":
        return HttpResponseRedirect(back)
    data = request.POST.dict()
    try:
        review.record_review(request.user, data, today=timezone.localdate())
    except services.InvalidScenario as exc:
        flash.error(request, "; ".join(f"{p['name']}: {p['reason']}" for p in exc.params))
    else:
        flash.success(request, _("Uitkomst van de heroverweging vastgelegd."))
    day = data.get("reviewed_on", "")
    return HttpResponseRedirect(f"{back}?peildatum={day}" if day[:4].isdigit() else back)
