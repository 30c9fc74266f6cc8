#!/usr/bin/env bash
# FastAV.Live on a CUDA host in one command: at most 8 minutes on an H100/H200 with PyTorch 2.11 + CUDA 13 and no .NET.
#
#   scripts/gpu-check.sh prepare   here (with .NET): publishes benchmarks/gpu self-contained and trimmed to
#                                  artifacts/gpu-check/app, checks that what travels fits 64 MiB, then runs `check`
#   scripts/gpu-check.sh [check]   on the GPU host, from the repo root, with artifacts/gpu-check carried:
#     1. CPU checks: the publish is there (and, where git is, that the working tree plus it fits 64 MiB); the Python peer
#        (benchmarks/gpu/gpu_peer.py) writes op goldens and engine inputs for a tiny geometry on the CPU;
#     2. with a GPU: builds src/native/fastav_torch against PyTorch's libtorch into a copy of the app;
#     3. the app on the CPU: every Torch op vs PyTorch's goldens (fp32, bf16), the engine at the tiny geometry (bf16);
#     4. no CUDA GPU: stops here, exit 3, saying what it looked for and that nothing was measured;
#     5. on the GPU: the op checks in fp32 and bf16; the engine at Qwen2-7B geometry (28 layers, hidden 3584, 28/4
#        heads, FFN 18944, bf16, random weights) on 154-token windows (the camera-scale counts): unpruned vs FastAV
#        prefill latency, time to first answer token, decode ms/token, peak GPU memory; Hugging Face transformers'
#        Qwen2ForCausalLM (SDPA) on the same geometry and inputs;
#     6. writes benchmarks/results/gpu-<gpu>.json + .md naming the GPU (copied with the logs to $OUT when set).
# Exit codes: 0 all ran and the op checks passed; 1 a check failed; 2 bad usage or a missing piece; 3 no CUDA GPU here.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
APP=artifacts/gpu-check/app
WORK=${GPU_CHECK_WORK:-$(mktemp -d /tmp/gpu-check.XXXXXX)}
WINDOWS=${GPU_CHECK_WINDOWS:-8}
LIMIT_BYTES=$((64 * 1024 * 1024))
mode=${1:-check}

# Inputs and the app copy are large and rebuilt each run; the logs and JSON stay in $WORK for a look afterwards.
trap 'rm -rf "$WORK"/*.safetensors "$WORK/app" "$WORK/shim"' EXIT
say() { echo "gpu-check: $*"; }
die() { echo "gpu-check: $2" >&2; exit "$1"; }
step() { # step SECONDS NAME COMMAND...: one bounded step, its output in $WORK/NAME.log
  local seconds=$1 name=$2
  shift 2
  say "$name"
  if ! timeout "$seconds" "$@" >"$WORK/$name.log" 2>&1; then
    cat "$WORK/$name.log" >&2
    return 1
  fi
  tail -n 3 "$WORK/$name.log"
}

case "$mode" in
  -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  prepare)
    command -v dotnet >/dev/null || die 2 "prepare needs the .NET SDK (scripts/setup.sh)"
    rm -rf "$APP"
    dotnet publish benchmarks/gpu/FastAV.Live.Gpu.Benchmarks.csproj -c Release -r linux-x64 --self-contained \
      -p:PublishTrimmed=true -p:DebugType=none -o "$APP" -nologo -v:q
    ;;
  check) ;;
  *) die 2 "unknown mode '$mode' (prepare, check, --help)" ;;
esac

