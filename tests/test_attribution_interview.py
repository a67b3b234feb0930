"""First-person sources and interviews (attribution/resolve.py): "I" and "we" resolve to the
speaker they stand for, an interview's answers to the interviewee, and template leftovers
are no source. Invented articles only."""

from __future__ import annotations

import pytest
from conftest import given_records

from newsroles.attribution import add_sources
from newsroles.attribution.resolve import is_junk_source
from newsroles.labelspace import LABELS

INTERVIEW = """Wikinews interviewed marine biologist Jane Okafor about her work on reef sharks.

((WN))  What got you interested in sharks?

((Jane Okafor))  I grew up next to the sea in Lagos.
The sea was warm then.

We studied the reef for ten years, and I think the sharks are coming back.

((hi))Hindi language: ‍मैं लागोस में समुद्र के पास बड़ी हुई।

((WN))  Why do the numbers matter?

JO: We believe the reef can recover.
I hope the fishermen agree.
"""


class _Questions:
    """A model that calls questions, the opening line and translations background, the
    rest quote (as the bundled model labels interview answers)."""

    labels = LABELS
    process_parallel = False

    def set_runtime(self, runtime):
        pass

    @staticmethod
    def label_of(text: str) -> str:
        if text.rstrip().endswith("?") or "interviewed" in text:
            return "background"
        return "quote"

    def predict_proba(self, table):
        import numpy as np

        proba = np.zeros((len(table), len(LABELS)))
        for i, text in enumerate(table["text"]):
            proba[i, LABELS.index(self.label_of(text))] = 1.0
        return proba

    def decide(self, proba):
        return proba.argmax(axis=1)


def _tag(article: str, doc_id: str = "a") -> list[dict]:
    from newsroles.tagger import Tagger

    return Tagger(_Questions()).tag(article, doc_id=doc_id)


def _row(rows: list[dict], starts_with: str) -> dict:
    return next(r for r in rows if r["text"].startswith(starts_with))


@pytest.fixture(scope="module")
def interview():
    return _tag(INTERVIEW, "okafor")


def test_first_person_in_an_answer_is_the_interviewee(interview):
    label = _row(interview, "((Jane Okafor))")
    for start in ("We studied the reef", "I hope"):
        source = _row(interview, start)["source"]
        assert source["text"].lower() in ("i", "we"), start
        resolved = source["resolved"]
        assert (resolved["text"], resolved["rule"]) == ("Jane Okafor", "interviewee"), start
        assert resolved["sent_idx"] == label["sent_idx"]
        assert INTERVIEW[resolved["start"]:resolved["end"]] == "Jane Okafor"
        assert source["type"] == "person"


def test_an_answer_naming_no_one_takes_the_interviewee(interview):
    for start in ("((Jane Okafor))  I grew up", "The sea was warm"):  # no cue, no holder
        source = _row(interview, start)["source"]
        assert (source["text"], source["via"]) == ("Jane Okafor", "speaker_turn")
        assert INTERVIEW[source["start"]:source["end"]] == "Jane Okafor"


def test_a_question_is_no_answer(interview):
    for row in interview:
        if row["text"].rstrip().endswith("?"):
            assert row["label"] == "background" and row["source"] is None


def test_initials_label_and_its_first_person(interview):
    label = _row(interview, "JO: We believe")["source"]
    assert label["text"] == "JO"
    assert (label["resolved"]["text"], label["resolved"]["rule"]) == ("Jane Okafor", "initials")
    hope = _row(interview, "I hope")["source"]
    assert hope["text"] == "I" and hope["resolved"]["text"] == "Jane Okafor"


def test_a_translation_template_is_no_source(interview):
    hindi = _row(interview, "((hi))")
    assert hindi["label"] == "quote"
    assert hindi["source"]["text"] == "Jane Okafor"  # the answer it translates goes on
    for row in interview:
        if row["source"]:
            assert not is_junk_source(row["source"]["text"]), row["text"]


def test_question_and_answer_labels():
    article = ("Reef scientist Tom Baker answered questions from Wikinews by email.\n\n"
               "Q: How many sharks are left?\n\n"
               "A: We counted about two hundred.\n"
               "I think that is too few.\n")
    rows = _tag(article, "qa")
    for start in ("A: We counted", "I think"):
        source = _row(rows, start)["source"]
        assert source["text"] in ("A", "I")
        assert (source["resolved"]["text"], source["resolved"]["rule"]) == \
            ("Tom Baker", "interviewee")
    for row in rows:
        if row["source"] is not None:
            assert row["source"]["text"] != "Q"


