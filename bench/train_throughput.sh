#!/usr/bin/env bash
# Training throughput of the article's recipe: the burn trainer (burn-ndarray, then burn-flex)
# against the article's PyTorch code and against a PyTorch loop tuned as a PyTorch user would
# (tensors up front, torch.randperm batches, no DataLoader, zero_grad(set_to_none=True)), all on
# the same data with 2 threads, in interleaved rounds whose order rotates, so that the machine's
# drift hits every side alike. Prints the machine's cores and each side's thread settings, each
# round, and the median and range of each ratio. Only the training loop is timed on every side.
#   bench/train_throughput.sh [EPOCHS] [ROUNDS]     (default 3 epochs, 5 rounds)
# Creates a PyTorch venv on first use in ~/.cache/digits/torch-venv (PyPI's torch, ~5.6 GB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EPOCHS="${1:-3}"
ROUNDS="${2:-5}"
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
# The samples/s of one PyTorch run of loop $1 (article or tuned).
torch_sps() {
  OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 "$VENV/bin/python" bench/pytorch_seed.py --data "$DATA" \
    --epochs "$EPOCHS" --threads 2 --loop "$1" | grep -Eo '[0-9]+ samples/s' | grep -Eo '[0-9]+'
}
ratio() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.2f", b / t }'; }
summary() { # NAME RATIOS...: median and range
  local name="$1"; shift
  printf '%s: median %sx, range %s-%sx\n' "$name" "$(printf '%s\n' "$@" | median)" \
    "$(printf '%s\n' "$@" | sort -g | head -1)" "$(printf '%s\n' "$@" | sort -g | tail -1)"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "$EPOCHS epochs per run, $ROUNDS rounds; samples/s of the training loop (batch 32)"
echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
"$VENV/bin/python" -c 'import torch; print("pytorch", torch.__version__, "| torch.set_num_threads(2), OMP_NUM_THREADS=2, MKL_NUM_THREADS=2")'
echo "burn: RAYON_NUM_THREADS=2 (burn-ndarray and burn-flex), trainer built with --profile fast"
declare -a nd_art fx_art nd_tun fx_tun
for r in $(seq "$ROUNDS"); do
  # The order rotates each round: no side always runs first (or last) in a warm machine.
  declare -A sps=()
  sides=(ndarray flex article tuned)
  for k in 0 1 2 3; do
    side="${sides[$(( (k + r) % 4 ))]}"
    case "$side" in
      ndarray|flex) sps[$side]=$(burn_sps "$side") ;;
      *) sps[$side]=$(torch_sps "$side") ;;
    esac
  done
  nd_art+=("$(ratio "${sps[ndarray]}" "${sps[article]}")")
  fx_art+=("$(ratio "${sps[flex]}" "${sps[article]}")")
  nd_tun+=("$(ratio "${sps[ndarray]}" "${sps[tuned]}")")
  fx_tun+=("$(ratio "${sps[flex]}" "${sps[tuned]}")")
  echo "round $r: burn-ndarray ${sps[ndarray]}, burn-flex ${sps[flex]}, pytorch article ${sps[article]}, pytorch tuned ${sps[tuned]}" \
    "-> vs article ${nd_art[-1]}x / ${fx_art[-1]}x, vs tuned ${nd_tun[-1]}x / ${fx_tun[-1]}x"
  unset sps
done
summary "burn-ndarray / pytorch article (target >= 2.5x)" "${nd_art[@]}"
summary "burn-flex    / pytorch article (target >= 2.5x)" "${fx_art[@]}"
summary "burn-ndarray / pytorch tuned   (target >= 1.8x)" "${nd_tun[@]}"
summary "burn-flex    / pytorch tuned   (target >= 1.8x)" "${fx_tun[@]}"
