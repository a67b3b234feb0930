"""Write notebooks/corpus_analysis.ipynb (outputs empty), as scripts/build_notebooks.py does
for the other two; kept apart while both are being edited (fold it in when merging).
tests/test_analyze.py executes the notebook and checks it is committed without outputs."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1] / "notebooks"

cells = [
    new_markdown_cell("""# From tags to findings

Each label's share of sentences per group, three ways, with intervals: the model's labels
counted (`count`), corrected for the model's errors measured on its gold evaluation split
(`adjusted`), and prediction-powered inference from a random hand-labelled sample
(`ppi`). Everything here is a function of `newsroles.analysis`; `newsroles analyze` does
the same from the command line.

Set `NEWSROLES_TAGGED` (output of `newsroles tag`), `NEWSROLES_RUN` (the run whose model
tagged it, with evaluation predictions), and optionally `NEWSROLES_BY` (fields, comma-
separated, e.g. `date:year`) and `NEWSROLES_GOLD_SAMPLE` (hand labels of a random sample)."""),
    new_code_cell("""%matplotlib inline
import os

import matplotlib.pyplot as plt
import pandas as pd

from newsroles.analysis import analyze
from newsroles.analysis.corpus import methods_text
from newsroles.analysis.report import (plot_article_measures, plot_differences, plot_shares,
                                       wide_table)

pd.set_option("display.max_colwidth", 80)
TAGGED = os.environ["NEWSROLES_TAGGED"]
RUN = os.environ["NEWSROLES_RUN"]
BY = [f for f in os.environ.get("NEWSROLES_BY", "").split(",") if f]
GOLD_SAMPLE = os.environ.get("NEWSROLES_GOLD_SAMPLE") or None
result = analyze(TAGGED, RUN, by=BY, gold_sample=GOLD_SAMPLE)
print(result.summary)
for line in result.warnings:
    print("warning:", line)"""),
    new_markdown_cell("## Shares by group\n\nestimate [lower, upper] per method."),
    new_code_cell("""display(wide_table(result.shares))
plot_shares(result.shares)
plt.show()"""),
    new_markdown_cell("## Differences from the baseline group"),
    new_code_cell("""if result.differences.empty:
    print("one group: no differences")
else:
    display(wide_table(result.differences, value="difference"))
    plot_differences(result.differences)
    plt.show()"""),
    new_markdown_cell("## Per-article measures\n\nMeans over articles of each article's "
                      "quote share and distinct sources (the model's labels)."),
    new_code_cell("""display(result.article_measures)
plot_article_measures(result.article_measures)
plt.show()
result.articles.head()"""),
    new_markdown_cell("## What each method assumes"),
    new_code_cell("""for method, text in methods_text(result).items():
    print(f"{method}: {text}\\n")"""),
]
if __name__ == "__main__":
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # stable ids: rebuilding changes nothing
    nb = new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, HERE / "corpus_analysis.ipynb")
