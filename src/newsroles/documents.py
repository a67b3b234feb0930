"""Documents to tag, read from .txt files, .jsonl files and standard input ('-').

A document is {"id", "text"} (split by the pipeline) or {"id", "sentences": [...]}
(already split: tagged as given). Bad input is a NewsrolesError naming the file and line.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from newsroles.errors import NewsrolesError
from newsroles.io import iter_json_lines, iter_jsonl


def read_documents(paths: list[str]) -> Iterator[dict]:
    for name in paths:
        if name == "-":
            yield from _stdin_documents()
            continue
        path = Path(name)
        if path.suffix == ".jsonl":
            for lineno, obj in iter_jsonl(path):
                yield document(obj, path, lineno)
        else:
            if not path.is_file():
                raise NewsrolesError("file not found", path)
            try:
                text = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as e:
                raise NewsrolesError(f"not UTF-8 text (byte {e.start})", path) from None
            if not text.strip():
                raise NewsrolesError("empty file", path)
            yield {"id": path.stem, "text": text}


def _stdin_documents() -> Iterator[dict]:
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise NewsrolesError(f"not UTF-8 text (byte {e.start})", "<stdin>") from None
    if not text.strip():
        raise NewsrolesError("empty input", "<stdin>")
    if text.lstrip().startswith("{"):
        for lineno, obj in iter_json_lines(io.BytesIO(data), "<stdin>"):
            yield document(obj, "<stdin>", lineno)
    else:
        yield {"id": "stdin", "text": text}


def document(obj, path, lineno) -> dict:
    if not isinstance(obj, dict):
        raise NewsrolesError("expected a JSON object", path, lineno)
    doc_id = obj.get("id", f"line{lineno}")
    if "sentences" in obj:
        sents = obj["sentences"]
        if not isinstance(sents, list) or not all(isinstance(s, str) for s in sents):
            raise NewsrolesError("'sentences' must be a list of strings", path, lineno)
        return {"id": doc_id, "sentences": sents}
    if isinstance(obj.get("text"), str):
        return {"id": doc_id, "text": obj["text"]}
    raise NewsrolesError("a line needs 'text' (a string) or 'sentences' (a list)", path, lineno)
