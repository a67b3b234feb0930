"""Writing tagged rows: records/s of the output encoders and writers alone (no model, no
splitting), on synthetic records shaped like the tagger's (scores, who said it on a third
of them, a quoted span on a sixth, one input field).

    python benchmarks/output_encode.py [--records 200000] [--format jsonl csv parquet]
                                       [--repeat 3]

Runs output.write_records in this process, so the figure is the writer's own cost per row,
which `newsroles tag` pays in its worker processes (encoding) and main process (writing).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def records(n: int):
    text = "“We will act now,” the mayor said on Monday, after the council met."
    for i in range(n):
        rec = {"doc_id": f"d{i // 30}", "sent_idx": i % 30, "text": text,
               "label": ("quote", "attribution", "background")[i % 3],
               "scores": {"quote": 0.61, "attribution": 0.2, "policy_statement": 0.09,
                          "background": 0.1},
               "start": 70 * (i % 30), "end": 70 * (i % 30) + 68, "paragraph": i % 30 // 4,
               "source": None, "cue": None, "quote_spans": []}
        if i % 3 == 0:
            base = rec["start"]
            rec["source"] = {"text": "the mayor", "start": base + 19, "end": base + 28,
                             "sent_idx": i % 30}
            rec["cue"] = {"text": "said", "start": base + 29, "end": base + 33,
                          "sent_idx": i % 30}
        if i % 6 == 0:
            rec["quote_spans"] = [{"text": text[:18], "start": rec["start"],
                                   "end": rec["start"] + 18, "sent_idx": i % 30}]
        rec["model_id"] = "linear-0123456789ab"
        rec["title"] = "A title"
        yield rec


def main() -> None:
    from newsroles.output import write_records

    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--format", nargs="+", default=["jsonl", "csv", "parquet"])
    ap.add_argument("--repeat", type=int, default=3, help="the median run is reported")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.format:
            walls = []
            for _ in range(args.repeat):
                out = Path(tmp) / f"out.{fmt}"
                t0 = time.perf_counter()
                write_records(records(args.records), str(out), fmt)
                walls.append(time.perf_counter() - t0)
            wall = sorted(walls)[len(walls) // 2]
            print(f"{fmt}: {args.records:,} records in {wall:.2f} s, "
                  f"{args.records / wall:,.0f} records/s ({out.stat().st_size / 2**20:.1f} MiB; "
                  f"median of {args.repeat})", flush=True)


if __name__ == "__main__":
    main()
