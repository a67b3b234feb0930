from pathlib import Path

import pytest

from newsroles.sentences import (
    SplitConfig,
    quote_balance,
    split_article,
    split_sentences_given,
)

SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "rubio_bukele_2025-02-03.txt"


def texts(text, **kw):
    return [s.text for s in split_article("d", text, SplitConfig(**kw)).sentences]


def test_offsets_slice_the_article():
    text = "Monday, January 7, 2019 \n\n\nGov. Smith spoke. “Yes,” he said.\n\nNew paragraph here."
    for s in split_article("d", text).sentences:
        assert text[s.start : s.end] == s.text


def test_dateline_dropped_and_counted():
    r = split_article("d", "Friday, January 4, 2019 \n\n\nA building collapsed on Monday.")
    assert [s.text for s in r.sentences] == ["A building collapsed on Monday."]
    assert r.dropped["dateline"] == 1


def test_dateline_on_the_first_line_of_the_body():
    r = split_article("d", " date 2025-02-03 Rubio revealed the plan. It was new.")
    assert [s.text for s in r.sentences] == ["Rubio revealed the plan.", "It was new."]
    assert r.dropped["dateline"] == 1


def test_datelines_kept_when_disabled():
    cfg = SplitConfig(drop_datelines=False, fragment_max_words=0)
    r = split_article("d", "Friday, January 4, 2019\n\nIt rained.", cfg)
    assert len(r.sentences) == 2 and not r.dropped


def test_pull_quote_caption_and_photo_caption_dropped():
    text = "He spoke at length.\n\n\n—John Hickenlooper\n\nRocket Raccoon\n\nThe seat is open."
    r = split_article("d", text)
    assert [s.text for s in r.sentences] == ["He spoke at length.", "The seat is open."]
    assert r.dropped["caption"] == 1 and r.dropped["fragment"] == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Gov. Cuomo said it. Then he left.", ["Gov. Cuomo said it.", "Then he left."]),
        ("Sen. Warren and Rep. Smith met Dr. Jones at 9 a.m. Monday. It rained.",
         ["Sen. Warren and Rep. Smith met Dr. Jones at 9 a.m. Monday.", "It rained."]),
        ("He moved to the U.S. The president said so.",
         ["He moved to the U.S.", "The president said so."]),
        ("Lt. Gen. Smith spoke.", ["Lt. Gen. Smith spoke."]),
        ("He said “we will win. ” Then he left.", ["He said “we will win. ”", "Then he left."]),
        ("The polls close at 8 p.m. Voters queued.", ["The polls close at 8 p.m.", "Voters queued."]),
        ("He died at 10:00 a.m. Tongan time on Friday.", ["He died at 10:00 a.m. Tongan time on Friday."]),
        ("Trump granted Edward J. DeBartolo Jr. a full pardon. It was his last.",
         ["Trump granted Edward J. DeBartolo Jr. a full pardon.", "It was his last."]),
        ('"The Constitution demands a trial." Pelosi said. The vote followed.',
         ['"The Constitution demands a trial." Pelosi said.', "The vote followed."]),
        ("The building housed 1,000 people; 48 flats were damaged.",
         ["The building housed 1,000 people; 48 flats were damaged."]),
    ],
)
def test_abbreviations_and_false_breaks(text, expected):
    assert texts(text) == expected


def test_multi_sentence_quotation_state_is_carried():
    text = "“We are here. We will stay,” he said. “No more.” She left."
    sents = split_article("d", text).sentences
    assert [s.quote_open_start for s in sents] == [False, True, False, False]
    assert [s.has_quote_marks for s in sents] == [True, True, True, False]


def test_straight_quotes_toggle_and_paragraph_resets_state():
    text = '"First part. Second part," she said.\n\n"Unclosed quote runs on.\n\nNew paragraph.'
    sents = split_article("d", text).sentences
    assert [s.quote_open_start for s in sents] == [False, True, False, False]


def test_quote_balance_ignores_apostrophes():
    assert quote_balance("It's Bukele's plan.", False) == (False, False)
    assert quote_balance("“open", False) == (True, True)


def test_given_sentences_kept_in_order():
    out = split_sentences_given("d", ["“One.", "Two.”", "Three."])
    assert [s.text for s in out] == ["“One.", "Two.”", "Three."]
    assert [s.quote_open_start for s in out] == [False, True, False]


@pytest.mark.skipif(not SEED.exists(), reason="../shared/examples not present")
def test_seed_example_splits_into_its_eleven_sentences():
    text = SEED.read_text(encoding="utf-8")
    r = split_article("seed", text)
    assert r.dropped["dateline"] == 1
    assert len(r.sentences) == 11
    assert r.sentences[0].text.startswith("Secretary of State Marco Rubio revealed")
    assert r.sentences[6].text.startswith("“The fee would be relatively low")
    assert r.sentences[10].text.startswith("A U.S. official reportedly stated")


def test_interview_turns():
    text = (
        "Wikinews spoke to Dr Lee.\n\n((WN)) What did you find?\n\n"
        "((Ann Lee)) We found water. It was salty.\n\nMore detail here.\n\n"
        "((WN)) And next?\n\nNG: Next we go to Mars.\n\n((fr)) Nous irons sur Mars."
    )
    turns = [(s.text[:12], s.interview_turn) for s in split_article("d", text).sentences]
    assert turns == [
        ("Wikinews spo", ""), ("((WN)) What ", "question"), ("((Ann Lee)) ", "answer"),
        ("It was salty", "answer"), ("More detail ", "answer"), ("((WN)) And n", "question"),
        ("NG: Next we ", "answer"), ("((fr)) Nous ", "answer"),
    ]
    assert {s.interview_turn for s in split_article("d", "((WN)) Only one marker.").sentences} == {""}
