"""The benchmark: `./run.sh python -m bench.benchmark` (see README)."""
