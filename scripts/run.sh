#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (see setup.sh), starts `fastav serve` on 127.0.0.1:50051 and
# streams a sample clip into it in real time, printing every response; then stops the server.
# Options go to clients/python/demo_stream.py: --clips N, --seed N, --fast (no real-time pacing); FASTAV_PORT and
# FASTAV_HTTP_PORT change the gRPC and HTTP side ports (defaults 50051 and 8080). --help: this text.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
cd "$(dirname "$0")/.."
./scripts/setup.sh

PORT="${FASTAV_PORT:-50051}"
HTTP_PORT="${FASTAV_HTTP_PORT:-8080}"   # /metrics, /healthz, /readyz and the live dashboard
dotnet src/FastAV.Live.Server/bin/Release/net10.0/fastav.dll serve --urls "http://127.0.0.1:${PORT}" --Server:HttpUrls "http://127.0.0.1:${HTTP_PORT}" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
  sleep 0.1
done
echo "run: dashboard at http://127.0.0.1:${HTTP_PORT}/dashboard, metrics at http://127.0.0.1:${HTTP_PORT}/metrics"
/usr/bin/python3 clients/python/demo_stream.py --target "127.0.0.1:${PORT}" "$@"
