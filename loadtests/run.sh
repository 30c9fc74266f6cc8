#!/usr/bin/env bash
# loadtests/run.sh SCENARIO [--target HOST:PORT] [--out DIR] [flags] [-- fastav serve options]
# Runs a load test scenario with fastav-load (loadtests/README.md). Without --target it starts a local
# `fastav serve` (the Release build; --model DIR and anything after -- are passed to it) on a free loopback port
# and stops it afterwards. Builds the generator and the server first when their Release builds are missing.
# Exit code: 0 every threshold held, 1 a threshold failed or the run aborted, 2 bad arguments, 3 setup failed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
load="$root/loadtests/FastAV.Live.LoadTests/bin/Release/net10.0/fastav-load.dll"
server="$root/src/FastAV.Live.Server/bin/Release/net10.0/fastav.dll"
if [ ! -f "$load" ]; then
  dotnet build "$root/loadtests/FastAV.Live.LoadTests/FastAV.Live.LoadTests.csproj" -c Release -nologo -v:q >&2
fi
if [ ! -f "$server" ] && [[ " $* " != *" --target "* ]]; then
  dotnet build "$root/src/FastAV.Live.Server/FastAV.Live.Server.csproj" -c Release -nologo -v:q >&2
fi
exec dotnet "$load" "$@"
