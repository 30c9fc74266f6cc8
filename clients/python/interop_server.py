#!/usr/bin/python3
"""Reference grpc.testing.TestService on Debian's grpcio (the official C-core implementation).

Serves the behaviours of doc/interop-test-descriptions.md ("Server" section) on 127.0.0.1:PORT,
plaintext HTTP/2. Used to check our C# client against an official server, and by the benchmark
as the reference to compare our server with.

Usage: interop_server.py --port N [--host 127.0.0.1] [--max_workers 16]
Prints "listening on HOST:PORT" once it serves (PORT is the bound one when --port 0).
"""

import argparse
import os
import signal
import sys
import threading
import time
import zlib
from collections import namedtuple
from concurrent import futures

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grpc  # noqa: E402  (after the sys.path tweak)

import grpc_stubs  # noqa: E402

empty_pb2, messages_pb2, _ = grpc_stubs.interop()

ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"


def _payload(size):
    if size < 0:
        raise ValueError(f"negative payload size {size}")
    return messages_pb2.Payload(type=messages_pb2.COMPRESSABLE, body=b"\0" * size)


def _echo_metadata(context):
    """Sends x-grpc-test-echo-initial back in headers and keeps x-grpc-test-echo-trailing-bin for trailers."""
    initial = []
    trailing = []
    for key, value in context.invocation_metadata():
        if key == ECHO_INITIAL_KEY:
            initial.append((key, value))
        elif key == ECHO_TRAILING_KEY:
            trailing.append((key, value))
    if initial:
        context.send_initial_metadata(tuple(initial))
    if trailing:
        context.set_trailing_metadata(tuple(trailing))


# grpcio hides a request's compressed flag. The server runs with per-message decompression off
# ("grpc.per_message_decompression"), so compressed requests reach the deserializer as gzip or
# zlib bytes; their magic bytes cannot start a message of test.proto (wire type 7 / field 15), so
# each request's compression is known exactly and the server inflates it itself.
Received = namedtuple("Received", "message compressed")
GZIP_MAGIC = b"\x1f\x8b"
ZLIB_FIRST_BYTE = 0x78
MAX_INFLATED_SIZE = 4 * 1024 * 1024


def _inflate(data):
    if data[:2] == GZIP_MAGIC:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif data[:1] and data[0] == ZLIB_FIRST_BYTE:
        inflater = zlib.decompressobj()
    else:
        return None
    inflated = inflater.decompress(data, MAX_INFLATED_SIZE + 1)
    if len(inflated) > MAX_INFLATED_SIZE:
        raise ValueError("inflated request exceeds 4 MiB")
    return inflated


def _deserializer(message_type):
    def parse(data):
        inflated = _inflate(data)
        if inflated is None:
            return Received(message_type.FromString(data), False)
        return Received(message_type.FromString(inflated), True)

    return parse


def _check_expect_compressed(received, context):
    request = received.message
    if request.HasField("expect_compressed") and request.expect_compressed.value and not received.compressed:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "Expected a compressed request, but it was not compressed.")


def _abort_with_status(request, context):
    if request.HasField("response_status") and request.response_status.code != 0:
        code = _STATUS_BY_VALUE.get(request.response_status.code, grpc.StatusCode.UNKNOWN)
        context.abort(code, request.response_status.message)


_STATUS_BY_VALUE = {c.value[0]: c for c in grpc.StatusCode}


