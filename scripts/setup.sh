#!/usr/bin/env bash
# Create a virtual environment (default .venv) with newsroles and its test tools.
# torch goes in first, as the CPU wheel (2.13.0): with no torch present, a plain `torch`
# requirement from a later extra would pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-.venv}"
python3 -m venv "$VENV"
. "$VENV/bin/activate"
python -m pip install --quiet --upgrade pip
python -m pip install --quiet "torch==2.13.0"
python -m pip install --quiet -e ".[dev,transformer,labelmodel,sweeps,mlflow,gold,notebooks,cluster]"
python -m ipykernel install --sys-prefix --name python3 >/dev/null
echo "newsroles installed in $VENV"
