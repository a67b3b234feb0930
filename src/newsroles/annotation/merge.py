"""Merge annotators' labels into the gold set: validate, never overwrite, append.

Every record is checked against its article (the span must hold exactly the text the
annotator saw) and the label set; one bad record stops the import before anything is
written. A label that differs from an existing gold label for the same sentence, or two
annotators of this file who disagree, is a conflict: reported, not imported. New
articles join `split` (train by default: sentences a model chose are not a fair test).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from newsroles import LABELS
from newsroles.errors import NewsrolesError
from newsroles.gold import MIN_OVERLAP
from newsroles.io import write_text
from newsroles.schema import read_articles, read_gold


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


def _overlapping(existing: list, start: int, end: int):
    for g in existing:
        overlap = min(end, g.end) - max(start, g.start)
        if overlap > 0 and overlap >= MIN_OVERLAP * max(end - start, g.end - g.start):
            return g
    return None


def plan_merge(records: list[dict], articles_path, gold_path) -> MergeReport:
    """Validate the records and decide what to import; writes nothing."""
    articles = {a.id: a for a in read_articles(articles_path)}
    gold = read_gold(gold_path, articles) if Path(gold_path).exists() else []
    by_doc = defaultdict(list)
    for g in gold:
        by_doc[g.doc_id].append(g)
    report = MergeReport()
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for rec in records:
        article = articles.get(rec["doc_id"])
        if article is None:
            raise NewsrolesError(f"unknown article {rec['doc_id']!r}", rec["origin"])
        if article.text[rec["start"]:rec["end"]] != rec["text"]:
            raise NewsrolesError(
                f"span {rec['start']}-{rec['end']} does not match the text of article "
                f"{rec['doc_id']!r} (edited text, or another corpus?)", rec["origin"])
        if rec["label"] is None:
            report.unlabelled += 1
            continue
        if rec["label"] not in LABELS:
            raise NewsrolesError(
                f"unknown label {rec['label']!r} (expected one of {', '.join(LABELS)})",
                rec["origin"])
        grouped[(rec["doc_id"], rec["start"], rec["end"])].append(rec)
    for (doc_id, start, end), recs in grouped.items():
        labels = sorted({r["label"] for r in recs})
        base = {"doc_id": doc_id, "start": start, "end": end, "text": recs[0]["text"]}
        if len(labels) > 1:
            report.conflicts.append({**base, "new": " / ".join(labels), "gold": None,
                                     "why": "annotators of this file disagree",
                                     "origin": recs[0]["origin"]})
            continue
        existing = _overlapping(by_doc.get(doc_id, []), start, end)
        if existing is not None:
            if existing.label == labels[0]:
                report.duplicates += 1
            else:
                report.conflicts.append({**base, "new": labels[0], "gold": existing.label,
                                         "why": "differs from the gold label",
                                         "origin": recs[0]["origin"]})
            continue
        notes = "; ".join(r["note"] for r in recs if r.get("note"))
        report.imported.append({**base, "label": labels[0], **({"note": notes} if notes else {})})
    report.new_articles = sorted({r["doc_id"] for r in report.imported} - set(by_doc))
    return report


def apply_merge(report: MergeReport, gold_path, splits_path, split: str, source: str) -> None:
    """Append the planned records to gold (and new articles to the split), atomically."""
    if split not in ("train", "dev", "test"):
        raise NewsrolesError(f"split must be train, dev or test, not {split!r}")
    if not report.imported:
        return
    gold_path, splits_path = Path(gold_path), Path(splits_path)
    splits = json.loads(splits_path.read_text()) if splits_path.exists() else {}
    placed = {d for docs in splits.values() for d in docs}
    for doc_id in report.new_articles:
        if doc_id not in placed:
            splits.setdefault(split, []).append(doc_id)
    old = gold_path.read_text(encoding="utf-8") if gold_path.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    new = "".join(json.dumps({**r, "source": source}, ensure_ascii=False) + "\n"
                  for r in sorted(report.imported, key=lambda r: (r["doc_id"], r["start"])))
    write_text(gold_path, old + new)
    write_text(splits_path, json.dumps(splits, indent=1, ensure_ascii=False) + "\n")
