"""The data-quality work list (domain.md section 7) and the message a signal came from.

- municipality staff see every signal and set its status (open, explained, resolved) with
  a note, one at a time or in bulk; every change is audited, one event per signal;
- a provider sees its own signals and may explain them (status *explained* with a note),
  one at a time or in bulk, as long as the municipality has not resolved them; a signal or
  message of another provider does not exist for it (404);
- the council sees neither: signals are about clients and providers.

The list shows the signals grouped by kind and provider with their counts per status; a
change answered over HTMX brings the row and the counters (swapped out of band) up to date.
Its year filter is the year a signal was raised (:func:`raised_in`); the overview's card
counts the open ones of its year and the older ones through the same filter (:func:`open_card`).
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from regie.accounts.models import AuditEvent, Role
from regie.messages.bsn import is_valid_bsn
from regie.site.pages.common import Column, Names, headers, names, require, url_with
from regie.site.roles import require_role
from regie.traffic import models as tm
from regie.traffic.signal_status import allowed_statuses, can_change, change, refusal

PAGE_SIZE = 50
SORTS = {
    "raised_on": "raised_on",
    "kind": "kind",
    "provider": "provider",
    "segment": "segment",
    "municipality": "municipality",
    "status": "status",
    "care_month": "care_month",
}
#: query parameter -> the signal's field it filters
FILTERS = {
    "soort": "kind",
    "status": "status",
    "aanbieder": "provider",
    "segment": "segment",
    "gemeente": "municipality",
}
#: The year filter (``jaar``) on the day a signal was raised: ``2025``, or ``voor-2025`` for
#: every year before 2025.
YEAR = re.compile(r"^(voor-)?([12]\d{3})$")
#: Most signals one bulk change may touch (a larger selection is refused, not cut).
BULK_LIMIT = 5000


def _visible(scope: Any) -> QuerySet[tm.Signal]:
    return scope.provider_codes(tm.Signal.objects.select_related("message"))


def _columns() -> list[Column]:
    return [
        Column("raised_on", _("Gesignaleerd")),
        Column("kind", _("Soort")),
        Column("provider", _("Aanbieder")),
        Column("segment", _("Segment")),
        Column("municipality", _("Gemeente")),
        Column("care_month", _("Zorgmaand")),
        Column("record", _("Record"), sortable=False),
        Column("message", _("Bericht"), sortable=False),
        Column("status", _("Status")),
    ]


@dataclass
class Worklist:
    """The signals a scope sees under the filters of a query string, and their counts."""

    chosen: dict[str, str]
    signals: QuerySet[tm.Signal]  # every filter applied
    unfiltered_status: QuerySet[tm.Signal]  # every filter but the status
    query: str  # the list's query string (filters and sort), to come back to


def raised_in(value: str) -> Q | None:
    """The signals the year filter ``value`` keeps: ``2025`` those raised in 2025, ``voor-2025``
    those raised before 2025; None for what is not such a value.

    >>> raised_in("voor-2025")
    <Q: (AND: ('raised_on__lt', datetime.date(2025, 1, 1)))>
    >>> raised_in("2025x") is None
    True
    """
    found = YEAR.match(value)
    if found is None:
        return None
    first = dt.date(int(found.group(2)), 1, 1)
    if found.group(1):
        return Q(raised_on__lt=first)
    return Q(raised_on__gte=first, raised_on__lt=first.replace(year=first.year + 1))


def year_options(scope: Any, chosen: str = "") -> list[tuple[str, str]]:
    """The choices of the year filter: each year ``scope`` has signals of (latest first), then
    every year before one of them that has older ones (``voor-2025``: "vóór 2025"), and the
    ``chosen`` value when it is neither (a link from the overview to a year without signals)."""
    years = [str(d.year) for d in _visible(scope).dates("raised_on", "year", order="DESC")]
    values = years + [f"voor-{y}" for y in years[:-1]]
    if chosen and chosen not in values:
        values.append(chosen)
    return [(v, _("vóór %(year)s") % {"year": v[5:]} if v.startswith("voor-") else v) for v in values]


def open_card(scope: Any, year: int) -> dict[str, Any]:
    """The overview's card: the open signals ``scope`` sees raised in ``year`` and those raised
    before it, each with the link to the work list that shows them (status open, ``jaar``);
    the number is that list's open counter."""
    this, older = str(year), f"voor-{year}"
    counts = (
        _visible(scope)
        .filter(status=tm.Signal.Status.OPEN)
        .aggregate(this=Count("pk", filter=raised_in(this)), older=Count("pk", filter=raised_in(older)))
    )
    base = reverse("signals") + "?"
    return {
        "year": year,
        "n": counts["this"],
        "url": base + urlencode({"status": "open", "jaar": this}),
        "older": counts["older"],
        "older_url": base + urlencode({"status": "open", "jaar": older}),
        "all_url": base + urlencode({"status": "open"}),
    }


