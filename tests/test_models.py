import json
import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES

from newsroles import LABELS
from newsroles.errors import NewsrolesError
from newsroles.models import build_model, load_model
from newsroles.pipeline.prepare import split_articles
from newsroles.schema import read_articles, read_gold
from newsroles.sentences import SplitConfig


@pytest.fixture(scope="module")
def table():
    arts = read_articles(FIXTURES / "articles.jsonl")
    rows, _ = split_articles(arts, SplitConfig())
    df = pd.DataFrame(rows)
    gold = {(g.doc_id, g.start, g.end): g.label
            for g in read_gold(FIXTURES / "gold.jsonl", {a.id: a for a in arts})}
    df["label"] = [gold[(d, s, e)] for d, s, e in zip(df.doc_id, df.start, df.end)]
    return df


def test_linear_fit_predict_proba_shapes(table):
    m = build_model({"name": "linear"}, seed=0).fit(table, table["label"])
    proba = m.predict_proba(table)
    assert proba.shape == (len(table), 4)
    assert np.allclose(proba.sum(axis=1), 1)
    assert set(m.predict(table)) <= set(LABELS)
    # A linear model with this many features fits its own small training set.
    assert (m.predict(table) == table["label"]).mean() > 0.9


def test_linear_is_deterministic_and_round_trips(tmp_path, table):
    a = build_model({"name": "linear"}, seed=3).fit(table, table["label"])
    b = build_model({"name": "linear"}, seed=3).fit(table, table["label"])
    assert np.array_equal(a.predict_proba(table), b.predict_proba(table))
    a.save(tmp_path / "m", preprocessing={"drop_datelines": True})
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["label2id"] == {"quote": 0, "attribution": 1, "policy_statement": 2, "background": 3}
    assert meta["id2label"]["2"] == "policy_statement"
    loaded = load_model(tmp_path / "m")
    assert np.allclose(loaded.predict_proba(table), a.predict_proba(table))


def test_linear_needs_every_class(table):
    with pytest.raises(NewsrolesError, match="no example"):
        build_model({"name": "linear"}).fit(table.iloc[:3], ["quote"] * 3)


def test_rules_model_round_trip(tmp_path, table):
    m = build_model({"name": "rules", "functions": ["all"], "aggregator": "majority"}).fit(table, None)
    m.save(tmp_path / "r")
    assert list(load_model(tmp_path / "r").predict(table)) == list(m.predict(table))


def test_unknown_model_name():
    with pytest.raises(NewsrolesError, match="unknown model"):
        build_model({"name": "svm"})


@pytest.fixture
def saved(tmp_path, table):
    m = build_model({"name": "linear"}).fit(table, table["label"])
    return m.save(tmp_path / "m")


def test_tampered_weights_refused(saved):
    f = saved / "weights.npz"
    f.write_bytes(f.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(NewsrolesError, match="does not match its hash"):
        load_model(saved)


def test_planted_pickle_refused(saved):
    (saved / "extra.pkl").write_bytes(pickle.dumps({"x": 1}))
    with pytest.raises(NewsrolesError, match="unlisted file"):
        load_model(saved)


def test_pickled_weights_refused_even_when_resigned(saved):
    """A weights file that needs pickle to load is refused, even with a matching manifest."""
    import hashlib

    np.save(saved / "weights.npz", np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    (saved / "weights.npz.npy").rename(saved / "weights.npz")
    manifest = json.loads((saved / "manifest.json").read_text())
    manifest["files"]["weights.npz"] = hashlib.sha256(
        (saved / "weights.npz").read_bytes()).hexdigest()
    (saved / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(NewsrolesError, match="refusing weights.npz"):
        load_model(saved)


def test_predictions_match_scikit_learn(table):
    """The saved-array arithmetic equals scikit-learn's own pipeline on the same features."""
    from sklearn.feature_extraction.text import TfidfTransformer

    m = build_model({"name": "linear", "context_weight": 0, "quote_state_weight": 0, "lf_votes_weight": 0}).fit(
        table, table["label"])
    counts = m._blocks(table)["word"]
    ref = TfidfTransformer(sublinear_tf=True)
    ref.fit(counts)
    assert np.allclose(ref.idf_, m._est["idf_word"])
    assert np.allclose(ref.transform(counts).toarray(), m._features(table).toarray())


def test_missing_or_corrupt_folder(tmp_path, saved):
    with pytest.raises(NewsrolesError, match="not found"):
        load_model(tmp_path / "nowhere")
    (saved / "manifest.json").write_text("{not json")
    with pytest.raises(NewsrolesError, match="corrupt"):
        load_model(saved)


def test_the_parse_block_reads_the_main_clause_and_round_trips(table, tmp_path):
    from newsroles.models.linear import parse_items

    parse = {"main": [{"lemma": "confirm", "i": 2, "neg": False, "passive": False,
                       "subj": "the senate", "subj_propn": True, "obj": "judge",
                       "obj_text": "judge barrett", "comp": "", "comp_i": -1, "comp_dep": "",
                       "preps": ["to"], "addon": ""}], "sub_reports": ["say"]}
    items = parse_items(parse)
    assert {"root=confirm", "root|obj=confirm|judge", "subj_w=senate", "prep=to",
            "sub_report=say", "root|propn=confirm|True"} <= set(items)
    assert parse_items({"main": [], "sub_reports": []}) == ["no_main_clause"]
    m = build_model({"name": "linear", "parse_weight": 0.5, "parse_n_features": 256,
                     "lf_votes_weight": 0}).fit(table, table["label"])
    assert m._est["coef"].shape[1] == 2**16 + 2 * 2**14 + 6 + 256
    m.save(tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert np.allclose(again.predict_proba(table), m.predict_proba(table))
