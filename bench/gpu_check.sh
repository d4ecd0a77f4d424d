#!/usr/bin/env bash
# The study's speed claims on one GPU, in at most 8 minutes on one H100; writes bench/results/*_cuda.csv:
#   presets_cuda.csv                the gpu64 preset's model trained for a fixed number of steps: images/s, FLOP/s
#   train_throughput_cuda.csv       the memx loop (bf16 autocast) against a plain PyTorch loop (fp32), with MFU
#   train_throughput_no_cuda.csv    the same with the memx loop in fp32: bf16 against fp32
#   detect_floor*_cuda.csv          Wen's score at its cost floor, and at 10^4 conditions
#
#   bash bench/gpu_check.sh          on a machine with a CUDA GPU
#   bash bench/gpu_check.sh --dry    on a CPU: every step at toy size, results into a temporary folder (the tests)
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = "--dry" ]; then
  export MEMX_BENCH_RESULTS="${MEMX_BENCH_RESULTS:-$(mktemp -d)}"
  presets=(--presets cpu --steps 1)
  loop=(--preset tiny --size 16 --bs 8 --steps 2 --reps 1 --threads 1)
  detect=(--conds 16 --reps 1 --bs 16 --scale 64)
else
  if ! python -c "import torch, sys; sys.exit(not torch.cuda.is_available())"; then
    echo "gpu_check: no CUDA device here; run it on a GPU, or with --dry on a CPU" >&2
    exit 1
  fi
  presets=(--presets gpu64 --steps 50)
  loop=(--preset small --size 64 --bs 64 --steps 40 --reps 3 --threads 8)
  detect=(--conds 211 --reps 3 --bs 256 64 --scale 10000)
fi
echo "== the gpu64 preset's model, fixed steps";   timeout 150 python presets.py "${presets[@]}"
echo "== memx loop (auto precision) vs plain loop"; timeout 120 python train_throughput.py "${loop[@]}" --precision auto
echo "== memx loop in fp32 vs plain loop";          timeout 120 python train_throughput.py "${loop[@]}" --precision no
echo "== detection cost, 10^4 conditions";          timeout 90 python detect_floor.py "${detect[@]}"
echo "results in ${MEMX_BENCH_RESULTS:-bench/results}"
