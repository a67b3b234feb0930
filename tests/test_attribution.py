"""Who said it: sources, cues and quoted spans, on invented sentences and on the seed
example (sources and cues there read and written down by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsroles.attribution import add_sources, quote_spans
from newsroles.sentences import split_article

SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "rubio_bukele_2025-02-03.txt"
# ../shared/examples/README.md labels the seed's sentences; sources and cues by hand.
SEED_GOLD = [
    ("attribution", ["Secretary of State Marco Rubio"], ["revealed"]),
    ("attribution", ["Rubio"], ["revealed"]),
    ("quote", ["Rubio"], ["described"]),
    ("quote", ["Rubio"], ["explained"]),
    ("quote", ["Bukele"], ["confirmed"]),
    ("quote", ["Bukele"], ["wrote"]),
    ("quote", ["Bukele"], ["wrote"]),  # the quotation goes on: speaker and cue carried
    # A cue takes the adverbs right before its verb, as PolNeAR marks it ("also said").
    ("quote", ["Fox News’s Bill Melugin"], ["reported", "also reported"]),
    ("quote", ["Breitbart News’s Frances Martel"], ["reported", "previously reported"]),
    ("attribution", ["The two"], ["vowed", "recently vowed"]),
    ("quote", ["A U.S. official"], ["stated", "reportedly stated"]),
]


def _records(texts_labels, doc_id="d"):
    from newsroles.sentences import split_sentences_given

    sents = split_sentences_given(doc_id, [t for t, _ in texts_labels])
    return [{"doc_id": doc_id, "sent_idx": i, "text": t, "label": lab, "start": -1,
             "quote_open_start": s.quote_open_start, "quote_open_end": s.quote_open_end}
            for i, ((t, lab), s) in enumerate(zip(texts_labels, sents))]


def test_quote_spans_include_marks_and_open_ends():
    assert quote_spans("He said “yes” and “no”.") == [(8, 13), (18, 22)]
    assert quote_spans("we will.” She left.", open_at_start=True) == [(0, 9)]
    assert quote_spans("“It goes on") == [(0, 11)]


def test_sources_cues_and_a_quotation_over_two_sentences():
    recs = _records([
        ("The Harbour Gazette reports that the ferry crew skipped the drill.", "attribution"),
        ("A second fire killed a man, according to firefighters.", "attribution"),
        ("“It was a disaster,” said the mayor on Monday. “And it will not", "quote"),
        ("happen again.”", "quote"),
        ("The river rose.", "background"),
    ])
    add_sources(recs)
    got = [(r["source"] and r["source"]["text"], r["cue"] and r["cue"]["text"]) for r in recs]
    assert got == [("The Harbour Gazette", "reports"), ("firefighters", "according to"),
                   ("the mayor", "said"), ("the mayor", "said"), (None, None)]
    for key in ("source", "cue"):  # offsets slice the sentence they name to the text
        for r in recs:
            if r[key]:
                where = recs[r[key]["sent_idx"]]["text"]
                assert where[r[key]["start"]:r[key]["end"]] == r[key]["text"]
    # Named where the quotation began, cue and all (as PolNeAR and PARC mark it).
    assert recs[3]["source"]["sent_idx"] == recs[3]["cue"]["sent_idx"] == 2
    assert recs[3]["source"]["via"] == "quotation" and recs[2]["source"]["via"] == "sentence"
    assert [q["text"] for q in recs[3]["quote_spans"]] == ["happen again.”"]
    assert recs[0]["quote_spans"] == [] and recs[4]["source"] is None


@pytest.mark.skipif(not SEED.exists(), reason="../shared/examples not present")
def test_seed_example_sources_and_cues():
    text = SEED.read_text(encoding="utf-8")
    sents = split_article("seed", text).sentences
    assert len(sents) == len(SEED_GOLD)
    recs = [{**s.to_dict(), "label": g[0]} for s, g in zip(sents, SEED_GOLD)]
    add_sources(recs)
    src_ok = cue_ok = 0
    for r, (_, sources, cues) in zip(recs, SEED_GOLD):
        if r["source"]:
            assert text[r["source"]["start"]:r["source"]["end"]] == r["source"]["text"]
        src_ok += bool(r["source"]) and r["source"]["text"] in sources
        cue_ok += (r["cue"]["text"] in cues) if r["cue"] else not cues
    assert (src_ok, cue_ok) == (11, 11)
