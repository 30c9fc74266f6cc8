"""Generates Python stubs for the official gRPC protos at run time.

Debian's `protoc` (protobuf-compiler) and `grpc_python_plugin` (protobuf-compiler-grpc) write the
*_pb2.py / *_pb2_grpc.py modules into a fresh temporary directory, which is put on sys.path.
Nothing generated is committed; python3-grpc-tools is not used (too old for the installed
protobuf runtime).
"""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile

GRPC_PROTO_ROOT = os.environ.get("GRPC_PROTO_ROOT", "/usr/share/grpc-proto")

INTEROP_PROTOS = (
    "grpc/testing/empty.proto",
    "grpc/testing/messages.proto",
    "grpc/testing/test.proto",
)
HEALTH_PROTOS = ("grpc/health/v1/health.proto",)
REFLECTION_PROTOS = (
    "grpc/reflection/v1alpha/reflection.proto",
    "grpc/reflection/v1/reflection.proto",
)

_generated = {}


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise SystemExit(
            f"{name} not found: install Debian's protobuf-compiler and protobuf-compiler-grpc (scripts/setup.sh)"
        )
    return path


def generate(protos, out_dir=None):
    """Compiles `protos` (paths relative to GRPC_PROTO_ROOT) and returns the directory holding the modules."""
    key = tuple(protos)
    if key in _generated:
        return _generated[key]
    for proto in protos:
        if not os.path.isfile(os.path.join(GRPC_PROTO_ROOT, proto)):
            raise SystemExit(f"missing {proto} under {GRPC_PROTO_ROOT}: install Debian's grpc-proto package")
    if out_dir is None:
        out_dir = tempfile.mkdtemp(prefix="fastav-grpc-stubs-")
        atexit.register(shutil.rmtree, out_dir, True)
    cmd = [
        _tool("protoc"),
        f"--proto_path={GRPC_PROTO_ROOT}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        f"--plugin=protoc-gen-grpc_python={_tool('grpc_python_plugin')}",
        *protos,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"protoc failed ({result.returncode}): {result.stderr.strip()}")
    # The modules live in packages grpc.testing, grpc.health.v1, ... but `grpc` is grpcio's own
    # package: extend its search path so the generated subpackages import under their real names.
    import grpc  # pylint: disable=import-outside-toplevel

    generated_grpc = os.path.join(out_dir, "grpc")
    if generated_grpc not in grpc.__path__:
        grpc.__path__.append(generated_grpc)
    _generated[key] = out_dir
    return out_dir


def interop():
    """Imports and returns (empty_pb2, messages_pb2, test_pb2_grpc) for grpc.testing."""
    generate(INTEROP_PROTOS)
    from grpc.testing import empty_pb2, messages_pb2, test_pb2_grpc  # pylint: disable=import-outside-toplevel

    return empty_pb2, messages_pb2, test_pb2_grpc


def live_stubs(out_dir=None):
    """Imports and returns (live_pb2, live_pb2_grpc) for fastav.live.v1, compiled from the repository's protos/.

    With `out_dir` holding stubs already (fastav/live/v1/live_pb2.py), those are used as they are.
    """
    protos = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "protos")
    if out_dir is None or not os.path.isfile(os.path.join(out_dir, "fastav", "live", "v1", "live_pb2.py")):
        if out_dir is None:
            out_dir = tempfile.mkdtemp(prefix="fastav-live-stubs-")
            atexit.register(shutil.rmtree, out_dir, True)
        cmd = [
            _tool("protoc"),
            f"--proto_path={protos}",
            f"--python_out={out_dir}",
            f"--grpc_python_out={out_dir}",
            f"--plugin=protoc-gen-grpc_python={_tool('grpc_python_plugin')}",
            "fastav/live/v1/live.proto",
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SystemExit(f"protoc failed ({result.returncode}): {result.stderr.strip()}")
    sys.path.insert(0, out_dir)
    from fastav.live.v1 import live_pb2, live_pb2_grpc  # pylint: disable=import-outside-toplevel

    return live_pb2, live_pb2_grpc


if __name__ == "__main__":
    # Usage: grpc_stubs.py OUT_DIR  - writes all stubs there (for manual use).
    target = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="fastav-grpc-stubs-")
    os.makedirs(target, exist_ok=True)
    generate(INTEROP_PROTOS + HEALTH_PROTOS + REFLECTION_PROTOS, target)
    print(target)
