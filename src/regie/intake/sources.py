"""The files of an ingest: finding them, reading them (in a pool of processes) and their order.

An ingest is given paths (files, folders, zip archives) or uploads (a name and the bytes, in
memory or in a temporary file). :func:`gather` turns them into :class:`Source` s, one per
message or CSV file, and lists what it refuses to read (a symbolic link out of its folder, a
FIFO); :class:`FileReader` hashes a source and finds its place in the arrival order
cheaply (:meth:`FileReader.scan`), or reads it whole into an
:class:`~regie.intake.records.Incoming` with its archived form (:meth:`FileReader.read`);
:class:`ReaderPool` does either over many files in worker processes; :class:`ArrivalOrder`
puts the files in the order they are applied (docs/adr/0002, docs/adr/0023).

Nothing here knows the database: the traffic app applies and stores what is read. The BSN is
pseudonymised while a file is read; it is never kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import heapq
import itertools
import multiprocessing
import os
import stat
import tempfile
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar, cast

from regie.intake.csvfiles import read_csv
from regie.intake.records import Fault, Incoming
from regie.intake.redact import redact
from regie.intake.xml import arrival_of, read_xml
from regie.messages.bsn import pseudonym

WINDOW_FILES = 8192  # files read ahead of the one being applied
MAX_FILE_BYTES = 20 * 1024 * 1024
PARALLEL_FROM = 300  # files from which reading runs in a pool of processes
SUFFIXES = (".zip", ".xml", ".csv")


class IngestError(ValueError):
    """A path that cannot be ingested at all (does not exist, unreadable zip)."""


class NamedFile(Protocol):
    """A received file: what Django's uploaded files (in memory or in a temporary file) offer."""

    @property
    def name(self) -> str | None: ...

    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class Upload:
    """A file received rather than found on disk: its name as sent, and its content (bytes, or
    a binary file object read from where it stands)."""

    name: str
    content: bytes | IO[bytes]


#: What an ingest accepts: a path (file, folder or zip archive), or a received file.
Input = str | os.PathLike[str] | Upload | NamedFile


@dataclass(frozen=True)
class Source:
    """A file to ingest: a file on disk, or a member of a zip archive. An upload is kept on
    disk under ``path`` and known by the name it was sent with (``label``)."""

    path: str
    member: str | None = None
    label: str | None = None

    @property
    def name(self) -> str:
        shown = self.label or self.path
        return f"{shown}!{self.member}" if self.member else shown


def _refusal(file: str, reason: str) -> dict[str, str]:
    """A file not read, as a rejection of the run (the JSON shape of ``regie ingest``)."""
    return {"file": file, "message": "onbekend", "record": "", "code": "0001", "reason": reason}


def sources(paths: Iterable[str | os.PathLike[str]], refused: list[dict[str, str]] | None = None) -> list[Source]:
    """Every file under ``paths``: files, folders (recursively) and zip archives.

    Only regular files are read: in a folder, a symbolic link whose target lies outside the
    folder, and anything that is not a regular file (a FIFO, a socket, a device), is not read
    but listed in ``refused`` (as rejections of the run: file, code, reason). A path given by
    name must be a regular file (or a symbolic link to one).
    """
    out: list[Source] = []
    refused = [] if refused is None else refused
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise IngestError(f"{path}: bestand of map bestaat niet")
        if path.is_dir():
            root = path.resolve()
            files = sorted(os.path.join(folder, name) for folder, _, names in os.walk(path) for name in names)
        else:
            root, files = None, [str(path)]
        for file in files:
            suffix = os.path.splitext(file)[1].lower()
            if suffix not in SUFFIXES:
                continue
            problem = _not_regular(Path(file), root)
            if problem:
                refused.append(_refusal(file, problem))
            elif suffix == ".zip":
                out.extend(_zip_members(Path(file)))
            else:
                out.append(Source(file))
    return out


