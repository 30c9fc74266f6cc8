#!/usr/bin/env bash
# Writes Python stubs for the official gRPC protos (interop testing, health, reflection) into DIR
# with Debian's protoc + grpc_python_plugin, and prints DIR. The clients do this themselves at run
# time (grpc_stubs.py); this is for manual use.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/grpc_stubs.py" "${1:-$(mktemp -d)}"
