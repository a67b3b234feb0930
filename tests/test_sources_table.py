"""`newsroles sources`: who gets quoted, through the CLI on hand-made tagged files (names we
control) and on the fixture corpus tagged by the session's trained run."""

from __future__ import annotations

import collections
import random

import pandas as pd
import pytest
from conftest import FIXTURES, cli

from newsroles.analysis.quoted import normalise_names, who_is_quoted
from newsroles.output import write_records

SCORES = {"quote": 0.25, "attribution": 0.25, "policy_statement": 0.25, "background": 0.25}


def _record(doc_id, sent_idx, label, text, source=None, resolved=None, type_=None, **fields):
    span = None
    if source is not None:
        span = {"text": source, "start": 0, "end": len(source), "sent_idx": sent_idx,
                "via": "cue", "type": type_,
                "resolved": None if resolved is None else
                {"text": resolved, "start": 0, "end": len(resolved), "sent_idx": 0}}
    return {"doc_id": doc_id, "sent_idx": sent_idx, "paragraph": 0, "start": 0,
            "end": len(text), "text": text, "label": label, "scores": SCORES,
            "source": span, "cue": None, "quote_spans": [], "model_id": "hand-made",
            **fields}


def _records():
    """Smith as himself and as a resolved 'He'; the Mayor's office four ways; one quote
    and one attribution with no source; a background sentence."""
    p1 = {"publisher": "Daily", "date": "2020-01-05"}
    p2 = {"publisher": "Weekly", "date": "2020-02-07"}
    return [
        _record("a", 0, "quote", "“We will win,” the Mayor's office said.", "the Mayor's office",
                type_="government", **p1),
        _record("a", 1, "attribution", "He said it was fine.", "He", "John Smith", "person", **p1),
        _record("a", 2, "quote", "“Later,” he added.", "he", "John Smith", "person", **p1),
        _record("a", 3, "background", "The river rose.", **p1),
        _record("b", 0, "quote", "“No,” said John Smith.", "John Smith", type_="person", **p2),
        _record("b", 1, "quote", "“Yes.”", **p2),
        _record("b", 2, "attribution", "The mayor’s office: done.", "The mayor’s office",
                type_="government", **p2),
        _record("b", 3, "attribution", "“Fine,” says Mayor's Office.", "“Mayor's Office,",
                type_="organisation", **p2),
        _record("c", 0, "attribution", "Officials say so.", **p2),
        _record("c", 1, "policy_statement", "Smith's plan cuts taxes.", "Smith's",
                type_="person", **p2),
    ]


@pytest.fixture(params=["jsonl", "csv", "parquet"])
def hand_tagged(request, tmp_path):
    path = tmp_path / f"tagged.{request.param}"
    write_records(_records(), str(path), request.param)
    return path


def test_one_row_per_source_counts_and_first_quote(hand_tagged, tmp_path):
    out = tmp_path / "sources.csv"
    done = cli("sources", str(hand_tagged), "-o", str(out))
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == ["source", "type", "quote_sentences", "attribution_sentences",
                                   "sentences", "articles", "first_quote",
                                   "first_quote_doc_id"]
    rows = {r["source"]: r for r in table.to_dict("records")}
    # most sentences first; a tie: most quotes first
    assert list(table["source"]) == ["John Smith", "the Mayor's office", "Smith's"]
    smith = rows["John Smith"]  # the resolved 'He' and 'he' count as John Smith
    assert (smith["quote_sentences"], smith["attribution_sentences"], smith["sentences"],
            smith["articles"], smith["type"]) == (2, 1, 3, 2, "person")
    assert (smith["first_quote"], smith["first_quote_doc_id"]) == ("“Later,” he added.", "a")
    office = rows["the Mayor's office"]  # case, ’, "the", surrounding quotes and comma
    assert (office["quote_sentences"], office["attribution_sentences"], office["sentences"],
            office["articles"], office["type"]) == (1, 2, 3, 2, "government")
    assert office["first_quote_doc_id"] == "a"
    possessive = rows["Smith's"]  # 'Smith's' groups as 'smith', not as 'John Smith'
    assert (possessive["sentences"], possessive["quote_sentences"],
            possessive["first_quote"]) == (1, 0, "")
    assert "no source for 1 of 4 quote sentences and 1 of 4 attribution sentences" in done.stderr


