"""Nothing a user feeds newsroles corrupts their data, destroys their input, or ends in a
traceback: each case goes through the CLI and checks the exit code, the one error line, and
that inputs, gold and splits are byte-identical afterwards where nothing should change."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import FIXTURES, cli, run_in_process, shared_cache

from newsroles.annotation.formats import CSV_COLUMNS


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _one_line_error(out, *needles: str) -> str:
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsroles: error: "), out.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory) -> Path:
    """A linear run without parse features: tags without loading spaCy."""
    return run_in_process(tmp_path_factory.mktemp("runs"),
                          ["model.lf_parse=false", f"paths.cache={shared_cache()}"])


@pytest.fixture()
def data(tmp_path) -> dict[str, Path]:
    paths = {"articles": tmp_path / "articles.jsonl", "gold": tmp_path / "gold.jsonl",
             "splits": tmp_path / "splits.json"}
    for name, p in paths.items():
        shutil.copy(FIXTURES / p.name, p)
    return paths


def _hashes(paths) -> dict:
    return {k: sha(p) for k, p in paths.items() if Path(p).exists()}


def _import(data, file: Path, *extra: str):
    return cli("annotate", "import", str(file), "--articles", str(data["articles"]),
               "--gold", str(data["gold"]), "--splits", str(data["splits"]), *extra)


def _article(data, index=0) -> dict:
    return json.loads(data["articles"].read_text().splitlines()[index])


def _unlabelled_article(data) -> dict:
    gold_docs = {json.loads(ln)["doc_id"] for ln in data["gold"].read_text().splitlines()}
    for line in data["articles"].read_text().splitlines():
        a = json.loads(line)
        if a["id"] not in gold_docs:
            return a
    # The fixture labels every article: drop one's gold so it is new to the gold set.
    a = _article(data, 0)
    kept = [ln for ln in data["gold"].read_text().splitlines() if json.loads(ln)["doc_id"] != a["id"]]
    data["gold"].write_text("".join(ln + "\n" for ln in kept))
    splits = json.loads(data["splits"].read_text())
    splits = {k: [d for d in v if d != a["id"]] for k, v in splits.items()}
    data["splits"].write_text(json.dumps(splits))
    return a


def _task(doc_id, start, end, text, label="background") -> dict:
    return {"data": {"doc_id": doc_id, "start": start, "end": end, "text": text},
            "annotations": [{"result": [{"from_name": "label", "value": {"choices": [label]}}]}]}


# --- data loss and corruption ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["negative", "empty", "reversed", "past_end"])
def test_import_refuses_spans_outside_the_article(tmp_path, data, kind):
    a = _article(data)
    n = len(a["text"])
    start, end = {"negative": (-17, n), "empty": (5, 5), "reversed": (20, 10),
                  "past_end": (n - 5, n + 50)}[kind]
    text = a["text"][start:end]
    f = tmp_path / "export.json"
    f.write_text(json.dumps([_task(a["id"], start, end, text)]))
    before = _hashes(data)
    for extra in ((), ("--dry-run",)):
        _one_line_error(_import(data, f, *extra), str(f), "task 1", f"span {start}-{end}")
    assert _hashes(data) == before
    assert cli("data", "check", *[a for k in data for a in (f"--{k}", str(data[k]))]).returncode == 0


def test_overlapping_spans_of_one_import_are_conflicts_not_gold(tmp_path, data):
    a = _unlabelled_article(data)
    text = a["text"]
    first = text.index(".") + 1
    f = tmp_path / "export.json"
    f.write_text(json.dumps([_task(a["id"], 0, first, text[:first]),
                             _task(a["id"], 2, first + 5, text[2:first + 5], "quote")]))
    before = _hashes(data)
    out = _import(data, f)
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("overlaps another span of this file") == 2
    assert "imported 0 sentence(s)" in out.stderr
    assert _hashes(data) == before


def _csv_batch(tmp_path, a) -> Path:
    import csv

    from newsroles.sentences import SplitConfig, split_article

    s = split_article(a["id"], a["text"], SplitConfig()).sentences[0]
    f = tmp_path / "batch.csv"
    with f.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        w.writeheader()
        w.writerow({"doc_id": a["id"], "start": s.start, "end": s.end, "text": s.text,
                    "label": "background", "context_before": "", "context_after": "",
                    "suggestion": "", "confidence": 0, "note": ""})
    return f


def test_an_import_that_cannot_write_the_splits_writes_no_gold(tmp_path, data, monkeypatch,
                                                                 capsys):
    """Through the CLI's entry point (in this process, to make one write fail)."""
    from newsroles import cli as cli_module
    from newsroles.annotation import merge
    from newsroles.errors import NewsrolesError

    a = _unlabelled_article(data)
    batch = _csv_batch(tmp_path, a)
    before = _hashes(data)
    real = merge.write_text

    def failing(path, text):
        if Path(path) == data["splits"]:
            raise NewsrolesError("cannot write here (No space left on device)", path)
        return real(path, text)

    monkeypatch.setattr(merge, "write_text", failing)
    args = ["annotate", "import", str(batch), "--articles", str(data["articles"]),
            "--gold", str(data["gold"]), "--splits", str(data["splits"])]
    with pytest.raises(SystemExit) as stop:
        cli_module.main(args)
    assert stop.value.code == 2
    assert "No space left on device" in capsys.readouterr().err
    assert _hashes(data) == before  # gold untouched: the splits go first

    # The other failure: the splits were written, then gold could not be. Running the
    # import again completes it.
    def gold_fails(path, text):
        if Path(path) == data["gold"]:
            raise NewsrolesError("cannot write here (No space left on device)", path)
        return real(path, text)

    monkeypatch.setattr(merge, "write_text", gold_fails)
    with pytest.raises(SystemExit):
        cli_module.main(args)
    assert sha(data["gold"]) == before["gold"] and a["id"] in data["splits"].read_text()
    monkeypatch.setattr(merge, "write_text", real)
    cli_module.main(args)
    assert "imported 1 sentence(s)" in capsys.readouterr().err
    assert a["id"] in data["gold"].read_text()
    check = cli("data", "check", *[x for k in data for x in (f"--{k}", str(data[k]))])
    assert check.returncode == 0, check.stderr


