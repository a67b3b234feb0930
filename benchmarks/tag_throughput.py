"""End-to-end `newsroles tag` throughput on pre-split JSONL (sentences per second).

Builds a pre-split JSONL file from the bundled corpus, repeated to --sentences sentences,
tags it with MODEL (a run directory) through the CLI, and reports sentences/s for the whole
command (start-up included) and for the tagging loop alone (start-up measured on an empty
run subtracted).

    python benchmarks/tag_throughput.py runs/<run> [--sentences 200000] [--sources]

--sources keeps who-said-it on (source, cue and quoted spans of each quote and
attribution sentence); without it the command runs with --no-sources (labels only).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def build_input(path: Path, n_sentences: int) -> int:
    from newsroles.schema import read_articles
    from newsroles.sentences import split_article

    docs = []
    for a in read_articles(ROOT / "data/raw/wikinews.jsonl"):
        sents = [s.text for s in split_article(a.id, a.text).sentences]
        if sents:
            docs.append((a.id, sents))
    written, k = 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while written < n_sentences:
            doc_id, sents = docs[k % len(docs)]
            fh.write(json.dumps({"id": f"{doc_id}#{k}", "sentences": sents}, ensure_ascii=False) + "\n")
            written += len(sents)
            k += 1
    return written


def timed(cmd) -> float:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(out.stderr)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--sentences", type=int, default=200_000)
    ap.add_argument("--jobs", type=int, default=0, help="newsroles tag --jobs (0: one per core)")
    ap.add_argument("--sources", action="store_true", help="with who-said-it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n = build_input(tmp / "in.jsonl", args.sentences)
        (tmp / "one.jsonl").write_text(json.dumps({"id": "x", "sentences": ["One."]}) + "\n")
        base = [sys.executable, "-m", "newsroles.cli", "tag", args.model, "--jobs", str(args.jobs),
                *([] if args.sources else ["--no-sources"])]
        startup = timed([*base, str(tmp / "one.jsonl"), "-o", str(tmp / "one.out")])
        wall = timed([*base, str(tmp / "in.jsonl"), "-o", str(tmp / "out.jsonl")])
        lines = sum(1 for _ in (tmp / "out.jsonl").open())
        assert lines == n, (lines, n)
    what = "with who-said-it" if args.sources else "labels only"
    print(f"{what}: tagged {n} pre-split sentences in {wall:.1f} s: {n / wall:,.0f} sentences/s end to end "
          f"(start-up {startup:.1f} s; {n / (wall - startup):,.0f} sentences/s after start-up)")


if __name__ == "__main__":
    main()
