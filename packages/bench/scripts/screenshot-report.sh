#!/usr/bin/env bash
# Opens a bench report in headless Chromium and saves a screenshot, to check the page renders
# offline in a real browser. Not a test: CI machines may have no Chromium.
#
#   packages/bench/scripts/screenshot-report.sh out/report.html [shot.png] [width,height]
#
# Needs Debian's `chromium` (or CHROMIUM=/path/to/chrome). Network is off for the page
# (--disable-background-networking and a proxy to nowhere), so anything it tried to fetch from a
# CDN would show up missing in the screenshot.
set -euo pipefail

report="${1:?usage: screenshot-report.sh REPORT.html [SHOT.png] [WIDTH,HEIGHT]}"
shot="${2:-${report%.html}.png}"
size="${3:-1200,2000}"
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [[ -z "$browser" ]]; then
  echo "screenshot-report: no chromium found (install Debian's 'chromium' or set CHROMIUM)" >&2
  exit 2
fi
[[ -f "$report" ]] || { echo "screenshot-report: no such file: $report" >&2; exit 2; }

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
abs="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
abs_shot="$(cd "$(dirname "$shot")" 2>/dev/null && pwd || { mkdir -p "$(dirname "$shot")" && cd "$(dirname "$shot")" && pwd; })/$(basename "$shot")"

timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --disable-background-networking --disable-component-update --disable-sync --no-first-run \
  --proxy-server=127.0.0.1:9 --hide-scrollbars \
  --user-data-dir="$profile" --window-size="$size" --screenshot="$abs_shot" "file://$abs" 2>"$profile/stderr.log" || {
  cat "$profile/stderr.log" >&2
  exit 1
}
[[ -s "$abs_shot" ]] || { echo "screenshot-report: chromium wrote no screenshot" >&2; cat "$profile/stderr.log" >&2; exit 1; }
echo "$abs_shot"
