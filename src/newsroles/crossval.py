"""k-fold cross-validation over the gold train articles.

`fold=k` (with `folds=K`) deals the gold-train articles into K groups, holds out the k-th
as the split that is scored ("test" for the run), and trains on the rest. Gold dev stays
dev (early stopping reads it); gold test is set aside as "reserved": never trained on,
never scored. Sweep all folds with `newsroles run -m fold=0,1,2,3,4`.
"""

from __future__ import annotations

from newsroles.errors import NewsrolesError

# Fixed, so every model and seed sees the same folds (the run seed varies the model only).
FOLD_SEED = 0
RESERVED = "reserved"


def cv_splits(doc_split: dict[str, str], fold: int, folds: int) -> dict[str, str]:
    """doc_id -> split with the k-th group of gold-train articles as "test"."""
    import numpy as np
    from sklearn.model_selection import KFold

    if folds < 2:
        raise NewsrolesError(f"folds={folds}: cross-validation needs at least 2 folds")
    if not 0 <= fold < folds:
        raise NewsrolesError(f"fold={fold}: expected 0 to {folds - 1} (folds={folds})")
    train_docs = sorted(d for d, s in doc_split.items() if s == "train")
    if len(train_docs) < folds:
        raise NewsrolesError(f"folds={folds}: only {len(train_docs)} gold-train articles")
    kfold = KFold(n_splits=folds, shuffle=True, random_state=FOLD_SEED)
    held = next(t for k, (_, t) in enumerate(kfold.split(np.arange(len(train_docs))))
                if k == fold)
    held_docs = {train_docs[i] for i in held}
    out = {}
    for doc, split in doc_split.items():
        if split == "test":
            out[doc] = RESERVED
        elif doc in held_docs:
            out[doc] = "test"
        else:
            out[doc] = split
    return out
