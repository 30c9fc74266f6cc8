#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (see setup.sh) and runs every test: unit, loopback, interop with
# the official gRPC clients (grpc-js, grpcio), hostile input. Prints one summary line at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

log=$(mktemp)
set +e
dotnet test FastAV.Live.sln -c Release --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Per-assembly lines look like "Passed!  - Failed:     0, Passed:   114, Skipped:     0, Total: ..."
read -r passed failed skipped < <(awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ { f += $2; p += $4; s += $6 } END { print p+0, f+0, s+0 }' "$log")
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
