#!/usr/bin/env bash
# Builds the browser package into pkg/: `wasm-pack build --target web --release`, using the
# repo-local toolchain (wasm-bindgen-cli matching Cargo.lock, wasm-opt from npm's binaryen), so
# wasm-pack downloads nothing. Extra arguments go to wasm-pack build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/install-tools.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh

echo "[build] wasm-pack build --target web --release $*"
wasm-pack build --target web --release "$@"
ls -l pkg/*.wasm pkg/*.js
