"""newsroles analyze: the estimators against QuaPy and ppi-python, a simulation with known
truth (coverage of the 95% intervals), the command on the fixture corpus, its one-line
errors, and the notebook executed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES, ROOT, cli

from newsroles.analysis.estimators import EvalSums, adjust, percentile_interval, ppi_mean
from newsroles.analysis.evaluation_set import EvaluationSet
from newsroles.analysis.shares import estimate_shares

LABELS = ["quote", "attribution", "policy_statement", "background"]

# --- the estimators against the libraries -------------------------------------------------


def test_ppi_mean_matches_ppi_python():
    ppi_py = pytest.importorskip("ppi_py")
    rng = np.random.default_rng(3)
    y = np.eye(3)[rng.integers(0, 3, 80)]
    yhat = y * 0.2 + rng.random((80, 3))  # informative but noisy: lambda inside (0, 1)
    unlabelled = np.eye(3)[rng.integers(0, 3, 900)] * 0.2 + rng.random((900, 3))
    yhat = yhat / yhat.sum(axis=1, keepdims=True)
    unlabelled = unlabelled / unlabelled.sum(axis=1, keepdims=True)
    ours = ppi_mean(y, yhat, unlabelled)
    lower, upper = ppi_py.ppi_mean_ci(y, yhat, unlabelled, alpha=0.05)
    point = ppi_py.ppi_mean_pointestimate(y, yhat, unlabelled)
    assert np.allclose(ours.estimate, np.ravel(point), atol=1e-12)
    assert np.allclose(ours.estimate - 1.959964 * ours.se, np.ravel(lower), atol=1e-6)
    assert np.allclose(ours.estimate + 1.959964 * ours.se, np.ravel(upper), atol=1e-6)
    assert 0 < ours.lam < 1


def test_adjust_matches_quapy():
    pytest.importorskip("quapy")
    import quapy.functional as F
    from quapy.method.aggregative import ACC

    rng = np.random.default_rng(4)
    true = rng.integers(0, 4, 600)
    pred = np.where(rng.random(600) < 0.7, true, rng.integers(0, 4, 600))
    sums = EvalSums.from_sentences(np.arange(600) // 20, true, np.eye(4)[pred], 4)
    rates = sums.rates()[0]
    assert np.allclose(rates, ACC.getPteCondEstim(np.arange(4), true, pred))
    for observed in (np.array([0.3, 0.2, 0.1, 0.4]), np.array([0.7, 0.02, 0.02, 0.26])):
        theirs = ACC.solve_adjustment(rates, observed, method="inversion", solver="exact-raise")
        theirs = F.normalize_prevalence(theirs, method="clip")
        assert np.allclose(adjust(rates, observed[:, None])[:, 0], theirs)
    # batched (bootstrap replicates x groups) equals one at a time
    batch = np.stack([rates, rates.T / rates.T.sum(0)])
    observed = rng.dirichlet(np.ones(4), size=(2, 3)).transpose(0, 2, 1)
    one = [adjust(batch[r], observed[r]) for r in range(2)]
    assert np.allclose(adjust(batch, observed), np.stack(one))


# --- simulation with known truth -----------------------------------------------------------

# P(pred | true): rows true, columns predicted; uneven (attribution and policy statements
# are often missed, background over-predicted).
CONFUSION = np.array([[0.92, 0.05, 0.00, 0.03],
                      [0.10, 0.60, 0.02, 0.28],
                      [0.00, 0.05, 0.55, 0.40],
                      [0.02, 0.05, 0.05, 0.88]])
TRUE_SHARES = {"A": np.array([0.30, 0.25, 0.10, 0.35]), "B": np.array([0.15, 0.15, 0.25, 0.45])}
EVAL_SHARES = np.array([0.2, 0.2, 0.15, 0.45])  # the gold split's own mix differs


def _simulated_sentences(rng, shares, articles, per_article, with_scores):
    true = rng.choice(4, size=articles * per_article, p=shares)
    if with_scores:  # Dirichlet scores (normalised gammas) whose mean given true is its row
        gammas = rng.gamma(CONFUSION[true] * 8 + 0.01)
        scores = gammas / gammas.sum(axis=1, keepdims=True)
        pred = scores.argmax(axis=1)
    else:  # a label drawn from the true label's row
        pred = (rng.random(len(true))[:, None] > CONFUSION[true].cumsum(axis=1)).sum(axis=1)
        scores = np.eye(4)[pred]
    doc = np.repeat(np.arange(articles), per_article)
    return true, pred, scores, doc


def _simulate_once(rng, with_scores, replicates=300):
    true, pred, scores, doc = _simulated_sentences(rng, EVAL_SHARES, 40, 15, with_scores)
    evaluation = EvaluationSet(Path("sim"), "sim", "sim", LABELS, pd.DataFrame({
        "doc_id": doc.astype(str), "gold": np.array(LABELS)[true],
        "pred": np.array(LABELS)[pred],
        **{f"score_{lab}": scores[:, k] for k, lab in enumerate(LABELS)}}), None)
    parts = []
    for group, shares in TRUE_SHARES.items():
        true, pred, scores, doc = _simulated_sentences(rng, shares, 60, 15, with_scores)
        parts.append(pd.DataFrame({
            "doc_id": doc.astype(str), "group": group,
            "label": np.array(LABELS)[pred], "gold": np.array(LABELS)[true],
            **{f"score_{lab}": scores[:, k] for k, lab in enumerate(LABELS)}}))
    table = pd.concat(parts, ignore_index=True)
    sample = np.sort(rng.choice(len(table), 300, replace=False))  # a random hand-labelled sample
    estimates = estimate_shares(table, table["group"], evaluation, sample,
                                table["gold"].iloc[sample], replicates=replicates,
                                seed=int(rng.integers(1 << 30)))
    truth = np.stack([TRUE_SHARES[g] for g in estimates.groups])
    covered = {}
    for method, point in estimates.point.items():
        if method == "ppi":
            half = 1.959964 * estimates.ppi_se
            lower, upper = point - half, point + half
        else:
            lower, upper = percentile_interval(estimates.draws[method], 0.95)
        covered[method] = ((lower <= truth) & (truth <= upper)).ravel()
    return covered


@pytest.mark.parametrize("with_scores", [True, False], ids=["pacc", "acc"])
def test_intervals_cover_the_true_share_where_counting_does_not(with_scores):
    rng = np.random.default_rng(2026)
    covered = [_simulate_once(rng, with_scores) for _ in range(300)]
    coverage = {m: np.mean([c[m] for c in covered], axis=0) for m in covered[0]}
    for method, share in coverage.items():  # the README's figures: pytest -s -k intervals
        print(f"{'scores' if with_scores else 'labels'} {method}: covers "
              f"{share.min():.1%}-{share.max():.1%}, {np.round(share, 3).tolist()}")
    # each group x label: the adjusted and ppi intervals hold, counting's do not
    assert coverage["adjusted"].min() >= 0.90, coverage["adjusted"]
    assert coverage["ppi"].min() >= 0.90, coverage["ppi"]
    assert coverage["count"].min() < 0.5, coverage["count"]


# --- the command on the fixture corpus -----------------------------------------------------

SHARE_HEADER = ["group", "label", "method", "estimate", "lower", "upper", "n"]


@pytest.fixture(scope="module")
def tagged_corpus(trained_run, tmp_path_factory):
    """The fixture articles with a publisher and a date, tagged by the trained run (JSONL
    and Parquet), and a hand-labelled sample: the gold spans the tagger's sentences match."""
    folder = tmp_path_factory.mktemp("analyze")
    articles = [json.loads(line) for line in (FIXTURES / "articles.jsonl").open()]
    with (folder / "articles.jsonl").open("w") as fh:
        for i, article in enumerate(articles):
            fh.write(json.dumps({**article, "publisher": "AB"[i % 2],
                                 "date": f"2020-0{1 + i % 3}-1{i}"}) + "\n")
    for suffix in ("jsonl", "parquet"):
        out = cli("tag", str(trained_run), str(folder / "articles.jsonl"), "-o",
                  str(folder / f"tagged.{suffix}"), "-j", "1")
        assert out.returncode == 0, out.stderr[-2000:]
    tagged = pd.read_json(folder / "tagged.jsonl", lines=True)
    spans = set(zip(tagged["doc_id"], tagged["start"], tagged["end"]))
    gold = [json.loads(line) for line in (FIXTURES / "gold.jsonl").open()]
    sample = [{k: g[k] for k in ("doc_id", "start", "end", "label")} for g in gold
              if (g["doc_id"], g["start"], g["end"]) in spans]
    sample = [sample[i] for i in sorted(np.random.default_rng(0).permutation(len(sample))[:30])]
    assert len(sample) == 30
    (folder / "sample.jsonl").write_text("".join(json.dumps(s) + "\n" for s in sample))
    return folder, tagged