def test_first_person_in_a_quotation_is_its_speaker():
    recs = given_records([
        ("“I was there,” Smith said.", "quote"),
        ("The mayor, Ana Ruiz, told reporters:", "attribution"),
        ("I think the water will rise again.", "quote"),
    ])
    add_sources(recs)
    assert recs[0]["source"]["text"] == "Smith" and "resolved" not in recs[0]["source"]
    source = recs[2]["source"]
    assert source["text"] == "I"
    assert (source["resolved"]["text"], source["resolved"]["rule"]) == \
        ("Ana Ruiz", "quotation_speaker")
    assert source["resolved"]["sent_idx"] == 1


def test_we_is_the_speakers_organisation_where_it_is_named():
    recs = given_records([
        ("Jeff Rathke, a spokesman for the State Department, said:", "attribution"),
        ("We urge the governments of the region to work together.", "quote"),
        ("Maria Lopez said:", "attribution"),
        ("We think the plan will fail.", "quote"),
    ])
    add_sources(recs)
    body = recs[1]["source"]["resolved"]
    assert (body["text"], body["rule"]) == ("State Department", "speaker_organisation")
    assert recs[1]["source"]["type"] == "organisation"
    person = recs[3]["source"]["resolved"]
    assert (person["text"], person["rule"]) == ("Maria Lopez", "quotation_speaker")


def test_first_person_with_no_speaker_stays_unresolved_and_news_is_no_interview():
    recs = given_records([("I think the bridge will fall.", "attribution")])
    add_sources(recs)
    assert recs[0]["source"]["text"] == "I" and "resolved" not in recs[0]["source"]
    story = ("In an interview with Reuters, Mayor Ana Ruiz said the bridge was safe.\n\n"
             "Is it?\n\n"
             "Engineers doubt it.\n\n"
             "Update: the council met on Monday.\n")
    for row in _tag(story, "news"):
        assert (row["source"] or {}).get("via") != "speaker_turn", row["text"]


def test_generic_you_in_an_interview_is_the_speaker_of_the_turn():
    """ "You know, ..." in an answer is the interviewee talking; in a question, no one's
    words are reported. Outside an interview "you" is left as it is."""
    article = ("Wikinews interviewed glass artist Lena Marsh.\n\n"
               "((WN))  Could you tell us how you started?\n\n"
               "((Lena Marsh))  You learn to wait for the glass to cool.\n"
               "You know, it took me years.\n")
    rows = _tag(article, "marsh")
    for start in ("((Lena Marsh))  You learn", "You know"):
        row = _row(rows, start)
        assert row["label"] == "quote"
        assert (row["source"]["text"], row["source"]["via"]) == ("Lena Marsh", "speaker_turn")
        assert row["cue"] is None
    for row in rows:
        assert (row["source"] or {}).get("text", "").lower() != "you", row["text"]
    recs = given_records([("You said the bridge would hold.", "attribution")])
    add_sources(recs)
    assert recs[0]["source"]["text"] == "You"


def test_salience_resolutions_name_their_rule():
    recs = given_records([
        ("Mr. Ito said the port would reopen.", "attribution"),
        ("He said the crews were ready.", "attribution"),
    ])
    add_sources(recs)
    assert recs[1]["source"]["resolved"]["rule"] == "salience"


@pytest.mark.parametrize("text, junk", [
    ("((hi))Hindi language", True),
    ("((fa))Persian language", True),
    ("Spanish language", True),
    ("—", True),
    ("((WN))", True),
    ("Jane Okafor", False),
    ("the Hindi teachers' union", False),
])
def test_junk_sources(text, junk):
    assert is_junk_source(text) is junk


def test_the_html_hover_names_the_resolution_and_its_rule(interview):
    from newsroles.html_page import page

    text = page([("okafor", interview)], "interview", list(LABELS))
    assert "source: I (= Jane Okafor, interviewee) [verb]" in text


def test_two_interviewees_and_given_sentences_change_turns_at_labels_only():
    recs = given_records([
        ("((WN))  What did you find?", "background"),
        ("((Ann Lee))  I think the reef is healthy.", "quote"),
        ("The water is clean.", "quote"),
        ("((Bo Chen))  We believe it will stay so.", "quote"),
        ("I hope so.", "quote"),
    ])
    add_sources(recs)
    got = [(r["source"] or {}).get("resolved", r["source"] or {}).get("text") for r in recs]
    assert got == [None, "Ann Lee", "Ann Lee", "Bo Chen", "Bo Chen"]
    assert recs[2]["source"]["via"] == "speaker_turn"


def test_tables_carry_the_resolutions_rule(interview, tmp_path):
    import pandas as pd

    from newsroles.output import write_records

    out = tmp_path / "t.parquet"
    write_records(interview, str(out), "parquet")
    frame = pd.read_parquet(out).set_index("text")
    row = frame.loc[_row(interview, "I hope")["text"]]
    assert (row["source_resolved"], row["source_resolved_rule"]) == ("Jane Okafor", "interviewee")
    assert frame["source_resolved_rule"].isna().sum() < len(frame)
    unresolved = frame[frame["source_resolved"].isna()]
    assert unresolved["source_resolved_rule"].isna().all()
