"""Quotation marks: the quoted spans of a sentence, and whether a quotation is open at its
end. Curly marks say which way they face; a straight mark, or two apostrophes (`''`, the
Penn Treebank's and many newswires' ASCII closing quote, after a `` `` `` or another `''`),
toggles."""

from __future__ import annotations

import re

OPENING = "“«„"
CLOSING = "”»"
_MARKS = re.compile(r"``|''|[“«„”»\"]")


def _facing(text: str, start: int, end: int) -> int:
    """Which way a straight mark faces, from its neighbours: after a space and before a
    word it opens (+1), after a word and before a space or the end it closes (-1), else
    it toggles (0). A missed mark then upsets one sentence, not the rest of the article."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before.isspace() and not after.isspace():
        return 1
    if not before.isspace() and (after.isspace() or after in ".,;:!?)"):
        return -1
    return 0


def _marks(text: str):
    """(position, length, direction) of each double quotation mark: +1 opens, -1 closes,
    0 toggles."""
    for m in _MARKS.finditer(text):
        ch = m.group(0)
        direction = (1 if ch in OPENING or ch == "``" else -1 if ch in CLOSING
                     else _facing(text, m.start(), m.end()))
        yield m.start(), len(ch), direction


def _kind(mark: str) -> str:
    """The style a mark belongs to: straight (" and ASCII '' / ``) or typographic."""
    return "straight" if mark in ('"', "''", "``") else "curly"


def _walk(text: str, open_at_start: bool):
    """(position, length, open styles after the mark) for each mark. A quotation in the
    other style nests inside an open one ('"The ferry is no “public service” now.' stays
    open after ”); a mark of the style already open re-opens it (a block quotation opens
    each paragraph with a mark and closes only the last); a closing mark closes its own
    style, else the innermost. A quotation open from an earlier sentence has a style not
    seen: an opening mark re-opens it (a mark missed earlier upsets one sentence only)."""
    stack = ["begun before"] if open_at_start else []  # a style not seen
    for i, n, direction in _marks(text):
        kind = _kind(text[i:i + n])
        if direction == 0:  # toggles
            direction = -1 if stack else 1
        if direction == 1:
            if stack == ["begun before"]:  # re-opened: the mark says its style now
                stack = [kind]
            elif kind not in stack:
                stack.append(kind)
        elif stack:
            del stack[len(stack) - 1 - stack[::-1].index(kind) if kind in stack else -1]
        yield i, n, bool(stack), direction


def quote_spans(text: str, open_at_start: bool = False) -> list[tuple[int, int]]:
    """Spans inside quotation marks (marks included); a quotation open at the start runs
    from the sentence's start, one left open runs to its end. Single words in quotation
    marks ("scare quotes") are quoted spans too."""
    spans, start = [], 0 if open_at_start else None
    for i, n, still_open, direction in _walk(text, open_at_start):
        if still_open:
            if start is None:
                start = i
        elif start is not None or (direction == -1 and i > 0 and not spans):
            # A closing mark with none open: the quotation began before the sentence.
            start = 0 if start is None else start
            spans.append((start, i + n))
            start = None
    if start is not None and len(text) - start > 1:
        spans.append((start, len(text)))
    return spans


def open_at_end(text: str, open_at_start: bool) -> bool:
    state = open_at_start
    for _, _, still_open, _ in _walk(text, open_at_start):
        state = still_open
    return state


def inside(i: int, spans) -> bool:
    return any(a <= i < b for a, b in spans)


def opens_with_quote(text: str) -> bool:
    head = text.lstrip()
    return head[:1] in OPENING + '"' or head[:2] in ("``", "''")
