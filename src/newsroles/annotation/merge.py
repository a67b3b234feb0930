"""Merge annotators' labels into the gold set: validate, never overwrite, append.

Every record is checked against its article (the span must hold exactly the text the
annotator saw) and the label set; any bad record stops the import before anything is
written, and every bad record is reported (`BadRecords`), not only the first. Each
imported gold record keeps who labelled it (`annotators`: Label Studio user ids, the
CSV's `annotator` column, or `--annotator`; an empty list where no one is named). A label
that differs from an existing gold label for the same sentence, or two annotators of this
file who disagree, is a conflict: reported, not imported. New articles join `split`
(train by default: sentences a model chose are not a fair test).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from newsroles import LABELS
from newsroles.annotation.formats import BadRecords
from newsroles.errors import NewsrolesError
from newsroles.gold import MIN_OVERLAP
from newsroles.io import write_text
from newsroles.schema import SPLITS, read_articles, read_gold, read_splits_file


@dataclass
class MergeReport:
    imported: list[dict] = field(default_factory=list)
    duplicates: int = 0  # already gold with the same label
    unlabelled: int = 0  # tasks nobody labelled (skipped)
    conflicts: list[dict] = field(default_factory=list)
    new_articles: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {"imported": len(self.imported), "duplicates": self.duplicates,
                "unlabelled": self.unlabelled, "conflicts": len(self.conflicts),
                "new_articles": len(self.new_articles)}


def existing_gold(gold_path, articles: dict) -> list:
    """The gold spans so far: none where the file is missing, else read_gold's checked
    spans (an empty file, how every annotation project starts, holds none)."""
    path = Path(gold_path)
    return read_gold(path, articles) if path.exists() else []


def _overlapping(existing: list, start: int, end: int):
    for g in existing:
        overlap = min(end, g.end) - max(start, g.start)
        if overlap > 0 and overlap >= MIN_OVERLAP * max(end - start, g.end - g.start):
            return g
    return None


def _check_record(rec: dict, articles: dict) -> None:
    """A record's article, span and label."""
    article = articles.get(rec["doc_id"])
    if article is None:
        raise NewsrolesError(f"unknown article {rec['doc_id']!r}", rec["origin"])
    _check_span(rec, article)
    if rec["label"] is None:
        return
    if rec["label"] not in LABELS:
        raise NewsrolesError(
            f"unknown label {rec['label']!r} (expected one of {', '.join(LABELS)})",
            rec["origin"])


def _check_span(rec: dict, article) -> None:
    start, end = rec["start"], rec["end"]
    if not (0 <= start < end <= len(article.text)):
        raise NewsrolesError(
            f"span {start}-{end} is not inside article {rec['doc_id']!r} (0 <= start < end "
            f"<= {len(article.text)})", rec["origin"])
    if article.text[start:end] != rec["text"]:
        raise NewsrolesError(
            f"span {start}-{end} does not match the text of article "
            f"{rec['doc_id']!r} (edited text, or another corpus?)", rec["origin"])
    if not rec["text"].strip():
        raise NewsrolesError(f"span {start}-{end} holds no text", rec["origin"])


def _overlaps_in_file(grouped: dict) -> set[tuple]:
    """Spans of this file that overlap another span of it (different bounds)."""
    by_doc = defaultdict(list)
    for doc_id, start, end in grouped:
        by_doc[doc_id].append((start, end))
    clash = set()
    for doc_id, spans in by_doc.items():
        spans.sort()
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            if b0 < a1:
                clash |= {(doc_id, a0, a1), (doc_id, b0, b1)}
    return clash


