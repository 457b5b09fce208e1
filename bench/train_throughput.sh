#!/usr/bin/env bash
# Training throughput of the article's recipe: the burn trainer against the article's PyTorch
# code, back to back on the same data with 2 threads, then the ratio.
#   bench/train_throughput.sh [EPOCHS]        (default 3; the data must be available, see README)
# Creates a PyTorch venv on first use in ~/.cache/digits/torch-venv (PyPI's torch, ~5.6 GB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EPOCHS="${1:-3}"
DATA="${MNIST_DIR:-}"
for d in data/mnist ../shared/data/mnist; do
  [ -n "$DATA" ] || { [ -e "$d/train-images-idx3-ubyte" ] || [ -e "$d/train-images-idx3-ubyte.gz" ]; } && DATA="${DATA:-$d}"
done
[ -n "$DATA" ] || { echo "no MNIST data: run the trainer's fetch-data first" >&2; exit 1; }
VENV="${TORCH_VENV:-$HOME/.cache/digits/torch-venv}"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch numpy
fi
cargo build --profile fast -p trainer --quiet
BIN="${CARGO_TARGET_DIR:-target}/fast/trainer"

# The mean samples/s over the epochs of one trainer run on backend $1.
burn_sps() {
  RAYON_NUM_THREADS=2 "$BIN" train --quiet --backend "$1" --epochs "$EPOCHS" --data "$DATA" --out "$(mktemp -d)" 2>&1 |
    tee /dev/stderr | grep -E '^epoch' | awk '{ s += $(NF-1) + 0; n++ } END { printf "%.0f", s / n }'
}
ndarray_sps=$(burn_sps ndarray)
flex_sps=$(burn_sps flex)
torch_line=$(OMP_NUM_THREADS=2 "$VENV/bin/python" bench/pytorch_seed.py --data "$DATA" --epochs "$EPOCHS" --threads 2 | tee /dev/stderr)
torch_sps=$(echo "$torch_line" | grep -Eo '[0-9]+ samples/s' | grep -Eo '[0-9]+')
echo "burn trainer, burn-ndarray: $ndarray_sps samples/s (mean over epochs)"
echo "burn trainer, burn-flex:    $flex_sps samples/s (mean over epochs)"
echo "pytorch:                    $torch_sps samples/s"
awk -v b="$ndarray_sps" -v f="$flex_sps" -v t="$torch_sps" 'BEGIN { printf "ratio burn/pytorch: %.2fx (ndarray), %.2fx (flex)\n", b / t, f / t }'
