"""model=ensemble: saved models' calibrated probabilities, weighted as chosen on gold dev,
saved as one self-contained model folder."""

from __future__ import annotations

import itertools
import json
import shutil

import numpy as np
import pytest

from conftest import cli, compose_config, fixture_overrides, run_in_process


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    """A linear and a rules run on the fixture corpus."""
    runs = tmp_path_factory.mktemp("members")
    return [run_in_process(runs), run_in_process(runs, ["model=rules"])]


@pytest.fixture(scope="module")
def ensemble_run(tmp_path_factory, members):
    runs = tmp_path_factory.mktemp("ensemble")
    return run_in_process(runs, ["model=ensemble", f"model.members=[{members[0]},{members[1]}]"])


def _dev(tmp_path):
    from newsroles.pipeline.run import stage_entries
    from newsroles.pipeline.stage import Inputs
    from newsroles.pipeline.tables import sentence_table

    cfg = compose_config(fixture_overrides(tmp_path))
    entries = stage_entries(cfg, "label")
    table = sentence_table(Inputs(cfg, entries, {}, tmp_path, ""), with_parse=True)
    dev = table[(table["split"] == "dev") & table["gold_label"].notna()].reset_index(drop=True)
    return dev, dev["gold_label"].tolist()


def test_weights_are_the_best_point_of_the_grid_on_dev(tmp_path, members, ensemble_run):
    from newsroles.evaluation import macro_f1
    from newsroles.models import load_model

    ensemble = load_model(ensemble_run / "model")
    weights = ensemble.chosen_weights
    assert len(weights) == 2 and abs(sum(weights) - 1) < 1e-9
    dev, y = _dev(tmp_path)
    probs = [load_model(m / "model").predict_proba(dev) for m in members]
    labels = list(ensemble.labels)

    def f1(w):
        mixed = w * probs[0] + (1 - w) * probs[1]
        return macro_f1(y, list(np.asarray(labels)[mixed.argmax(axis=1)]), labels)

    grid = [i / 20 for i in range(21)]
    assert f1(weights[0]) == pytest.approx(max(f1(w) for w in grid))
    # Before its own calibration the ensemble is exactly the weighted mean of its members.
    np.testing.assert_allclose(ensemble._predict_proba(dev),
                               weights[0] * probs[0] + weights[1] * probs[1], atol=1e-12)


def test_the_folder_alone_predicts_and_a_changed_member_is_refused(tmp_path, members,
                                                                   ensemble_run):
    from newsroles.errors import NewsrolesError
    from newsroles.models import load_model

    folder = tmp_path / "ensemble_model"
    shutil.copytree(ensemble_run / "model", folder)
    moved = [tmp_path / f"moved{i}" for i in range(2)]
    for m, target in zip(members, moved):
        shutil.move(m, target)  # the members' own runs are gone
    try:
        dev, _ = _dev(tmp_path / "cache")
        a = load_model(folder).predict_proba(dev)
        assert a.shape == (len(dev), 4) and np.allclose(a.sum(axis=1), 1)
        r = cli("tag", str(folder), "-", "--no-sources", stdin="The council banned cars.")
        assert r.returncode == 0, r.stderr
        # A member's weights edited inside the ensemble, with the outer manifest re-signed:
        # the member's own manifest still refuses it.
        weights = folder / "m0__weights.npz"
        weights.write_bytes(weights.read_bytes()[:-8] + b"\0" * 8)
        manifest = json.loads((folder / "manifest.json").read_text())
        import hashlib

        manifest["files"]["m0__weights.npz"] = hashlib.sha256(weights.read_bytes()).hexdigest()
        (folder / "manifest.json").write_text(json.dumps(manifest))
        with pytest.raises(NewsrolesError, match="ensemble member m0__"):
            load_model(folder)
    finally:
        for m, target in zip(members, moved):
            shutil.move(target, m)


def test_a_retrained_member_retrains_the_ensemble(tmp_path, members):
    """The members' manifests are part of the train stage's key: no stale ensemble."""
    from newsroles.pipeline.run import STAGES, stage_key_for

    over = [*fixture_overrides(tmp_path), "model=ensemble",
            f"model.members=[{members[0]},{members[1]}]"]
    cfg = compose_config(over)
    key = stage_key_for(STAGES["train"], cfg, {})[0]
    assert stage_key_for(STAGES["train"], cfg, {})[0] == key
    manifest = members[1] / "model" / "manifest.json"
    original = manifest.read_text()
    try:
        manifest.write_text(original.replace("{", '{"edited": 1, ', 1))
        again = stage_key_for(STAGES["train"], cfg, {})[0]
    finally:
        manifest.write_text(original)
    assert again != key


@pytest.mark.parametrize("overrides, message", [
    (["model=ensemble"], "model.members"),
    (["model=ensemble", "model.members=[a]"], "two or more"),
    (["model=ensemble", "model.members=[a,b]", "model.weights=[1,2,3]"], "model.weights"),
    (["model=ensemble", "model.members=[/nonexistent/a,/nonexistent/b]"], "not a run directory"),
])
def test_bad_ensemble_settings_are_one_line(tmp_path, overrides, message):
    r = cli("run", *fixture_overrides(tmp_path), *overrides)
    assert r.returncode != 0 and message in r.stderr and "Traceback" not in r.stderr


def test_given_weights_are_used_as_given(tmp_path, members):
    from newsroles.models.ensemble import EnsembleModel

    model = EnsembleModel(members=[str(m) for m in members], weights=[3.0, 1.0])
    model.fit(None, None)
    assert model.chosen_weights == [0.75, 0.25]
    assert list(itertools.chain(model.member_names)) == ["linear", "rules"]


def test_members_given_as_settings_are_trained_with_it(tmp_path, members):
    from newsroles import Tagger

    run = run_in_process(tmp_path / "runs", [
        "model=ensemble", f"model.members=[{{name:linear,C:3.0}},{members[1]}]"])
    folder = run / "model"
    listed = json.loads((folder / "members.json").read_text())["members"]
    assert [m["name"] for m in listed] == ["linear", "rules"]
    assert listed[0]["source"] == "trained with it" and listed[1]["source"] == str(members[1] / "model")
    trained = json.loads((folder / "m0__model.json").read_text())
    assert trained["params"]["C"] == 3.0
    assert trained["calibration"]["temperature"] != 1.0  # calibrated on gold dev
    assert len(Tagger.load(run).tag_sentences(["“We will win,” she said."])) == 1
    # The same settings again: served from the cache.
    timings = json.loads((run_in_process(tmp_path / "runs", [
        "model=ensemble", f"model.members=[{{name:linear,C:3.0}},{members[1]}]"])
        / "timings.json").read_text())
    assert timings["train"]["cached"] is True


def test_a_member_must_be_a_folder_or_a_model_settings(tmp_path):
    r = cli("run", *fixture_overrides(tmp_path), "model=ensemble",
            "model.members=[{name:nosuch},{name:linear}]")
    assert r.returncode != 0 and "model.members[0]" in r.stderr and "Traceback" not in r.stderr
