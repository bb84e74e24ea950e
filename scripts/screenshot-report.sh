#!/usr/bin/env bash
# Renders a load-test report.html in headless Chromium and saves a PNG, to check that the inline SVG charts draw.
# usage: scripts/screenshot-report.sh REPORT_DIR_OR_HTML [OUT.png]   (default OUT: report.png next to the HTML)
set -euo pipefail
html="${1:?usage: $0 REPORT_DIR_OR_HTML [OUT.png]}"
[[ -d "$html" ]] && html="$html/report.html"
[[ -f "$html" ]] || { echo "no such report: $html" >&2; exit 1; }
out="${2:-$(dirname "$html")/report.png}"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$browser" ]]; then
  apt-get install -y chromium >/dev/null
  browser="$(command -v chromium)"
fi

# The report fetches nothing; these flags also keep Chromium itself off the network.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
  --hide-scrollbars --window-size=1240,2200 --screenshot="$(realpath -m "$out")" "file://$(realpath "$html")" 2>/dev/null
echo "$out"