def worklist(scope: Any, params: QueryDict, nm: Names) -> Worklist:
    """The work list of ``scope`` filtered by ``params`` (``soort``, ``status``, ``aanbieder``,
    ``segment``, ``gemeente``, ``jaar``: see :func:`raised_in`); unknown values are ignored."""
    allowed = {
        "soort": [k for k, _l in tm.Signal.Kind.choices],
        "status": [k for k, _l in tm.Signal.Status.choices],
        "aanbieder": list(nm.providers),
        "segment": list(nm.segments),
        "gemeente": list(nm.municipalities),
    }
    qs = _visible(scope)
    chosen: dict[str, str] = {}
    for param, field in FILTERS.items():
        value = params.get(param) or ""
        if value in allowed[param] and param != "status":
            qs = qs.filter(**{field: value})
            chosen[param] = value
    year = params.get("jaar") or ""
    if (raised := raised_in(year)) is not None:
        qs = qs.filter(raised)
        chosen["jaar"] = year
    all_statuses = qs
    status = params.get("status") or ""
    if status in allowed["status"]:
        qs = qs.filter(status=status)
        chosen["status"] = status
    keep = QueryDict(mutable=True)
    for key, value in params.items():
        if key in FILTERS or key in ("jaar", "sort", "pagina"):
            keep[key] = value
    return Worklist(chosen, qs, all_statuses, keep.urlencode())


def status_counts(qs: QuerySet[tm.Signal]) -> list[dict[str, Any]]:
    """Per status (in the order of the choices): its label and the number of signals."""
    counts = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("pk")).order_by()}
    return [{"status": k, "label": label, "n": counts.get(k, 0)} for k, label in tm.Signal.Status.choices]


def groups(qs: QuerySet[tm.Signal], nm: Names) -> list[dict[str, Any]]:
    """The signals grouped by kind and then by provider, with the count per status of each
    group and of each kind; kinds in the order of the choices, providers by name."""
    kinds = dict(tm.Signal.Kind.choices)
    cells: dict[str, dict[str, dict[str, int]]] = {}
    rows = qs.values("kind", "provider", "status").annotate(n=Count("pk")).order_by()
    for row in rows:
        per_status = cells.setdefault(row["kind"], {}).setdefault(row["provider"], {})
        per_status[row["status"]] = per_status.get(row["status"], 0) + row["n"]
    out = []
    for kind in [k for k in kinds if k in cells]:
        providers = []
        for agb, per_status in cells[kind].items():
            providers.append(
                {
                    "provider": agb,
                    "name": nm.provider(agb) if agb else "–",
                    **_by_status(per_status),
                }
            )
        providers.sort(key=lambda p: (str(p["name"]).lower(), p["provider"]))
        totals: dict[str, int] = {}
        for per_status in cells[kind].values():
            for status, n in per_status.items():
                totals[status] = totals.get(status, 0) + n
        out.append({"kind": kind, "label": kinds[kind], "providers": providers, **_by_status(totals)})
    return out


def _by_status(per_status: dict[str, int]) -> dict[str, int]:
    counts = {k: per_status.get(k, 0) for k, _l in tm.Signal.Status.choices}
    return {**counts, "total": sum(counts.values())}


