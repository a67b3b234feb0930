"""Likely errors in the gold labels: cleanlab's find_label_issues on out-of-fold scores.

Every gold sentence is scored by a model that never saw its article: the gold articles
(all splits) are dealt into `folds` groups (scikit-learn's GroupKFold over articles,
shuffled with a fixed seed) and each group is scored by the configured model trained on
the gold of the others (train.source=gold; the weak labels would carry the labeling
functions' own mistakes into the check). cleanlab then ranks the sentences whose gold
label the out-of-fold scores find least likely.

A flagged sentence is a candidate for a blind re-read (an annotator who sees the
guidelines and the article, not the gold label nor the model's); it is never relabelled
because a model disagrees.

    newsroles data issues -o flagged.jsonl [overrides...]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FOLD_SEED = 0


def out_of_fold_scores(cfg, table, folds: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(row indices of the gold sentences in `table`, their out-of-fold scores)."""
    from omegaconf import OmegaConf
    from sklearn.model_selection import GroupKFold

    from newsroles.models.base import build_model

    gold_rows = np.flatnonzero(table["gold_label"].notna().to_numpy())
    docs = table["doc_id"].to_numpy()[gold_rows]
    labels = list(cfg.data.labels)
    model_cfg = OmegaConf.to_container(cfg.model, resolve=True, enum_to_str=True)
    scores = np.zeros((len(gold_rows), len(labels)))
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=FOLD_SEED)
    for fit_at, held_at in splitter.split(gold_rows, groups=docs):
        model = build_model(model_cfg, seed=cfg.seed)
        fit_rows = gold_rows[fit_at]
        model.fit(table.iloc[fit_rows].reset_index(drop=True),
                  table["gold_label"].to_numpy()[fit_rows], labels=labels)
        held = table.iloc[gold_rows[held_at]].reset_index(drop=True)
        proba = model.predict_proba(held)
        order = [list(model.labels).index(label) for label in labels]
        scores[held_at] = proba[:, order]
    return gold_rows, scores


def find_gold_issues(cfg, table, folds: int = 5) -> list[dict]:
    """The gold sentences cleanlab flags, most likely errors first, as records with the
    gold label, the split and cleanlab's label quality (lower: more likely wrong)."""
    try:
        from cleanlab.filter import find_label_issues
        from cleanlab.rank import get_label_quality_scores
    except ImportError:
        from newsroles.errors import NewsrolesError

        raise NewsrolesError("newsroles data issues needs cleanlab: "
                             "pip install 'newsroles[gold]'") from None

    rows, scores = out_of_fold_scores(cfg, table, folds)
    labels = list(cfg.data.labels)
    given = np.array([labels.index(y) for y in table["gold_label"].to_numpy()[rows]])
    flagged = find_label_issues(given, scores, return_indices_ranked_by="self_confidence")
    quality = get_label_quality_scores(given, scores)
    out = []
    for i in flagged:
        r = table.iloc[rows[i]]
        out.append({"doc_id": r["doc_id"], "start": int(r["start"]), "end": int(r["end"]),
                    "text": r["text"], "split": r["split"], "gold_label": r["gold_label"],
                    "label_quality": round(float(quality[i]), 4)})
    return out


def gold_issues_for_config(cfg, folds: int = 5) -> list[dict]:
    """find_gold_issues on the sentence table the configured run would build (stages run
    or served from the cache)."""
    from newsroles.pipeline.run import stage_entries
    from newsroles.pipeline.stage import Inputs
    from newsroles.pipeline.tables import sentence_table

    entries = stage_entries(cfg, "label")
    table = sentence_table(Inputs(cfg, entries, {}, Path(cfg.paths.cache), ""), with_parse=True)
    return find_gold_issues(cfg, table, folds)
