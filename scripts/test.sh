#!/usr/bin/env bash
# Runs every test of the project, installing what they need first (idempotent):
#   lint         cargo fmt, clippy, the Pages workflow (actionlint), the shell scripts (shellcheck)
#   native       cargo tests of the workspace (trainer, preprocessing, classifier on burn-ndarray)
#   wgpu         burn-wgpu on Vulkan (Mesa's lavapipe here) against burn-ndarray, if a Vulkan
#                driver is installed
#   wasm         wasm-bindgen tests in headless Chromium, WebGPU (SwiftShader) included
#   page         wasm-pack build, then Playwright end-to-end tests of the page under a subpath
# Ends with one line: "TOTAL: N passed, N failed".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/install-tools.sh --test
# shellcheck source=scripts/env.sh
source scripts/env.sh

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
stage() { printf '\n==== %s ====\n' "$*"; }
# run NAME CMD...: runs CMD with its output teed into $LOGS/NAME.log.
run() {
  local name="$1"
  shift
  "$@" 2>&1 | tee "$LOGS/$name.log"
}

stage "lint"
cargo fmt --all -- --check
cargo clippy --profile fast --workspace --all-targets --locked -- -D warnings
scripts/lint-workflows.sh
shellcheck scripts/*.sh .ci/run

stage "native tests"
run native cargo test --profile fast --workspace --locked

if ls /usr/share/vulkan/icd.d/*.json >/dev/null 2>&1; then
  stage "burn-wgpu (Vulkan) against burn-ndarray"
  run wgpu cargo test --profile fast --locked -p trainer --features wgpu --test backends -- --nocapture
else
  echo "no Vulkan driver installed: burn-wgpu native check skipped"
fi

stage "wasm tests in headless Chromium"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}"
# Release profile: it shares the dependencies the page's build compiles.
# webdriver.json starts Chromium with --enable-unsafe-webgpu: SwiftShader's adapter, so the
# WebGPU test must really compare WebGPU with the CPU.
DIGITS_EXPECT_WEBGPU=1 run wasm cargo test --release --locked --target wasm32-unknown-unknown --test web

stage "page: build, then end-to-end tests in Chromium"
scripts/build.sh
run e2e npm run --silent test:e2e

stage "summary"
passed=0
failed=0
for log in "$LOGS"/*.log; do
  # cargo: "test result: ok. 12 passed; 0 failed; ..."; node: "# pass 12" / "# fail 0".
  p=$(grep -Eo '([0-9]+ passed|^# pass [0-9]+)' "$log" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}')
  f=$(grep -Eo '([0-9]+ failed|^# fail [0-9]+)' "$log" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}')
  printf '%-8s %s passed, %s failed\n' "$(basename "$log" .log)" "${p:-0}" "${f:-0}"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
echo "TOTAL: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
