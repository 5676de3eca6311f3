"""The year and as-of date a page shows (``?jaar=2026&peildatum=2026-06-30``).

A page shows exactly the year and as-of date its URL asks for, or says why it cannot:

- neither given: the latest year with snapshots, as of its latest as-of date;
- only ``jaar``: that year as of its latest as-of date with snapshots, or else as of today;
- only ``peildatum``: the year of that date;
- a date nobody computed yet: its snapshots are computed on demand
  (:func:`regie.monitor.ondemand.ensure`) and the page answers with a progress note that
  refreshes itself (HTMX polls :func:`computation_status`) until they are stored;
- what is not a year or a date, a year without data, a date before the year began or after
  today: a Dutch message saying what is wrong and what can be chosen (HTTP 400).

:class:`PeriodMiddleware` turns the two exceptions a page's :func:`period_for` raises into
those answers, so every page that takes ``jaar``/``peildatum`` behaves the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from regie.monitor import ondemand, services
from regie.monitor.models import Computation, Snapshot

Row = dict[str, Any]


@dataclass
class YearAsOf:
    """The year and as-of date a page shows, chosen in the URL or the latest there is."""

    year: int | None
    as_of: dt.date | None
    years: list[int] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    #: A computation of this date still running (the history follows the other figures).
    computing: Computation | None = None

    @property
    def ready(self) -> bool:
        return self.year is not None and self.as_of is not None

    @property
    def first_day(self) -> dt.date | None:
        return dt.date(self.year, 1, 1) if self.year is not None else None

    @property
    def last_day(self) -> dt.date:
        """The latest as-of date there can be figures for: today."""
        return timezone.localdate()

    def snapshot(self, kind: str, key: str = "") -> Snapshot | None:
        if not self.ready:
            return None
        assert self.year is not None
        return services.latest(kind, self.year, self.as_of, key)

    def rows(self, kind: str, key: str = "") -> list[Row]:
        snap = self.snapshot(kind, key)
        return list(snap.rows) if snap else []

    def indicators(self, by: Any) -> list[Row]:
        return self.rows(Snapshot.Kind.INDICATORS, services.grouping_key(by))

    def query(self) -> dict[str, str]:
        if not self.ready:
            return {}
        assert self.as_of is not None
        return {"jaar": str(self.year), "peildatum": self.as_of.isoformat()}

    @property
    def query_string(self) -> str:
        """``?jaar=2025&peildatum=2025-06-30``: a link to another page for the same period."""
        return "?" + urlencode(self.query()) if self.ready else ""


class PeriodInvalid(Exception):
    """The URL asks for a year or as-of date there cannot be figures for."""

    def __init__(self, message: str, period: YearAsOf) -> None:
        super().__init__(message)
        self.message = message
        self.period = period


class PeriodPending(Exception):
    """The figures of the asked year and date are being computed (or failed to be)."""

    def __init__(self, period: YearAsOf, computation: Computation) -> None:
        super().__init__(f"{period.year} per {period.as_of}")
        self.period = period
        self.computation = computation


def parse_date(text: str | None) -> dt.date | None:
    """An ISO date (``2026-06-30``, as in links) or a Dutch one (``30-06-2026``, as typed)."""
    if not text:
        return None
    try:
        if len(text.split("-")[0]) <= 2:
            return dt.datetime.strptime(text, "%d-%m-%Y").date()
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _day(day: dt.date) -> str:
    return str(date_filter(day, "j F Y"))


def _asked(request: HttpRequest, years: list[int]) -> tuple[int | None, dt.date | None]:
    """The year and date in the URL (None where not given), or :class:`PeriodInvalid`."""
    year_text = (request.GET.get("jaar") or "").strip()
    date_text = (request.GET.get("peildatum") or "").strip()
    blank = YearAsOf(None, None, years)
    year = as_of = None
    if year_text:
        if not (year_text.isdigit() and len(year_text) == 4):
            raise PeriodInvalid(_("‘%(text)s’ is geen jaartal; kies een jaar als 2026.") % {"text": year_text}, blank)
        year = int(year_text)
    if date_text:
        as_of = parse_date(date_text)
        if as_of is None:
            raise PeriodInvalid(
                _("‘%(text)s’ is geen datum; geef de peildatum als dd-mm-jjjj, bijvoorbeeld 30-06-2026.")
                % {"text": date_text},
                blank,
            )
    return year, as_of


def _check(year: int, as_of: dt.date, years: list[int]) -> None:
    """:class:`PeriodInvalid` when ``year`` as of ``as_of`` cannot have figures."""
    period = YearAsOf(None, None, years)
    today = timezone.localdate()
    if as_of > today:
        raise PeriodInvalid(
            _("De peildatum %(day)s ligt in de toekomst: er zijn gegevens tot en met vandaag (%(today)s).")
            % {"day": _day(as_of), "today": _day(today)},
            period,
        )
    if year not in years:
        span = f"{min(years)}–{max(years)}" if years else ""
        message = (
            _("Voor %(year)s zijn er geen gegevens; kies een jaar van %(span)s.") % {"year": year, "span": span}
            if years
            else _("Voor %(year)s zijn er geen gegevens: er zijn nog geen berichten ingelezen.") % {"year": year}
        )
        raise PeriodInvalid(message, period)
    period.year = year
    if as_of < dt.date(year, 1, 1):
        raise PeriodInvalid(
            _("De peildatum %(day)s ligt vóór het begin van %(year)s; kies een datum vanaf 1 januari %(year)s.")
            % {"day": _day(as_of), "year": year},
            period,
        )


def period_for(request: HttpRequest) -> YearAsOf:
    """The year (``?jaar=``) and as-of date (``?peildatum=``) of the request, defaulting to the
    latest year with snapshots and its latest as-of date; raises :class:`PeriodInvalid` for
    what cannot have figures and :class:`PeriodPending` while a date's figures are computed."""
    available = services.available()
    years = services.data_years()
    year, as_of = _asked(request, years)
    if year is None and as_of is None:
        if not available:
            return YearAsOf(None, None, years)
        year = max(available)
        return _found(year, available[year][0], years, available[year])
    if year is None:
        assert as_of is not None
        year = as_of.year
    dates = available.get(year, [])
    if as_of is None:
        as_of = dates[0] if dates else min(timezone.localdate(), dt.date(year, 12, 31))
    if as_of in dates:
        return _found(year, as_of, years, dates)
    _check(year, as_of, years)
    period = YearAsOf(year, as_of, years, dates)
    computation = ondemand.ensure(year, as_of)
    if computation is not None:
        raise PeriodPending(period, computation)
    return _found(year, as_of, years, services.available().get(year, []))


