"""Handing sentences to annotators and reading their labels back.

Out: Label Studio tasks (its "Basic JSON" import format, the model's suggestion as a
prediction, so annotators see it pre-selected) with the labeling config to paste into the
project, or a plain CSV with an empty `label` column for a spreadsheet.

Back: Label Studio's JSON export (full, with `annotations`), its JSON_MIN or CSV export,
or our CSV filled in. Every format comes back as the same records: doc_id, start, end,
text, label (None where not labelled), note, annotator (Label Studio's `completed_by`
user id, or the CSV's `annotator` column, as text), and where it came from (`origin`, for
error messages). A bad record does not stop the reading: every one is reported (`BadRecords`).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pandas as pd

from newsroles import LABELS
from newsroles.errors import NewsrolesError

FROM_NAME, TO_NAME, NOTE_NAME = "label", "text", "note"
CSV_COLUMNS = ["doc_id", "start", "end", "context_before", "text", "context_after",
               "suggestion", "confidence", "label", "note", "annotator"]


class BadRecords(NewsrolesError):
    """Several bad records of one import, each a line naming its file and line or task."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} bad record(s); nothing was written")


def labeling_config(labels=LABELS) -> str:
    """The Label Studio project's labeling interface for these tasks."""
    choices = "\n".join(f'    <Choice value={quoteattr(label)}/>' for label in labels)
    return f"""<View>
  <Header value="$doc_id"/>
  <Text name="context_before" value="$context_before" granularity="word"/>
  <View style="background: #fff6d5; padding: 6px; font-weight: bold">
    <Text name="{TO_NAME}" value="$text"/>
  </View>
  <Text name="context_after" value="$context_after"/>
  <Choices name="{FROM_NAME}" toName="{TO_NAME}" choice="single" showInline="true">
{choices}
  </Choices>
  <TextArea name="{NOTE_NAME}" toName="{TO_NAME}" placeholder="why (optional)" rows="1"/>
</View>
"""


def _context(table: pd.DataFrame, all_rows: dict, before: int = 2, after: int = 1):
    """Neighbouring sentences of each chosen row, from the article's full sentence list."""
    out_before, out_after = [], []
    for r in table.itertuples():
        sents = all_rows[r.doc_id]
        i = int(r.sent_idx)
        out_before.append(" ".join(s for s in sents[max(0, i - before):i]))
        out_after.append(" ".join(s for s in sents[i + 1:i + 1 + after]))
    return out_before, out_after


def to_records(chosen: pd.DataFrame, sentences_by_doc: dict[str, list[str]]) -> list[dict]:
    before, after = _context(chosen, sentences_by_doc)
    return [
        {"doc_id": r.doc_id, "start": int(r.start), "end": int(r.end),
         "context_before": b, "text": r.text, "context_after": a,
         "suggestion": r.suggestion,
         "confidence": None if r.confidence is None else float(r.confidence)}
        for r, b, a in zip(chosen.itertuples(), before, after, strict=True)
    ]


def label_studio_tasks(records: list[dict], model_version: str) -> list[dict]:
    return [
        {
            "data": rec,
            # A batch chosen with no model (random) carries no pre-annotation.
            "predictions": [{
                "model_version": model_version,
                "score": rec["confidence"],
                "result": [{"from_name": FROM_NAME, "to_name": TO_NAME, "type": "choices",
                            "value": {"choices": [rec["suggestion"]]}}],
            }] if rec["suggestion"] is not None else [],
        }
        for rec in records
    ]


def write_export(records: list[dict], path: Path, model_version: str) -> list[Path]:
    """Write tasks by the output's suffix (.json: Label Studio; .csv: spreadsheet)."""
    from newsroles.io import write_text

    if path.suffix == ".json":
        write_text(path, json.dumps(label_studio_tasks(records, model_version),
                                           indent=1, ensure_ascii=False) + "\n")
        config = path.with_suffix(".label_config.xml")
        write_text(config, labeling_config())
        return [path, config]
    if path.suffix == ".csv":
        rows = [{**r, "label": "", "note": "", "annotator": ""} for r in records]
        write_text(path, pd.DataFrame(rows, columns=CSV_COLUMNS).to_csv(index=False))
        return [path]
    raise NewsrolesError("output must end in .json (Label Studio) or .csv (spreadsheet)", path)


# --- reading labels back --------------------------------------------------------------------


def _span(data, origin: str) -> tuple[str, int, int, str]:
    if not isinstance(data, dict):
        raise NewsrolesError("a task's data must be an object", origin)
    try:
        doc_id, start, end, text = data["doc_id"], data["start"], data["end"], data["text"]
    except KeyError:
        raise NewsrolesError(
            "record lacks doc_id/start/end/text (was it exported by newsroles annotate?)",
            origin) from None
    if isinstance(start, str) and start.strip().lstrip("-").isdigit():
        start = int(start)  # CSV cells are text
    if isinstance(end, str) and end.strip().lstrip("-").isdigit():
        end = int(end)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise NewsrolesError(f"start and end must be whole numbers, not {start!r} and {end!r}",
                             origin)
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or not isinstance(text, str):
        raise NewsrolesError("doc_id must be a string and text a string", origin)
    return str(doc_id), start, end, text


