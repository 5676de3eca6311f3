"""Synthetic people and organisations: test BSNs, names, AGB codes.

Every BSN made here is a nine-digit number starting with ``999`` (``998``, ... when a region
needs more) that passes the eleven-test (:func:`regie.messages.bsn.is_valid_bsn`), drawn
without replacement so that BSNs are unique within a region.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)

SURNAMES = (
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Jong",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "van der Wal",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "El Amrani",
    "Yilmaz",
    "Kaya",
    "Bouzid",
    "Pinas",
    "Nguyen",
    "Verbeek",
    "Gerritsen",
    "Kuijpers",
    "Hermans",
)
FIRST_NAMES = (
    "Emma",
    "Noah",
    "Julia",
    "Liam",
    "Mila",
    "Luuk",
    "Tess",
    "Sem",
    "Sophie",
    "Lucas",
    "Zoë",
    "Daan",
    "Sara",
    "Levi",
    "Nora",
    "Finn",
    "Evi",
    "Milan",
    "Anna",
    "Bram",
    "Lotte",
    "Jesse",
    "Fleur",
    "Thijs",
    "Yara",
    "Mohammed",
    "Fatima",
    "Adam",
    "Ayoub",
    "Ilse",
    "Hanna",
    "Ruben",
    "Maria",
    "Kees",
    "Johanna",
    "Willem",
    "Gerrit",
    "Ingrid",
    "Peter",
    "Monique",
    "Henk",
    "Anke",
    "Rob",
    "Petra",
    "Marco",
    "Linda",
)
_PARTICLES = ("van den ", "van der ", "van de ", "de ", "van ", "el ")

PROVIDER_WORDS = (
    "De Maasbrug",
    "Horizon",
    "Noorderlicht",
    "De Brug",
    "Het Anker",
    "Kompas",
    "De Linde",
    "Oostwijk",
    "Bolder",
    "Vitalis",
    "De Wissel",
    "Samen Verder",
    "Kiem",
    "Parel",
    "De Schakel",
    "Zonnehuis",
    "Lichtpunt",
    "Groeikracht",
    "De Overstap",
    "Veldzicht",
    "Rivierduin",
    "Amstelkring",
    "IJzicht",
    "Stadsgenoten",
    "Boegbeeld",
    "Koersvast",
    "Meander",
    "De Hoeksteen",
    "Waterland",
    "Tussenstap",
    "Opmaat",
    "Kernkracht",
    "Welzijn Plus",
    "Thuisbasis",
    "De Kade",
    "Het Baken",
    "Binnenstad",
    "Perspectief",
    "Nieuw Begin",
    "Wending",
)
PROVIDER_KINDS = {
    "wmo": ("Begeleiding", "Zorggroep", "Stichting", "Wonen"),
    "jeugd": ("Jeugdhulp", "Stichting", "Jeugdzorg", "Gezinshuis"),
}


def draw_bsns(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct nine-digit BSNs starting with ``999`` (then ``998``, ... when more are
    needed), all passing the eleven-test.

    For each eight-digit prefix there is at most one check digit: the weighted sum of the
    prefix modulo 11, when that is below 10.
    """
    blocks: list[npt.NDArray[np.int64]] = []
    prefix = 999
    while sum(b.size for b in blocks) < n and prefix >= 990:
        heads = np.arange(prefix * 100_000, (prefix + 1) * 100_000, dtype=np.int64)
        digits = (heads[:, None] // (10 ** np.arange(7, -1, -1, dtype=np.int64))) % 10
        check = (digits @ _WEIGHTS[:8]) % 11
        ok = check < 10
        blocks.append(heads[ok] * 10 + check[ok])
        prefix -= 1
    valid = np.concatenate(blocks)
    if n > valid.size:
        raise ValueError(f"cannot make {n} distinct test BSNs (at most {valid.size})")
    chosen = rng.choice(valid, size=n, replace=False)
    return [f"{v:09d}" for v in chosen.tolist()]


def corrupt_bsn(bsn: str) -> str:
    """The BSN with its last digit changed by one: fails the eleven-test (a typing error)."""
    last = (int(bsn[-1]) + 1) % 10
    return bsn[:-1] + str(last)


def surname_parts(index: npt.NDArray[np.int64]) -> list[tuple[str, str]]:
    """(achternaam, voorvoegsel) for surname indices."""
    out = []
    for i in index.tolist():
        name = SURNAMES[i % len(SURNAMES)]
        prefix = ""
        for particle in _PARTICLES:
            if name.lower().startswith(particle):
                prefix, name = particle.strip(), name[len(particle) :]
                break
        out.append((name, prefix))
    return out


def agb_codes(n: int, rng: np.random.Generator, prefix: int = 87) -> list[str]:
    """``n`` distinct synthetic AGB codes of eight digits starting with ``prefix``."""
    chosen = rng.choice(1_000_000, size=n, replace=False)
    return [f"{prefix:02d}{v:06d}" for v in sorted(chosen.tolist())]


def provider_names(n: int, domain: str, rng: np.random.Generator, taken: set[str]) -> list[str]:
    """``n`` distinct synthetic provider names for a domain, avoiding names in ``taken``."""
    kinds = PROVIDER_KINDS[domain]
    out: list[str] = []
    order = rng.permutation(len(PROVIDER_WORDS)).tolist()
    k = 0
    while len(out) < n:
        word = PROVIDER_WORDS[order[k % len(order)]]
        kind = kinds[int(rng.integers(len(kinds)))]
        name = f"{kind} {word}" if k < len(order) else f"{kind} {word} {k // len(order) + 1}"
        k += 1
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out