class TestService:
    """grpc.testing.TestService. Requests arrive as Received(message, compressed)."""

    def EmptyCall(self, received, context):
        _echo_metadata(context)
        return empty_pb2.Empty()

    def UnaryCall(self, received, context):
        request = received.message
        _echo_metadata(context)
        _check_expect_compressed(received, context)
        _abort_with_status(request, context)
        if request.response_type != messages_pb2.COMPRESSABLE:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"response_type {request.response_type} is not supported")
        if request.HasField("response_compressed"):
            context.set_compression(
                grpc.Compression.Gzip if request.response_compressed.value else grpc.Compression.NoCompression
            )
        return messages_pb2.SimpleResponse(payload=_payload(request.response_size))

    def StreamingOutputCall(self, received, context):
        _echo_metadata(context)
        _abort_with_status(received.message, context)
        yield from _responses(received.message, context)

    def StreamingInputCall(self, request_iterator, context):
        _echo_metadata(context)
        total = 0
        for received in request_iterator:
            _check_expect_compressed(received, context)
            total += len(received.message.payload.body)
        return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)

    def FullDuplexCall(self, request_iterator, context):
        _echo_metadata(context)
        for received in request_iterator:
            _abort_with_status(received.message, context)
            yield from _responses(received.message, context)

    def HalfDuplexCall(self, request_iterator, context):
        _echo_metadata(context)
        requests = [received.message for received in request_iterator]
        for request in requests:
            _abort_with_status(request, context)
        for request in requests:
            yield from _responses(request, context)


def _handlers(service):
    """TestService's methods with our deserializers; UnimplementedCall and other services stay unknown (UNIMPLEMENTED)."""
    simple = messages_pb2.SimpleRequest
    output = messages_pb2.StreamingOutputCallRequest
    table = {
        "EmptyCall": grpc.unary_unary_rpc_method_handler(
            service.EmptyCall, _deserializer(empty_pb2.Empty), empty_pb2.Empty.SerializeToString
        ),
        "UnaryCall": grpc.unary_unary_rpc_method_handler(
            service.UnaryCall, _deserializer(simple), messages_pb2.SimpleResponse.SerializeToString
        ),
        "StreamingOutputCall": grpc.unary_stream_rpc_method_handler(
            service.StreamingOutputCall, _deserializer(output), messages_pb2.StreamingOutputCallResponse.SerializeToString
        ),
        "StreamingInputCall": grpc.stream_unary_rpc_method_handler(
            service.StreamingInputCall,
            _deserializer(messages_pb2.StreamingInputCallRequest),
            messages_pb2.StreamingInputCallResponse.SerializeToString,
        ),
        "FullDuplexCall": grpc.stream_stream_rpc_method_handler(
            service.FullDuplexCall, _deserializer(output), messages_pb2.StreamingOutputCallResponse.SerializeToString
        ),
        "HalfDuplexCall": grpc.stream_stream_rpc_method_handler(
            service.HalfDuplexCall, _deserializer(output), messages_pb2.StreamingOutputCallResponse.SerializeToString
        ),
    }
    return grpc.method_handlers_generic_handler("grpc.testing.TestService", table)


def _responses(request, context):
    """One response per ResponseParameters, sleeping interval_us before each; per-message compression."""
    if any(p.HasField("compressed") and p.compressed.value for p in request.response_parameters):
        context.set_compression(grpc.Compression.Gzip)
    for params in request.response_parameters:
        if params.interval_us > 0:
            time.sleep(params.interval_us / 1e6)
        if not context.is_active():
            return
        if not (params.HasField("compressed") and params.compressed.value):
            context.disable_next_message_compression()
        yield messages_pb2.StreamingOutputCallResponse(payload=_payload(params.size))


def serve(host, port, max_workers):
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers),
        handlers=[_handlers(TestService())],
        options=[("grpc.so_reuseport", 0), ("grpc.per_message_decompression", 0)],
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise SystemExit(f"could not bind {host}:{port}")
    server.start()
    print(f"listening on {host}:{bound}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop(grace=1).wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--max_workers", type=int, default=16)
    parser.add_argument("--use_tls", default="false", help="only false is supported")
    args = parser.parse_args()
    if args.use_tls.lower() not in ("false", "0", "no"):
        raise SystemExit("TLS is not supported by this reference server")
    serve(args.host, args.port, args.max_workers)


if __name__ == "__main__":
    main()