def evidence(signal: tm.Signal) -> dict[str, Any] | None:
    """What an upcoding signal found, for the page: the provider's share of expensive starts
    before and now against the peers' (rise in percentage points) and z; None for a signal
    of another kind or one stored without this evidence."""
    if signal.kind != tm.Signal.Kind.UPCODING:
        return None
    d = signal.detail or {}
    if d.get("share_before") is None or d.get("share_recent") is None:
        return None
    peers_rise = d.get("peer_median_shift")
    return {
        "share_before": d["share_before"],
        "share_recent": d["share_recent"],
        "rise_points": round((d["share_recent"] - d["share_before"]) * 100, 1),
        "peer_rise_points": None if peers_rise is None else round(peers_rise * 100, 1),
        "peer_share_before": d.get("peer_share_before"),
        "peer_share_recent": d.get("peer_share_recent"),
        "z": d.get("z"),
        "starts_before": d.get("starts_before"),
        "starts_recent": d.get("starts_recent"),
        "peers": d.get("peers"),
        "expensive_products": d.get("expensive_products", []),
        "mix": d.get("mix", []),
    }


def _row_context(scope: Any, signal: tm.Signal, nm: Names, error: str = "") -> dict[str, Any]:
    return {
        "s": signal,
        "names": nm,
        "error": error,
        "statuses": tm.Signal.Status.choices,
        "can_resolve": scope.is_staff,
        "can_change": can_change(scope, signal),
        "evidence": evidence(signal),
    }


@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
def signal_list(request: HttpRequest) -> HttpResponse:
    """The work list: grouped by kind and provider with counts, then the signals themselves,
    filtered by kind, status, provider, segment, municipality, year raised (in the URL), sorted
    server-side, 50 per page, with a bulk change for a selection or the whole filter."""
    return _list_response(request, request.scope, names())  # type: ignore[attr-defined]