def test_analyze_writes_shares_differences_articles_plots_and_report(trained_run,
                                                                    tagged_corpus):
    folder, tagged = tagged_corpus
    out = cli("analyze", str(folder / "tagged.jsonl"), "--model", str(trained_run), "--by",
              "publisher", "--gold-sample", str(folder / "sample.jsonl"), "--bootstrap", "200",
              "-o", str(folder / "findings"))
    assert out.returncode == 0, out.stderr[-2000:]
    # 4 articles and 15 or so hand-labelled sentences a publisher: said, not hidden
    assert "warning: group 'A' has 4 article(s)" in out.stderr
    # the run scored its model on two of these articles (the fixture's test split)
    assert "warning: 2 of the tagged articles are in the gold test split" in out.stderr
    assert "warning: group 'B' has" in out.stderr and "hand-labelled sentences" in out.stderr
    shares = pd.read_csv(folder / "findings" / "shares.csv")
    assert list(shares.columns[:7]) == SHARE_HEADER
    assert set(shares["group"]) == {"A", "B"} and set(shares["method"]) == {"count", "adjusted",
                                                                          "ppi"}
    assert len(shares) == 2 * 4 * 3
    # count is the model's labels counted, per publisher
    publisher = tagged["doc_id"].map({json.loads(line)["id"]: "AB"[i % 2] for i, line in
                                      enumerate((FIXTURES / "articles.jsonl").open())})
    counted = tagged.groupby(publisher)["label"].value_counts(normalize=True)
    for row in shares[shares["method"] == "count"].itertuples():
        assert row.estimate == pytest.approx(counted.get((row.group, row.label), 0.0))
        assert row.lower <= row.estimate <= row.upper
        assert row.n == (publisher == row.group).sum()
    assert shares.groupby(["group", "method"])["estimate"].sum().round(6).eq(1).all()
    diffs = pd.read_csv(folder / "findings" / "differences.csv")
    assert set(diffs["group"]) == {"B"} and set(diffs["baseline"]) == {"A"}
    articles = pd.read_csv(folder / "findings" / "articles.csv")
    assert len(articles) == 8 and "sources" in articles.columns
    page = (folder / "findings" / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 3 and "assumes" in page
    assert "<b>Warning:</b> group &#x27;A&#x27; has 4 article(s)" in page
    assert "ppi" in page and "adjusted" in page
    assert not list((folder / "findings").glob(".*"))  # no temporary files left


def test_parquet_reads_as_jsonl_and_dates_group_by_month(trained_run, tagged_corpus):
    folder, _ = tagged_corpus
    from newsroles.analysis import analyze

    by_month = [analyze(folder / f"tagged.{s}", trained_run, by=["date:month"], replicates=100)
                for s in ("jsonl", "parquet")]
    a, b = (r.shares[r.shares["method"] != "ppi"] for r in by_month)
    assert list(a["group"].unique()) == ["2020-01", "2020-02", "2020-03"]
    assert np.allclose(a["estimate"], b["estimate"]) and (a["n"] == b["n"]).all()


def _rewritten(path: Path, target: Path, change) -> Path:
    rows = [change(json.loads(line)) for line in path.open()]
    target.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return target


BAD_INPUTS = {
    "unknown --by field": (lambda f, run: ["--by", "outlet"], "no field 'outlet' to group by"),
    "bad --by unit": (lambda f, run: ["--by", "date:week"], "expected FIELD or FIELD:"),
    "not dates": (lambda f, run: ["--by", "publisher:year"], "are not dates"),
    "level out of range": (lambda f, run: ["--level", "95"], "--level must be between 0 and 1"),
    "unknown baseline": (lambda f, run: ["--by", "publisher", "--baseline", "C"],
                         "--baseline 'C' is not a group"),
    "sample not in the tagged data": (
        lambda f, run: ["--gold-sample", str(_rewritten(
            f / "sample.jsonl", f / "moved.jsonl", lambda r: {**r, "start": r["start"] + 1}))],
        "are not in the tagged data"),
    "sample label unknown": (
        lambda f, run: ["--gold-sample", str(_rewritten(
            f / "sample.jsonl", f / "odd.jsonl", lambda r: {**r, "label": "opinion"}))],
        "label 'opinion' is not one of the model's"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_one_line_and_writes_nothing(trained_run, tagged_corpus, case, capsys):
    """In process through the CLI's own main (the subprocess path: the next test)."""
    from newsroles.cli import main

    folder, _ = tagged_corpus
    args, message = BAD_INPUTS[case]
    out_dir = folder / f"never_{case.replace(' ', '_').replace('-', '')}"
    with pytest.raises(SystemExit) as exit_:
        main(["analyze", str(folder / "tagged.jsonl"), "--model", str(trained_run),
              *args(folder, trained_run), "--bootstrap", "100", "-o", str(out_dir)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert exit_.value.code == 2
    assert len(lines) == 1 and lines[0].startswith("newsroles: error:") and message in lines[0], \
        lines
    assert not out_dir.exists()


def test_bad_input_from_the_command_line_is_one_line_without_traceback(trained_run,
                                                                      tagged_corpus):
    folder, _ = tagged_corpus
    out = cli("analyze", str(folder / "tagged.jsonl"), "--model", str(trained_run), "--by",
              "outlet", "-o", str(folder / "never"))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    expected = (f"newsroles: error: {folder / 'tagged.jsonl'}: no field 'outlet' to group by "
                "(fields: date, publisher, title)")
    assert out.stderr.strip().splitlines() == [expected]
    assert not (folder / "never").exists()


def test_a_run_without_predictions_and_another_models_tags_are_refused(trained_run,
                                                                       tagged_corpus, tmp_path):
    from newsroles.analysis import analyze
    from newsroles.errors import NewsrolesError

    folder, _ = tagged_corpus
    with pytest.raises(NewsrolesError, match="no evaluation predictions"):
        analyze(folder / "tagged.jsonl", tmp_path)
    other = _rewritten(folder / "tagged.jsonl", tmp_path / "other.jsonl",
                       lambda r: {**r, "model_id": "linear-0123456789ab"})
    with pytest.raises(NewsrolesError, match="tagged by linear-0123456789ab, but the run"):
        analyze(other, trained_run)
    # the model's own id (as `newsroles tag` writes it) is accepted
    from newsroles.analysis.evaluation_set import load_evaluation

    own = _rewritten(folder / "tagged.jsonl", tmp_path / "own.jsonl",
                     lambda r: {**r, "model_id": load_evaluation(trained_run).model_id})
    assert not analyze(own, trained_run, replicates=100).shares.empty
    with pytest.raises(NewsrolesError, match="expected .jsonl, .csv, .parquet"):
        analyze(tmp_path / "tagged.txt", trained_run)
    # an output that would replace an input
    from newsroles.analysis import write_analysis

    (tmp_path / "out").mkdir()
    clash = _rewritten(folder / "tagged.jsonl", tmp_path / "out" / "articles.csv", dict)
    pd.read_json(clash, lines=True).drop(columns=["scores", "source", "cue", "quote_spans"]
                                         ).to_csv(clash, index=False)
    result = analyze(clash, trained_run, replicates=100)
    with pytest.raises(NewsrolesError, match="would write over the input articles.csv"):
        write_analysis(result, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["articles.csv"]
    unscored = _rewritten(folder / "tagged.jsonl", tmp_path / "unscored.jsonl",
                          lambda r: {k: v for k, v in r.items() if k != "scores"})
    with pytest.raises(NewsrolesError, match="--adjust pacc needs scores"):
        analyze(unscored, trained_run, adjust="pacc")
    assert analyze(unscored, trained_run, replicates=100).estimates.adjust_method == "acc"


def test_ppi_with_everything_labelled_is_the_labelled_mean():
    y = np.eye(4)[[0, 1, 1, 3, 3, 3]]
    result = ppi_mean(y, y * 0.5, np.zeros((0, 4)))
    assert np.allclose(result.estimate, y.mean(0)) and np.allclose(result.se, y.std(0) / 6 ** 0.5)


NOTEBOOK = ROOT / "notebooks" / "corpus_analysis.ipynb"


def test_notebook_is_committed_without_outputs():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") and not c.get("execution_count")
               for c in nb.cells if c.cell_type == "code")


def test_notebook_executes_on_a_tagged_corpus(trained_run, tagged_corpus, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    folder, _ = tagged_corpus
    monkeypatch.setenv("NEWSROLES_TAGGED", str(folder / "tagged.parquet"))
    monkeypatch.setenv("NEWSROLES_RUN", str(trained_run))
    monkeypatch.setenv("NEWSROLES_BY", "publisher")
    monkeypatch.setenv("NEWSROLES_GOLD_SAMPLE", str(folder / "sample.jsonl"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors[0]["evalue"] if errors else ""
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                   for o in outputs)
    assert "sentences in 8 articles, 2 group(s) by publisher" in text
    assert "ppi: prediction-powered inference" in text and "adjusted" in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 3


def test_csv_reads_as_jsonl(trained_run, tagged_corpus, tmp_path):
    from newsroles.analysis import analyze

    folder, tagged = tagged_corpus
    flat = tagged.drop(columns=["scores", "source", "cue", "quote_spans"]).assign(
        **{f"score_{lab}": tagged["scores"].map(lambda s, lab=lab: s[lab]) for lab in LABELS},
        source=tagged["source"].map(lambda s: s["text"] if isinstance(s, dict) else None))
    flat.to_csv(tmp_path / "tagged.csv", index=False)
    a, b = (analyze(p, trained_run, by=["publisher"], replicates=100)
            for p in (folder / "tagged.jsonl", tmp_path / "tagged.csv"))
    assert np.allclose(a.shares["estimate"], b.shares["estimate"])
    assert (a.articles["sources"] == b.articles["sources"]).all()


def test_a_pre_split_sample_joins_by_sent_idx(tmp_path):
    from newsroles.analysis.tagged import join_gold_sample, read_gold_sample
    from newsroles.errors import NewsrolesError

    table = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_idx": pd.array([0, 1, 0], "Int64"),
                          "start": pd.array([None] * 3, "Int64"), "label": ["quote"] * 3})
    path = tmp_path / "sample.jsonl"
    path.write_text('{"doc_id": "b", "sent_idx": 0, "label": "background"}\n'
                    '{"doc_id": "a", "sent_idx": 1, "label": "quote"}\n')
    sample = read_gold_sample(path, LABELS)
    assert join_gold_sample(table, sample, path).tolist() == [2, 1]
    path.write_text('{"doc_id": "a", "sent_idx": 5, "label": "quote"}\n')
    with pytest.raises(NewsrolesError, match=r"sample.jsonl:1: 1 of 1 hand-labelled .* "
                                             r"\(first: doc_id a, sent_idx 5\)"):
        join_gold_sample(table, read_gold_sample(path, LABELS), path)
    path.write_text('{"doc_id": "a", "label": "quote"}\n')
    with pytest.raises(NewsrolesError, match="expected start and end"):
        read_gold_sample(path, LABELS)


def test_a_plot_of_many_groups_shows_the_first_thirty():
    from newsroles.analysis.report import plot_shares

    shares = pd.DataFrame([(f"g{g:02d}", lab, "count", 0.25, 0.2, 0.3) for g in range(40)
                           for lab in LABELS],
                          columns=["group", "label", "method", "estimate", "lower", "upper"])
    fig = plot_shares(shares)
    assert fig._suptitle.get_text() == "the first 30 of 40 groups (all are in the tables)"
    assert len(fig.axes[0].get_yticklabels()) == 30
