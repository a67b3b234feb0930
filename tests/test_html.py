"""`newsroles tag --format html`: self-contained pages, checked as HTML and, where Debian's
chromium is installed, in a real headless browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import FIXTURES, cli

from newsroles.html_page import STYLES, page, safe_filename

RECORDS = [
    {"doc_id": "a<1>", "sent_idx": 0, "paragraph": 1, "start": 0, "end": 41,
     "text": "“We will act now,” the mayor said <today>.", "label": "quote",
     "scores": {"quote": 0.9, "attribution": 0.05, "policy_statement": 0.03, "background": 0.02},
     "source": {"text": "the mayor", "start": 19, "end": 28, "sent_idx": 0, "via": "verb",
                "resolved": {"text": "Mayor Ana Ruiz", "start": 0, "end": 14, "sent_idx": 0}},
     "cue": {"text": "said", "start": 29, "end": 33, "sent_idx": 0},
     "quote_spans": [{"text": "“We will act now,”", "start": 0, "end": 18, "sent_idx": 0}]},
    {"doc_id": "a<1>", "sent_idx": 1, "paragraph": 1, "start": 42, "end": 64,
     "text": "The river rose & fell.", "label": "background",
     "scores": {"quote": 0.01, "attribution": 0.04, "policy_statement": 0.05, "background": 0.9}},
    {"doc_id": "a<1>", "sent_idx": 2, "paragraph": 3, "start": 66, "end": 80,
     "text": "It fell again.", "label": "background",
     "scores": {"quote": 0.01, "attribution": 0.04, "policy_statement": 0.15, "background": 0.8}},
]
LABEL_ORDER = ["quote", "attribution", "policy_statement", "background"]
RUN = {"model_id": "linear-0123456789ab", "model_name": "linear", "run_dir": "/runs/r<1>",
       "model_dir": "/runs/r<1>/model", "tagged_at": "2026-12-01T17:41:47+00:00",
       "newsroles_version": "0.1.0"}


class Collect(HTMLParser):
    """Start tags with their attributes, and for each sentence span the text of its tag."""

    def __init__(self):
        super().__init__()
        self.tags, self.tag_texts, self._in_tag = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_tag = dict(attrs).get("class") == "tag"

    def handle_endtag(self, tag):
        self._in_tag = False

    def handle_data(self, data):
        if self._in_tag:
            self.tag_texts.append(data)


def _parse(text):
    c = Collect()
    c.feed(text)
    return c.tags


def _sentences(tags):
    return [a for t, a in tags if t == "span" and "sent" in a.get("class", "").split()
            and "data-idx" in a]


def test_page_marks_labels_scores_sources_and_escapes_text():
    text = page([("a<1>", RECORDS)], "t", LABEL_ORDER, RUN)
    tags = _parse(text)
    sents = _sentences(tags)
    assert [s["data-label"] for s in sents] == ["quote", "background", "background"]
    assert sents[0]["title"].startswith("quote 0.90")
    assert "source: the mayor (= Mayor Ana Ruiz) [verb]" in sents[0]["title"]
    classes = [a.get("class") for t, a in tags if t == "span"]
    assert {"source", "cue", "quote-span"} <= set(classes)
    assert "&lt;today&gt;" in text and "&amp; fell" in text and "<today>" not in text
    assert not any(t in ("script", "link", "img") for t, _ in tags)  # self-contained
    assert safe_filename("../etc/passwd") == "etc_passwd.html"


def test_each_sentence_has_a_visible_tag_and_paragraphs_are_kept():
    c = Collect()
    c.feed(page([("a<1>", RECORDS)], "t", LABEL_ORDER, RUN))
    # The legend's sample tag, then one per sentence: label and score, not colour alone.
    assert c.tag_texts[1:] == ["quote .90", "background .90", "background .80"]
    paragraphs = [a for t, a in c.tags if t == "p" and a.get("class") == "par"]
    assert len(paragraphs) == 2  # paragraph 1 (two sentences), paragraph 3 (one)


def test_page_names_the_model_and_run_counts_labels_and_prints_without_colour():
    text = page([("a<1>", RECORDS)], "t", LABEL_ORDER, RUN)
    assert "linear-0123456789ab" in text and "/runs/r&lt;1&gt;" in text and "/runs/r<1>" not in text
    assert "tagged 2026-12-01 17:41 UTC" in text
    counts = re.search(r'<p class="counts">(.*?)</p>', text).group(1)
    assert re.sub("<[^>]+>", "", counts) == "3 sentences: 1 quote · 2 background"
    print_css = text[text.index("@media print"):]
    assert "background: none !important" in print_css  # no fills on paper: borders, tags
    for label, style in [("quote", "solid"), ("attribution", "dashed"),
                         ("policy_statement", "double"), ("background", "dotted")]:
        assert f".l-{label} {{ border-style: {style};" in text
    assert "Model: not recorded" in page([("a", RECORDS)], "t", LABEL_ORDER)


def test_a_source_named_in_another_sentence_is_not_marked_in_this_one():
    """Pre-split input: span offsets are into sentence `sent_idx`; the speaker of a
    quotation begun earlier must not mark the same offsets of this sentence."""
    rec = {"doc_id": "d", "sent_idx": 1, "text": "“And more.”", "label": "quote",
           "scores": {"quote": 1.0}, "source": {"text": "Ortiz", "start": 0, "end": 5,
                                                "sent_idx": 0},
           "cue": None, "quote_spans": [{"text": "“And more.”", "start": 0, "end": 11,
                                         "sent_idx": 1}]}
    text = page([("d", [rec])], "t", ["quote"])
    classes = [a.get("class") for t, a in _parse(text[text.index("<article"):]) if t == "span"]
    assert "quote-span" in classes and "source" not in classes


def _jsonl_records(trained_run, tmp_path):
    out = cli("tag", str(trained_run), str(FIXTURES / "articles.jsonl"), "-o",
              str(tmp_path / "t.jsonl"))
    assert out.returncode == 0, out.stderr
    return [json.loads(x) for x in (tmp_path / "t.jsonl").read_text().splitlines()]


def test_paragraphs_follow_the_articles_blank_lines(trained_run, tmp_path):
    """The records' paragraph numbers split where the article text has a blank line, and
    nowhere else."""
    texts = {json.loads(x)["id"]: json.loads(x)["text"]
             for x in (FIXTURES / "articles.jsonl").read_text().splitlines()}
    records = _jsonl_records(trained_run, tmp_path)
    breaks = 0
    for a, b in pairwise(records):
        if a["doc_id"] != b["doc_id"]:
            continue
        gap = texts[a["doc_id"]][a["end"]:b["start"]]
        assert (b["paragraph"] != a["paragraph"]) == bool(re.search(r"\n[ \t]*\n", gap)), gap
        breaks += b["paragraph"] != a["paragraph"]
    assert breaks >= 8


def test_tag_writes_one_page_per_article_into_a_folder(trained_run, tmp_path):
    out = cli("tag", str(trained_run), str(FIXTURES / "articles.jsonl"), "--format", "html",
              "-o", str(tmp_path / "pages") + "/")
    assert out.returncode == 0, out.stderr
    pages = sorted((tmp_path / "pages").glob("*.html"))
    assert len(pages) == 9 and (tmp_path / "pages" / "index.html") in pages  # 8 + index
    text = (tmp_path / "pages" / "court_ruling.html").read_text()
    tags = _parse(text)
    assert any(t == "article" for t, _ in tags)
    records = [r for r in _jsonl_records(trained_run, tmp_path) if r["doc_id"] == "court_ruling"]
    assert len(_sentences(tags)) == len(records) > 3
    assert sum(t == "p" and a.get("class") == "par" for t, a in tags) == \
        len({r["paragraph"] for r in records}) > 1
    model_id = records[0]["model_id"]
    assert re.fullmatch(r"linear-[0-9a-f]{12}", model_id) and model_id in text
    assert str(trained_run.resolve()) in text  # the run folder that made it
    index = (tmp_path / "pages" / "index.html").read_text()
    assert model_id in index and 'href="court_ruling.html">court ruling</a>' in index


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]
# Set to a folder to keep the screenshots for a person to look at.
SHOTS = os.environ.get("NEWSROLES_SHOTS")
FILLS = {label: tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5))
         for label, (fill, _, _) in STYLES.items() if label != "other"}


def _chromium(tmp_path, *args):
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _screenshot(tmp_path, html_file, name):
    from PIL import Image

    shot = tmp_path / name
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", html_file.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(SHOTS) / name)
    image = Image.open(shot).convert("RGB")
    return image, {colour: n for n, colour in image.getcolors(1 << 24)}


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_page_in_a_headless_browser(trained_run, tmp_path):
    html_file = tmp_path / "page.html"
    out = cli("tag", str(trained_run), str(FIXTURES / "articles.jsonl"), "-o", str(html_file))
    assert out.returncode == 0, out.stderr
    dom = Collect()  # the DOM as the browser built it
    dom.feed(_chromium(tmp_path, "--dump-dom", html_file.as_uri()).stdout)
    assert sum(t == "article" for t, _ in dom.tags) == 8
    sents = _sentences(dom.tags)
    assert {"quote", "attribution", "background"} <= {a["data-label"] for a in sents}
    assert any(t == "div" and a.get("class") == "legend" for t, a in dom.tags)
    # One visible tag per sentence (after the legend's sample), naming its label and score.
    assert [t.split()[0] for t in dom.tag_texts[1:]] == [a["data-label"] for a in sents]
    assert all(re.fullmatch(r"\S+ (\.\d\d|1\.00)", t) for t in dom.tag_texts[1:])

    image, colours = _screenshot(tmp_path, html_file, "page.png")
    assert image.size == (1200, 1600)
    assert len(colours) > 200  # text, boxes and fills, not a blank or uniform page
    # Every label's fill is on screen (the first article has all four), background too.
    for label, fill in FILLS.items():
        assert colours.get(fill, 0) > 2000, (label, colours.get(fill, 0))

    # The print rules applied on screen: no fills, yet boxes, tags and text in grey/black.
    printed = tmp_path / "printed.html"
    printed.write_text(html_file.read_text().replace("@media print", "@media all"))
    image, colours = _screenshot(tmp_path, printed, "printed.png")
    fills = {label: colours.get(fill, 0) for label, fill in FILLS.items()}
    # (Grey text's anti-aliasing touches a few pixels of background's grey fill.)
    assert fills["quote"] == fills["attribution"] == fills["policy_statement"] == 0
    assert fills["background"] < 1000, fills
    tinted = sum(n for (r, g, b), n in colours.items() if max(r, g, b) - min(r, g, b) > 40)
    dark = sum(n for (r, g, b), n in colours.items() if max(r, g, b) < 100)
    pixels = image.size[0] * image.size[1]
    assert tinted < pixels * 0.001 and dark > pixels * 0.01

    pdf = tmp_path / "page.pdf"
    _chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html_file.as_uri())
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-" and len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 2
