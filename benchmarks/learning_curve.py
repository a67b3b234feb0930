"""What the annotation loop buys: gold-dev macro-F1 of the default model over the size of
the gold-train set, when the sentences added are chosen by `uncertain` versus `random`
(the same selection code as `newsroles annotate export`: `uncertain` skips what is not
English news prose and spreads each step over predicted classes, at most PER_ARTICLE
sentences of one article).

A simulation on the gold set: every run starts from the same random INITIAL gold-train
sentences (per seed); each step trains the default model (gold + weak labels for the rest,
as `newsroles run` does: sentences not yet "annotated" keep only their weak label), ranks
the remaining gold-train sentences, and reveals the gold labels of the next STEP. Dev is
only scored, never selected from; test is not touched.

    python benchmarks/learning_curve.py [--sizes 200 400 800 all] [--seeds 1 2 3]
        [--initial 100] [--step 100] [--per-article 3] [--no-spread]
        [--out runs/benchmarks/learning_curve] [overrides...]

Writes curve.csv (one row per strategy, size, seed, with the gold classes of the revealed
sentences), summary.md (mean ± sd; the classes revealed) and curve.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def load_table(overrides: list[str]):
    """The default config's sentence table with gold and weak labels (stages cached)."""
    from newsroles.pipeline import label
    from newsroles.pipeline.run import stage_entries
    from newsroles.pipeline.stage import Inputs
    from newsroles.pipeline.tables import sentence_table
    from newsroles.project import compose

    os.environ.setdefault("NEWSROLES_ROOT", str(ROOT))
    cfg = compose(overrides)
    entries = stage_entries(cfg, "label")
    votes, weak, _ = label.load_votes(entries["label"])
    inputs = Inputs(cfg, entries, {}, Path(cfg.paths.cache), "")
    table = sentence_table(inputs, with_parse=True)  # parsed once, by the parse stage
    return cfg, table, weak, votes


def dev_score(cfg, table, weak, votes, revealed: np.ndarray, pool: np.ndarray, seed: int):
    """Train on the revealed gold-train rows (+ weak labels elsewhere); dev macro-F1, the
    unrevealed pool, and the model's probabilities and predicted labels on it."""
    from omegaconf import OmegaConf

    from newsroles.evaluation import macro_f1
    from newsroles.models import build_model
    from newsroles.pipeline.train import training_rows

    hidden = table.copy()
    gold = hidden["gold_label"].to_numpy(dtype=object).copy()
    gold[np.setdiff1d(pool, revealed)] = None  # not annotated yet: weak label only
    hidden["gold_label"] = gold
    tcfg = cfg.train
    idx, y, w = training_rows(hidden, weak, str(tcfg.source.value), tcfg.weak_weight, votes,
                              tcfg.weak_min_votes)
    model = build_model(OmegaConf.to_container(cfg.model, resolve=True, enum_to_str=True),
                        seed=seed)
    model.fit(table.iloc[idx].reset_index(drop=True), y, sample_weight=w)
    dev = np.flatnonzero((table["split"] == "dev").to_numpy() & table["gold_label"].notna())
    pred = model.predict(table.iloc[dev].reset_index(drop=True))
    rest = np.setdiff1d(pool, revealed)
    proba = model.predict_proba(table.iloc[rest].reset_index(drop=True)) if len(rest) else None
    predicted = [model.labels[i] for i in model.decide(proba)] if len(rest) else []
    return macro_f1(table["gold_label"].to_numpy()[dev], pred), rest, proba, predicted


def next_uncertain(proba, predicted, doc_ids, texts, k, per_article, spread=True):
    """Rows (of the pool left) that `uncertain` reveals next: annotate export's choice
    (spread=False: as `annotate export --no-spread`)."""
    from newsroles.annotation.select import choose

    return choose(proba, predicted, doc_ids, texts, "uncertain", k, per_article=per_article,
                  spread_batch=spread)[0]


