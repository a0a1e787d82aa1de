#!/usr/bin/env bash
# One sweep entry: run.sh NAME [bench flags...] → results/NAME.json and its summary on stdout.
# Example: run.sh tune-lambda1 --seed-offset 100 --methods loss,metricopt,es --lambda 1
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
name="$1"; shift
node "$here/../dist/cli.js" bench synthetic --seeds "${SEEDS:-5}" --json "$@" > "$here/results/$name.json" 2> "$here/results/$name.err"
echo "## $name: $*"
node "$here/summarize.mjs" "$here/results/$name.json" ${BASE:+--base "$here/results/$BASE.json"} ${SUMMARY_FLAGS:-}