def _not_regular(path: Path, root: Path | None) -> str | None:
    """Why ``path`` (found in the folder ``root``, or given by name) is not read, or None."""
    if root is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return "niet gelezen: een symbolische koppeling naar een bestand buiten de opgegeven map"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"niet gelezen: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return "niet gelezen: geen gewoon bestand (bijvoorbeeld een FIFO of apparaat)"
    return None


def _zip_members(path: Path, label: str | None = None) -> list[Source]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise IngestError(f"{label or path}: geen geldig zip-archief") from None
    with archive:
        names = sorted(info.filename for info in archive.infolist() if not info.is_dir())
    return [Source(str(path), name, label) for name in names if Path(name).suffix.lower() in SUFFIXES[1:]]


def _uploaded(upload: Upload | NamedFile, number: int, folder: Path) -> list[Source]:
    """The sources of one received file, kept on disk under ``folder`` (a temporary file that
    Django already wrote is read where it is); a zip archive by its members."""
    content: bytes | IO[bytes] | NamedFile = upload.content if isinstance(upload, Upload) else upload
    name = upload.name or f"upload-{number}"
    name = os.path.basename(name.replace("\\", "/")) or f"upload-{number}"
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in SUFFIXES:
        return []
    temporary = getattr(content, "temporary_file_path", None)
    if callable(temporary):
        path = Path(temporary())
    else:
        path = folder / str(number) / name
        path.parent.mkdir()
        with path.open("wb") as out:
            if isinstance(content, bytes):
                out.write(content)
            else:
                while chunk := content.read(1 << 20):
                    out.write(chunk)
    return _zip_members(path, name) if suffix == ".zip" else [Source(str(path), label=name)]


@contextmanager
def gather(inputs: Iterable[Input]) -> Iterator[tuple[list[Source], list[dict[str, str]]]]:
    """The sources of ``inputs`` (paths, as :func:`sources` finds them, and uploads) and the
    files refused; an upload held in memory is kept in a temporary folder until the end."""
    refused: list[dict[str, str]] = []
    found: list[Source] = []
    with tempfile.TemporaryDirectory(prefix="regie-ingest-") as folder:
        for number, item in enumerate(inputs):
            if isinstance(item, str | os.PathLike):
                found.extend(sources([item], refused))
            else:
                found.extend(_uploaded(item, number, Path(folder)))
        yield found, refused


