"""Calibrated scores: a temperature fitted on gold dev, the expected calibration error and
its reliability diagram in every evaluated run."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import run_in_process, shared_cache

from newsroles.evaluation import expected_calibration_error
from newsroles.models.base import fit_temperature, softmax_rows, temper

LABELS = ("a", "b", "c")


def _overconfident(n=4000, true_t=2.0, seed=0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1.5, (n, 3))
    truth = softmax_rows(logits.copy())
    y = [LABELS[rng.choice(3, p=p)] for p in truth]
    said = softmax_rows(logits * true_t)  # the model's scores: too sure, by a factor of 2
    return said, y


def test_the_fitted_temperature_undoes_overconfidence():
    said, y = _overconfident()
    t = fit_temperature(said, y, LABELS)
    assert 1.8 < t < 2.2
    fixed = temper(said, t)
    assert (fixed.argmax(axis=1) == said.argmax(axis=1)).all()  # no label changes
    before = expected_calibration_error(said, y, LABELS)["ece"]
    after = expected_calibration_error(fixed, y, LABELS)["ece"]
    assert after < before / 2 and after < 0.03


def test_ece_matches_scikit_learns_calibration_curve():
    from sklearn.calibration import calibration_curve

    said, y = _overconfident(seed=3)
    gold = np.array([LABELS.index(g) for g in y])
    conf = said.max(axis=1)
    correct = (said.argmax(axis=1) == gold).astype(int)
    acc, mean_conf = calibration_curve(correct, conf, n_bins=15, strategy="uniform")
    ours = expected_calibration_error(said, y, LABELS, n_bins=15)
    assert np.allclose([b["accuracy"] for b in ours["bins"]], acc)
    assert np.allclose([b["confidence"] for b in ours["bins"]], mean_conf)
    counts = np.array([b["n"] for b in ours["bins"]])
    assert counts.sum() == len(y)
    assert ours["ece"] == pytest.approx(float((counts / len(y)) @ np.abs(acc - mean_conf)))


def test_a_run_is_calibrated_on_dev_and_reports_its_ece(tmp_path):
    from newsroles.models import load_model

    cache = [f"paths.cache={shared_cache()}", "model.lf_parse=false"]
    calibrated = run_in_process(tmp_path, cache)
    raw = run_in_process(tmp_path, [*cache, "train.calibration=none"])
    m_cal = json.loads((calibrated / "metrics.json").read_text())
    m_raw = json.loads((raw / "metrics.json").read_text())
    t = json.loads((calibrated / "training.json").read_text())["temperature"]
    assert t != 1.0 and m_cal["calibration"]["temperature"] == t
    assert load_model(calibrated).temperature == t and load_model(raw).temperature == 1.0
    assert 0 <= m_cal["ece"] <= 1 and (calibrated / "reliability_diagram.png").stat().st_size
    # Tempering changes confidences only: every predicted label and so every figure stays.
    for k in ("macro_f1", "accuracy", "per_class", "confusion_matrix"):
        assert m_cal[k] == m_raw[k]
    preds = [json.loads(x)["pred"] for x in (calibrated / "predictions.jsonl").read_text().splitlines()]
    assert preds == [json.loads(x)["pred"] for x in (raw / "predictions.jsonl").read_text().splitlines()]


def test_the_isotonic_map_is_scikit_learns_and_keeps_every_label():
    from sklearn.isotonic import IsotonicRegression

    from newsroles.models.base import fit_top_label_isotonic, remap_top_label

    said, y = _overconfident(seed=5)
    xs, ys = fit_top_label_isotonic(said, y, LABELS)
    gold = np.array([LABELS.index(g) for g in y])
    iso = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(
        said.max(1), (said.argmax(1) == gold).astype(float))
    probe = np.random.default_rng(1).dirichlet([0.3] * 3, 3000)
    assert np.allclose(np.interp(probe.max(1), xs, ys), iso.predict(probe.max(1)), atol=1e-6)
    mapped = remap_top_label(probe, xs, ys)
    assert (mapped.argmax(1) == probe.argmax(1)).all()
    assert np.allclose(mapped.sum(1), 1) and (mapped >= 0).all()
    ties = np.array([[0.5, 0.5, 0.0], [1 / 3] * 3, [1.0, 0.0, 0.0]])
    assert (remap_top_label(ties, xs, ys).argmax(1) == ties.argmax(1)).all()
    assert expected_calibration_error(remap_top_label(said, xs, ys), y, LABELS)["ece"] < 0.02


def test_an_isotonic_model_saves_and_loads_its_map(tmp_path):
    from newsroles.models import load_model

    run = run_in_process(tmp_path, [f"paths.cache={shared_cache()}", "model.lf_parse=false",
                                    "train.calibration=isotonic"])
    meta = json.loads((run / "model" / "model.json").read_text())
    assert meta["calibration"]["method"] == "isotonic"
    model = load_model(run)
    assert model.isotonic is not None and len(model.isotonic[0]) == len(meta["calibration"]["isotonic_x"])


def test_decision_weights_recover_a_shifted_label_and_change_no_probability():
    from newsroles.evaluation import macro_f1
    from newsroles.models.rules import RulesModel

    rng = np.random.default_rng(0)
    n, labels = 2000, ("quote", "attribution", "policy_statement", "background")
    gold = rng.integers(0, 4, n)
    logits = rng.normal(0, 1, (n, 4))
    logits[np.arange(n), gold] += 2.0
    logits[:, 2] -= 2.5  # the model under-calls policy_statement
    proba = softmax_rows(logits)
    model = RulesModel()
    model.labels = labels
    model.predict_proba = lambda X: proba  # the scores of "X"
    y = [labels[g] for g in gold]
    before = macro_f1(y, list(model.predict(None)), list(labels))
    weights = model.fit_thresholds(None, y)
    after = macro_f1(y, list(model.predict(None)), list(labels))
    assert weights[2] > 3 and after > before + 0.05
    assert model.predict_proba(None) is proba  # the probabilities are untouched


def test_a_run_with_thresholds_saves_and_uses_them(tmp_path):
    from newsroles.models import load_model

    run = run_in_process(tmp_path, [f"paths.cache={shared_cache()}", "model.lf_parse=false",
                                    "train.thresholds=true"])
    meta = json.loads((run / "model" / "model.json").read_text())
    weights = meta["decision"]["label_weights"]
    assert set(weights) == set(meta["labels"]) and all(w > 0 for w in weights.values())
    model = load_model(run)
    assert model.decision_weights == [weights[k] for k in meta["labels"]]
    training = json.loads((run / "training.json").read_text())
    assert training["decision_weights"] == weights