# 1. CPU checks -------------------------------------------------------------------------------------------------------
[ -x "$APP/gpu-check" ] || die 2 "$APP/gpu-check is missing: run 'scripts/gpu-check.sh prepare' where .NET is, and carry artifacts/gpu-check"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  tree=$(git ls-files -co --exclude-standard -z | xargs -0 -r stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
  app=$(du -sb "$APP" | cut -f1)
  total=$((tree + app))
  say "what travels: working tree $((tree / 1048576)) MiB + $APP $((app / 1048576)) MiB = $((total / 1048576)) MiB (limit 64 MiB)"
  [ "$total" -le "$LIMIT_BYTES" ] || die 2 "$((total / 1048576)) MiB would travel, over the 64 MiB limit"
fi

PYTHON=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c "import torch" 2>/dev/null; then PYTHON=$candidate; break; fi
done
[ -n "$PYTHON" ] || die 2 "no python3 with PyTorch here (the peer needs torch)"
PEER=benchmarks/gpu/gpu_peer.py
say "peer: $("$PYTHON" -c 'import torch, sys; print(sys.executable, "torch", torch.__version__)')"
step 120 cpu-goldens "$PYTHON" "$PEER" goldens --device cpu --out "$WORK/goldens-cpu.safetensors"
step 60 cpu-inputs "$PYTHON" "$PEER" inputs --geometry tiny --dtype bf16 --windows 4 --out "$WORK/inputs-tiny.safetensors"

gpu=""
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1 && "$PYTHON" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"; then
  gpu=$("$PYTHON" -c "import torch; print(torch.cuda.get_device_name(0))")
fi

# 2. the shim against PyTorch's libtorch (only where that libtorch has CUDA) ---------------------------------------------
RUN_APP=$APP
if [ -n "$gpu" ]; then
  torch_dir=$("$PYTHON" -c "import torch; print(torch.utils.cmake_prefix_path)")/Torch
  step 300 build-shim bash -c "cmake -S src/native/fastav_torch -B '$WORK/shim' -DCMAKE_BUILD_TYPE=Release -DTorch_DIR='$torch_dir' && cmake --build '$WORK/shim' -j \$(nproc)" \
    || die 1 "building fastav_torch against $torch_dir failed (log: $WORK/build-shim.log)"
  RUN_APP=$WORK/app
  cp -r "$APP" "$RUN_APP"
  cp "$WORK/shim/libfastav_torch.so" "$RUN_APP/"
fi

# 3. the app on the CPU: the same code paths at a tiny size -----------------------------------------------------------
status=0
step 120 cpu-ops "$RUN_APP/gpu-check" ops --device cpu --inputs "$WORK/goldens-cpu.safetensors" --out "$WORK/ops-cpu.json" || status=1
step 120 cpu-engine "$RUN_APP/gpu-check" engine --device cpu --dtype bf16 --geometry tiny --inputs "$WORK/inputs-tiny.safetensors" --out "$WORK/engine-cpu.json" || status=1

# 4. no GPU: stop, clearly --------------------------------------------------------------------------------------------
if [ -z "$gpu" ]; then
  why="nvidia-smi $(command -v nvidia-smi >/dev/null && echo "lists no GPU" || echo "is not installed"); torch.cuda.is_available() is $("$PYTHON" -c 'import torch; print(torch.cuda.is_available())')"
  [ "$status" -eq 0 ] && cpu="the CPU checks passed" || cpu="a CPU check FAILED (logs in $WORK)"
  echo "gpu-check: no CUDA GPU here ($why): $cpu; nothing was measured on a GPU. Run it on a GPU host (see the header of $0)." >&2
  exit 3
fi

# 5. on the GPU -------------------------------------------------------------------------------------------------------
say "GPU: $gpu"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >"$WORK/nvidia-smi.txt" 2>&1 || true
step 120 gpu-goldens "$PYTHON" "$PEER" goldens --device cuda --out "$WORK/goldens-cuda.safetensors" || status=1
step 120 gpu-ops "$RUN_APP/gpu-check" ops --device cuda --inputs "$WORK/goldens-cuda.safetensors" --out "$WORK/ops.json" || status=1
step 60 gpu-inputs "$PYTHON" "$PEER" inputs --geometry qwen2-7b --dtype bf16 --windows "$WINDOWS" --out "$WORK/inputs-7b.safetensors" || status=1
step 240 gpu-engine "$RUN_APP/gpu-check" engine --device cuda --dtype bf16 --geometry qwen2-7b --inputs "$WORK/inputs-7b.safetensors" --out "$WORK/engine.json" || status=1
step 240 gpu-hf "$PYTHON" "$PEER" hf --device cuda --dtype bf16 --geometry qwen2-7b --inputs "$WORK/inputs-7b.safetensors" --out "$WORK/hf.json" || status=1

# 6. results ----------------------------------------------------------------------------------------------------------
report=$("$PYTHON" "$PEER" report --ops "$WORK/ops.json" --engine "$WORK/engine.json" --hf "$WORK/hf.json" --out-dir benchmarks/results | tail -n 1)
say "wrote $report and ${report%.json}.md"
if [ -n "${OUT:-}" ]; then
  mkdir -p "$OUT"
  cp "$report" "${report%.json}.md" "$OUT/" 2>/dev/null || true
  tar -czf "$OUT/gpu-check-logs.tgz" -C "$WORK" --exclude='*.safetensors' --exclude=app --exclude=shim . 2>/dev/null || true
fi
exit "$status"
