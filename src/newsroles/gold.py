"""Join gold spans to sentences by (doc_id, character span).

Gold is keyed by span, not by sentence index, so a change to the splitter does not orphan
labels: an exact span match wins; otherwise a gold span that covers at least half of a
sentence (and of itself) labels it. Spans that match no sentence are counted as orphans.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from newsroles.schema import GoldSpan

MIN_OVERLAP = 0.5


def attach_gold(
    sentences: pd.DataFrame, spans: list[GoldSpan], doc_split: dict[str, str]
) -> tuple[pd.DataFrame, int]:
    """Add `gold_label` and `split` columns; return the table and the orphan count."""
    by_doc: dict[str, list[GoldSpan]] = defaultdict(list)
    for g in spans:
        by_doc[g.doc_id].append(g)
    exact = {(g.doc_id, g.start, g.end): g for g in spans}
    labels, used = [], set()
    for doc_id, start, end in zip(
        sentences["doc_id"], sentences["start"], sentences["end"], strict=True
    ):
        g = exact.get((doc_id, start, end))
        if g is None:
            best, best_overlap = None, 0
            for cand in by_doc.get(doc_id, ()):
                overlap = min(end, cand.end) - max(start, cand.start)
                if overlap > best_overlap:
                    best, best_overlap = cand, overlap
            if best is not None and best_overlap >= MIN_OVERLAP * max(
                end - start, best.end - best.start
            ):
                g = best
        labels.append(g.label if g is not None else None)
        if g is not None:
            used.add((g.doc_id, g.start, g.end))
    out = sentences.copy()
    out["gold_label"] = labels
    out["split"] = [doc_split.get(d) for d in sentences["doc_id"]]
    return out, len(exact) - len(used)
