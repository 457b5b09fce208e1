#!/usr/bin/env bash
# Assembles the static site for GitHub Pages from a finished build:
#   index.html, sw.js, www/, pkg/ (the three wasm modules, without pkg's .gitignore, which would drop
#   the wasm), model/*.json|*.svg
# into OUT (default _site/). Run scripts/build.sh first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
out="${1:-_site}"

for need in index.html sw.js www pkg/digits_bg.wasm pkg/digits_webgpu_bg.wasm pkg/digits_learn_bg.wasm; do
  [[ -e "$need" ]] || { echo "assemble-site: $need missing (run scripts/build.sh first?)" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$out"
cp index.html sw.js "$out/"
cp -R www pkg "$out/"
rm -f "$out/pkg/.gitignore"
if [[ -d model ]]; then
  find model -type f \( -name '*.json' -o -name '*.svg' \) -exec cp --parents {} "$out/" \;
fi
echo "assemble-site: $out/"
find "$out" -type f -printf '  %p (%s bytes)\n' | sort