def curve(cfg, table, weak, votes, strategy, sizes, seed, initial, step, per_article,
          spread=True):
    from newsroles import LABELS

    pool = np.flatnonzero((table["split"] == "train").to_numpy() & table["gold_label"].notna())
    rng = np.random.default_rng(seed)
    revealed = rng.choice(pool, size=min(initial, len(pool)), replace=False)
    doc_ids, texts = table["doc_id"].to_numpy(), table["text"].to_numpy()
    rows = []
    for size in sizes:
        size = min(size, len(pool))
        if size == len(pool):  # everything revealed: the strategies meet
            revealed = pool
        while len(revealed) < size:
            k = min(step, size - len(revealed))
            rest = np.setdiff1d(pool, revealed)
            if strategy == "uncertain":  # the current model ranks what is left
                _, rest, proba, predicted = dev_score(cfg, table, weak, votes, revealed, pool,
                                                      seed)
                picked = next_uncertain(proba, predicted, doc_ids[rest], texts[rest], k,
                                        per_article, spread)
                if not picked:  # no English news prose left to reveal
                    break
                chosen = rest[picked]
            else:  # random needs no model in between
                chosen = rng.choice(rest, size=k, replace=False)
            revealed = np.concatenate([revealed, chosen])
        score, _, _, _ = dev_score(cfg, table, weak, votes, revealed, pool, seed)
        classes = pd.Series(table["gold_label"].to_numpy()[revealed]).value_counts()
        rows.append({"strategy": strategy, "size": int(len(revealed)), "seed": seed,
                     "dev_macro_f1": round(score, 4),
                     **{f"n_{label}": int(classes.get(label, 0)) for label in LABELS}})
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


def classes_table(df: pd.DataFrame) -> str:
    """Mean gold classes of the revealed sentences per size and strategy: what a batch buys."""
    from newsroles import LABELS

    cols = [f"n_{label}" for label in LABELS]
    means = df.groupby(["size", "strategy"])[cols].mean().round(0).astype(int)
    lines = ["", "Gold classes of the revealed sentences (mean over seeds):", "",
             "| gold-train sentences | strategy | " + " | ".join(LABELS) + " |",
             "|---:|---|" + "---:|" * len(LABELS)]
    for (size, strategy), r in means.iterrows():
        lines.append(f"| {size} | {strategy} | " + " | ".join(str(r[c]) for c in cols) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="+", default=["200", "400", "800", "all"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    ap.add_argument("--initial", type=int, default=100)
    ap.add_argument("--step", type=int, default=100)
    ap.add_argument("--per-article", type=int, default=None,
                    help="uncertain: cap per article in a step (default: annotate export's)")
    ap.add_argument("--no-spread", action="store_true",
                    help="uncertain: least confident prose first, not spread over classes "
                         "and articles (to measure what the spreading costs or buys)")
    ap.add_argument("--out", default=str(ROOT / "runs/benchmarks/learning_curve"))
    ap.add_argument("overrides", nargs="*", help="Hydra overrides for the default config")
    args = ap.parse_args()
    t0 = time.perf_counter()
    cfg, table, weak, votes = load_table(args.overrides)
    n_pool = int(((table["split"] == "train") & table["gold_label"].notna()).sum())
    sizes = sorted({n_pool if s == "all" else min(int(s), n_pool) for s in args.sizes})
    from newsroles.annotation.select import PER_ARTICLE

    per_article = args.per_article or PER_ARTICLE
    rows = []
    for seed in args.seeds:
        for strategy in ("uncertain", "random"):
            rows += curve(cfg, table, weak, votes, strategy, sizes, seed, args.initial, args.step,
                          per_article, spread=not args.no_spread)
    df = pd.DataFrame(rows)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "curve.csv", index=False)
    summary = (df.groupby(["size", "strategy"])["dev_macro_f1"].agg(["mean", "std", "count"])
               .unstack("strategy").round(3))
    lines = ["| gold-train sentences | uncertain (mean ± sd) | random (mean ± sd) | seeds |",
             "|---:|---|---|---:|"]
    for size, r in summary.iterrows():
        lines.append(f"| {size} | {r[('mean', 'uncertain')]:.3f} ± {r[('std', 'uncertain')]:.3f}"
                     f" | {r[('mean', 'random')]:.3f} ± {r[('std', 'random')]:.3f}"
                     f" | {int(r[('count', 'random')])} |")
    text = "\n".join(lines) + "\n" + classes_table(df)
    (out / "summary.md").write_text(
        f"Gold-dev macro-F1, default model ({cfg.model.name}, train.source="
        f"{cfg.train.source.value}), initial {args.initial} random sentences, step "
        f"{args.step}; uncertain "
        + ("not spread" if args.no_spread else f"spread, at most {per_article} per article")
        + "; "
        f"{time.perf_counter() - t0:.0f} s.\n\n{text}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for strategy, g in df.groupby("strategy"):
        m = g.groupby("size")["dev_macro_f1"].agg(["mean", "std"])
        ax.errorbar(m.index, m["mean"], yerr=m["std"], marker="o", capsize=3, label=strategy)
    ax.set_xscale("log")
    ax.set_xlabel("gold-train sentences")
    ax.set_ylabel("gold-dev macro-F1")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "curve.png", dpi=110)
    print(text)
    print(f"wrote {out}/curve.csv, summary.md, curve.png", file=sys.stderr)


if __name__ == "__main__":
    main()
