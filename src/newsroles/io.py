"""The one atomic writer of the package, and the JSON readers with line-numbered errors.

Every file newsroles writes goes through `atomic_path`: the content goes to a temporary file
beside the target and is renamed over it, so a crash or a kill never leaves half a file that
looks whole, and an existing file is never removed before its replacement is in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from newsroles.errors import NewsrolesError


@contextlib.contextmanager
def atomic_path(path: str | Path, mode: int = 0o644) -> Iterator[str]:
    """Yield a temporary path beside `path`; rename it over `path` when the block ends,
    remove it if the block fails. A file replaced keeps its permissions; a new one gets
    `mode` (mkstemp makes files private; run outputs are for sharing)."""
    path = Path(path)
    if path.is_dir():
        raise NewsrolesError("is a directory, expected a file name", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file():
            mode = stat.S_IMODE(path.stat().st_mode)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise NewsrolesError(f"cannot write here ({e.strerror or e})", path) from None
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_files(folder: str | Path) -> Iterator[Path]:
    """Yield a temporary folder inside `folder`; when the block ends, move every file
    written there into `folder` (files of the same name are replaced); if it fails,
    remove them all, so `folder` gets all of them or none."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".newsroles-"))
    try:
        yield tmp
        for f in sorted(tmp.iterdir()):
            os.chmod(f, 0o644)
            os.replace(f, folder / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_text(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def write_json(path: str | Path, obj) -> None:
    write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def write_jsonl(path: str | Path, rows) -> None:
    write_text(path, "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n"
                             for r in rows))


def open_binary(path: str | Path):
    path = Path(path)
    if not path.exists():
        raise NewsrolesError("file not found", path)
    if path.is_dir():
        raise NewsrolesError("is a directory, expected a file", path)
    return path.open("rb")


def iter_json_lines(fh, name: object, allow_empty: bool = False
                    ) -> Iterator[tuple[int, dict]]:
    """Yield (line_number, object) from a binary stream of JSON lines; `name` is what the
    error messages call it. Blank lines are skipped; an empty stream is an error unless
    `allow_empty` (a gold set starts empty)."""
    seen_any = False
    for lineno, raw in enumerate(fh, 1):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise NewsrolesError(f"not UTF-8 text (byte {e.start})", name, lineno) from None
        if not line.strip():
            continue
        obj = loads_json(line, name, lineno)
        if not isinstance(obj, dict):
            raise NewsrolesError("expected a JSON object", name, lineno)
        seen_any = True
        yield lineno, obj
    if not seen_any and not allow_empty:
        raise NewsrolesError("empty file: no JSON lines", name)


def loads_json(text: str, name: object, lineno: int | None = None):
    """json.loads with its failures as one-line errors: bad syntax, nesting deeper than
    Python's recursion limit, integers longer than Python converts (4,300 digits)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise NewsrolesError(f"not valid JSON ({e.msg})", name, lineno) from None
    except RecursionError:
        raise NewsrolesError("not valid JSON here (nested too deeply)", name, lineno) from None
    except ValueError as e:  # e.g. "Exceeds the limit (4300 digits) for integer string ..."
        raise NewsrolesError(f"not valid JSON here ({str(e).split(';')[0]})", name,
                             lineno) from None


def iter_jsonl(path: str | Path, allow_empty: bool = False) -> Iterator[tuple[int, dict]]:
    """Yield (line_number, object) for each non-blank line; bad lines raise NewsrolesError."""
    path = Path(path)
    with open_binary(path) as fh:
        yield from iter_json_lines(fh, path, allow_empty)


def read_json(path: str | Path):
    """A whole JSON file; a bad one is a NewsrolesError naming it."""
    path = Path(path)
    with open_binary(path) as fh:
        data = fh.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise NewsrolesError(f"not UTF-8 text (byte {e.start})", path) from None
    return loads_json(text, path)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (hashlib.file_digest)."""
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
