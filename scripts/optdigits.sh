#!/usr/bin/env bash
# Rebuilds the real-writer validation set, trainer/data/optdigits-validation.json, from the
# scikit-learn package on PyPI (its load_digits() data: UCI optdigits, 1,797 digits as 8x8
# images), leaving out the team's held-out list. Reproducible: a pinned release whose data file's
# SHA-256 the trainer checks, and a deterministic tracer.
#
#   scripts/optdigits.sh [HELDOUT_LIST]   default: ../shared/data/optdigits-heldout.txt
#
# Needs python3 with pip (to fetch the wheel; nothing is installed) and cargo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/versions.sh
source scripts/versions.sh

heldout="${1:-$ROOT/../shared/data/optdigits-heldout.txt}"
if [[ ! -f "$heldout" ]]; then
  echo "optdigits: no held-out list at $heldout; pass its path (one load_digits() index a line)" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# One platform's wheel, whatever this machine is: the data file is the same in all of them.
python3 -m pip download --quiet --no-deps --only-binary=:all: \
  --platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp --abi cp311 \
  --dest "$work" "scikit-learn==$SKLEARN_VERSION"
python3 - "$work" <<'PY'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/scikit_learn-*.whl")[0]
with zipfile.ZipFile(wheel) as z, open(sys.argv[1] + "/digits.csv.gz", "wb") as out:
    out.write(z.read("sklearn/datasets/data/digits.csv.gz"))
PY
cargo run --quiet --profile fast -p trainer -- optdigits --csv "$work/digits.csv.gz" --heldout "$heldout" "${@:2}"
