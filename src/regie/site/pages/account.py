"""The user's own page ("Mijn account"): the API tokens of the user.

A token is made with a name and shown once, on the page that answers the form (it is not
stored: only its hash and its first characters are); the list shows each token's name, first
characters, when it was made, when it expires and when it was last used; a token is revoked
with one button. Making and revoking are written to the audit log. Every role has the page;
a user sees and revokes only its own tokens (another user's token is not found: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from regie.accounts.audit import audit
from regie.accounts.models import ApiToken
from regie.accounts.tokens import issue_token, revoke_token
from regie.site.roles import EVERY_ROLE, require_role

MAX_NAME = ApiToken._meta.get_field("name").max_length


@require_http_methods(["GET", "POST"])
@require_role(*EVERY_ROLE)
def account(request: HttpRequest) -> HttpResponse:
    """The token list; a POST makes a token named ``naam`` and shows it once."""
    context: dict[str, object] = {"max_name": MAX_NAME}
    if request.method == "POST":
        name = request.POST.get("naam", "").strip()
        if not name or len(name) > MAX_NAME:
            context["error"] = _("Geef het token een naam van 1 tot %(max)d tekens.") % {"max": MAX_NAME}
        elif ApiToken.objects.filter(user=request.user, name=name).exists():
            context["error"] = _("U heeft al een token met deze naam; kies een andere naam of trek dat token in.")
        else:
            try:
                with transaction.atomic():
                    token, expires = issue_token(request.user, name)
            except IntegrityError:  # the same name, made at the same moment in another tab
                context["error"] = _("U heeft al een token met deze naam; kies een andere naam of trek dat token in.")
            else:
                audit(request.user, "token aangemaakt", name)
                context.update(new_token=token, new_name=name, new_expires=expires)
        context["name"] = name if "error" in context else ""
    context["tokens"] = ApiToken.objects.filter(user=request.user).order_by("-created")
    return render(request, "regie/account.html", context, status=400 if "error" in context else 200)


@require_POST
@require_role(*EVERY_ROLE)
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens; it stops working at once."""
    row = revoke_token(request.user, pk)
    if row is None:
        raise Http404
    audit(request.user, "token ingetrokken", row.name)
    messages.success(request, _("Het token '%(name)s' is ingetrokken; het werkt niet meer.") % {"name": row.name})
    return redirect("account")
