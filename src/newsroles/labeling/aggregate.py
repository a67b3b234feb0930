"""Apply labeling functions and aggregate their votes into one weak label per sentence.

Aggregators (`labeling.aggregator`):
- `majority`: most votes wins; ties go to the earlier label in the spec's precedence order
  (quote > attribution > policy_statement > background), the order a person applies rules.
- `priority`: the first class in precedence order with any vote wins (the spec's "first
  rule that fits wins"); background functions only matter when nothing else voted.
- `label_model`: Snorkel's LabelModel learns each function's accuracy from the agreements
  and disagreements of the functions (no gold labels), with a class balance estimated
  from gold-train or given; its posterior P(y | votes) is the weak label distribution.

`background` and abstaining: background is the spec's "none of the others" class, and it
has functions of its own (events, biography, plain facts in the main clause) that vote for
it as positive evidence. A sentence on which every function abstains carries no evidence
for any other class, so every aggregator calls it `background` (the label model's
posterior would otherwise be just the class balance).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from newsroles import LABEL2ID, LABELS
from newsroles.config import LabelModelConfig
from newsroles.errors import NewsrolesError
from newsroles.labeling.functions import ABSTAIN, LabelingFunction, sentence_words

N_CLASSES = len(LABELS)
BACKGROUND = LABEL2ID["background"]
AGGREGATORS = ("majority", "priority", "label_model")


def apply_lfs(records: Iterable[Mapping], lfs: list[LabelingFunction],
              parses: list[dict] | None = None, gated: bool = True) -> np.ndarray:
    """The label matrix L: one row per sentence, one column per function, -1 = abstain.

    A function with `needs` words runs only on sentences holding one of them: an inverted
    index from word to functions finds those, so most functions are never called. Functions
    that read the parse get it from `parses` (one per record), from the records' own
    `_parse`, or from a parse made now: with `gated`, only of the sentences the parse gate
    (labeling.gate) says can need it; on the others the parse-reading functions give their
    `unparsed` vote or abstain, which is what they would do with the parse.
    """
    parse_lfs = [lf for lf in lfs if lf.uses_parse]
    if parse_lfs:
        from newsroles.labeling.parse import attach_gated_parses, attach_parses

        records = [dict(r) for r in records]
        if parses is not None:
            attach_parses(records, parses)
        elif any("_parse" not in r for r in records):
            from newsroles.labeling.gate import parse_gate

            attach_gated_parses(records, parse_gate(lfs) if gated else None)
    # Functions without words to wait for run on every sentence, in groups that share a
    # mark gate (a quotation mark, a digit): one search rules a whole group out. The rest
    # are found through their words, and checked against their own gate.
    funcs = [lf.func for lf in lfs]
    # What each function is on a record the gate left unparsed (`_parse` None).
    unparsed_funcs = [(lf.unparsed or _never) if lf.uses_parse else lf.func for lf in lfs]
    votes = [lf.label for lf in lfs]
    always: dict = {}
    for j, lf in enumerate(lfs):
        if not lf.needs:
            always.setdefault(lf.marks, []).append(j)
    always_groups = list(always.items())
    index: dict[str, list[int]] = {}
    for j, lf in enumerate(lfs):
        for w in lf.needs:
            index.setdefault(w, []).append(j)
    keys = frozenset(index)
    rows = []
    for r in records:
        words = sentence_words(r)
        if "_words" not in r:  # for the functions that read the words too
            r = {**r, "_words": words}
        text = r["text"]
        row = [ABSTAIN] * len(lfs)
        fs = unparsed_funcs if parse_lfs and r["_parse"] is None else funcs
        for gate, group in always_groups:
            if gate is None or gate.search(text):
                for j in group:
                    if fs[j](r):
                        row[j] = votes[j]
        found = keys.intersection(words)
        if found:
            candidates = set()
            for w in found:
                candidates.update(index[w])
            for j in candidates:
                gate = lfs[j].marks
                if (gate is None or gate.search(text)) and fs[j](r):
                    row[j] = votes[j]
        rows.append(row)
    return np.asarray(rows, dtype=np.int8).reshape(len(rows), len(lfs))


def _never(_record) -> bool:
    return False


def vote_counts(L: np.ndarray) -> np.ndarray:
    counts = np.zeros((L.shape[0], N_CLASSES), dtype=np.float64)
    for c in range(N_CLASSES):
        counts[:, c] = (L == c).sum(axis=1)
    return counts


@dataclass
class LabelModelParams:
    """A fitted label model as plain arrays (no pickles): mu[j * k + c, y] = P(function j
    votes c | y), p[y] = the class balance, and each function's learned weight."""

    mu: np.ndarray
    p: np.ndarray
    weights: np.ndarray