def _found(year: int, as_of: dt.date, years: list[int], dates: list[dt.date]) -> YearAsOf:
    return YearAsOf(year, as_of, years, dates, computing=ondemand.current(year, as_of))


# --------------------------------------------------------------------------------------------
# The answers: a progress note that refreshes itself, or what is wrong with the choice


def _progress_context(period: YearAsOf, computation: Computation) -> dict[str, Any]:
    status_url = reverse("computation") + period.query_string
    return {
        "period": period,
        "computation": computation,
        "failed": computation.state == Computation.State.FAILED,
        "typical": ondemand.typical_seconds(),
        "status_url": status_url,
    }


def pending_response(request: HttpRequest, pending: PeriodPending) -> HttpResponse:
    """The page's answer while its figures are computed: 202 with a note that polls."""
    context = _progress_context(pending.period, pending.computation)
    status = 200 if context["failed"] else 202
    return render(request, "regie/computing.html", {**context, "keep": []}, status=status)


def invalid_response(request: HttpRequest, invalid: PeriodInvalid) -> HttpResponse:
    """400 with what is wrong, the choice again and links to what can be shown."""
    period = invalid.period
    latest = services.available()
    suggestions = []
    if period.year is not None:
        suggestions.append((_("%(year)s, de laatste peildatum") % {"year": period.year}, f"?jaar={period.year}"))
    if latest:
        year = max(latest)
        suggestions.append(
            (_("de laatste cijfers (%(year)s per %(day)s)") % {"year": year, "day": _day(latest[year][0])}, "?")
        )
    context = {"message": invalid.message, "period": period, "keep": [], "suggestions": suggestions}
    return render(request, "regie/period_invalid.html", context, status=400)


@login_required
def computation_status(request: HttpRequest) -> HttpResponse:
    """``/berekening/?jaar=&peildatum=``: what HTMX polls from the progress note. When the
    figures are there it tells HTMX to reload the page (``HX-Refresh``); status 286 stops the
    polling when the computation failed or the choice is invalid."""
    try:
        period_for(request)
    except PeriodInvalid as invalid:
        return HttpResponse(invalid.message, status=286)
    except PeriodPending as pending:
        context = _progress_context(pending.period, pending.computation)
        status = 286 if context["failed"] else 200
        return render(request, "regie/includes/computing_note.html", context, status=status)
    response = HttpResponse(_("Klaar; de pagina wordt geladen."))
    response["HX-Refresh"] = "true"
    return response


class PeriodMiddleware:
    """Answers a page's :class:`PeriodPending` and :class:`PeriodInvalid` (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PeriodPending):
            return pending_response(request, exception)
        if isinstance(exception, PeriodInvalid):
            return invalid_response(request, exception)
        return None
