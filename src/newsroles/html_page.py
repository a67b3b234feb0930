"""Tagged sentences as self-contained HTML pages for a reader: the article's paragraphs,
each sentence in its own bordered box with a small visible tag (its label and score, e.g.
"quote .90"), its fill colour, sources and cues marked, a legend, per-article label counts,
and a header naming the model and run that made it. Readable printed in black and white
(the tags and per-label border styles carry the labels, not the colours). No script, no
external file: a page opens anywhere and can be mailed around.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path

from newsroles import LABELS

# label: (fill, border, border style in print). Background is a visible grey, not white.
STYLES = {"quote": ("#ffe699", "#bf9000", "solid"),
          "attribution": ("#c9daf8", "#3c78d8", "dashed"),
          "policy_statement": ("#d9ead3", "#6aa84f", "double"),
          "background": ("#e8e8e8", "#9e9e9e", "dotted"),
          "other": ("#e8e8e8", "#9e9e9e", "dotted")}
FALLBACK = [("#ead1dc", "#a64d79", "solid"), ("#fce5cd", "#e69138", "dashed"),
            ("#d0e0e3", "#45818e", "double"), ("#d9d2e9", "#674ea7", "dotted")]

STYLE = """
body { font: 16px/1.5 Georgia, serif; max-width: 48em; margin: 1.5em auto; padding: 0 1em;
       color: #222; }
header { background: #fff; padding: .5em 0 .7em; border-bottom: 1px solid #bbb;
         font: 14px/1.5 system-ui, sans-serif; }
header h1 { font: 600 18px/1.3 system-ui, sans-serif; margin: 0 0 .3em; }
.made-by code { font-size: 13px; background: #f4f4f4; padding: 0 .25em; }
.legend { margin-top: .4em; }
.legend .sent { margin-right: .5em; }
article { margin: 1.5em 0 2.5em; }
article h2 { font: 600 20px/1.3 system-ui, sans-serif; margin-bottom: .1em; }
.doc-id { font: 12px system-ui, sans-serif; color: #555; }
.counts { font: 13px/1.6 system-ui, sans-serif; color: #333; margin: .3em 0 1em; }
.counts .n { font-weight: 600; }
article p.par { line-height: 2.0; margin: 0 0 1em; }
.sent { border: 1px solid; border-radius: 4px; padding: 1px 3px; margin: 0 1px;
        -webkit-box-decoration-break: clone; box-decoration-break: clone; }
.tag { font: 600 10px/1 system-ui, sans-serif; letter-spacing: .02em; white-space: nowrap;
       vertical-align: 1px; margin-left: .35em; padding: 1px 3px; border-radius: 3px;
       background: #fff; border: 1px solid; }
.source { font-weight: bold; border-bottom: 2px solid #a61c00; }
.cue { font-style: italic; border-bottom: 2px dotted #a61c00; }
.quote-span { text-decoration: underline wavy #7f6000; }
footer { font: 12px system-ui, sans-serif; color: #666; border-top: 1px solid #ddd;
         padding-top: .5em; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; color: #000; }
  header { border-bottom: 1px solid #000; }
  .sent { background: none !important; border-color: #000 !important; }
  .tag { border-color: #000 !important; color: #000 !important; }
  .source, .cue { border-bottom-color: #000; }
  .quote-span { text-decoration-color: #000; }
  article { break-inside: auto; }
  article h2 { break-after: avoid; }
}
"""


def _css(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", label)


def _label_rules(labels: list[str]) -> str:
    """Fill and border per label on screen; in print, a border style per label."""
    screen, printed, spare = [], [], iter(FALLBACK)
    for label in labels:
        fill, border, dash = STYLES.get(label) or next(spare, ("#eeeeee", "#666666", "solid"))
        cls = f"l-{_css(label)}"
        screen.append(f".{cls} {{ background: {fill}; border-color: {border}; }}\n"
                      f".{cls} .tag {{ border-color: {border}; }}")
        width = "3px" if dash == "double" else "1.5px"
        printed.append(f"  .{cls} {{ border-style: {dash}; border-width: {width}; }}")
    return "\n".join(screen) + "\n@media print {\n" + "\n".join(printed) + "\n}"


def _marks(rec: dict) -> list[tuple[int, int, str]]:
    """(start, end, css class) of the marked spans inside this sentence, offsets relative
    to it. A span named in another sentence (the speaker of a quotation begun earlier) is
    not marked here; the hover text names it."""
    base = rec.get("start")
    has_base = base is not None and base >= 0
    out = []
    items = [("source", rec.get("source")), ("cue", rec.get("cue"))]
    items += [("quote-span", q) for q in rec.get("quote_spans") or []]
    for cls, span in items:
        if not span or span.get("start") is None:
            continue
        if span.get("sent_idx", rec.get("sent_idx")) != rec.get("sent_idx"):
            continue
        # Offsets are into the article where the article was given, else into the sentence.
        s, e = (span["start"] - base, span["end"] - base) if has_base else (span["start"],
                                                                            span["end"])
        if 0 <= s < e <= len(rec["text"]):
            out.append((s, e, cls))
    return sorted(out)


def _score_text(score: float) -> str:
    """0.9 -> ".90", the way a reader scans it in a tag."""
    text = f"{score:.2f}"
    return text[1:] if text.startswith("0.") else text


def _tip(rec: dict) -> str:
    scores = rec.get("scores") or {}
    tip = " · ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items(), key=lambda kv: -kv[1]))
    extra = [f"{key}: {rec[key]['text']}" for key in ("source", "cue") if rec.get(key)]
    source = rec.get("source") or {}
    if source.get("resolved"):  # a pronoun or description: the name it stands for
        rule = source["resolved"].get("rule")
        extra[0] += f" (= {source['resolved']['text']}{', ' + rule if rule else ''})"
    if source.get("via"):
        extra[0] += f" [{source['via']}]"
    return tip + (" — " + "; ".join(extra) if extra else "")


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
    label = rec["label"]
    score = (rec.get("scores") or {}).get(label)
    tag = html.escape(label if score is None else f"{label} {_score_text(score)}")
    return (f'<span class="sent l-{_css(label)}" data-label="{html.escape(label)}" '
            f'data-idx="{rec.get("sent_idx", "")}" title="{html.escape(_tip(rec))}">'
            f'{"".join(pieces)}<span class="tag">{tag}</span></span>')


def _paragraphs(records: list[dict]) -> Iterator[list[dict]]:
    """The article's paragraphs (the records' `paragraph`, from the blank lines of raw
    text); pre-split input has none and is one paragraph."""
    for _, group in groupby(records, key=lambda r: r.get("paragraph")):
        yield list(group)


def _counts_html(records: list[dict], labels: list[str]) -> str:
    counts = Counter(r["label"] for r in records)
    order = [*labels, *sorted(set(counts) - set(labels))]
    items = " · ".join(f'<span class="n">{counts[label]}</span> {html.escape(label)}'
                       for label in order if counts[label])
    return f'<p class="counts">{len(records)} sentences: {items}</p>'


def _heading(doc_id: str, records: list[dict]) -> str:
    """The article's title where the input has one (a `title` field), else its id."""
    title = records[0].get("title") if records else None
    return title if isinstance(title, str) and title.strip() else str(doc_id)


def _article_html(doc_id: str, records: list[dict], labels: list[str]) -> str:
    heading = html.escape(_heading(doc_id, records))
    paragraphs = "\n".join('<p class="par">' + " ".join(_sentence_html(r) for r in par) + "</p>"
                           for par in _paragraphs(records))
    return (f'<article data-doc-id="{html.escape(str(doc_id))}">\n<h2>{heading}</h2>\n'
            f'<div class="doc-id">id: {html.escape(str(doc_id))}</div>\n'
            f"{_counts_html(records, labels)}\n{paragraphs}\n</article>")


def _made_by(run: dict | None) -> str:
    """Which model and run made the page, and when."""
    if not run:
        return '<p class="made-by">Model: not recorded.</p>'
    model = (f'Model <code>{html.escape(str(run.get("model_id")))}</code>'
             f' ({html.escape(str(run.get("model_name")))})')
    parts = [model]
    if run.get("run_dir"):
        parts.append(f'run <code>{html.escape(str(run["run_dir"]))}</code>')
    elif run.get("model_dir"):
        parts.append(f'model folder <code>{html.escape(str(run["model_dir"]))}</code>')
    if run.get("tagged_at"):  # ISO 8601 in UTC, shown as "2026-12-01 17:41 UTC"
        when = str(run["tagged_at"])[:16].replace("T", " ")
        parts.append(f"tagged {html.escape(when)} UTC")
    if run.get("newsroles_version"):
        parts.append(f'newsroles {html.escape(str(run["newsroles_version"]))}')
    return '<p class="made-by">' + " · ".join(parts) + "</p>"


def _legend(labels: list[str]) -> str:
    boxes = " ".join(f'<span class="sent l-{_css(label)}">{html.escape(label)}</span>'
                     for label in labels)
    marks = ('<span class="source">source</span> <span class="cue">cue</span> '
             '<span class="quote-span">quoted words</span>')
    return (f'<div class="legend">{boxes}</div>\n<div class="legend">{marks}. Each sentence '
            'is boxed and ends with a tag: its label and the model\'s score for it (<span '
            'class="tag">quote .90</span>); all scores on hover.</div>')


def page(articles: list[tuple[str, list[dict]]], title: str, labels: list[str],
         run: dict | None = None) -> str:
    n = sum(len(recs) for _, recs in articles)
    body = "\n".join(_article_html(d, recs, labels) for d, recs in articles)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{STYLE}
{_label_rules(labels)}</style></head>
<body>
<header><h1>newsroles: the role of each sentence</h1>
{_made_by(run)}
{_legend(labels)}</header>
{body}
<footer>newsroles: {len(articles)} article(s), {n} sentences</footer>
</body></html>
"""


def _index(items: list[tuple[str, str, list[dict]]], labels: list[str], run: dict | None) -> str:
    rows = "\n".join(f'<li><a href="{html.escape(f)}">{html.escape(_heading(d, recs))}</a> '
                     f"{_counts_html(recs, labels)}</li>" for d, f, recs in items)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>newsroles'
            f"</title>\n<style>{STYLE}</style></head>\n<body>\n<header><h1>newsroles: "
            f"{len(items)} article(s)</h1>\n{_made_by(run)}</header>\n<ul>\n{rows}\n</ul>\n"
            "</body></html>\n")


def _labels_of(records: list[dict]) -> list[str]:
    first = records[0].get("scores") if records else None
    return list(first) if first else list(LABELS)


def _by_article(records: Iterable[dict]) -> Iterator[tuple[str, list[dict]]]:
    for doc_id, group in groupby(records, key=lambda r: r["doc_id"]):
        yield doc_id, list(group)


def safe_filename(doc_id: str) -> str:
    name = re.sub(r"[^\w.-]+", "_", str(doc_id), flags=re.UNICODE).strip("._")[:120]
    return (name or "article") + ".html"


def write_html(records: Iterable[dict], output: str | None, run: dict | None = None) -> int:
    """One page for all articles (to a file or stdout), or, when `output` is a folder
    (an existing one, or a name ending in /), one page per article plus index.html.
    Articles are held one at a time in the per-article mode (the index keeps only their
    labels). `run` (Tagger.identity) names the model and run in each page's header."""
    from newsroles.io import atomic_files, write_text

    if output and (output.endswith("/") or Path(output).is_dir()):
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            from newsroles.errors import NewsrolesError

            raise NewsrolesError("is a file, not a folder for pages", folder)
        n, index, used = 0, [], {"index.html"}  # the index's name is never an article's
        labels = None
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
                labels = labels or _labels_of(recs)
                write_text(staging / name, page([(doc_id, recs)], str(doc_id), labels, run))
                kept = [{"label": r["label"]} for r in recs]
                if recs and "title" in recs[0]:
                    kept[0]["title"] = recs[0]["title"]
                index.append((doc_id, name, kept))
                n += len(recs)
            write_text(staging / "index.html", _index(index, labels or list(LABELS), run))
        return n
    articles = list(_by_article(records))
    all_recs = [r for _, recs in articles for r in recs]
    text = page(articles, "newsroles", _labels_of(all_recs), run)
    if not output or output == "-":
        import sys

        sys.stdout.write(text)
    else:
        write_text(Path(output), text)
    return len(all_recs)
