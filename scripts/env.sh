# shellcheck shell=bash
# Source me (`source scripts/env.sh`): puts the repo-local tools first on PATH:
#   .tools/bin                 actionlint (install-tools.sh --test)
#   .tools/node_modules/.bin   wasm-opt and the other binaryen tools (npm)
#   ~/.cargo/bin               wasm-pack, wasm-bindgen (cargo install)
# Safe to source more than once.
DIGITS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DIGITS_ROOT
_digits_path_prepend() {
  case ":$PATH:" in
    *":$1:"*) ;;
    *) PATH="$1:$PATH" ;;
  esac
}
_digits_path_prepend "${CARGO_HOME:-$HOME/.cargo}/bin"
_digits_path_prepend "$DIGITS_ROOT/.tools/node_modules/.bin"
_digits_path_prepend "$DIGITS_ROOT/.tools/bin"
unset -f _digits_path_prepend
export PATH