def test_gold_left_without_a_split_by_an_old_import_is_repaired(tmp_path, data):
    """An earlier version appended gold, then failed on the splits: rerunning the import
    said "already gold" forever. Now it puts the article in its split."""
    a = _unlabelled_article(data)
    batch = _csv_batch(tmp_path, a)
    assert _import(data, batch).returncode == 0
    splits = json.loads(data["splits"].read_text())
    splits["train"].remove(a["id"])
    data["splits"].write_text(json.dumps(splits))  # the broken state
    gold_before = sha(data["gold"])
    out = _import(data, batch)
    assert out.returncode == 0 and "1 already gold" in out.stderr and "1 new article" in out.stderr
    assert a["id"] in json.loads(data["splits"].read_text())["train"]
    assert sha(data["gold"]) == gold_before


def test_tag_refuses_to_write_over_its_input(tmp_path, fast_run):
    f = tmp_path / "same.jsonl"
    f.write_text('{"id": "a", "text": "He said so."}\n')
    before = sha(f)
    _one_line_error(cli("tag", str(fast_run), str(f), "-o", str(f)), "-o is an input file")
    link = tmp_path / "link.jsonl"
    link.symlink_to(f)
    _one_line_error(cli("tag", str(fast_run), str(f), "-o", str(link)), "-o is an input file")
    assert sha(f) == before


def test_html_pages_keep_the_index_and_fail_whole(tmp_path, fast_run):
    f = tmp_path / "in.jsonl"
    f.write_text('{"id": "index", "text": "He said so."}\n{"id": "b", "text": "Yes."}\n')
    pages = tmp_path / "pages"
    out = cli("tag", str(fast_run), str(f), "-o", f"{pages}/", "--format", "html")
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in pages.iterdir()) == ["b.html", "index.html", "index_2.html"]
    index = (pages / "index.html").read_text()
    assert 'href="index_2.html"' in index and 'href="b.html"' in index
    # A bad article midway: nothing is added to the folder.
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "c", "text": "Fine."}\n{"id": null, "text": "x"}\n')
    before = {p.name: sha(p) for p in pages.iterdir()}
    fresh = tmp_path / "fresh"
    _one_line_error(cli("tag", str(fast_run), str(bad), "-o", f"{pages}/", "--format", "html"),
                    "bad.jsonl:2")
    _one_line_error(cli("tag", str(fast_run), str(bad), "-o", f"{fresh}/", "--format", "html"))
    assert {p.name: sha(p) for p in pages.iterdir()} == before
    assert not fresh.exists() or not [p for p in fresh.iterdir() if not p.name.startswith(".")]


