"""`newsroles data issues`: cleanlab on out-of-fold scores, folds by article."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from conftest import cli, compose_config, fixture_overrides

QUOTES = ['"We will rebuild the bridge by spring," the mayor said.',
          '"Nobody expected this," she told reporters.',
          '"The plan is dead," a spokesman said on Tuesday.',
          '"We are not leaving," the strikers said.']
REPORTS = ["The minister said the new bridge would open in spring.",
           "Police told reporters the suspect had fled north.",
           "The union claimed that the talks had failed.",
           "Officials said the storm would reach the coast by noon."]
ACTS = ["The parliament passed the budget on Monday.",
        "The governor signed the water bill into law.",
        "The court sentenced him to five years in prison.",
        "The council banned cars from the old town."]
FACTS = ["The river flooded three villages overnight.",
         "The museum opened in 1921 on the old market square.",
         "Snow covered most of the northern hills.",
         "The team lost its last four matches."]


def _table(n_docs=40, flipped=(3, 11, 22)):
    """Articles of a quote, a report, an act and a plain fact each, labelled as they read,
    except the quote of each `flipped` article, labelled background."""
    from newsroles.schema import with_context
    from newsroles.sentences import split_sentences_given

    rows = []
    for d in range(n_docs):
        texts = [QUOTES[d % 4], REPORTS[(d + 1) % 4], ACTS[(d + 2) % 4], FACTS[(d + 3) % 4]]
        recs = with_context(split_sentences_given(f"doc{d}", texts))
        for i, r in enumerate(recs):
            label = ("quote", "attribution", "policy_statement", "background")[i]
            if d in flipped and i == 0:
                label = "background"
            rows.append({**r, "start": i * 100, "end": i * 100 + len(r["text"]),
                         "gold_label": label, "split": "train"})
    return pd.DataFrame(rows)


def test_deliberate_label_errors_are_flagged_first(tmp_path):
    from newsroles.label_issues import find_gold_issues, out_of_fold_scores

    cfg = compose_config(fixture_overrides(tmp_path))
    table = _table()
    rows, scores = out_of_fold_scores(cfg, table, folds=5)
    assert len(rows) == len(table) and np.allclose(scores.sum(axis=1), 1.0)
    flagged = find_gold_issues(cfg, table, folds=5)
    flipped = {f"doc{d}" for d in (3, 11, 22)}
    found = [(r["doc_id"], r["start"]) for r in flagged]
    assert {(d, 0) for d in flipped} <= set(found)
    assert len(flagged) <= 8  # the correctly labelled sentences stay unflagged
    assert all(r["gold_label"] == "background" for r in flagged if r["doc_id"] in flipped)
    assert found[0][0] in flipped  # ranked most likely first


def test_data_issues_command_writes_the_flagged_sentences(tmp_path):
    out = tmp_path / "flagged.jsonl"
    r = cli("data", "issues", "-o", str(out), "--folds", "3", *fixture_overrides(tmp_path / "runs"))
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary["flagged"] == len(records)
    assert all({"doc_id", "start", "end", "text", "split", "gold_label", "label_quality"} <= set(x)
               for x in records)
    bad = cli("data", "issues", "-o", str(out), "model=nonexistent")
    assert bad.returncode == 2 and "model" in bad.stderr and "Traceback" not in bad.stderr