def plan_merge(records: list[dict], articles_path, gold_path, splits_path=None,
               problems: list[str] = (), annotator: str | None = None) -> MergeReport:
    """Validate the records and decide what to import; writes nothing. `problems`: lines
    about records the reader could not read, reported with this check's own; `annotator`
    names whoever labelled the records that name nobody."""
    articles = {a.id: a for a in read_articles(articles_path)}
    gold = existing_gold(gold_path, articles)
    placed = set()
    if splits_path is not None and Path(splits_path).exists():
        placed = {d for ids in read_splits_file(splits_path).values() for d in ids}
    by_doc = defaultdict(list)
    for g in gold:
        by_doc[g.doc_id].append(g)
    report = MergeReport()
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    problems = list(problems)
    for rec in records:
        rec = {**rec, "annotator": rec.get("annotator") or annotator}
        try:
            _check_record(rec, articles)
        except NewsrolesError as e:
            problems.append(str(e))
            continue
        if rec["label"] is None:
            report.unlabelled += 1
            continue
        grouped[(rec["doc_id"], rec["start"], rec["end"])].append(rec)
    if problems:
        raise BadRecords(problems)
    clash = _overlaps_in_file(grouped)
    in_gold: set[str] = set()
    for (doc_id, start, end), recs in grouped.items():
        labels = sorted({r["label"] for r in recs})
        base = {"doc_id": doc_id, "start": start, "end": end, "text": recs[0]["text"]}
        if (doc_id, start, end) in clash:
            report.conflicts.append({**base, "new": " / ".join(labels), "gold": None,
                                     "why": "overlaps another span of this file",
                                     "origin": recs[0]["origin"]})
            continue
        if len(labels) > 1:
            report.conflicts.append({**base, "new": " / ".join(labels), "gold": None,
                                     "why": "annotators of this file disagree",
                                     "origin": recs[0]["origin"]})
            continue
        existing = _overlapping(by_doc.get(doc_id, []), start, end)
        if existing is not None:
            if existing.label == labels[0]:
                report.duplicates += 1
                in_gold.add(doc_id)
            else:
                report.conflicts.append({**base, "new": labels[0], "gold": existing.label,
                                         "why": "differs from the gold label",
                                         "origin": recs[0]["origin"]})
            continue
        notes = "; ".join(r["note"] for r in recs if r.get("note"))
        report.imported.append({**base, "label": labels[0],
                                "annotators": sorted({r["annotator"] for r in recs
                                                      if r["annotator"]}),
                                **({"note": notes} if notes else {})})
    # Articles to add to a split: new to the gold set, or already in gold without a split
    # (an earlier import whose splits file could not be written: this repairs it).
    if splits_path is not None:
        report.new_articles = sorted(({r["doc_id"] for r in report.imported} | in_gold)
                                     - placed)
    else:
        report.new_articles = sorted({r["doc_id"] for r in report.imported} - set(by_doc))
    return report


def apply_merge(report: MergeReport, gold_path, splits_path, split: str, source: str) -> None:
    """Append the planned records to gold and new articles to the split. Each file is
    replaced atomically, the splits first: if gold then cannot be written, the articles
    sit in their split with no new gold, and running the import again completes it (the
    other order would leave gold that no split holds, which a rerun never repaired)."""
    if split not in SPLITS:
        raise NewsrolesError(f"split must be train, dev or test, not {split!r}")
    if not report.imported and not report.new_articles:
        return
    gold_path, splits_path = Path(gold_path), Path(splits_path)
    splits = read_splits_file(splits_path) if splits_path.exists() else {}
    placed = {d for docs in splits.values() for d in docs}
    for doc_id in report.new_articles:
        if doc_id not in placed:
            splits.setdefault(split, []).append(doc_id)
    old = gold_path.read_text(encoding="utf-8") if gold_path.exists() else ""
    if not old.strip():  # an empty gold file starts as a missing one would
        old = ""
    if old and not old.endswith("\n"):
        old += "\n"
    new = "".join(json.dumps({**r, "source": source}, ensure_ascii=False) + "\n"
                  for r in sorted(report.imported, key=lambda r: (r["doc_id"], r["start"])))
    if set(report.new_articles) - placed:
        write_text(splits_path, json.dumps(splits, indent=1, ensure_ascii=False) + "\n")
    if new:
        write_text(gold_path, old + new)
