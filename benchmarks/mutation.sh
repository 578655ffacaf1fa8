#!/bin/sh
# Mutation testing of the scoring core (opt-in; takes tens of minutes on one core).
# Configuration: [tool.mutmut] in pyproject.toml. Needs `pip install mutmut`.
# Usage: benchmarks/mutation.sh [mutmut run options]; then `mutmut results` and
# `mutmut show <name>` list and show the mutants no test killed.
set -eu
cd "$(dirname "$0")/.."
nice -n 19 mutmut run --max-children "${MUTMUT_CHILDREN:-1}" "$@"
mutmut results
