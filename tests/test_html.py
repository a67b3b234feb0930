"""`newsroles tag --format html`: self-contained pages, checked as HTML and, where Debian's
chromium is installed, in a real headless browser."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from conftest import FIXTURES, cli

from newsroles.html_page import page, safe_filename

RECORDS = [
    {"doc_id": "a<1>", "sent_idx": 0, "start": 0, "end": 41,
     "text": "“We will act now,” the mayor said <today>.", "label": "quote",
     "scores": {"quote": 0.9, "attribution": 0.05, "policy_statement": 0.03, "background": 0.02},
     "source": {"text": "the mayor", "start": 19, "end": 28},
     "cue": {"text": "said", "start": 29, "end": 33},
     "quote_spans": [{"text": "“We will act now,”", "start": 0, "end": 18}]},
    {"doc_id": "a<1>", "sent_idx": 1, "start": 42, "end": 60, "text": "The river rose & fell.",
     "label": "background",
     "scores": {"quote": 0.01, "attribution": 0.04, "policy_statement": 0.05, "background": 0.9}},
]


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(text):
    c = Collect()
    c.feed(text)
    return c.tags


def test_page_marks_labels_scores_sources_and_escapes_text():
    text = page([("a<1>", RECORDS)], "t", ["quote", "attribution", "policy_statement",
                                           "background"])
    tags = _parse(text)
    sents = [a for t, a in tags if t == "span" and "sent" in a.get("class", "")]
    assert [s["data-label"] for s in sents] == ["quote", "background"]
    assert sents[0]["title"].startswith("quote 0.90") and "source: the mayor" in sents[0]["title"]
    classes = [a.get("class") for t, a in tags if t == "span"]
    assert {"source", "cue", "quote-span"} <= set(classes)
    assert "&lt;today&gt;" in text and "&amp; fell" in text and "<today>" not in text
    assert not any(t in ("script", "link", "img") for t, _ in tags)  # self-contained
    assert safe_filename("../etc/passwd") == "etc_passwd.html"


def test_tag_writes_one_page_per_article_into_a_folder(trained_run, tmp_path):
    out = cli("tag", str(trained_run), str(FIXTURES / "articles.jsonl"), "--format", "html",
              "-o", str(tmp_path / "pages") + "/")
    assert out.returncode == 0, out.stderr
    pages = sorted((tmp_path / "pages").glob("*.html"))
    assert len(pages) == 9 and (tmp_path / "pages" / "index.html") in pages  # 8 + index
    tags = _parse((tmp_path / "pages" / "court_ruling.html").read_text())
    assert any(t == "article" for t, _ in tags)
    assert sum(1 for t, a in tags if t == "span" and "sent" in a.get("class", "")) > 3


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_page_in_a_headless_browser(trained_run, tmp_path):
    html_file = tmp_path / "page.html"
    out = cli("tag", str(trained_run), str(FIXTURES / "articles.jsonl"), "-o", str(html_file))
    assert out.returncode == 0, out.stderr
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", html_file.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    tags = _parse(dom.stdout)  # the DOM as the browser built it
    assert sum(t == "article" for t, _ in tags) == 8
    labels = {a["data-label"] for t, a in tags if t == "span" and "data-label" in a}
    assert {"quote", "attribution", "background"} <= labels
    assert any(t == "div" and a.get("class") == "legend" for t, a in tags)
    shot = tmp_path / "page.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1000,1400",
                    html_file.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
