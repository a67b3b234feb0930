"""Tagged sentences as self-contained HTML pages: each sentence coloured by its label,
its scores on hover, sources and cues marked, a legend. No script, no external file: a
page opens anywhere and can be mailed around.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path

from newsroles import LABELS

COLOURS = {"quote": "#ffd966", "attribution": "#9fc5f8", "policy_statement": "#b6d7a8",
           "background": "#f3f3f3", "other": "#f3f3f3"}
FALLBACK = ["#d5a6bd", "#f9cb9c", "#a2c4c9", "#b4a7d6"]

STYLE = """
body { font: 16px/1.6 Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
       color: #222; }
header { position: sticky; top: 0; background: #fff; padding: .5em 0;
         border-bottom: 1px solid #ddd; font: 14px/1.4 system-ui, sans-serif; }
.legend span { display: inline-block; padding: 0 .5em; margin-right: .4em;
               border-radius: 3px; }
article { margin: 2em 0 3em; }
article h2 { font: 600 18px/1.3 system-ui, sans-serif; }
.sent { border-radius: 3px; padding: 1px 0; }
.sent:hover { outline: 2px solid #444; }
.source { font-weight: bold; border-bottom: 2px solid #a61c00; }
.cue { font-style: italic; border-bottom: 2px dotted #a61c00; }
.quote-span { text-decoration: underline wavy #7f6000; }
footer { font: 12px system-ui, sans-serif; color: #777; }
"""


def _colour_rules(labels: list[str]) -> str:
    rules, spare = [], iter(FALLBACK)
    for label in labels:
        colour = COLOURS.get(label) or next(spare, "#eeeeee")
        rules.append(f".l-{_css(label)} {{ background: {colour}; }}")
    return "\n".join(rules)


def _css(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", label)


def _marks(rec: dict) -> list[tuple[int, int, str]]:
    """(start, end, css class) of the marked spans, offsets relative to the sentence."""
    base = rec.get("start", -1)
    out = []
    items = [("source", rec.get("source")), ("cue", rec.get("cue"))]
    items += [("quote-span", q) for q in rec.get("quote_spans") or []]
    for cls, span in items:
        if not span or span.get("start") is None:
            continue
        # Offsets are into the article where the article was given (base >= 0), else
        # into the sentence.
        s, e = (span["start"] - base, span["end"] - base) if base >= 0 else (span["start"],
                                                                             span["end"])
        if 0 <= s < e <= len(rec["text"]):
            out.append((s, e, cls))
    return sorted(out)


def _sentence_html(rec: dict) -> str:
    text = rec["text"]
    pieces, pos = [], 0
    for s, e, cls in _marks(rec):
        if s < pos:  # overlapping marks: keep the first
            continue
        pieces.append(html.escape(text[pos:s]))
        pieces.append(f'<span class="{cls}">{html.escape(text[s:e])}</span>')
        pos = e
    pieces.append(html.escape(text[pos:]))
    scores = rec.get("scores") or {}
    tip = " · ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: -kv[1]))
    extra = []
    for key in ("source", "cue"):
        if rec.get(key):
            extra.append(f"{key}: {rec[key]['text']}")
    if extra:
        tip += " — " + "; ".join(extra)
    label = rec["label"]
    return (f'<span class="sent l-{_css(label)}" data-label="{html.escape(label)}" '
            f'data-idx="{rec.get("sent_idx", "")}" title="{html.escape(tip)}">'
            f'{"".join(pieces)}</span>')


def _article_html(doc_id: str, records: list[dict]) -> str:
    body = " ".join(_sentence_html(r) for r in records)
    return (f'<article data-doc-id="{html.escape(str(doc_id))}">\n'
            f"<h2>{html.escape(str(doc_id))}</h2>\n<p>{body}</p>\n</article>")


def page(articles: list[tuple[str, list[dict]]], title: str, labels: list[str]) -> str:
    legend = " ".join(f'<span class="l-{_css(label)}">{html.escape(label)}</span>'
                      for label in labels)
    legend += (' <span class="source">source</span> <span class="cue">cue</span>'
               ' <span class="quote-span">quoted words</span>')
    n = sum(len(recs) for _, recs in articles)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{STYLE}
{_colour_rules(labels)}</style></head>
<body>
<header><div class="legend">{legend}</div>
<div>Hover a sentence for the model's scores.</div></header>
{chr(10).join(_article_html(d, recs) for d, recs in articles)}
<footer>newsroles: {len(articles)} article(s), {n} sentences</footer>
</body></html>
"""


def _labels_of(records: list[dict]) -> list[str]:
    first = records[0].get("scores") if records else None
    return list(first) if first else list(LABELS)


def _by_article(records: Iterable[dict]) -> Iterator[tuple[str, list[dict]]]:
    for doc_id, group in groupby(records, key=lambda r: r["doc_id"]):
        yield doc_id, list(group)


def safe_filename(doc_id: str) -> str:
    name = re.sub(r"[^\w.-]+", "_", str(doc_id), flags=re.UNICODE).strip("._")[:120]
    return (name or "article") + ".html"


def write_html(records: Iterable[dict], output: str | None) -> int:
    """One page for all articles (to a file or stdout), or, when `output` is a folder
    (an existing one, or a name ending in /), one page per article plus index.html.
    Articles are held one at a time in the per-article mode."""
    from newsroles.io import atomic_files, write_text

    if output and (output.endswith("/") or Path(output).is_dir()):
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            from newsroles.errors import NewsrolesError

            raise NewsrolesError("is a file, not a folder for pages", folder)
        n, index, used = 0, [], {"index.html"}  # the index's name is never an article's
        # The pages are written aside and moved in together at the end: a failure midway
        # leaves the folder as it was, never some pages without their index.
        with atomic_files(folder) as staging:
            for doc_id, recs in _by_article(records):
                name = safe_filename(doc_id)
                stem, k = name[:-5], 1
                while name in used:
                    k += 1
                    name = f"{stem}_{k}.html"
                used.add(name)
                write_text(staging / name, page([(doc_id, recs)], str(doc_id), _labels_of(recs)))
                index.append((doc_id, name, len(recs)))
                n += len(recs)
            items = "\n".join(f'<li><a href="{html.escape(f)}">{html.escape(str(d))}</a> ({k})'
                              f'</li>' for d, f, k in index)
            write_text(staging / "index.html",
                       f'<!doctype html><html><head><meta charset="utf-8"><title>newsroles'
                       f'</title></head><body><ul>\n{items}\n</ul></body></html>\n')
        return n
    articles = list(_by_article(records))
    all_recs = [r for _, recs in articles for r in recs]
    text = page(articles, "newsroles", _labels_of(all_recs))
    if not output or output == "-":
        import sys

        sys.stdout.write(text)
    else:
        write_text(Path(output), text)
    return len(all_recs)