# --- one line, exit 2, nothing written ----------------------------------------------------


def _jsonl(tmp_path, line: str, name="in.jsonl") -> Path:
    f = tmp_path / name
    f.write_text(line + "\n")
    return f


@pytest.mark.parametrize(("line", "needle"), [
    ('{"id": "a", "text": "He said \\ud800 so."}', "lone surrogate (U+D800"),
    ('{"id": "a", "sentences": ["ok", "bad \\udfff"]}', "sentence 1 holds a lone surrogate"),
    ('{"id": "a", "text": "x", "n": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested too deeply"),
    ('{"id": "a", "text": "x", "n": ' + "9" * 5000 + "}", "4300 digits"),
    ('{"id": null, "text": "x"}', "the id must be a string or a whole number, not None"),
    ('{"id": [1], "text": "x"}', "not [1]"),
    ('{"id": NaN, "text": "x"}', "not nan"),
    ('{"id": true, "text": "x"}', "not True"),
    ('{"id": "a", "sentences": ["' + "w " * 600_000 + '"]}', "has 1,200,000 characters"),
    ('{"id": "a", "text": 5}', "needs 'text' (a string)"),
    ("[1, 2]", "expected a JSON object"),
])
def test_bad_documents_are_one_line(tmp_path, fast_run, line, needle):
    f = _jsonl(tmp_path, line)
    before = sha(f)
    out_file = tmp_path / "out.jsonl"
    _one_line_error(cli("tag", str(fast_run), str(f), "-o", str(out_file)), f"{f}:1:", needle)
    assert sha(f) == before and not out_file.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.jsonl"]  # no temporary left


def test_a_sentence_of_a_million_characters_in_raw_text_is_split(tmp_path, fast_run):
    text = "word " * 250_000 + "end."
    f = _jsonl(tmp_path, json.dumps({"id": "long", "text": text}))
    out = cli("tag", str(fast_run), str(f), "--no-sources")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(rows) >= 13 and all(len(r["text"]) <= 100_000 for r in rows)
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    assert " ".join(r["text"] for r in rows).split() == text.split()


def test_output_that_is_a_directory_or_cannot_be_written(tmp_path, fast_run):
    f = _jsonl(tmp_path, '{"id": "a", "text": "He said so."}')
    (tmp_path / "outdir").mkdir()
    _one_line_error(cli("tag", str(fast_run), str(f), "-o", str(tmp_path / "outdir")),
                    "-o is a directory")
    _one_line_error(cli("tag", str(fast_run), str(f), "-o", str(f / "x.jsonl")),
                    "cannot write here")
    assert sorted(p.name for p in (tmp_path / "outdir").iterdir()) == []


@pytest.mark.parametrize(("content", "needle"), [
    ('["a", "b"]', "a splits file is a JSON object"),
    ('{"train": [1, 2], "dev": [], "test": []}', "holds 1: article ids are strings"),
    ('{"train": "a", "dev": [], "test": []}', "must be a list of article ids"),
    ('{"training": []}', "unknown split 'training'"),
    ('{"train": [', "not valid JSON"),
])
def test_bad_splits_files_are_one_line(tmp_path, data, content, needle):
    data["splits"].write_text(content)
    before = _hashes(data)
    out = cli("data", "check", *[x for k in data for x in (f"--{k}", str(data[k]))])
    _one_line_error(out, str(data["splits"]), needle)
    runs = tmp_path / "runs"
    run = cli("run", f"paths.runs={runs}", *[f"data.{k}={p}" for k, p in data.items()],
              "model.lf_parse=false", "eval.bootstrap=0")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert needle in run.stderr.splitlines()[0]  # then: which run was marked failed
    assert _hashes(data) == before


@pytest.mark.parametrize(("tasks", "needle"), [
    ([1], "task 1 is not an object (a JSON int)"),  # several: tests/test_annotate.py
    ([{"data": {"doc_id": "x", "start": 0, "end": 3, "text": "abc"}, "annotations": "oops"}],
     "annotations must be a list of objects"),
    ([{"data": {"doc_id": "x", "start": 0, "end": 3, "text": "abc"},
       "annotations": [{"result": "quote"}]}], "result must be a list of objects"),
    ([{"data": "council_budget"}], "a task's data must be an object"),
    ([{"data": {"doc_id": "x", "start": "a", "end": 3, "text": "abc"}}],
     "start and end must be whole numbers"),
    ({"tasks": []}, "expected a JSON list of tasks"),
])
def test_malformed_label_studio_exports_are_one_line(tmp_path, data, tasks, needle):
    f = tmp_path / "export.json"
    f.write_text(json.dumps(tasks))
    before = _hashes(data)
    _one_line_error(_import(data, f), str(f), needle)
    assert _hashes(data) == before


# --- a model folder is a closed box -------------------------------------------------------


def _copy_model(fast_run: Path, root: Path) -> Path:
    dst = root / "box" / "model"
    shutil.copytree(fast_run / "model", dst)
    return dst


def _rewrite_manifest(model: Path, files: dict) -> None:
    (model / "manifest.json").write_text(json.dumps({"files": files}))


def _listed(model: Path) -> dict:
    return json.loads((model / "manifest.json").read_text())["files"]


def _edit_params(model: Path, edit) -> None:
    meta = json.loads((model / "model.json").read_text())
    edit(meta)
    (model / "model.json").write_text(json.dumps(meta))
    files = _listed(model)
    files["model.json"] = sha(model / "model.json")
    _rewrite_manifest(model, files)


@pytest.mark.parametrize(("edit", "needle"), [
    (lambda m: m["params"].update(n_features=10**12), "model.n_features=1000000000000"),
    (lambda m: m["params"].update(n_features=-5), "model.n_features=-5"),
    (lambda m: m["params"].update(C="abc"), "model.C='abc': expected a number"),
    (lambda m: m.pop("params"), "params must be an object"),
    (lambda m: m["params"].update(n_features=2**15), "idf_word has shape (65536,)"),
    (lambda m: m["params"].update(lf_names=m["params"]["lf_names"][:-1]), "coef has shape"),
    (lambda m: m["params"].update(nosuch=1), "nosuch"),
    (lambda m: m.update(name="pickle"), "unknown model 'pickle'"),
    (lambda m: m.update(labels="quote"), "labels must be a list"),
])
def test_edited_model_json_is_refused_in_one_line(tmp_path, fast_run, edit, needle):
    model = _copy_model(fast_run, tmp_path)
    _edit_params(model, edit)
    f = _jsonl(tmp_path, '{"id": "a", "text": "He said so."}')
    _one_line_error(cli("tag", str(model), str(f)), str(model), needle)


def _plant(kind: str, model: Path, outside: Path) -> None:
    files = _listed(model)
    if kind == "absolute":
        files[str(outside)] = sha(outside)
    elif kind == "climbing":
        files["../../outside/secret.txt"] = sha(outside)
    elif kind == "subfolder_key":
        (model / "sub").mkdir()
        (model / "sub" / "w.npz").write_bytes(b"x")
        files["sub/w.npz"] = sha(model / "sub" / "w.npz")
    elif kind == "listed_symlink":
        os.remove(model / "weights.npz")
        (model / "weights.npz").symlink_to(outside)
        files["weights.npz"] = sha(outside)
    elif kind == "unlisted_symlink":
        (model / "extra.npz").symlink_to(outside)
    elif kind == "hidden_file":
        (model / ".hidden").write_text("x")
    elif kind == "subfolder":
        (model / "more").mkdir()
    _rewrite_manifest(model, files)


KINDS = ["absolute", "climbing", "subfolder_key", "listed_symlink", "unlisted_symlink",
         "hidden_file", "subfolder"]


@pytest.fixture()
def opened_files():
    """Paths this process opens while the block runs (an audit hook; it cannot be
    removed, so it records only while armed)."""
    import sys

    record: list[str] = []
    state = {"on": False}

    def hook(event, args):
        if state["on"] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            record.append(os.fsdecode(args[0]))

    sys.addaudithook(hook)
    yield record, state
    state["on"] = False


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_model_folders_are_refused_without_opening_outside_files(
        tmp_path, fast_run, opened_files, kind):
    from newsroles.errors import NewsrolesError
    from newsroles.tagger import Tagger

    outside = tmp_path / "outside" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text("not yours")
    model = _copy_model(fast_run, tmp_path)
    _plant(kind, model, outside)
    record, state = opened_files
    state["on"] = True
    try:
        with pytest.raises(NewsrolesError, match="refusing model folder") as refused:
            Tagger.load(model, sources=False)
    finally:
        state["on"] = False
    touched = [p for p in record if Path(p).resolve().is_relative_to(tmp_path.resolve())
               and not Path(p).resolve().is_relative_to((tmp_path / "box").resolve())]
    assert touched == [], touched
    assert "not yours" not in str(refused.value)
    out = cli("tag", str(model), str(_jsonl(tmp_path, '{"id": "a", "text": "x"}')))
    _one_line_error(out, "refusing model folder")


def test_a_refusal_says_nothing_of_what_exists_outside(tmp_path, fast_run):
    from newsroles.errors import NewsrolesError
    from newsroles.models import load_model

    outside = tmp_path / "outside" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text("x")
    messages = []
    for target in ("../../outside/secret.txt", "../../outside/nothing.txt", "/etc/passwd",
                   "/etc/no-such-file"):
        model = tmp_path / target.replace("/", "_") / "model"
        shutil.copytree(fast_run / "model", model)
        files = _listed(model)
        files[target] = "0" * 64
        _rewrite_manifest(model, files)
        with pytest.raises(NewsrolesError) as e:
            load_model(model)
        messages.append(str(e.value).replace(str(model), "M").replace(repr(target), "T"))
    assert len(set(messages)) == 1, messages


def test_every_unlisted_entry_is_named(tmp_path, fast_run):
    model = _copy_model(fast_run, tmp_path)
    (model / ".hidden").write_text("x")
    (model / "folder").mkdir()
    (model / "link").symlink_to("/etc/hostname")
    (model / "notes.txt").write_text("x")
    out = cli("tag", str(model), str(_jsonl(tmp_path, '{"id": "a", "text": "x"}')))
    line = _one_line_error(out, "unlisted")
    for name in (".hidden", "folder", "link", "notes.txt"):
        assert name in line


# --- inputs that are what they say -------------------------------------------------------


def test_csv_and_parquet_inputs_are_read_for_real_and_keep_their_columns(tmp_path, fast_run):
    import pandas as pd

    table = pd.DataFrame({"doc": ["a1", "a2"], "body": ["He said so. It rained.", "Yes."],
                          "url": ["http://x/1", "http://x/2"], "label": ["keep", "me"],
                          "date": ["2024-01-01", "2024-02-01"]})
    table.to_csv(tmp_path / "in.csv", index=False)
    table.to_parquet(tmp_path / "in.parquet")
    for src in ("in.csv", "in.parquet"):
        for out_name in ("o.jsonl", "o.csv", "o.parquet"):
            out_file = tmp_path / out_name
            out = cli("tag", str(fast_run), str(tmp_path / src), "--id-column", "doc",
                      "--text-column", "body", "--no-sources", "-o", str(out_file))
            assert out.returncode == 0, out.stderr
            rows = (pd.read_json(out_file, lines=True) if out_name.endswith(".jsonl") else
                    pd.read_csv(out_file) if out_name.endswith(".csv") else
                    pd.read_parquet(out_file))
            assert rows["doc_id"].astype(str).tolist() == ["a1", "a1", "a2"], (src, out_name)
            assert rows["url"].tolist() == ["http://x/1", "http://x/1", "http://x/2"]
            assert rows["date"].astype(str).str[:10].tolist() == ["2024-01-01"] * 2 + ["2024-02-01"]
            assert rows["input_label"].tolist() == ["keep", "keep", "me"]  # ours is `label`
            assert set(rows["label"]) <= {"quote", "attribution", "policy_statement",
                                          "background"}
    _one_line_error(cli("tag", str(fast_run), str(tmp_path / "in.csv")),
                    "no 'text' or 'sentences' column", "--text-column")


def test_jsonl_fields_are_kept_on_every_row(tmp_path, fast_run):
    f = _jsonl(tmp_path, json.dumps({"id": 7, "text": "He said so. It rained.",
                                     "title": "T", "meta": {"a": [1, 2]}}))
    out = cli("tag", str(fast_run), str(f), "--no-sources")
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(rows) == 2 and all(r["title"] == "T" and r["meta"] == {"a": [1, 2]}
                                  and r["doc_id"] == "7" for r in rows)


@pytest.mark.parametrize("name", ["in.docx", "in.json", "notes", "in.tsv"])
def test_unknown_suffixes_are_refused(tmp_path, fast_run, name):
    f = tmp_path / name
    f.write_text("He said so.")
    line = _one_line_error(cli("tag", str(fast_run), str(f)), "inputs are .txt", ".jsonl",
                           ".csv", ".parquet")
    assert str(f) in line


def test_a_byte_order_mark_is_accepted(tmp_path, fast_run):
    for name, content in (("a.jsonl", '{"id": "a", "text": "He said so."}\n'),
                          ("a.txt", "He said so."), ("a.csv", "id,text\na,He said so.\n")):
        f = tmp_path / name
        f.write_bytes(b"\xef\xbb\xbf" + content.encode())
        out = cli("tag", str(fast_run), str(f), "--no-sources")
        assert out.returncode == 0, (name, out.stderr)
        row = json.loads(out.stdout.splitlines()[0])
        assert row["text"] == "He said so." and row["doc_id"] == "a"


def test_output_keeps_an_existing_files_permissions(tmp_path, fast_run):
    f = _jsonl(tmp_path, '{"id": "a", "text": "He said so."}')
    for name in ("o.jsonl", "o.csv", "o.parquet"):
        out_file = tmp_path / name
        out_file.write_text("old")
        out_file.chmod(0o600)
        out = cli("tag", str(fast_run), str(f), "-o", str(out_file), "--no-sources")
        assert out.returncode == 0, out.stderr
        assert stat.S_IMODE(out_file.stat().st_mode) == 0o600 and out_file.read_bytes() != b"old"
    new = tmp_path / "new.jsonl"
    assert cli("tag", str(fast_run), str(f), "-o", str(new)).returncode == 0
    assert stat.S_IMODE(new.stat().st_mode) == 0o644


# --- arbitrary documents ------------------------------------------------------------------

from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                     st.text(max_size=40))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=["Cn"]), max_size=300)
_DOC = st.fixed_dictionaries(
    {},
    optional={"id": st.one_of(st.text(max_size=12), st.integers(), _VALUES),
              "text": st.one_of(_TEXT, _VALUES),
              "sentences": st.one_of(st.lists(_TEXT, max_size=5), _VALUES),
              "title": _VALUES, "url": st.text(max_size=20)})


