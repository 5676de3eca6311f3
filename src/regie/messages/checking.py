"""``regie check``: validate message files against the standard alone, without a database.

:func:`check_paths` takes files, folders (searched recursively for ``*.xml``) and zip
archives (their ``*.xml`` members) and returns the JSON document of domain.md section 12::

    {"files": [{"file": "...", "message": "JW301" | null, "valid": true | false,
                "errors": [{"path": "...", "code": "...", "reason": "..."}]}]}

A member of a zip archive is named ``archive.zip!member/path.xml``. Files are listed in a
stable order: the paths as given, folders and archives sorted within.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from regie.messages.faults import Fault
from regie.messages.reading import DEFAULT_MAX_BYTES, read

#: Bound on what one zip archive may unpack to in total (zip bombs).
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024


class CheckUsageError(ValueError):
    """A path given to :func:`check_paths` does not exist or is not a file, folder or archive."""


def _file_entry(name: str, message: str | None, faults: Iterable[Fault]) -> dict[str, Any]:
    errors = [{"path": f.path, "code": f.code, "reason": f.reason} for f in faults]
    return {"file": name, "message": message, "valid": not errors and message is not None, "errors": errors}


def check_bytes(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """The ``regie check`` entry for one file's bytes."""
    result = read(data, source=name, max_bytes=max_bytes)
    return _file_entry(name, result.name, result.faults)


def too_large(name: str, size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """The ``regie check`` entry of a file of ``size`` bytes over the limit (not read)."""
    return _file_entry(name, None, [Fault("/", "RG01", f"Het bestand is {size} bytes; de grens is {max_bytes} bytes.")])


def _unreadable(name: str, reason: str) -> dict[str, Any]:
    return _file_entry(name, None, [Fault("/", "RG05", reason)])


def _archive(path: Path, max_bytes: int) -> Iterator[dict[str, Any]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield _unreadable(str(path), f"Het zip-archief kan niet gelezen worden: {exc}.")
        return
    with archive:
        total = 0
        members = sorted(
            (info for info in archive.infolist() if not info.is_dir() and info.filename.lower().endswith(".xml")),
            key=lambda info: info.filename,
        )
        for info in members:
            name = f"{path}!{info.filename}"
            if info.file_size > max_bytes:
                yield too_large(name, info.file_size, max_bytes)
                continue
            total += info.file_size
            if total > MAX_ARCHIVE_BYTES:
                yield _unreadable(name, "Het zip-archief pakt uit tot meer dan de toegestane omvang.")
                return
            try:
                with archive.open(info) as member:
                    data = member.read(max_bytes + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                yield _unreadable(name, f"Het bestand in het zip-archief kan niet gelezen worden: {exc}.")
                continue
            yield check_bytes(name, data, max_bytes)


def _file(path: Path, max_bytes: int) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return too_large(str(path), size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        return _unreadable(str(path), f"Het bestand kan niet gelezen worden: {exc.strerror or exc}.")
    return check_bytes(str(path), data, max_bytes)


def iter_checks(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[dict[str, Any]]:
    """One ``regie check`` entry per message file found under ``paths``, in a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                if found.suffix.lower() == ".xml":
                    yield _file(found, max_bytes)
                elif found.suffix.lower() == ".zip":
                    yield from _archive(found, max_bytes)
        elif path.is_file() and path.suffix.lower() == ".zip":
            yield from _archive(path, max_bytes)
        elif path.is_file():
            yield _file(path, max_bytes)
        else:
            raise CheckUsageError(f"{given}: bestand of map bestaat niet")


def check_paths(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """The ``regie check`` JSON document for the message files under ``paths``.

    Raises :class:`CheckUsageError` when a path does not exist.
    """
    given = list(paths)
    missing = [str(p) for p in given if not Path(p).exists()]
    if missing:
        raise CheckUsageError(f"{', '.join(missing)}: bestand of map bestaat niet")
    return {"files": list(iter_checks(given, max_bytes))}