def test_by_fields_and_date_periods(hand_tagged, tmp_path):
    out = tmp_path / "sources.parquet"
    done = cli("sources", str(hand_tagged), "--by", "publisher", "date:month", "-o", str(out))
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(out)
    assert list(table.columns[:3]) == ["publisher", "date", "source"]
    got = {(r["publisher"], r["date"], r["source"]): r["sentences"]
           for r in table.to_dict("records")}
    assert got == {("Daily", "2020-01", "John Smith"): 2,
                   ("Daily", "2020-01", "the Mayor's office"): 1,
                   ("Weekly", "2020-02", "John Smith"): 1,
                   ("Weekly", "2020-02", "The mayor’s office"): 2,  # a tie: the first seen
                   ("Weekly", "2020-02", "Smith's"): 1}
    assert table["sentences"].tolist() == sorted(table["sentences"], reverse=True)


def test_top_rows_on_stdout(hand_tagged):
    done = cli("sources", str(hand_tagged), env_extra={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "top 3 of 3 sources" in done.stdout
    assert done.stdout.index("John Smith") < done.stdout.index("the Mayor's office")
    assert "<NA>" not in done.stdout and "nan" not in done.stdout


@pytest.mark.parametrize("args, message", [
    (["--by", "publisherr"], "no field 'publisherr' to group by (fields: "),
    (["--by", "date:week"], "--by 'date:week': expected FIELD or FIELD:year|month|day"),
    (["--by", "publisher:year"], "value(s) of 'publisher' are not dates"),
    (["-o", "{tmp}/sources.txt"], "cannot write a .txt file (expected .csv or .parquet)"),
    (["--by", "publisher", "publisher"], "--by publisher: named twice"),
    (["--by", "articles"], "--by articles: a column of the sources table itself"),
])
def test_bad_input_one_line_nothing_written(tmp_path, args, message):
    tagged = tmp_path / "tagged.jsonl"
    write_records(_records(), str(tagged), "jsonl")
    before = tagged.read_bytes()
    out = tmp_path / "sources.csv"
    out.write_text("an earlier table\n")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = cli("sources", str(tagged), *args, *([] if "-o" in args else ["-o", str(out)]))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_text() == "an earlier table\n" and tagged.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.csv", "tagged.jsonl"]


def test_output_may_not_be_an_input(tmp_path):
    tagged = tmp_path / "tagged.csv"
    write_records(_records(), str(tagged), "csv")
    before = tagged.read_bytes()
    done = cli("sources", str(tagged), "-o", str(tagged))
    assert done.returncode == 2 and "is one of the inputs" in done.stderr
    assert tagged.read_bytes() == before


def test_names_normalised_for_grouping():
    names = pd.Series(["The White House", "white house’s", "“White House,”", "“ ”", "  ",
                       "Reuters'", "James'", "Thessaloniki", "Theresa May", None])
    assert normalise_names(names).fillna("-").tolist() == [
        "white house", "white house", "white house", "-", "-", "reuters", "james",
        "thessaloniki", "theresa may", "-"]


def test_counts_match_a_plain_python_count(tmp_path):
    """Random names, labels and documents: the table equals a Counter over the records."""
    rng = random.Random(7)
    names = ["Ann Lee", "ann lee", "the Agency", "Agency's", "Bo", None]
    labels = ["quote", "attribution", "background"]
    records = [_record(f"d{rng.randrange(30)}", i, rng.choice(labels), f"s{i}",
                       rng.choice(names), type_="person") for i in range(2000)]
    path = tmp_path / "t.jsonl"
    write_records(records, str(path), "jsonl")
    result = who_is_quoted([str(path)])
    expected = collections.defaultdict(collections.Counter)
    docs = collections.defaultdict(set)
    for r in records:
        if r["source"] is None:
            continue
        key = {"ann lee": "ann lee", "the agency": "agency", "agency's": "agency",
               "bo": "bo"}[r["source"]["text"].casefold()]
        expected[key][r["label"]] += 1
        expected[key]["all"] += 1
        docs[key].add(r["doc_id"])
    got = {normalise_names(pd.Series([r["source"]]))[0]: r
           for r in result.table.to_dict("records")}
    assert set(got) == set(expected)
    for key, counts in expected.items():
        assert (got[key]["quote_sentences"], got[key]["attribution_sentences"],
                got[key]["sentences"], got[key]["articles"]) == \
            (counts["quote"], counts["attribution"], counts["all"], len(docs[key]))
    assert result.unsourced["quote"] == sum(r["source"] is None and r["label"] == "quote"
                                            for r in records)


def test_on_the_fixture_corpus_tagged_by_the_trained_run(trained_run, tmp_path):
    articles = str(FIXTURES / "articles.jsonl")
    tables = {}
    for suffix in ("jsonl", "parquet"):
        tagged = tmp_path / f"t.{suffix}"
        assert cli("tag", str(trained_run), articles, "-o", str(tagged)).returncode == 0
        out = tmp_path / f"sources_{suffix}.csv"
        done = cli("sources", str(tagged), "-o", str(out))
        assert done.returncode == 0, done.stderr
        tables[suffix] = pd.read_csv(out, keep_default_na=False)
    pd.testing.assert_frame_equal(tables["jsonl"], tables["parquet"])
    table = tables["parquet"]
    assert len(table) > 0 and (table["sentences"] >= table["quote_sentences"]
                               + table["attribution_sentences"]).all()
    tagged = pd.read_parquet(tmp_path / "t.parquet")
    sourced = tagged["source"].notna() | tagged["source_resolved"].notna()
    assert table["sentences"].sum() == sourced.sum()
    quotes = tagged[tagged["label"] == "quote"]
    assert table["quote_sentences"].sum() == quotes["source"].notna().sum()
    no_sources = tmp_path / "bare.csv"
    assert cli("tag", str(trained_run), articles, "--no-sources", "-o",
               str(no_sources)).returncode == 0
    done = cli("sources", str(no_sources), "-o", str(tmp_path / "never.csv"))
    assert done.returncode == 2 and "no who-said-it columns" in done.stderr
    assert not (tmp_path / "never.csv").exists()


def test_flat_jsonl_reads_like_parquet(tmp_path):
    """JSON lines with the flat columns (a Parquet file written back out by pandas) keep
    their resolved names and types."""
    parquet = tmp_path / "t.parquet"
    write_records(_records(), str(parquet), "parquet")
    flat = tmp_path / "flat.jsonl"
    pd.read_parquet(parquet).to_json(flat, orient="records", lines=True, force_ascii=False)
    pd.testing.assert_frame_equal(who_is_quoted([str(flat)]).table,
                                  who_is_quoted([str(parquet)]).table, check_dtype=False)


def test_several_files_and_a_field_named_like_ours(tmp_path):
    """Two files are one table; --by doc_id (a name the table works with) is one group per
    article; a second file without who-said-it columns is refused, naming it."""
    first, second = tmp_path / "one.jsonl", tmp_path / "two.csv"
    records = _records()
    write_records(records[:5], str(first), "jsonl")
    write_records(records[5:], str(second), "csv")
    write_records(records, str(tmp_path / "all.jsonl"), "jsonl")
    pd.testing.assert_frame_equal(who_is_quoted([str(first), str(second)]).table,
                                  who_is_quoted([str(tmp_path / "all.jsonl")]).table,
                                  check_dtype=False)
    per_article = who_is_quoted([str(first), str(second)], ["doc_id"]).table
    assert list(per_article.columns[:2]) == ["doc_id", "source"]
    assert per_article.groupby("doc_id")["sentences"].sum().to_dict() == {"a": 3, "b": 3, "c": 1}
    bare = [{k: v for k, v in r.items() if k not in ("source", "cue", "quote_spans")}
            for r in records]
    write_records(bare, str(tmp_path / "bare.jsonl"), "jsonl")
    done = cli("sources", str(first), str(tmp_path / "bare.jsonl"))
    assert done.returncode == 2 and f"{tmp_path / 'bare.jsonl'}: no who-said-it" in done.stderr


def test_no_source_at_all_is_an_empty_table(tmp_path):
    tagged = tmp_path / "t.parquet"
    write_records([_record("a", 0, "quote", "“Yes.”")], str(tagged), "parquet")
    out = tmp_path / "sources.csv"
    done = cli("sources", str(tagged), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert pd.read_csv(out).empty and "no source for 1 of 1 quote sentences" in done.stderr