_CLEAN_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cn"]),
                      max_size=400)
# Well-formed documents of any content, mixed with anything at all.
_VALID = st.one_of(
    st.fixed_dictionaries({"id": st.one_of(st.text(max_size=12), st.integers()),
                           "text": _CLEAN_TEXT},
                          optional={"title": _VALUES, "date": st.text(max_size=10)}),
    st.fixed_dictionaries({"id": st.text(max_size=12),
                           "sentences": st.lists(_CLEAN_TEXT, max_size=5)}))


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_VALID, _VALID, _VALID, _DOC, _VALUES), min_size=1, max_size=3))
def test_tag_on_arbitrary_jsonl_is_output_or_one_line(tmp_path_factory, fast_run, docs):
    import contextlib
    import io

    from newsroles.cli import (
        main,  # in this process: hundreds of runs would take minutes
    )

    folder = tmp_path_factory.mktemp("arbitrary")
    f = folder / "in.jsonl"
    # json.dumps writes lone surrogates as escapes, as a hostile file would hold them.
    f.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    out_file = folder / "out.jsonl"
    err = io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err):
        try:
            main(["tag", str(fast_run), str(f), "-o", str(out_file), "--no-sources",
                  "--jobs", "1", "--progress", "off"])
        except SystemExit as e:
            code = e.code
    message = err.getvalue()
    event(f"exit {code}")  # pytest --hypothesis-show-statistics: how many tagged
    assert "Traceback" not in message
    if code == 0:
        rows = [json.loads(x) for x in out_file.read_text().split("\n") if x]  # JSON lines: \n only
        by_id: dict[str, list[dict]] = {}
        for i, d in enumerate(docs):
            by_id.setdefault(str(d.get("id", f"line{i + 1}")), []).append(d)
        for r in rows:
            if "start" in r:
                assert any(d.get("text", "")[r["start"]:r["end"]] == r["text"]
                           for d in by_id[r["doc_id"]] if "sentences" not in d)
            else:
                assert any(r["sent_idx"] < len(d["sentences"])
                           and d["sentences"][r["sent_idx"]] == r["text"]
                           for d in by_id[r["doc_id"]] if "sentences" in d)
    else:
        assert code == 2, message
        lines = message.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"newsroles: error: {f}:"), message
        assert not out_file.exists()
