#!/usr/bin/env bash
# Lint every project file; fails on any finding. Run it inside the venv, or as ./run.sh ./lint.sh
set -euo pipefail
cd "$(dirname "$0")"
files=(app.py config docs models routes utils scripts tests)
[ -d bench ] && files+=(bench)
ruff check "${files[@]}"
ruff format --check "${files[@]}"
pylint --rcfile=pylintrc "${files[@]}"
mypy utils models config scripts
