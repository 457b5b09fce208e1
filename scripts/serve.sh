#!/usr/bin/env bash
# Build and serve: installs the tools, builds pkg/ (wasm-pack, release), then serves the repo root
# as static files at http://127.0.0.1:$PORT/ (PORT defaults to 8080).
#
#   scripts/serve.sh                  install tools, build, serve
#   scripts/serve.sh --no-build       serve what is already built
#   scripts/serve.sh --dir DIR        serve DIR instead of the repo root (implies --no-build)
#   PORT=9000 scripts/serve.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

build=1
dir="$ROOT"
while (($#)); do
  case "$1" in
    --no-build) build=0 ;;
    --dir)
      [[ $# -ge 2 ]] || { echo "serve: --dir needs a folder" >&2; exit 2; }
      dir="$(cd "$2" && pwd)"
      build=0
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
      exit 0
      ;;
    *) echo "serve: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if ((build)); then
  scripts/build.sh
fi

# serve.py prints the URL (http://127.0.0.1:PORT/) once the port is bound.
exec python3 "$ROOT/scripts/serve.py" --bind 127.0.0.1 --port "${PORT:-8080}" --directory "$dir"
