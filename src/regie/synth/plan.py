"""The message plan: which records travel in which message, when, and in which file.

One message per event as the standard exchanges them:

- 301 (municipality -> provider): the allocation events of one client at one provider on one
  day (a new allocation or an extension, RedenWijziging 04);
- 305 / 307 (provider -> municipality): the care starts / stops of one client at one provider
  that arrive on one day;
- 315 (provider -> municipality, Venlo): one request for allocation;
- 319 (municipality -> provider, Venlo): the refusal of a request that leads to no care, on
  the day it is decided (a few late), with a reason (WJ759); a few such requests stay
  unanswered. A request that leads to care is granted by the 301 naming its ReferentieAanbieder;
- 323 (provider -> municipality): the declaration of one provider to one municipality under
  one law for one care month: the regular monthly declaration, a supplementary one (lines
  left out before), or a correction (credits with their corrected debits).

File names sort in arrival order:
``messages/YYYY-MM/YYYY-MM-DD_<LAW><code>_<sender>_<identification>.xml``. Identifications
are numbered per sender and message type in arrival order. A few messages are malformed
(truncated, or in a wrong namespace); the sender sends the same content again a few days
later with a new identification, and only that resend counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from regie.synth import calendar as cal
from regie.synth.rng import stream
from regie.synth.simulate import World
from regie.synth.traffic import Traffic

PREFIX = {"301": "T", "305": "S", "307": "E", "315": "V", "317": "W", "319": "A", "323": "D"}
#: Share of the requests that lead to no care that the municipality never answers.
UNANSWERED_SHARE = 0.2
#: Share of the refusals that come late: 60 to 90 days after the request (past the answer term).
LATE_SHARE = 0.2
#: RedenAfwijzingVerzoek (WJ759) of the refusals: past budget, contract, stacking, care content.
REFUSAL_REASONS = ("2", "4", "6", "7")
LAW_NAME = {"jw": "JW", "wmo": "WMO"}
MALFORMED_KINDS = ("truncated", "namespace")


@dataclass
class Plan:
    #: one row per file: msg, law, code, sender, receiver, arrival, identification, file,
    #: malformed ("" | "truncated" | "namespace"), content (msg whose records it carries)
    messages: pl.DataFrame
    #: allocation events with their message: allocation_number, event, msg
    allocation_msgs: pl.DataFrame
    #: episode -> msg of its care start / stop (xml channel only)
    start_msgs: pl.DataFrame
    stop_msgs: pl.DataFrame
    #: fake episodes (care without allocation) -> msg of their care start
    fake_start_msgs: pl.DataFrame
    #: request index -> msg and ReferentieAanbieder (Venlo)
    request_msgs: pl.DataFrame
    #: request index -> msg of the 319 refusing it and its reason (Venlo)
    reply_msgs: pl.DataFrame
    #: declaration lines with msg, reference, previous reference, declaration number
    lines: pl.DataFrame

    def effective_arrival(self) -> dict[int, int]:
        """msg -> the arrival day of the message whose content counts (a resend for a malformed one)."""
        m = self.messages.filter(pl.col("malformed") == "")
        return dict(zip(m["content"].to_list(), m["arrival"].to_list(), strict=True))

    def file_of(self) -> dict[int, str]:
        """content msg -> file of the valid message carrying it."""
        m = self.messages.filter(pl.col("malformed") == "")
        return dict(zip(m["content"].to_list(), m["file"].to_list(), strict=True))


def _law(world: World) -> dict[str, str]:
    return {s.code: s.law for s in world.spec.segments}


@dataclass(frozen=True)
class _Kind:
    """How the records of one kind of message are grouped: a message per (law, sender,
    receiver, arrival day, key), the columns of a record that give each."""

    code: str
    sender: str
    receiver: str
    arrival: str
    #: what one message of the kind is about, beside its law, sender, receiver and day
    key: pl.Expr


_ALLOCATION = _Kind("301", "municipality", "provider", "arrival", pl.format("301|{}|{}", "provider", "client"))
_START = _Kind("305", "provider", "municipality", "start_arrival", pl.format("305|{}|{}", "provider", "client"))
_STOP = _Kind("307", "provider", "municipality", "stop_arrival", pl.format("307|{}|{}", "provider", "client"))
_REQUEST = _Kind("315", "provider", "municipality", "request_day", pl.format("315|{}", "request"))
_REPLY = _Kind("319", "municipality", "provider", "decided", pl.format("319|{}", "request"))
_DECLARATION = _Kind(
    "323", "provider", "municipality", "arrival", pl.format("323|{}|{}|{}", "care_month", "batch", "municipality")
)


def _events(df: pl.DataFrame, kind: _Kind, law: pl.Expr) -> pl.DataFrame:
    """The message columns (law, code, sender, receiver, arrival, key) of each record in ``df``."""
    return df.select(
        (pl.col("law") if "law" in df.columns else law).alias("law"),
        pl.lit(kind.code).alias("code"),
        pl.col(kind.sender).alias("sender"),
        pl.col(kind.receiver).alias("receiver"),
        pl.col(kind.arrival).alias("arrival"),
        kind.key.alias("key"),
    )


def build_plan(world: World, traffic: Traffic) -> Plan:
    """Group every record that arrives into its message, number and name the messages, and
    give each record the message it travels in."""
    law_expr = pl.col("segment").replace_strict(_law(world), return_dtype=pl.Utf8)
    ev = traffic.allocation_events.join(
        traffic.allocations.select("allocation_number", "client", "provider", "municipality", "segment"),
        on="allocation_number",
    ).with_columns(law_expr.alias("law"))
    # 305 / 307 of episodes sent as XML, and the starts of care without allocation
    e = traffic.episodes.filter(pl.col("channel") == "xml").with_columns(law_expr.alias("law"))
    stopped = e.filter(pl.col("stop_arrival") >= 0)
    f = traffic.fake.with_columns(law_expr.alias("law"))
    requests = traffic.requests.with_row_index("request").with_columns(pl.col("request").cast(pl.Int64))
    # 315 / 319: Venlo's requests for allocation, one per request, and the refusals of those
    # that lead to no care (a few stay unanswered)
    venlo_requests = not world.spec.core_partners
    replies = _replies(world, requests) if venlo_requests else requests.clear()
    sources = [(ev, _ALLOCATION), (e, _START), (f, _START), (stopped, _STOP), (traffic.lines, _DECLARATION)]
    if venlo_requests:
        sources += [(requests, _REQUEST), (replies, _REPLY)]
    msgs = (
        pl.concat([_events(df, kind, law_expr) for df, kind in sources])
        .unique()
        .sort(["arrival", "law", "code", "sender", "receiver", "key"])
        .with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias("msg"))
    )
    msgs = _named(_malform(world, msgs, traffic.lines))

    original = msgs.filter(pl.col("resend") == 0)
    key_msg = {
        (law, code, s, r, k, a): c
        for law, code, s, r, k, a, c in original.select(
            "law", "code", "sender", "receiver", "key", "arrival", "content"
        ).iter_rows()
    }

    def lookup(df: pl.DataFrame, kind: _Kind) -> pl.Series:
        """The message each record of ``df`` travels in."""
        rows = _events(df, kind, law_expr).select("law", "sender", "receiver", "key", "arrival")
        return pl.Series(
            "msg",
            [key_msg[(law, kind.code, s, r, k, a)] for law, s, r, k, a in rows.iter_rows()],
            dtype=pl.Int64,
        )

    fake_start_msgs = f.with_row_index("fake").select(pl.col("fake").cast(pl.Int64)).with_columns(lookup(f, _START))
    if venlo_requests:
        request_msgs = _request_references(
            requests.select("request").with_columns(lookup(requests, _REQUEST)), requests, msgs
        )
        reply_msgs = replies.select("request", "reason").with_columns(lookup(replies, _REPLY))
    else:
        request_msgs = requests.select("request").with_columns(
            pl.lit(None, dtype=pl.Int64).alias("msg"),
            pl.format("CAP{}", (pl.col("request") + 1).cast(pl.Utf8).str.zfill(7)).alias("reference"),
        )
        reply_msgs = pl.DataFrame(schema={"request": pl.Int64, "reason": pl.Utf8, "msg": pl.Int64})
    return Plan(
        messages=msgs,
        allocation_msgs=ev.select("allocation_number", "event").with_columns(lookup(ev, _ALLOCATION)),
        start_msgs=e.select("episode").with_columns(lookup(e, _START)),
        stop_msgs=stopped.select("episode").with_columns(lookup(stopped, _STOP)),
        fake_start_msgs=fake_start_msgs,
        request_msgs=request_msgs,
        reply_msgs=reply_msgs,
        lines=_references(traffic.lines.with_columns(lookup(traffic.lines, _DECLARATION)), msgs),
    )


def _named(msgs: pl.DataFrame) -> pl.DataFrame:
    """Each message's BerichtIdentificatie (numbered per sender, law and code in arrival order)
    and file name; sorted by file name, which sorts in arrival order."""
    msgs = msgs.sort(["arrival", "law", "code", "sender", "receiver", "key", "resend"]).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(["sender", "law", "code"]).alias("seq")
    )
    ident = pl.col("code").replace_strict(PREFIX, return_dtype=pl.Utf8) + pl.col("seq").cast(pl.Utf8).str.zfill(7)
    day = cal.as_dates("arrival")
    return (
        msgs.with_columns(ident.alias("identification"))
        .with_columns(
            pl.format(
                "messages/{}/{}_{}{}_{}_{}.xml",
                day.dt.strftime("%Y-%m"),
                day.dt.strftime("%Y-%m-%d"),
                pl.col("law").replace_strict(LAW_NAME, return_dtype=pl.Utf8),
                "code",
                "sender",
                "identification",
            ).alias("file")
        )
        .drop("seq")
        .sort("file")
    )


def _request_references(request_msgs: pl.DataFrame, requests: pl.DataFrame, msgs: pl.DataFrame) -> pl.DataFrame:
    """The ReferentieAanbieder of each 315: numbered per provider in arrival order."""
    return (
        request_msgs.join(requests.select("request", "provider"), on="request")
        .join(msgs.select("msg", "arrival"), on="msg")
        .sort(["arrival", "msg"])
        .with_columns(
            pl.format(
                "VA{}", pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("provider").cast(pl.Utf8).str.zfill(8)
            ).alias("reference")
        )
        .drop("arrival", "provider")
        .sort("request")
    )


def _replies(world: World, requests: pl.DataFrame) -> pl.DataFrame:
    """The requests (with their index) that lead to no care and are refused by a 319 on the
    day they are decided, each with a reason; :data:`UNANSWERED_SHARE` of them get no answer,
    and :data:`LATE_SHARE` of the others are refused 60 to 90 days after the request."""
    refused = requests.filter(pl.col("rejected"))
    rng = stream(world.seed, world.spec.name, "answers")
    n = refused.height
    answered = rng.random(n) >= UNANSWERED_SHARE
    reasons = rng.choice(np.array(REFUSAL_REASONS), size=n)
    late = rng.random(n) < LATE_SHARE
    late_day = cal.next_weekday(refused["request_day"].to_numpy() + rng.integers(60, 91, n))
    decided = np.where(late, late_day, refused["decided"].to_numpy())
    return refused.with_columns(
        pl.Series("reason", reasons, dtype=pl.Utf8), pl.Series("decided", decided, dtype=pl.Int64)
    ).filter(pl.Series(answered))


def _malform(world: World, msgs: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """Pick a few 305/307/323 messages to arrive malformed, and add their resends."""
    rng = stream(world.seed, world.spec.name, "malformed")
    k = max(len(MALFORMED_KINDS), int(round(world.spec.faults.get("malformed", 2) * max(world.scale, 0.5))))
    lo = cal.day(dt.date(world.year - 1, 1, 1))
    hi = cal.day(dt.date(world.year, 10, 1))
    # only a message nothing else depends on for a month: no faulty lines in it, no later
    # supplement or correction for the same care month, no other message about the client
    # from the same sender within 30 days (so the resend still comes first)
    faulty = set(
        lines.filter(pl.col("fault") != "")
        .select(pl.format("{}|323|{}|{}|{}", "provider", "care_month", "batch", "municipality"))
        .to_series()
        .to_list()
    )
    followed = set(
        lines.filter(pl.col("batch") != "regular")
        .select(pl.format("{}|323|{}|regular|{}", "provider", "care_month", "municipality"))
        .to_series()
        .to_list()
    )
    about_client = msgs.filter(pl.col("code").is_in(["301", "305", "307"])).with_columns(
        pl.col("key").str.split("|").list.get(2).alias("client"),
        pl.when(pl.col("code") == "301").then(pl.col("receiver")).otherwise(pl.col("sender")).alias("provider"),
    )
    busy = set(
        about_client.sort(["arrival", "msg"])
        .with_columns((pl.col("arrival").shift(-1).over(["provider", "client"]) - pl.col("arrival")).alias("gap"))
        .filter(pl.col("gap").is_not_null() & (pl.col("gap") <= 30))["msg"]
        .to_list()
    )
    codes = ["323", "305", "307"]
    msgs = msgs.with_columns(pl.col("msg").alias("content"), pl.lit("").alias("malformed"), pl.lit(0).alias("resend"))
    chosen: list[int] = []
    for i in range(k):
        code = codes[i % len(codes)]
        pool = msgs.filter(
            (pl.col("code") == code)
            & (pl.col("arrival") >= lo)
            & (pl.col("arrival") <= hi)
            & ~pl.col("msg").is_in(chosen)
            & ~pl.col("msg").is_in(sorted(busy))
        )
        if code == "323":
            full_key = pl.format("{}|{}", "sender", "key")
            pool = pool.filter(
                pl.col("key").str.contains("regular")
                & ~full_key.is_in(sorted(faulty))
                & ~full_key.is_in(sorted(followed))
            )
        if pool.height == 0:
            continue
        chosen.append(int(pool["msg"][int(rng.integers(pool.height))]))
    if not chosen:
        return msgs
    kinds = {m: MALFORMED_KINDS[i % len(MALFORMED_KINDS)] for i, m in enumerate(chosen)}
    bad = msgs.filter(pl.col("msg").is_in(chosen))
    resend_day = cal.next_weekday(
        np.asarray(bad["arrival"].to_numpy(), dtype=np.int64) + rng.integers(3, 11, bad.height)
    )
    top = int(msgs["msg"].max() or 0)  # type: ignore[arg-type]
    resends = bad.with_columns(
        pl.Series("arrival", resend_day),
        pl.int_range(top + 1, top + 1 + bad.height, dtype=pl.Int64).alias("msg"),
        pl.lit(1).alias("resend"),
    )
    # the resend carries the content; the malformed original shows it broken
    content = dict(zip(bad["msg"].to_list(), resends["msg"].to_list(), strict=True))
    msgs = msgs.with_columns(
        pl.col("msg").replace_strict(content, default=pl.col("content"), return_dtype=pl.Int64).alias("content"),
        pl.col("msg").replace_strict(kinds, default="", return_dtype=pl.Utf8).alias("malformed"),
    )
    resends = resends.with_columns(pl.col("msg").alias("content"))
    return pl.concat([msgs, resends.select(msgs.columns)])


def _references(lines: pl.DataFrame, msgs: pl.DataFrame) -> pl.DataFrame:
    """ReferentieNummer per provider and law, in arrival order, and the DeclaratieNummer per
    message. A credit line has its own number and names the credited line as its
    VorigReferentieNummer (CD060)."""
    eff = msgs.filter(pl.col("malformed") == "").select(
        pl.col("content").alias("msg"), pl.col("arrival").alias("eff_arrival")
    )
    lines = lines.join(eff, on="msg", how="left")
    # within a message a credit comes before the corrected debit (the running total of an
    # allocation never passes its volume, TR322)
    lines = (
        lines.with_columns((~pl.col("credit")).alias("_debit"))
        .sort(["eff_arrival", "msg", "client", "care_month", "_debit", "line"])
        .drop("_debit")
        .with_columns(
            pl.format(
                "R{}",
                pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(["provider", "law"]).cast(pl.Utf8).str.zfill(9),
            ).alias("reference")
        )
    )
    ref_of = dict(zip(lines["line"].to_list(), lines["reference"].to_list(), strict=True))
    # a credit names the line it credits (CD060); the corrected debit is a line of its own
    out = lines.with_columns(
        pl.when(pl.col("credit"))
        .then(pl.col("corrects").replace_strict(ref_of, default=None, return_dtype=pl.Utf8))
        .otherwise(None)
        .alias("previous_reference")
    )
    numbers = (
        msgs.filter((pl.col("code") == "323") & (pl.col("resend") == 0))
        .sort(["arrival", "msg"])
        .with_columns(
            pl.format(
                "DN{}", pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(["sender", "law"]).cast(pl.Utf8).str.zfill(7)
            ).alias("declaration_number")
        )
    )
    number_of = dict(zip(numbers["msg"].to_list(), numbers["declaration_number"].to_list(), strict=True))
    # a resend keeps the number of the malformed original (it was never processed)
    for original, content in (
        msgs.filter((pl.col("malformed") != "") & (pl.col("code") == "323")).select("msg", "content").iter_rows()
    ):
        number_of[content] = number_of[original]
    return out.with_columns(
        pl.col("msg").replace_strict(number_of, return_dtype=pl.Utf8).alias("declaration_number")
    ).sort("line")
