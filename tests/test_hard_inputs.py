"""Hard inputs for the sentence splitter (property-based, hypothesis): arbitrary Unicode,
control characters, markup, unbalanced quotation marks, right-to-left text, long lines,
empty and whitespace-only articles. Whatever comes in: no crash, offsets slice the input to
the sentence text, sentences run in order without overlap and cover every word."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroles.sentences import SplitConfig, split_article

KEEP_ALL = SplitConfig(drop_datelines=False, drop_captions=False, fragment_max_words=0)

# Pieces news text is made of, plus the awkward ones, so generated text looks enough like
# prose to reach the splitter's merging rules.
PIECES = st.sampled_from([
    "The minister said", " ", "  ", "\n", "\n\n", "\t", ".", "?", "!", "…", ",", ":", ";",
    "“", "”", '"', "'", "‘", "’", "«", "»", "„", "(", ")", "Mr.", "U.S.", "Dr.", "3.5",
    "10:30 a.m.", "said.", "Smith", "“We will.”", "<p>", "</p>", "<b>x</b>", "&amp;",
    "\u202e", "\u200f", "\u200b", "\ufeff", "\x00", "\x1b[31m", "\r\n", "\u2028", "\u0085",
    "مرحبا بالعالم.", "שלום עולם.", "日本語の文。", "ǅ", "ﬁ", "e\u0301", "👍🏽", "\U0001F600",
])
TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=80).map("".join),
)


def _check(text: str, cfg: SplitConfig | None = None):
    sentences = split_article("doc", text, cfg).sentences
    last_end = 0
    for i, s in enumerate(sentences):
        assert s.sent_idx == i
        assert 0 <= last_end <= s.start < s.end <= len(text), (last_end, s.start, s.end)
        assert text[s.start:s.end] == s.text
        assert s.text.strip()
        last_end = s.end
    return sentences


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_offsets_slice_the_input_in_order_without_overlap(text):
    _check(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_sentences_cover_every_word_when_nothing_is_dropped(text):
    sentences = _check(text, KEEP_ALL)
    covered = bytearray(len(text))
    for s in sentences:
        covered[s.start:s.end] = b"\x01" * (s.end - s.start)
    missing = [m.start() for m in re.finditer(r"\w", text) if not covered[m.start()]]
    assert not missing, (missing[:5], text)


def test_empty_and_whitespace_only_articles_have_no_sentences():
    for text in ("", " ", "\n\n\n", "\t \u00a0\u2003\n", "\u200b"):
        assert _check(text) == []


def test_a_long_line_splits_into_many_sentences():
    line = "The council voted on Tuesday. “We will act,” she said. " * 20_000  # 1.1 MB
    sentences = _check(line)
    assert len(sentences) >= 39_000


def test_unbalanced_quotation_marks_close_at_the_paragraph_end():
    text = "“He never closed it. It runs on.\n\nA new paragraph starts clean."
    sentences = _check(text)
    assert sentences[0].quote_open_end and not sentences[-1].quote_open_start


# --- the tagger on hard inputs --------------------------------------------------------------

_TAGGER = {}


def _tagger(trained_run):
    from newsroles.tagger import Tagger

    if "t" not in _TAGGER:
        _TAGGER["t"] = Tagger.load(trained_run)
    return _TAGGER["t"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(TEXT)
def test_tagger_never_crashes_and_offsets_hold(trained_run, text):
    recs = _tagger(trained_run).tag(text, doc_id="x")
    last = 0
    for i, r in enumerate(recs):
        assert r["sent_idx"] == i and last <= r["start"] < r["end"] <= len(text)
        assert text[r["start"]:r["end"]] == r["text"]
        assert abs(sum(r["scores"].values()) - 1) < 1e-3
        for span in [r["source"], r["cue"], *r["quote_spans"]]:
            if span:
                assert text[span["start"]:span["end"]] == span["text"]
        last = r["end"]


@pytest.mark.slow
def test_a_ten_megabyte_line(trained_run):
    """10 MB on one line, through the splitter and the tagger (slow: about a minute)."""
    line = "The council voted on Tuesday. “We will act,” she said. " * 190_000
    assert len(line) > 10_000_000
    sentences = _check(line)
    assert len(sentences) >= 370_000
    recs = _tagger(trained_run).tag(line[:1_000_000], doc_id="long")
    assert recs and all(line[r["start"]:r["end"]] == r["text"] for r in recs[:1000])
