"""The pipeline: a declared graph of stages (stage.py), a verified cache (cache.py) and the
loop that walks the graph into one run directory (run.py).

    articles ─prepare─▶ sentences ─gold─▶ gold labels and splits, by span
                        sentences ─parse─▶ parses
    sentences + gold + parses ─label─▶ votes, weak labels, labeling report
    sentences + gold + parses + votes ─train─▶ model folder
    sentences + gold + parses + model ─evaluate─▶ metrics, predictions
"""