def _read_file(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of the file at ``path``. Read in pieces: a buffered read of the
    limit would allocate (and give back) the whole limit for every small file, which cost five
    times the read itself."""
    fd = os.open(path, os.O_RDONLY)
    try:
        pieces = [os.read(fd, min(limit, 1 << 16))]
        size = len(pieces[0])
        while pieces[-1] and size < limit:
            pieces.append(os.read(fd, min(limit - size, 1 << 20)))
            size += len(pieces[-1])
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)
    finally:
        os.close(fd)


#: Where a file goes in the arrival order: (Dagtekening, kind of message, file name).
ArrivalKey = tuple[dt.date, int, str]

# Within a day: requests before the allocations and refusals that answer them, those before
# starts, starts before stops and declarations.
_ORDER = {"315": 0, "317": 0, "301": 1, "319": 1, "305": 2, "307": 3, "323": 4}


def arrival_key(arrival: dt.date | None, code: str, file_name: str) -> ArrivalKey:
    """Files are applied in this order; a file without a Dagtekening (unreadable) comes last."""
    return (arrival or dt.date.max, _ORDER.get(code, 5), file_name)


def compress(data: bytes) -> bytes:
    """``data`` as zlib compresses it for the archive (readable with ``zlib.decompress``); a small
    file with a window to its size, which costs a quarter of the default window's set-up."""
    bits = min(15, max(9, (len(data) - 1).bit_length()))
    packer = zlib.compressobj(1, zlib.DEFLATED, bits, min(8, bits - 7))
    return packer.compress(data) + packer.flush()


def _memo(func: Callable[[str], str]) -> Callable[[str], str]:
    """``func`` remembering its results (for one file: a BSN is kept no longer than the file)."""
    seen: dict[str, str] = {}

    def remembered(value: str) -> str:
        found = seen.get(value)
        if found is None:
            found = seen[value] = func(value)
        return found

    return remembered


@dataclass
class FileReader:
    """Reads the files of one run: BSNs are pseudonymised under ``key``; a file whose content
    hash is in ``known`` (stored before) is only hashed. A zip archive of many members is
    opened once per process, not once per member."""

    key: str
    known: frozenset[str] = frozenset()
    _archives: dict[tuple[int, str], zipfile.ZipFile] = field(default_factory=dict, repr=False)

    def raw(self, source: Source) -> bytes:
        """The file's bytes; a file over the size limit is read only as far as needed to say so."""
        if source.member is None:
            return _read_file(source.path, MAX_FILE_BYTES + 1)
        with self._archive(source.path).open(source.member) as fh:
            return fh.read(MAX_FILE_BYTES + 1)

    def _archive(self, path: str) -> zipfile.ZipFile:
        key = (os.getpid(), path)  # a forked reader opens its own
        found = self._archives.get(key)
        if found is None:
            for old in [k for k in self._archives if k[0] != key[0] or len(self._archives) >= 8]:
                self._archives.pop(old)
            found = self._archives[key] = zipfile.ZipFile(path)
        return found

    def scan(self, source: Source) -> tuple[str, dt.date | None, str]:
        """The content hash of a file and its Dagtekening and message number, read cheaply
        (:func:`regie.intake.xml.arrival_of`): for every file that can be applied, the place
        :meth:`read` finds; for a file that cannot, that place or an earlier one. A file
        stored before, or too large, has no place (it comes last)."""
        raw = self.raw(source)
        content_hash = hashlib.sha256(raw).hexdigest()
        if content_hash in self.known or len(raw) > MAX_FILE_BYTES:
            return content_hash, None, ""
        if source.name.lower().endswith(".csv"):
            pseudonymise = functools.partial(pseudonym, key=self.key)
            incoming = read_csv(Incoming(source.name, raw, content_hash, ""), pseudonymise)
            return content_hash, incoming.arrival, incoming.code
        arrival, code = arrival_of(raw)
        return content_hash, arrival, code

    def read(self, source: Source) -> Incoming:
        """Read one file into an :class:`Incoming`: records, the faults inside the file, and the
        archived form (compressed, BSNs pseudonymised). The raw bytes are dropped. A file whose
        content was stored before is not parsed: it is a duplicate."""
        pseudonymise = _memo(functools.partial(pseudonym, key=self.key))  # reading and redacting meet the same BSNs
        raw = self.raw(source)
        incoming = Incoming(file_name=source.name, raw=raw, content_hash=hashlib.sha256(raw).hexdigest(), kind="")
        incoming.size = len(raw)
        if incoming.content_hash in self.known:
            incoming.raw = b""
            return incoming
        if len(raw) > MAX_FILE_BYTES:
            incoming.faults.append(Fault("0001", f"het bestand is groter dan {MAX_FILE_BYTES // (1024 * 1024)} MB"))
        elif source.name.lower().endswith(".csv"):
            read_csv(incoming, pseudonymise)
        else:
            read_xml(incoming, pseudonymise)
        incoming.archived = compress(redact(source.name, raw, pseudonymise))
        incoming.raw = b""
        return incoming


_T = TypeVar("_T")
_R = TypeVar("_R")

#: The reader of a pool's worker process: handed over once, when the worker is forked
#: (:class:`ReaderPool`), so that the tasks carry only their files, not the run's known hashes.
_worker_reader: FileReader | None = None


def _start_worker(reader: FileReader) -> None:
    global _worker_reader
    _worker_reader = reader


def _work(task: Callable[[FileReader, _T], _R], chunk: Sequence[_T]) -> list[_R]:
    assert _worker_reader is not None, "a task of a ReaderPool outside its workers"
    return [task(_worker_reader, item) for item in chunk]


def _chunks(items: Iterator[_T], size: int) -> Iterator[list[_T]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


class ReaderPool:
    """Reading is independent per file and is the larger part of an ingest: on more than a few
    hundred files it runs in a pool of worker processes (one per core), which touch no
    database, each with its own copy of ``reader``; otherwise in this process. A task is a
    function of the reader and one item (:meth:`FileReader.scan`, :meth:`FileReader.read`)."""

    def __init__(self, reader: FileReader, files: int) -> None:
        self.reader = reader
        self.pool: Any = None
        if files >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2:
            context = multiprocessing.get_context("fork")
            self.pool = context.Pool(os.cpu_count(), initializer=_start_worker, initargs=(reader,))

    def __enter__(self) -> ReaderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def map_all(self, task: Callable[[FileReader, _T], _R], items: list[_T]) -> Iterator[_R]:
        """``task`` over every item, in order, all submitted at once (for small results)."""
        if self.pool is None:
            return map(functools.partial(task, self.reader), items)
        chunks = list(_chunks(iter(items), 256))
        done = self.pool.imap(functools.partial(_work, task), chunks)
        return cast(Iterator[_R], itertools.chain.from_iterable(done))

    def map_ahead(self, task: Callable[[FileReader, _T], _R], items: Iterable[_T], window: int = 0) -> Iterator[_R]:
        """``task`` over the items, in order, with at most about ``window`` items (default
        :data:`WINDOW_FILES`) read and not yet consumed: memory stays bounded whatever the
        number of files."""
        if self.pool is None:
            yield from map(functools.partial(task, self.reader), items)
            return
        chunks = _chunks(iter(items), 64)
        pending: deque[Any] = deque()
        for chunk in itertools.islice(chunks, max(1, (window or WINDOW_FILES) // 64)):
            pending.append(self.pool.apply_async(_work, (task, chunk)))
        while pending:
            done = pending.popleft().get()
            for chunk in itertools.islice(chunks, 1):
                pending.append(self.pool.apply_async(_work, (task, chunk)))
            yield from done


#: A file's content hash and its place in the arrival order.
Scan = tuple[str, ArrivalKey]


class ArrivalOrder:
    """Files are applied sorted by Dagtekening (then kind of message and name), whatever order
    they were given in, so that a start is known before its stop; a file whose content was
    stored before, or seen earlier in this run, is a duplicate and is not applied. ``known``
    (the content hashes stored) learns every file of the run."""

    def __init__(self, known: set[str]) -> None:
        self.known = known
        self.duplicates = 0

    def plan(self, scans: Sequence[Scan]) -> list[int]:
        """The positions of the files to read, in arrival order: the new ones."""
        wanted: list[int] = []
        for i in sorted(range(len(scans)), key=lambda i: scans[i][1]):
            content_hash = scans[i][0]
            if content_hash in self.known:
                self.duplicates += 1
            else:
                self.known.add(content_hash)
                wanted.append(i)
        return wanted

    def settle(self, reading: Iterable[Incoming], scans: Iterable[Scan]) -> Iterator[Incoming]:
        """The files read (in the planned order, beside their scans) in the order to apply them.
        A file whose place, once read, lies later than the scan said (it cannot be read after
        all: no Dagtekening) waits until its place comes; a file that changed since the scan
        into one seen before is a duplicate."""
        later: list[tuple[ArrivalKey, int, Incoming]] = []
        for n, (item, (scanned, place)) in enumerate(zip(reading, scans, strict=True)):
            if item.content_hash != scanned:  # the file changed since the scan
                if item.content_hash in self.known:
                    self.duplicates += 1
                    continue
                self.known.add(item.content_hash)
            key = arrival_key(item.arrival, item.code, item.file_name)
            if key > place:
                heapq.heappush(later, (key, n, item))
                continue
            while later and later[0][0] < key:
                yield heapq.heappop(later)[2]
            yield item
        while later:
            yield heapq.heappop(later)[2]