def _choice(result, origin: str) -> tuple[str | None, str]:
    label, note = None, ""
    if result is None:
        return label, note
    if not isinstance(result, list) or not all(isinstance(i, dict) for i in result):
        raise NewsrolesError("an annotation's result must be a list of objects", origin)
    for item in result:
        value = item.get("value", {})
        if not isinstance(value, dict):
            raise NewsrolesError("a result's value must be an object", origin)
        if item.get("from_name") == FROM_NAME and value.get("choices"):
            choices = value["choices"]
            label = choices[0] if isinstance(choices, list) else choices
            if label is not None and not isinstance(label, str):
                raise NewsrolesError(f"a label must be a string, not {label!r}", origin)
        elif item.get("from_name") == NOTE_NAME and value.get("text"):
            text = value["text"]
            note = " ".join(map(str, text)) if isinstance(text, list) else str(text)
    return label, note


def _annotator(value) -> str | None:
    """Who labelled it, as text: Label Studio's user id (an int, or an object with an id or
    email in some versions) or a CSV cell; None where nobody is named."""
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    if value is None or isinstance(value, bool):
        return None
    return str(value).strip() or None


def _from_label_studio_json(tasks: list, path: Path) -> tuple[list[dict], list[str]]:
    out, problems = [], []
    for n, task in enumerate(tasks, 1):
        if not isinstance(task, dict):
            problems.append(f"{path}: task {n} is not an object (a JSON {type(task).__name__})")
            continue
        origin = f"{path}: task {task.get('id', n)}"
        try:
            out.extend(_task_records(task, origin))
        except NewsrolesError as e:
            problems.append(str(e))
    return out, problems


def _task_records(task: dict, origin: str) -> list[dict]:
    """The records of one exported task: one per (non-cancelled) annotation."""
    out = []
    if "data" in task:  # full JSON export: one record per (non-cancelled) annotation
        doc_id, start, end, text = _span(task["data"], origin)
        annotations = task.get("annotations", [])
        if not isinstance(annotations, list) or not all(isinstance(a, dict)
                                                        for a in annotations):
            raise NewsrolesError("annotations must be a list of objects", origin)
        annotations = [a for a in annotations if not a.get("was_cancelled")]
        if not annotations:
            out.append(dict(doc_id=doc_id, start=start, end=end, text=text, label=None,
                            note="", annotator=None, origin=origin))
        for a in annotations:
            label, note = _choice(a.get("result"), origin)
            out.append(dict(doc_id=doc_id, start=start, end=end, text=text, label=label,
                            note=note, annotator=_annotator(a.get("completed_by")),
                            origin=origin))
    else:  # JSON_MIN: data fields and control values side by side
        doc_id, start, end, text = _span(task, origin)
        label = task.get(FROM_NAME)
        if isinstance(label, dict):
            label = (label.get("choices") or [None])[0]
        if label is not None and not isinstance(label, str):
            raise NewsrolesError(f"a label must be a string, not {label!r}", origin)
        out.append(dict(doc_id=doc_id, start=start, end=end, text=text,
                        label=label or None, note=str(task.get(NOTE_NAME) or ""),
                        annotator=_annotator(task.get("annotator")), origin=origin))
    return out


def _from_csv(path: Path) -> tuple[list[dict], list[str]]:
    out, problems = [], []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"doc_id", "start", "end", "text", FROM_NAME} <= set(
                reader.fieldnames):
            raise NewsrolesError("CSV needs the columns doc_id, start, end, text, label", path)
        for lineno, row in enumerate(reader, 2):
            origin = f"{path}:{lineno}"
            try:
                doc_id, start, end, text = _span(row, origin)
            except NewsrolesError as e:
                problems.append(str(e))
                continue
            label = (row.get(FROM_NAME) or "").strip() or None
            out.append(dict(doc_id=doc_id, start=start, end=end, text=text, label=label,
                            note=(row.get(NOTE_NAME) or "").strip(),
                            annotator=_annotator(row.get("annotator")), origin=origin))
    return out, problems


def read_labelled(path: str | Path) -> tuple[list[dict], list[str]]:
    """Records from a Label Studio export (JSON, JSON_MIN, CSV) or our filled-in CSV, and
    one line per record that could not be read (the file's shape as a whole is checked
    at once: an error)."""
    path = Path(path)
    if not path.is_file():
        raise NewsrolesError("file not found", path)
    if path.suffix == ".csv":
        return _from_csv(path)
    from newsroles.io import read_json

    tasks = read_json(path)
    if not isinstance(tasks, list):
        raise NewsrolesError("expected a JSON list of tasks (Label Studio export)", path)
    return _from_label_studio_json(tasks, path)
