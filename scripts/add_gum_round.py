"""Round five of the gold set: the 24 Wikinews articles of the GUM corpus (how it was built).

Run once, from the project root, with the annotators' raw files (one line per numbered
sentence of each article's packet: {"doc_id", "i", "label", "note"}):

    python scripts/add_gum_round.py A1.jsonl A2.jsonl --second B.jsonl --out-dir data

It appends the articles (unchanged) to data/raw/wikinews.jsonl, the annotators' labels
(with spans) to data/gold/annotations/annotator_{a,b}.jsonl, the settled disagreements to
data/gold/adjudication.jsonl, the final labels to data/gold/gold.jsonl, and deals the new
articles to train/dev/test (about 60/20/20 by sentences, stratified by label, grouped by
article, shuffled with seed 2026; no earlier article moves).
The sentences are the splitter's (newsroles.sentences.split_article, default settings), the
same spans the pipeline makes; the packets the annotators read were made from them.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from newsroles.sentences import SplitConfig, split_article

GUM = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "gum_wikinews" / "articles.jsonl"
SEED = 2026

# Disagreements between annotators A and B, settled after reading each in its article.
SETTLED = {
    ("GUM_news_clock", 21): ("background",
        "It names only that Obama tweeted; the tweet's words are the following sentences "
        "(quote). Naming only that someone spoke is background (guidelines rule 20); the "
        "block quotation rule makes the introduced words quote, not the line introducing them."),
    ("GUM_news_defector", 20): ("background",
        "'Rathbun stated,' has neither content nor stance of its own: the quotation it "
        "introduces is the next sentences (quote). Naming only that someone spoke is "
        "background (rule 20)."),
    ("GUM_news_election", 1): ("attribution",
        "'The results show (that) ...' presents the content as what a cited source (the "
        "election results) shows, a citation of the 'data indicated', 'a study found that' "
        "kind listed under attribution; its content would otherwise be background."),
}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def append_jsonl(path: Path, records) -> None:
    with open(path, "a", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("first", nargs="+", help="annotator A's files (every article)")
    ap.add_argument("--second", required=True, help="annotator B's file (a third)")
    ap.add_argument("--out-dir", default="data")
    args = ap.parse_args()
    data = Path(args.out_dir)
    articles = read_jsonl(GUM)
    known = {a["id"] for a in read_jsonl(data / "raw" / "wikinews.jsonl")}
    if known & {a["id"] for a in articles}:
        raise SystemExit("round five is already in data/raw/wikinews.jsonl")
    spans = {}
    for a in articles:
        for i, s in enumerate(split_article(a["id"], a["text"], SplitConfig()).sentences):
            spans[a["id"], i] = {"doc_id": a["id"], "start": s.start, "end": s.end,
                                 "text": a["text"][s.start:s.end]}
    first = {(r["doc_id"], r["i"]): r for path in args.first for r in read_jsonl(path)}
    second = {(r["doc_id"], r["i"]): r for r in read_jsonl(args.second)}
    if set(first) != set(spans) or not set(second) <= set(spans):
        raise SystemExit("the annotation files do not cover the packets' sentences")

    def raw(r):
        rec = {**spans[r["doc_id"], r["i"]], "label": r["label"]}
        return {**rec, "note": r["note"]} if r.get("note") else rec

    final, adjudicated = {}, []
    for key in sorted(spans, key=lambda k: (k[0], k[1])):
        label = first[key]["label"]
        if key in second and second[key]["label"] != label:
            settled, reason = SETTLED[key]  # every disagreement must have been settled
            adjudicated.append({**spans[key], "annotator_a": label,
                                "annotator_b": second[key]["label"], "final": settled,
                                "reason": reason})
            label = settled
        final[key] = {**spans[key], "label": label}
    # The splits: scikit-learn's StratifiedGroupKFold (5 folds, shuffled with the seed),
    # groups = articles, strata = labels, so each split gets its share of every class (a
    # plain shuffle of 24 articles can leave test with one policy_statement): fold 0 is
    # test, fold 1 dev, the other three train (about 60/20/20 by sentences).
    from sklearn.model_selection import StratifiedGroupKFold

    keys = sorted(final)
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED).split(
        keys, [final[k]["label"] for k in keys], [k[0] for k in keys])
    split_of = {}
    for fold, (_, held) in enumerate(folds):
        for i in held:
            split_of[keys[i][0]] = {0: "test", 1: "dev"}.get(fold, "train")
    splits = json.loads((data / "gold" / "splits.json").read_text())
    for doc, target in split_of.items():
        splits[target].append(doc)
    append_jsonl(data / "raw" / "wikinews.jsonl", articles)
    append_jsonl(data / "gold" / "annotations" / "annotator_a.jsonl",
                 [raw(first[k]) for k in sorted(first)])
    append_jsonl(data / "gold" / "annotations" / "annotator_b.jsonl",
                 [raw(second[k]) for k in sorted(second)])
    append_jsonl(data / "gold" / "adjudication.jsonl", adjudicated)
    append_jsonl(data / "gold" / "gold.jsonl", [final[k] for k in sorted(final)])
    (data / "gold" / "splits.json").write_text(json.dumps(splits, indent=1) + "\n")
    counts = defaultdict(lambda: defaultdict(int))
    for key, rec in final.items():
        counts[split_of[key[0]]][rec["label"]] += 1
    print(json.dumps({s: dict(c) for s, c in counts.items()}, indent=1))


if __name__ == "__main__":
    main()