def _list_response(request: HttpRequest, scope: Any, nm: Names, notice: str = "", failed: bool = False) -> HttpResponse:
    """The work list for the query string in ``request.GET``, with ``notice`` (what a bulk
    change did, or why it was refused) at its top."""
    work = worklist(scope, request.GET, nm)
    here = reverse("signals") + (f"?{work.query}" if work.query else "")
    sort = request.GET.get("sort", "-raised_on")
    field = SORTS.get(sort.lstrip("-"))
    if field is None:
        sort, field = "-raised_on", "raised_on"
    prefix = "-" if sort.startswith("-") else ""
    qs = work.signals.order_by(f"{prefix}{field}", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = [_row_context(scope, s, nm) for s in page.object_list]
    context = {
        "here": here,
        "notice": notice,
        "notice_failed": failed,
        **_counters(scope, work, nm),
        "page": page,
        "rows": rows,
        "headers": headers(request, _columns(), sort),
        "names": nm,
        "kinds": tm.Signal.Kind.choices,
        "statuses": tm.Signal.Status.choices,
        "bulk_statuses": allowed_statuses(scope),
        "providers": sorted(((a, n) for a, n in nm.providers.items() if scope.sees_provider(a)), key=lambda kv: kv[1])
        if not scope.is_provider
        else [],
        "segments": sorted(nm.segments.items()),
        "municipalities": sorted(nm.municipalities.items()),
        "years": year_options(scope, work.chosen.get("jaar", "")),
        "prev_url": url_with(request, pagina=page.previous_page_number()) if page.has_previous() else None,
        "next_url": url_with(request, pagina=page.next_page_number()) if page.has_next() else None,
        "can_resolve": scope.is_staff,
    }
    return render(request, "regie/signals/list.html", context)


def _counters(scope: Any, work: Worklist, nm: Names) -> dict[str, Any]:
    """The counters of the work list (per status, and per kind and provider)."""
    base = QueryDict(mutable=True)
    for key, value in work.chosen.items():
        if key not in ("soort", "aanbieder", "status"):
            base[key] = value
    status_base = base.copy()
    for key in ("soort", "aanbieder"):
        if key in work.chosen:
            status_base[key] = work.chosen[key]
    if "status" in work.chosen:
        base["status"] = work.chosen["status"]
    return {
        "chosen": work.chosen,
        "list_query": work.query,
        "group_base": reverse("signals") + "?" + (base.urlencode() + "&" if base else ""),
        "status_base": reverse("signals") + "?" + (status_base.urlencode() + "&" if status_base else ""),
        "counts": status_counts(work.unfiltered_status),
        "groups": groups(work.unfiltered_status, nm),
        "total": work.signals.count(),
        "is_provider": scope.is_provider,
    }


def _why(refused: tuple[str, str] | None) -> str:
    return refused[1] if refused else ""


def _list_params(request: HttpRequest) -> QueryDict:
    """The query string of the work list a change was made from (its ``next`` field)."""
    back = urlsplit(request.POST.get("next") or "")
    return QueryDict(back.query) if back.path == reverse("signals") else QueryDict()


def _back(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next")) or reverse("signals")


def safe_next(request: HttpRequest, target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None: ``//host/..``, ``/\\host``,
    ``https://host/..`` and ``javascript:`` lead elsewhere (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return None
    return target


@require_POST
@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
@transaction.atomic
def signal_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a signal's status with a note (audited). Answers HTMX with the updated row and
    the work list's counters (out of band)."""
    scope = request.scope  # type: ignore[attr-defined]
    signal = get_object_or_404(_visible(scope).select_for_update(of=("self",)), pk=pk)
    status = request.POST.get("status", "")
    note = request.POST.get("note", "").strip()
    error = _why(refusal(scope, status, note))
    if not error and not can_change(scope, signal):
        error = _("De gemeente heeft dit signaal al opgelost.")
    if not error:
        change(request.user, signal, status, note)
    if request.headers.get("HX-Request"):
        nm = names()
        here = _back(request)
        template = (
            "regie/signals/detail_status.html" if request.POST.get("view") == "detail" else "regie/signals/row.html"
        )
        context = {
            **_row_context(scope, signal, nm, error),
            **_counters(scope, worklist(scope, _list_params(request), nm), nm),
            "here": here,
            "oob": True,
        }
        return render(request, template, context)
    if error:
        flash.error(request, error)
    else:
        flash.success(request, _("Status van het signaal bijgewerkt."))
    return HttpResponseRedirect(_back(request))


@require_POST
@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
@transaction.atomic
def signal_bulk(request: HttpRequest) -> HttpResponse:
    """Change the status of many signals at once, with one note: the ones ticked on the page
    (``ids``) or, with ``alle=1``, every signal under the work list's filters. Each change is
    audited like a single one. A provider's selection skips signals the municipality resolved.
    HTMX gets the work list back (rows and counters); otherwise a redirect to it."""
    scope = request.scope  # type: ignore[attr-defined]
    nm = names()
    status = request.POST.get("status", "")
    note = request.POST.get("note", "").strip()
    params = _list_params(request)
    work = worklist(scope, params, nm)
    if request.POST.get("alle") == "1":
        chosen = work.signals
    else:
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        chosen = _visible(scope).filter(pk__in=ids)
    error = _why(refusal(scope, status, note))
    selected = list(chosen.select_for_update(of=("self",)).order_by("pk")[: BULK_LIMIT + 1]) if not error else []
    if not error and not selected:
        error = _("Kies eerst de signalen die u wilt bijwerken.")
    if not error and len(selected) > BULK_LIMIT:
        error = _("Dat zijn er te veel in één keer; verfijn het filter.")
    changed = skipped = 0
    if not error:
        for signal in selected:
            if can_change(scope, signal):
                change(request.user, signal, status, note, bulk=len(selected))
                changed += 1
            else:
                skipped += 1
    text = error
    if not error:
        text = ngettext("%(n)d signaal bijgewerkt.", "%(n)d signalen bijgewerkt.", changed) % {"n": changed}
        if skipped:
            text += " " + ngettext(
                "%(n)d signaal overgeslagen: al opgelost door de gemeente.",
                "%(n)d signalen overgeslagen: al opgelost door de gemeente.",
                skipped,
            ) % {"n": skipped}
    if request.headers.get("HX-Request"):
        request.GET = params
        return _list_response(request, scope, nm, notice=text, failed=bool(error))
    (flash.error if error else flash.success)(request, text)
    return HttpResponseRedirect(_back(request))


def _history(signal: tm.Signal) -> list[dict[str, Any]]:
    """The audited status changes of ``signal``, latest first."""
    labels = dict(tm.Signal.Status.choices)
    events = (
        AuditEvent.objects.filter(action="signal.status", detail__signal=signal.pk)
        .select_related("user")
        .order_by("-when", "-pk")
    )
    return [
        {
            "when": e.when,
            "user": e.user.username if e.user else "",
            "was": labels.get(e.detail.get("was"), e.detail.get("was")),
            "now": labels.get(e.detail.get("now"), e.detail.get("now")),
            "reason": e.reason,
            "bulk": e.detail.get("bulk"),
        }
        for e in events
    ]


@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One signal: what was found (for upcoding: the product mix beside the peers' and z),
    where it came from, its status with the way to change it, and the changes so far."""
    scope = request.scope  # type: ignore[attr-defined]
    signal = get_object_or_404(_visible(scope), pk=pk)
    nm = names()
    context = {
        **_row_context(scope, signal, nm),
        "history": _history(signal),
        "facts": _facts(signal),
        "here": request.get_full_path(),
        "list_url": reverse("signals")
        + f"?soort={signal.kind}"
        + (f"&aanbieder={signal.provider}" if signal.provider and not scope.is_provider else ""),
    }
    return render(request, "regie/signals/detail.html", context)


#: Labels of the detail fields the door's signals carry (domain.md section 7).
DETAIL_LABELS = {
    "deadline": gettext_lazy("Uiterste datum"),
    "arrival": gettext_lazy("Ontvangen"),
    "days_late": gettext_lazy("Dagen te laat"),
    "amount_cents": gettext_lazy("Bedrag"),
    "allocation": gettext_lazy("Toewijzing"),
    "volume": gettext_lazy("Gedeclareerd volume"),
    "allocated": gettext_lazy("Toegewezen volume"),
    "frequency": gettext_lazy("Frequentie"),
    "extensions": gettext_lazy("Aantal verlengingen"),
    "end": gettext_lazy("Einde toewijzing"),
    "months": gettext_lazy("Maanden zonder berichten"),
    "contract": gettext_lazy("Contract"),
    "reason": gettext_lazy("Reden"),
    "registered": gettext_lazy("Verzoek ingediend"),
    "due": gettext_lazy("Antwoordtermijn verstreken na"),
    "term_days": gettext_lazy("Antwoordtermijn (dagen)"),
    "registration": gettext_lazy("Aanmelding"),
    "urgency": gettext_lazy("Urgentie"),
    "registered_on": gettext_lazy("Aangemeld op"),
    "norm_days": gettext_lazy("Wachttijdnorm (dagen)"),
    "norm_due": gettext_lazy("Norm verstreken na"),
}


def _facts(signal: tm.Signal) -> list[tuple[str, Any, str]]:
    """The signal's detail fields as (label, value, kind of value) for the page; the upcoding
    evidence has its own table."""
    out = []
    for key, label in DETAIL_LABELS.items():
        value = (signal.detail or {}).get(key)
        if value is None or value == "":
            continue
        kind = (
            "euro"
            if key == "amount_cents"
            else "date"
            if key in ("deadline", "arrival", "end", "registered", "due", "registered_on", "norm_due")
            else "text"
        )
        out.append((str(label), value, kind))
    return out


_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def mask_bsns(text: str) -> str:
    """Mask anything that is a valid BSN (defence in depth: the archive is already redacted).

    >>> mask_bsns("<Bsn>999900006</Bsn> 123456789")
    '<Bsn>*********</Bsn> 123456789'
    """
    return _NINE_DIGITS.sub(lambda m: "*********" if is_valid_bsn(m.group(0)) else m.group(0), text)


@require_role(Role.MUNICIPALITY, Role.PROVIDER, Role.RELATIONSHIP_MANAGER)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A received message: its metadata, rejected records, signals and the archived content
    (BSNs replaced by pseudonyms at ingest)."""
    scope = request.scope  # type: ignore[attr-defined]
    message = get_object_or_404(tm.Message, pk=pk)
    if not scope.is_municipality:
        require(bool(scope.provider_agbs([message.sender, message.receiver])))
    try:
        content = zlib.decompress(bytes(message.raw)).decode("utf-8", "replace")
    except zlib.error:
        content = ""
    signals = tm.Signal.objects.filter(message=message)
    signals = scope.provider_codes(signals)
    context = {
        "message": message,
        # the file's own name: the folder it was read from is the server's business
        "file_name": message.file_name.replace("\\", "/").rsplit("/", 1)[-1],
        "rejections": message.rejections.order_by("record", "pk"),
        "signals": signals.order_by("kind", "pk"),
        "kinds": dict(tm.Signal.Kind.choices),
        "counts": {
            _("declaratieregels"): message.declaration_lines.count(),
            _("toewijzingen"): message.allocations.count(),
            _("aanvragen"): message.requests.count(),
        },
        "content": mask_bsns(content)[:200_000],
        "names": names(),
    }
    return render(request, "regie/signals/message.html", context)
