"""The data-quality work list (domain.md section 7) and the message a signal came from.

- municipality staff see every signal and set its status (open, explained, resolved) with
  a note; every change is audited;
- a provider sees its own signals and may explain one (status *explained* with a note); a
  signal or message of another provider does not exist for it (404);
- the council sees neither: signals are about clients and providers.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regie.messages.bsn import is_valid_bsn
from regie.site.audit import audit
from regie.site.models import Role
from regie.site.pages.common import Column, headers, names, require, url_with
from regie.site.roles import require_role
from regie.traffic import models as tm

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


def _visible(scope: Any) -> QuerySet[tm.Signal]:
    qs = tm.Signal.objects.select_related("message")
    if scope.is_provider:
        qs = qs.filter(provider=scope.provider_agb)
    return qs


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


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def signal_list(request: HttpRequest) -> HttpResponse:
    """The work list: filter by kind, status, provider, segment, municipality (in the URL),
    sorted server-side, 50 per page."""
    scope = request.scope  # type: ignore[attr-defined]
    nm = names()
    qs = _visible(scope)
    filters = {
        "soort": ("kind", [k for k, _l in tm.Signal.Kind.choices]),
        "status": ("status", [k for k, _l in tm.Signal.Status.choices]),
        "aanbieder": ("provider", list(nm.providers)),
        "segment": ("segment", list(nm.segments)),
        "gemeente": ("municipality", list(nm.municipalities)),
    }
    chosen: dict[str, str] = {}
    for param, (field, allowed) in filters.items():
        value = request.GET.get(param) or ""
        if value in allowed:
            qs = qs.filter(**{field: value})
            chosen[param] = value
    counts = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("pk")).order_by()}
    by_kind = list(qs.values("kind").annotate(n=Count("pk")).order_by("-n", "kind"))
    sort = request.GET.get("sort", "-raised_on")
    field = SORTS.get(sort.lstrip("-"))
    if field is None:
        sort, field = "-raised_on", "raised_on"
    prefix = "-" if sort.startswith("-") else ""
    qs = qs.order_by(f"{prefix}{field}", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    kinds = dict(tm.Signal.Kind.choices)
    context = {
        "page": page,
        "headers": headers(request, _columns(), sort),
        "names": nm,
        "kinds": tm.Signal.Kind.choices,
        "statuses": tm.Signal.Status.choices,
        "chosen": chosen,
        "counts": [(key, label, counts.get(key, 0)) for key, label in tm.Signal.Status.choices],
        "by_kind": [{"kind": r["kind"], "label": kinds.get(r["kind"], r["kind"]), "n": r["n"]} for r in by_kind],
        "providers": sorted(nm.providers.items(), key=lambda kv: kv[1]) if not scope.is_provider else [],
        "segments": sorted(nm.segments.items()),
        "municipalities": sorted(nm.municipalities.items()),
        "prev_url": url_with(request, pagina=page.previous_page_number()) if page.has_previous() else None,
        "next_url": url_with(request, pagina=page.next_page_number()) if page.has_next() else None,
        "can_resolve": scope.is_municipality,
    }
    return render(request, "regie/signals/list.html", context)


def _allowed_statuses(scope: Any) -> list[str]:
    if scope.is_municipality:
        return [k for k, _l in tm.Signal.Status.choices]
    return [tm.Signal.Status.EXPLAINED]


@require_POST
@require_role(Role.MUNICIPALITY, Role.PROVIDER)
@transaction.atomic
def signal_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a signal's status with a note (audited). Answers HTMX with the updated row."""
    scope = request.scope  # type: ignore[attr-defined]
    signal = get_object_or_404(_visible(scope).select_for_update(of=("self",)), pk=pk)
    status = request.POST.get("status", "")
    note = request.POST.get("note", "").strip()
    error = ""
    if status not in _allowed_statuses(scope):
        error = _("Deze status kunt u niet kiezen.")
    elif status != tm.Signal.Status.OPEN and not note:
        error = _("Geef een toelichting.")
    if not error:
        before = signal.status
        signal.status = status
        signal.note = note
        signal.save(update_fields=["status", "note"])
        audit(
            request.user, "signal.status", f"{signal.kind} {signal.key}", note, was=before, now=status, signal=signal.pk
        )
    if request.headers.get("HX-Request"):
        context = {"s": signal, "names": names(), "kinds": dict(tm.Signal.Kind.choices), "error": error,
                   "statuses": tm.Signal.Status.choices, "can_resolve": scope.is_municipality}  # fmt: skip
        return render(request, "regie/signals/row.html", context, status=200)
    if error:
        flash.error(request, error)
    else:
        flash.success(request, _("Status van het signaal bijgewerkt."))
    back = request.POST.get("next") or reverse("signals")
    if not back.startswith("/"):
        back = reverse("signals")
    return HttpResponseRedirect(back)


_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def mask_bsns(text: str) -> str:
    """Mask anything that is a valid BSN (defence in depth: the archive is already redacted).

    >>> mask_bsns("<Bsn>999900006</Bsn> 123456789")
    '<Bsn>*********</Bsn> 123456789'
    """
    return _NINE_DIGITS.sub(lambda m: "*********" if is_valid_bsn(m.group(0)) else m.group(0), text)


@require_role(Role.MUNICIPALITY, Role.PROVIDER)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A received message: its metadata, rejected records, signals and the archived content
    (BSNs replaced by pseudonyms at ingest)."""
    scope = request.scope  # type: ignore[attr-defined]
    message = get_object_or_404(tm.Message, pk=pk)
    if scope.is_provider:
        require(scope.provider_agb in (message.sender, message.receiver))
    try:
        content = zlib.decompress(bytes(message.raw)).decode("utf-8", "replace")
    except zlib.error:
        content = ""
    signals = tm.Signal.objects.filter(message=message)
    if scope.is_provider:
        signals = signals.filter(Q(provider=scope.provider_agb))
    context = {
        "message": message,
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
