#!/usr/bin/env bash
# Runs every test of the project, installing what they need first (idempotent):
#   lint         cargo fmt, clippy, the Pages workflow (actionlint), the shell scripts (shellcheck)
#   native       cargo tests of the workspace (trainer, preprocessing, classifier on burn-ndarray)
#   wgpu         burn-wgpu on Vulkan (Mesa's lavapipe here) against burn-ndarray, if a Vulkan
#                driver is installed
#   wasm         wasm-bindgen tests of the WebGPU module build in headless Chromium (with
#                SwiftShader's WebGPU) and in headless Firefox (geckodriver; CPU only)
#   page         both wasm modules, then the end-to-end tests of the page under a subpath:
#                Chromium (Playwright), Firefox ESR (Puppeteer, WebDriver BiDi) and WebKitGTK
#                (WebKitWebDriver under xvfb-run, W3C WebDriver)
# Every stage runs even when an earlier one failed (the page tests need the build, though).
# Ends with one line: "TOTAL: N passed, N failed, N skipped", where a stage that failed without a failing
# test of its own (a lint finding, a compile error) counts as one failure; exits non-zero if
# anything failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
scripts/install-tools.sh --test || exit 1
# shellcheck source=scripts/env.sh
source scripts/env.sh

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
failed_stages=()
stage() { printf '\n==== %s ====\n' "$*"; }
# run NAME CMD...: runs CMD with its output teed into $LOGS/NAME.log; a failure is recorded.
run() {
  local name="$1"
  shift
  if ! "$@" 2>&1 | tee -a "$LOGS/$name.log"; then
    failed_stages+=("$name: $*")
    return 1
  fi
}

stage "lint"
run lint cargo fmt --all -- --check
run lint cargo clippy --profile fast --workspace --all-targets --locked -- -D warnings
run lint scripts/lint-workflows.sh
run lint shellcheck scripts/*.sh .ci/run

stage "native tests"
# The trainer builds the crate with `learn`, so the on-device learning (tests/learn.rs) is
# tested natively too. Tests that need the full MNIST are #[ignore]d; they run when it is here ($MNIST_DIR or
# data/mnist), and cargo reports them as ignored otherwise.
# The real writers' pen sets ($PENDIGITS_DIR, $UNIPEN_DIR, or shared/data beside the checkout):
# their tests (named pen_sets_*) are left out where they are missing.
sets_skip=()
pendigits_dir="${PENDIGITS_DIR:-../shared/data/pendigits}"
unipen_dir="${UNIPEN_DIR:-../shared/data/unipen}"
if [[ ! -f "$pendigits_dir/pendigits-orig.tes" || ! -f "$unipen_dir/letters.jsonl.gz" ]]; then
  echo "no pen sets in $pendigits_dir and $unipen_dir: their tests (pen_sets_*) are left out"
  sets_skip=(--skip pen_sets_)
fi
# The handwriting typefaces (Google Fonts' handwriting families, through the npm registry into
# $TYPEFACES_DIR or data/typefaces, each checked by SHA-256; kept between runs): their tests
# (named typefaces_*) are left out where they cannot be fetched.
if ! cargo run --profile fast --locked --quiet -p trainer -- fetch-data --typefaces; then
  echo "the typefaces could not be fetched: their tests (typefaces_*) are left out"
  sets_skip+=(--skip typefaces_)
fi
if [[ -f "${MNIST_DIR:-data/mnist}/train-images-idx3-ubyte.gz" || -f "${MNIST_DIR:-data/mnist}/train-images-idx3-ubyte" ]]; then
  echo "full MNIST in ${MNIST_DIR:-data/mnist}: running the tests that need it too"
  run native cargo test --profile fast --workspace --locked -- --include-ignored "${sets_skip[@]}"
else
  echo "no full MNIST in \$MNIST_DIR or data/mnist: the tests that need it are reported as ignored"
  run native cargo test --profile fast --workspace --locked
fi

if ls /usr/share/vulkan/icd.d/*.json >/dev/null 2>&1; then
  stage "burn-wgpu (Vulkan) against burn-ndarray"
  run wgpu cargo test --profile fast --locked -p trainer --features wgpu --test backends -- --nocapture
else
  echo "no Vulkan driver installed: burn-wgpu native check skipped"
fi

stage "wasm tests in headless Chromium and Firefox"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}"
# Release profile: it shares the dependencies the page's build compiles. webdriver.json starts
# Chromium with --enable-unsafe-webgpu (SwiftShader's adapter), and DIGITS_EXPECT_WEBGPU names
# it, so there the WebGPU test must really compare WebGPU with the CPU; Firefox runs the same
# build (the variable is read at compile time) and has no WebGPU on Linux.
# wasm_test DRIVER_VARIABLE DRIVER: the tests in the browser of that WebDriver, and no other.
wasm_test() {
  env -u CHROMEDRIVER -u GECKODRIVER -u SAFARIDRIVER "$1=$2" DIGITS_EXPECT_WEBGPU=Chrome \
    cargo test --release --locked --target wasm32-unknown-unknown --features webgpu --test web
}
run wasm wasm_test CHROMEDRIVER "${CHROMEDRIVER:-/usr/bin/chromedriver}"
run wasm-firefox wasm_test GECKODRIVER "${GECKODRIVER:-$(command -v geckodriver)}"

stage "page: build, then end-to-end tests in Chromium and Firefox"
if run build scripts/build.sh; then
  run e2e npm run --silent test:e2e
else
  echo "the build failed: end-to-end tests not run"
fi

stage "summary"
passed=0
failed=0
skipped=0
for log in "$LOGS"/*.log; do
  name="$(basename "$log" .log)"
  # cargo: "test result: ok. 12 passed; 0 failed; 1 ignored ..."; node: "# pass 12" / "# fail 0".
  i=$(grep -Eo '([0-9]+ ignored|^# skipped [0-9]+)' "$log" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}')
  p=$(grep -Eo '([0-9]+ passed|^# pass [0-9]+)' "$log" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}')
  f=$(grep -Eo '([0-9]+ failed|^# fail [0-9]+)' "$log" | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}')
  # A stage that failed with no failing test of its own (lint, compile error, crash) counts once.
  for s in "${failed_stages[@]}"; do
    if [[ "${s%%:*}" == "$name" && "$f" -eq 0 ]]; then
      f=1
      break
    fi
  done
  printf '%-8s %s passed, %s failed, %s skipped\n' "$name" "$p" "$f" "$i"
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + i))
done
for s in "${failed_stages[@]}"; do echo "FAILED: $s"; done
echo "TOTAL: $passed passed, $failed failed, $skipped skipped"
[[ "$failed" -eq 0 && ${#failed_stages[@]} -eq 0 ]]
