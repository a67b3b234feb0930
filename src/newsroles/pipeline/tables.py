"""The sentence table as the later stages read it: the prepare stage's rows with the gold
stage's columns and, for models whose features read it, the parse stage's parse."""

from __future__ import annotations

from newsroles.pipeline import gold, parse, prepare
from newsroles.pipeline.stage import Inputs
from newsroles.schema import PARSE_COLUMN


def sentence_table(inputs: Inputs, with_parse: bool = False):
    table = prepare.load_table(inputs["prepare"])
    saved = gold.load(inputs["gold"])
    table = table.assign(gold_label=saved["gold_label"], split=saved["split"])
    if with_parse:
        table = table.assign(**{PARSE_COLUMN: parse.load(inputs["parse"])})
    return table
