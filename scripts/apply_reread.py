"""The blind re-read of the gold sentences cleanlab flagged (how it was applied, once).

`newsroles data issues -o flagged.jsonl` flagged 418 of the 5,864 gold sentences (out-of-fold
scores of the default linear model trained on gold only, five folds by article). Each was
re-read by an annotator who saw the guidelines and the whole article, but neither its gold
label nor any model's (four annotation sessions, one article list each). Where the re-read
label differed from gold, an adjudicator who saw the guidelines, the article and the two
labels with their notes (in random order, unnamed) settled it with a reason.

    python scripts/apply_reread.py flagged.jsonl rereads.jsonl decisions.jsonl

rereads.jsonl: {"doc_id", "start", "end", "label", "note"} per flagged sentence;
decisions.jsonl: {"doc_id", "start", "end", "final", "reason"} per disagreement.
Writes data/gold/annotations/reread.jsonl (the re-read labels), appends the settled cases to
data/gold/adjudication.jsonl ("round": "reread"; annotator_a is the gold label before,
annotator_b the re-read) and puts the settled label in data/gold/gold.jsonl. No label is
changed because a model disagreed: a change needs the re-reader and the adjudicator.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "gold"


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def key(r):
    return r["doc_id"], r["start"], r["end"]


def main(flagged_path, rereads_path, decisions_path) -> None:
    flagged = {key(r): r for r in read(flagged_path)}
    rereads = {key(r): r for r in read(rereads_path)}
    decisions = {key(r): r for r in read(decisions_path)}
    if set(rereads) != set(flagged):
        raise SystemExit("every flagged sentence needs one re-read label")
    gold = read(DATA / "gold.jsonl")
    by_key = {key(g): g for g in gold}
    settled = []
    for k, r in rereads.items():
        before = by_key[k]["label"]
        if r["label"] == before:
            continue
        d = decisions[k]  # every disagreement must have been settled
        settled.append({"doc_id": k[0], "start": k[1], "end": k[2], "text": by_key[k]["text"],
                        "annotator_a": before, "annotator_b": r["label"], "final": d["final"],
                        "reason": d["reason"], "round": "reread"})
        by_key[k]["label"] = d["final"]
    reread_records = []
    for k in sorted(rereads):
        rec = {"doc_id": k[0], "start": k[1], "end": k[2], "text": by_key[k]["text"],
               "label": rereads[k]["label"]}
        if rereads[k].get("note"):
            rec["note"] = rereads[k]["note"]
        reread_records.append(rec)
    (DATA / "annotations" / "reread.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reread_records))
    with open(DATA / "adjudication.jsonl", "a", encoding="utf-8") as f:
        for r in settled:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (DATA / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n"
                                             for g in gold))
    changed = sum(r["final"] != r["annotator_a"] for r in settled)
    print(f"{len(rereads)} re-read, {len(settled)} disagreements settled, {changed} changed")


if __name__ == "__main__":
    main(*sys.argv[1:4])
