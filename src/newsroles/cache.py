"""Content-addressed stage cache: a stage whose inputs and config are unchanged is reused.

A key is the SHA-256 of the stage name, the code version, the hashes of its input files and
upstream keys, and its config section. Entries are written to a temporary folder and renamed
into place, so a crash never leaves an entry that looks complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from newsroles import __version__

_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file, memoised on (path, size, mtime)."""
    path = Path(path)
    if not path.is_file():
        from newsroles.errors import NewsrolesError

        raise NewsrolesError("file not found", path)
    st = path.stat()
    memo_key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if memo_key not in _FILE_HASHES:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _FILE_HASHES[memo_key] = h.hexdigest()
    return _FILE_HASHES[memo_key]


# The code each stage runs: a change to any of these files invalidates that stage's cache.
_LABELING = ("labeling/base.py", "labeling/vocab.py", "labeling/functions.py",
             "labeling/quotation.py", "labeling/reporting.py", "labeling/official_acts.py",
             "labeling/background.py", "labeling/aggregate.py")
STAGE_CODE = {
    "prepare": ("sentences.py", "schema.py", "stages/prepare.py"),
    "parse": ("labeling/parse.py", "labeling/vocab.py"),
    "label": (*_LABELING, "stages/label.py"),
    "train": ("models/base.py", "models/linear.py", "models/rules.py", "models/encoders.py",
              "models/embedding.py", "models/transformer.py", "stages/train.py",
              *_LABELING, "labelspace.py"),
    "evaluate": ("evaluation.py", "stages/evaluate.py", "labelspace.py", "models/base.py",
                 "models/linear.py", "models/rules.py"),
}
_PACKAGE = Path(__file__).resolve().parent


def code_hash(stage: str) -> str:
    h = hashlib.sha256()
    for rel in STAGE_CODE.get(stage, ()):
        h.update(rel.encode())
        h.update((_PACKAGE / rel).read_bytes())
    return h.hexdigest()[:16]


def stage_key(stage: str, **parts) -> str:
    payload = json.dumps(
        {"stage": stage, "version": __version__, "code": code_hash(stage), **parts},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


class StageCache:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, stage: str, key: str) -> Path:
        return self.root / stage / key

    def get(self, stage: str, key: str) -> Path | None:
        p = self.path(stage, key)
        return p if (p / ".complete").exists() else None

    def put(self, stage: str, key: str, write: Callable[[Path], None]) -> Path:
        """Run write(tmp_dir) and move the result into place."""
        final = self.path(stage, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{key}."))
        try:
            write(tmp)
            (tmp / ".complete").write_text("ok\n")
            if final.exists():  # an incomplete leftover of a crashed run
                shutil.rmtree(final)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return final
