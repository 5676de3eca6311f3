"""Stored traffic for tests, as factory_boy factories: messages, declaration lines, signals.

Each factory fills in what a test does not say, so a test names only what it is about. The
defaults are one accepted message of the Venlo region (CBS 0983) from provider 12345678 in
2025; a message's content is a small stand-in (``content``) and its hash, compressed raw
bytes and size follow from it, so two messages with the same kind, sender, day and
identification clash as the same file sent twice would.

>>> MessageFactory.build(kind="JW305", day=dt.date(2025, 3, 1)).identification
'JW305-12345678-20250301'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib

import factory
from factory.django import DjangoModelFactory

from regie.engine.calendar import month_end
from regie.traffic import models as m

MUNICIPALITY = "0983"
PROVIDER = "12345678"
DAY = dt.date(2025, 2, 5)


class MessageFactory(DjangoModelFactory[m.Message]):
    """A stored message of ``kind`` (``WMO323``, ``JW305``, ``CSV-objections`` ...) sent on ``day``."""

    class Meta:
        model = m.Message

    class Params:
        day = DAY
        content = factory.LazyAttribute(
            lambda o: f"<Bericht>{o.kind} {o.sender} {o.identification} {o.day}</Bericht>".encode()
        )
        csv = factory.LazyAttribute(lambda o: o.kind.startswith("CSV"))

    kind = "WMO323"
    sender = PROVIDER
    receiver = MUNICIPALITY
    identification = factory.LazyAttribute(lambda o: f"{o.kind}-{o.sender}-{o.day:%Y%m%d}")
    dagtekening = factory.SelfAttribute("day")
    file_name = factory.LazyAttribute(
        lambda o: f"{o.day:%Y-%m}/{o.day.isoformat()}_{o.kind}_{o.sender}_{o.identification}.xml"
    )
    law = factory.LazyAttribute(lambda o: "" if o.csv else ("wmo" if o.kind.startswith("WMO") else "jw"))
    code = factory.LazyAttribute(lambda o: "" if o.csv else o.kind[-3:])
    content_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    raw = factory.LazyAttribute(lambda o: zlib.compress(o.content))
    size = factory.LazyAttribute(lambda o: len(o.content))
    status = m.Message.Status.ACCEPTED
    records = 1


class DeclarationLineFactory(DjangoModelFactory[m.DeclarationLine]):
    """One accepted declaration line of ``provider`` for ``care_month`` (the whole month),
    ``volume`` units of ``tariff`` cents, in its own declaration message unless ``message``
    is given; it arrives on the message's day."""

    class Meta:
        model = m.DeclarationLine

    reference = factory.Sequence(lambda n: f"R{n}")
    provider = PROVIDER
    message = factory.SubFactory(
        MessageFactory,
        kind="WMO323",
        sender=factory.SelfAttribute("..provider"),
        identification=factory.LazyAttribute(lambda o: f"D-{o.factory_parent.provider}-{o.factory_parent.reference}"),
    )
    line_id = factory.LazyAttribute(lambda o: f"{o.provider}|{o.reference}")
    municipality = MUNICIPALITY
    segment = "WMO-IB"
    client = "pseudo-0001"
    product_category = "02"
    product_code = "02A01"
    care_month = dt.date(2025, 1, 1)
    period_begin = factory.SelfAttribute("care_month")
    period_end = factory.LazyAttribute(lambda o: month_end(o.care_month))
    volume = 1
    unit = "82"
    tariff = None
    amount_cents = factory.LazyAttribute(lambda o: o.volume * (o.tariff or 0))
    arrival = factory.LazyAttribute(lambda o: o.message.dagtekening or DAY)
    accepted = True
    retour_code = "0200"


class SignalFactory(DjangoModelFactory[m.Signal]):
    """An open signal (a late declaration unless ``kind`` says otherwise) of provider
    12345678 in municipality 0983, raised today unless ``raised_on`` says otherwise."""

    class Meta:
        model = m.Signal

    kind = m.Signal.Kind.LATE_DECLARATION
    key = factory.Sequence(lambda n: f"signal-{n}")
    provider = PROVIDER
    municipality = MUNICIPALITY
    raised_on = factory.LazyFunction(dt.date.today)
