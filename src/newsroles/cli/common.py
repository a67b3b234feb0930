"""What every command module shares: the one-line failure and the Hydra task names."""

from __future__ import annotations

import sys

HYDRA_TASKS = ("run", "prepare", "label", "train", "evaluate")


def fail(message: str, code: int = 2) -> None:
    """Print a user error (each of its lines as `newsroles: error: ...`) and exit."""
    from newsroles.errors import error_lines

    print("\n".join(error_lines(message)), file=sys.stderr)
    raise SystemExit(code)
