#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint (installed by `scripts/install-tools.sh --test`).
# actionlint also runs shellcheck on `run:` scripts when shellcheck is on PATH.
# Exits non-zero on any finding.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/env.sh
source scripts/env.sh

command -v actionlint >/dev/null ||
  { echo "lint-workflows: actionlint not found; run scripts/install-tools.sh --test" >&2; exit 127; }

shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#files[@]} == 0)); then
  echo "lint-workflows: no workflow files"
  exit 0
fi

if command -v shellcheck >/dev/null; then
  checks="with shellcheck $(shellcheck --version | awk '/^version:/ {print $2}')"
else
  checks="without shellcheck (not installed)"
fi
echo "lint-workflows: actionlint $(actionlint --version | awk 'NR == 1 {print $NF}') $checks: ${files[*]}"
actionlint "${files[@]}"
echo "lint-workflows: ${#files[@]} file(s), no findings"
