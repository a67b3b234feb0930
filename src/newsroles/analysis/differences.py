"""Each group's share against a baseline group's, per label and method, with intervals:
count and adjusted from the same bootstrap draws as the shares (adjusted: one confusion
draw for both groups, so its uncertainty is not counted twice), ppi from the two groups'
independent normal intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsroles.analysis.estimators import percentile_interval, z_value
from newsroles.analysis.shares import Estimates
from newsroles.errors import NewsrolesError

DIFFERENCE_COLUMNS = ["group", "baseline", "label", "method", "difference", "lower", "upper"]


def differences(estimates: Estimates, baseline: str | None = None) -> pd.DataFrame:
    """Every group but the baseline (default: the first) minus the baseline."""
    groups = estimates.groups
    baseline = groups[0] if baseline is None else baseline
    if baseline not in groups:
        raise NewsrolesError(f"--baseline {baseline!r} is not a group (groups: "
                             f"{', '.join(groups[:10])}{' ...' if len(groups) > 10 else ''})")
    b = groups.index(baseline)
    z = z_value(estimates.level)
    rows = []
    for method, point in estimates.point.items():
        diff = point - point[b]
        if method == "ppi":
            se = np.sqrt(estimates.ppi_se ** 2 + estimates.ppi_se[b] ** 2)
            lower, upper = np.clip(diff - z * se, -1, 1), np.clip(diff + z * se, -1, 1)
        else:
            draws = estimates.draws[method]
            lower, upper = percentile_interval(draws - draws[:, b:b + 1], estimates.level)
        for g, group in enumerate(groups):
            if g == b:
                continue
            for k, label in enumerate(estimates.labels):
                rows.append((group, baseline, label, method, diff[g, k], lower[g, k],
                             upper[g, k]))
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)
