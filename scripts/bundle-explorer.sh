#!/usr/bin/env bash
# Regenerates the front-end code `modstack explore` embeds in its HTML: Cytoscape.js from npm at
# the pinned version, minified as the package ships it, committed as a resource so that the Maven
# build needs no network. Run it after changing the pin, then commit the resource.
set -euo pipefail
cd "$(dirname "$0")/.."
CYTOSCAPE=3.35.0
out=src/main/resources/org/modstack/cli/explore
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "cytoscape@$CYTOSCAPE" >/dev/null)
mkdir -p "$out"
{
    echo "/* Cytoscape.js $CYTOSCAPE (MIT License, see cytoscape.LICENSE), bundled by scripts/bundle-explorer.sh */"
    cat "$tmp/node_modules/cytoscape/dist/cytoscape.min.js"
} > "$out/cytoscape.min.js"
cp "$tmp/node_modules/cytoscape/LICENSE" "$out/cytoscape.LICENSE"
echo "bundle-explorer: $out/cytoscape.min.js ($(wc -c < "$out/cytoscape.min.js") bytes) from cytoscape@$CYTOSCAPE"
