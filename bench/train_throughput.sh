#!/usr/bin/env bash
# Training throughput of the article's recipe: the burn trainer (burn-ndarray, then burn-flex)
# against the article's PyTorch code, on the same data with 2 threads, in interleaved rounds so
# that the machine's drift hits all three alike; prints each round and the median ratios.
#   bench/train_throughput.sh [EPOCHS] [ROUNDS]     (default 3 epochs, 3 rounds)
# Creates a PyTorch venv on first use in ~/.cache/digits/torch-venv (PyPI's torch, ~5.6 GB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EPOCHS="${1:-3}"
ROUNDS="${2:-3}"
DATA="${MNIST_DIR:-data/mnist}"
[ -e "$DATA/train-images-idx3-ubyte" ] || [ -e "$DATA/train-images-idx3-ubyte.gz" ] ||
  { echo "no MNIST in $DATA: set MNIST_DIR or run the trainer's fetch-data first" >&2; exit 1; }
VENV="${TORCH_VENV:-$HOME/.cache/digits/torch-venv}"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q torch numpy
fi
cargo build --profile fast -p trainer --quiet
BIN="${CARGO_TARGET_DIR:-target}/fast/trainer"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

# The mean samples/s over the epochs of one trainer run on backend $1.
burn_sps() {
  RAYON_NUM_THREADS=2 "$BIN" train --quiet --backend "$1" --epochs "$EPOCHS" --data "$DATA" --out "$OUT" 2>&1 |
    grep -E '^epoch' | awk '{ s += $(NF-1) + 0; n++ } END { printf "%.0f", s / n }'
}
torch_sps() {
  OMP_NUM_THREADS=2 "$VENV/bin/python" bench/pytorch_seed.py --data "$DATA" --epochs "$EPOCHS" --threads 2 |
    grep -Eo '[0-9]+ samples/s' | grep -Eo '[0-9]+'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "$EPOCHS epochs per run, $ROUNDS rounds; samples/s of the training loop (batch 32, 2 threads)"
"$VENV/bin/python" -c 'import torch; print("pytorch", torch.__version__)'
nd_ratios=()
fx_ratios=()
for r in $(seq "$ROUNDS"); do
  nd=$(burn_sps ndarray)
  fx=$(burn_sps flex)
  pt=$(torch_sps)
  nd_ratios+=("$(awk -v b="$nd" -v t="$pt" 'BEGIN { printf "%.2f", b / t }')")
  fx_ratios+=("$(awk -v b="$fx" -v t="$pt" 'BEGIN { printf "%.2f", b / t }')")
  echo "round $r: burn-ndarray $nd, burn-flex $fx, pytorch $pt -> ${nd_ratios[-1]}x, ${fx_ratios[-1]}x"
done
printf 'ratio burn/pytorch, median of %s rounds: %sx (burn-ndarray, range %s-%s), %sx (burn-flex, range %s-%s); target >= 2.5x\n' \
  "$ROUNDS" \
  "$(printf '%s\n' "${nd_ratios[@]}" | median)" "$(printf '%s\n' "${nd_ratios[@]}" | sort -g | head -1)" "$(printf '%s\n' "${nd_ratios[@]}" | sort -g | tail -1)" \
  "$(printf '%s\n' "${fx_ratios[@]}" | median)" "$(printf '%s\n' "${fx_ratios[@]}" | sort -g | head -1)" "$(printf '%s\n' "${fx_ratios[@]}" | sort -g | tail -1)"
