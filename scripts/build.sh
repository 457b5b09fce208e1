#!/usr/bin/env bash
# Builds the browser package into pkg/ with wasm-pack (release), from this one crate, as three
# modules, then stamps the service worker (./sw.js) with the build's files:
#   pkg/digits.js, digits_bg.wasm                the first module: the CPU path (burn-ndarray),
#                                                what the page loads before it takes drawings
#   pkg/digits_webgpu.js, digits_webgpu_bg.wasm  the same crate with `--features webgpu`
#                                                (burn-wgpu), fetched only where WebGPU runs
#   pkg/digits_learn.js, digits_learn_bg.wasm    the same crate with `--features learn` (autodiff,
#                                                Adam, the replay set), fetched the first time
#                                                someone corrects an answer
# It uses the repo-local toolchain (wasm-bindgen-cli matching Cargo.lock, wasm-opt from npm's
# binaryen), so wasm-pack downloads nothing. Extra arguments go to every wasm-pack build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/install-tools.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh

echo "[build] first module: wasm-pack build --target web --release --out-name digits $*"
wasm-pack build --target web --release --out-name digits "$@"
# wasm-pack runs wasm-opt on every module in pkg/: the big WebGPU one goes last, optimised once.
echo "[build] learning module: wasm-pack build --target web --release --out-name digits_learn $* -- --features learn"
wasm-pack build --target web --release --out-name digits_learn "$@" -- --features learn
echo "[build] WebGPU module: wasm-pack build --target web --release --out-name digits_webgpu $* -- --features webgpu"
wasm-pack build --target web --release --out-name digits_webgpu "$@" -- --features webgpu
node scripts/stamp-sw.mjs
ls -l pkg/*.wasm pkg/*.js sw.js
