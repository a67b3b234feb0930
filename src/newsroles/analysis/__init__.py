"""Corpus-level findings from tagged sentences: each label's share per group by counting,
by adjusting for the model's measured errors, and by prediction-powered inference on a
hand-labelled random sample; differences between groups; per-article measures; a report.

    from newsroles.analysis import analyze, write_analysis
    result = analyze("tagged.parquet", "runs/<run>", by=["date:year"])
    result.shares  # group, label, method, estimate, lower, upper, n, n_labelled
"""

from newsroles.analysis.corpus import OUTPUT_FILES, Analysis, analyze, write_analysis

__all__ = ["OUTPUT_FILES", "Analysis", "analyze", "write_analysis"]
