"""Who gets quoted: one row per source of a tagged corpus (`newsroles sources`).

A sentence's source is the name a pronoun or description was resolved to where there is one,
else the source's own text. Names are grouped by a normalised key (case, surrounding
punctuation, a possessive "'s", a leading "the"), and each row shows the key's most frequent
surface form. Everything is vectorised pandas over the few columns read (analysis.tagged), so
a million tagged sentences take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from newsroles.analysis.tagged import SOURCE_COLUMN, group_labels, parse_by, read_tagged
from newsroles.errors import NewsrolesError

COUNTED_LABELS = ("quote", "attribution")
SOURCE_DETAILS = ("text", "source_type", "source_resolved")
TABLE_COLUMNS = ["source", "type", "quote_sentences", "attribution_sentences", "sentences",
                 "articles", "first_quote", "first_quote_doc_id"]
# Surrounding punctuation and quotation marks (ASCII and typographic), stripped for the key.
_PUNCT = r"""[\s"'“”‘’«»()\[\]{},.;:!?\-–—]+"""
_EDGE = f"^{_PUNCT}|{_PUNCT}$"
_POSSESSIVE = r"(?:'s|(?<=s)')$"


@dataclass
class SourcesTable:
    table: pd.DataFrame  # one row per (group and) source, most sentences first
    group_columns: list[str]
    unsourced: dict[str, int]  # label -> its sentences with no source
    counted: dict[str, int]  # label -> all its sentences

    @property
    def summary(self) -> str:
        parts = [f"{self.unsourced[lab]:,} of {self.counted[lab]:,} {lab} sentences"
                 for lab in COUNTED_LABELS]
        return (f"{len(self.table):,} sources; no source for {' and '.join(parts)}")


def normalise_names(names: pd.Series) -> pd.Series:
    """The grouping key of each name: casefolded, without surrounding punctuation, a
    possessive ending or a leading 'the'; a name that is nothing after that is NA."""
    key = names.astype("string").str.casefold().str.replace(r"\s+", " ", regex=True)
    key = key.str.replace("’", "'", regex=False)  # Mayor’s office = Mayor's office
    key = key.str.replace(_EDGE, "", regex=True)
    key = key.str.replace(_POSSESSIVE, "", regex=True)
    key = key.str.replace(r"^the ", "", regex=True)
    key = key.str.replace(_EDGE, "", regex=True)
    return key.mask(key == "")


def who_is_quoted(paths: list[str], by: list[str] = ()) -> SourcesTable:
    """The sources table of tagged files, grouped by input fields (`date:month`...)."""
    by_fields = parse_by(list(by))
    group_columns = [field for field, _ in by_fields]
    _check_group_columns(group_columns)
    tables = [_read_with_sources(path, group_columns) for path in paths]
    tagged = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    # Working names for the groups, so a field called `text` or `doc_id` clashes with nothing.
    groups = pd.DataFrame({f"_by{i}": group_labels(tagged, [spec])
                           for i, spec in enumerate(by_fields)}, index=tagged.index)
    result = _count(tagged, groups, list(groups.columns))
    result.table.columns = [*group_columns, *TABLE_COLUMNS]
    result.group_columns = group_columns
    return result


def _check_group_columns(group_columns: list[str]) -> None:
    for field in group_columns:
        if field in TABLE_COLUMNS:
            raise NewsrolesError(f"--by {field}: a column of the sources table itself; "
                                 "group by an input field")
        if group_columns.count(field) > 1:
            raise NewsrolesError(f"--by {field}: named twice")


def _read_with_sources(path: str, fields: list[str]) -> pd.DataFrame:
    tagged = read_tagged([path], fields, extra=SOURCE_DETAILS)
    if SOURCE_COLUMN not in tagged.columns:
        raise NewsrolesError("no who-said-it columns (source): tagged with --no-sources? "
                             "Tag it again without", path)
    return tagged


def _count(tagged: pd.DataFrame, groups: pd.DataFrame, group_columns: list[str]
           ) -> SourcesTable:
    name = _column(tagged, "source_resolved").fillna(_column(tagged, SOURCE_COLUMN))
    name = name.astype("string").str.strip().mask(lambda s: s == "")
    rows = groups.assign(
        key=normalise_names(name), surface=name, type=_column(tagged, "source_type"),
        label=tagged["label"], doc_id=tagged["doc_id"], text=_column(tagged, "text"),
        order=range(len(tagged)))
    counted = rows[rows["label"].isin(COUNTED_LABELS)]
    unsourced = counted[counted["key"].isna()]["label"].value_counts()
    sourced = rows[rows["key"].notna()]
    keys = [*group_columns, "key"]
    table = _counts(sourced, keys)
    table = table.join(_most_common(sourced, keys, "surface").rename("source"))
    table = table.join(_most_common(sourced, keys, "type").rename("type"))
    table = table.join(_first_quotes(sourced, keys))
    table = table.reset_index().sort_values(
        ["sentences", "quote_sentences", "source"], ascending=[False, False, True],
        kind="stable", ignore_index=True)
    table = table[[*group_columns, *TABLE_COLUMNS]]
    return SourcesTable(
        table, group_columns,
        unsourced={lab: int(unsourced.get(lab, 0)) for lab in COUNTED_LABELS},
        counted={lab: int((counted["label"] == lab).sum()) for lab in COUNTED_LABELS})


def _column(tagged: pd.DataFrame, column: str) -> pd.Series:
    """A column that may be absent (older tagged files, no text): all missing then."""
    if column in tagged.columns:
        return tagged[column]
    return pd.Series(pd.NA, index=tagged.index, dtype="string")


def _counts(sourced: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    flagged = sourced.assign(is_quote=sourced["label"] == "quote",
                             is_attribution=sourced["label"] == "attribution")
    return flagged.groupby(keys, sort=False).agg(
        quote_sentences=("is_quote", "sum"), attribution_sentences=("is_attribution", "sum"),
        sentences=("order", "size"), articles=("doc_id", "nunique")).astype("int64")


def _most_common(sourced: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """Per key, the column's most frequent value (ties: the one seen first)."""
    present = sourced[sourced[column].notna()]
    counts = (present.groupby([*keys, column], sort=False)
              .agg(n=("order", "size"), first=("order", "min")).reset_index())
    counts = counts.sort_values(["n", "first"], ascending=[False, True], kind="stable")
    return counts.drop_duplicates(keys).set_index(keys)[column]


def _first_quotes(sourced: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per key, the text and doc_id of its first quote sentence in input order."""
    quotes = sourced[sourced["label"] == "quote"].sort_values("order", kind="stable")
    first = quotes.drop_duplicates(keys).set_index(keys)
    return first[["text", "doc_id"]].rename(columns={"text": "first_quote",
                                                     "doc_id": "first_quote_doc_id"})