def fit_label_model(L: np.ndarray, class_balance=None, seed: int = 0,
                    settings: LabelModelConfig | None = None) -> LabelModelParams:
    """Fit Snorkel's LabelModel on the label matrix (it needs three or more functions);
    `settings`: epochs, lr, l2 and prec_init (config.LabelModelConfig, whose defaults are
    the only ones).

    Strong L2 towards the prior accuracy `prec_init` keeps it stable here: our functions are
    far from independent given the class (every quotation also fires reporting functions).
    """
    if L.shape[1] < 3:
        raise NewsrolesError("the label model needs at least three labeling functions")
    try:
        from snorkel.labeling.model import LabelModel
    except ImportError:
        raise NewsrolesError("aggregator label_model needs Snorkel: "
                             "pip install 'newsroles[labelmodel]'") from None

    import torch

    settings = settings or LabelModelConfig()
    model = LabelModel(cardinality=N_CLASSES, verbose=False)
    balance = None if class_balance is None else [float(x) for x in class_balance]
    # One thread: the matrices are small, and jobs of a sweep fitting side by side would
    # otherwise each spin a thread per core against the others.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model.fit(L.astype(np.int64), class_balance=balance, n_epochs=settings.epochs,
                  seed=seed, lr=settings.lr, l2=settings.l2, prec_init=settings.prec_init,
                  progress_bar=False)
    finally:
        torch.set_num_threads(threads)
    with np.errstate(divide="ignore", invalid="ignore"):  # functions that never voted
        weights = np.asarray(model.get_weights(), dtype=np.float64)
    weights = np.where((L >= 0).any(axis=0), weights, np.nan)  # no votes: nothing learned
    return LabelModelParams(model.mu.detach().cpu().numpy().astype(np.float64),
                            np.asarray(model.p, dtype=np.float64), weights)


def table_votes(X, names: list[str]) -> np.ndarray:
    """The label matrix of a sentence table (a DataFrame, as the models get it) under the
    named functions; the parse is read from its `_parse` column or made now, gated."""
    from newsroles.labeling.functions import get_functions
    from newsroles.schema import PARSE_COLUMN

    columns = ["text", "quote_open_start", "quote_open_end", "has_quote_marks", "interview_turn",
               PARSE_COLUMN]
    columns = [c for c in columns if c in X]
    values = [X[c].tolist() for c in columns]
    # The members of an ensemble read the same votes of the same table: computed once (the
    # key is the table's values themselves, compared, not a hash of them).
    key = (tuple(names), tuple(columns), tuple(tuple(map(_hashable, v)) for v in values))
    if _LAST_VOTES and _LAST_VOTES[0] == key:
        return _LAST_VOTES[1].copy()
    records = [dict(zip(columns, row)) for row in zip(*values)]
    L = apply_lfs(records, get_functions(names))
    _LAST_VOTES[:] = [key, L]
    return L.copy()


_LAST_VOTES: list = []  # [key, label matrix] of the last table_votes call


def _hashable(value):
    return repr(value) if isinstance(value, (dict, list)) else value


def rule_hints(X, names: list[str]) -> list[str]:
    """Each sentence's votes as text for a transformer to read: "[rules: said =
    attribution; quotation opens = quote]", or "" where every function abstains."""
    lfs_names = [n.removeprefix("lf_").replace("_", " ") for n in names]
    L = table_votes(X, names)
    out = []
    for row in L:
        cast = [f"{lfs_names[j]} = {LABELS[v]}" for j, v in enumerate(row) if v >= 0]
        out.append(f"[rules: {'; '.join(cast)}]" if cast else "")
    return out


def label_model_proba(L: np.ndarray, params: LabelModelParams) -> np.ndarray:
    """P(y | votes) as Snorkel's LabelModel.predict_proba computes it (abstains omitted)."""
    n, m = L.shape
    log_mu = np.log(np.clip(params.mu, 1e-12, None))
    scores = np.tile(np.log(params.p), (n, 1))
    rows, cols = np.nonzero(L >= 0)
    np.add.at(scores, rows, log_mu[cols * N_CLASSES + L[rows, cols]])
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    return probs / probs.sum(axis=1, keepdims=True)


def aggregate(L: np.ndarray, method: str = "majority",
              params: LabelModelParams | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return (label ids, class probabilities) for each row of L."""
    counts = vote_counts(L)
    abstained = counts.sum(axis=1) == 0
    if method == "label_model":
        if params is None:
            raise NewsrolesError("aggregator label_model needs a fitted label model")
        probs = label_model_proba(L, params)
        probs[abstained] = 0.0
        probs[abstained, BACKGROUND] = 1.0
        return probs.argmax(axis=1).astype(np.int64), probs
    if method == "majority":
        # argmax takes the first maximum: ties go to the earlier label in spec order.
        labels = counts.argmax(axis=1)
    elif method == "priority":
        has_vote = counts > 0
        labels = np.where(has_vote.any(axis=1), has_vote.argmax(axis=1), BACKGROUND)
    else:
        raise NewsrolesError(
            f"unknown aggregator {method!r} (expected one of {', '.join(AGGREGATORS)})"
        )
    labels[abstained] = BACKGROUND
    # Probabilities: smoothed vote shares, with all-abstain rows leaning to background.
    smoothed = counts + 0.25
    smoothed[abstained, BACKGROUND] += 1.0
    probs = smoothed / smoothed.sum(axis=1, keepdims=True)
    # Make the chosen label the most probable one (priority can pick a minority vote).
    probs[np.arange(len(labels)), labels] = probs.max(axis=1) + 1e-3
    probs /= probs.sum(axis=1, keepdims=True)
    return labels.astype(np.int64), probs


__all__ = ["ABSTAIN", "AGGREGATORS", "LabelModelParams", "aggregate", "apply_lfs",
           "fit_label_model", "label_model_proba", "vote_counts"]
