#!/usr/bin/python3
"""The official gRPC interop client cases (doc/interop-test-descriptions.md) on Debian's grpcio.

Usage: interop_client.py --server_host 127.0.0.1 --server_port N --test_case NAME|all
Exit code 0 when every case passes; otherwise 1 and one "FAIL case: reason" line per failure.

grpcio exposes neither the per-message compressed flag of responses nor per-message compression
of requests, so server_compressed_* assert payload sizes and success, and the uncompressed second
message of client_compressed_streaming is sent compressed (expect_compressed=false allows both).
"""

import argparse
import os
import queue
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grpc  # noqa: E402

import grpc_stubs  # noqa: E402

empty_pb2, messages_pb2, test_pb2_grpc = grpc_stubs.interop()

ECHO_INITIAL = ("x-grpc-test-echo-initial", "test_initial_metadata_value")
ECHO_TRAILING = ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab")
SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
REQUEST_SIZES = (27182, 8, 1828, 45904)
RESPONSE_SIZES = (31415, 9, 2653, 58979)
CALL_TIMEOUT_S = 30


class InteropFailure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise InteropFailure(message)


def zeros(size):
    return messages_pb2.Payload(body=b"\0" * size)


def expect_payload(payload, size, what):
    expect(len(payload.body) == size, f"{what}: payload is {len(payload.body)} bytes, expected {size}")
    expect(payload.body == b"\0" * size, f"{what}: payload is not all zeros")


def expect_status(error, code, what):
    expect(isinstance(error, grpc.RpcError), f"{what}: expected {code.name}, but the call succeeded")
    expect(error.code() == code, f"{what}: status {error.code()} ({error.details()!r}), expected {code.name}")


class RequestPipe:
    """A request iterator fed one message at a time, for interleaved streaming (ping_pong, cancels)."""

    _END = object()

    def __init__(self):
        self._queue = queue.Queue()

    def add(self, message):
        self._queue.put(message)

    def close(self):
        self._queue.put(self._END)

    def __iter__(self):
        return self

    def __next__(self):
        item = self._queue.get()
        if item is self._END:
            raise StopIteration
        return item


def large_request(**fields):
    return messages_pb2.SimpleRequest(response_size=314159, payload=zeros(271828), **fields)


def empty_unary(stub):
    response = stub.EmptyCall(empty_pb2.Empty(), timeout=CALL_TIMEOUT_S)
    expect(isinstance(response, empty_pb2.Empty), "EmptyCall returned no Empty")
    expect(response.ByteSize() == 0, "EmptyCall response is not empty")


def large_unary(stub):
    response = stub.UnaryCall(large_request(), timeout=CALL_TIMEOUT_S)
    expect_payload(response.payload, 314159, "UnaryCall")


def client_compressed_unary(stub):
    try:
        stub.UnaryCall(large_request(expect_compressed=messages_pb2.BoolValue(value=True)), timeout=CALL_TIMEOUT_S)
        raise InteropFailure("probe: an uncompressed request with expect_compressed=true succeeded")
    except grpc.RpcError as error:
        expect_status(error, grpc.StatusCode.INVALID_ARGUMENT, "probe")
    for compressed in (True, False):
        response = stub.UnaryCall(
            large_request(expect_compressed=messages_pb2.BoolValue(value=compressed)),
            timeout=CALL_TIMEOUT_S,
            compression=grpc.Compression.Gzip if compressed else grpc.Compression.NoCompression,
        )
        expect_payload(response.payload, 314159, f"UnaryCall compressed={compressed}")


def server_compressed_unary(stub):
    for compressed in (True, False):
        response = stub.UnaryCall(
            large_request(response_compressed=messages_pb2.BoolValue(value=compressed)), timeout=CALL_TIMEOUT_S
        )
        expect_payload(response.payload, 314159, f"UnaryCall response_compressed={compressed}")


def client_streaming(stub):
    requests = [messages_pb2.StreamingInputCallRequest(payload=zeros(n)) for n in REQUEST_SIZES]
    response = stub.StreamingInputCall(iter(requests), timeout=CALL_TIMEOUT_S)
    expect(response.aggregated_payload_size == 74922, f"aggregated_payload_size {response.aggregated_payload_size}, expected 74922")


def client_compressed_streaming(stub):
    probe = messages_pb2.StreamingInputCallRequest(payload=zeros(27182), expect_compressed=messages_pb2.BoolValue(value=True))
    try:
        stub.StreamingInputCall(iter([probe]), timeout=CALL_TIMEOUT_S)
        raise InteropFailure("probe: an uncompressed request with expect_compressed=true succeeded")
    except grpc.RpcError as error:
        expect_status(error, grpc.StatusCode.INVALID_ARGUMENT, "probe")
    requests = [
        messages_pb2.StreamingInputCallRequest(payload=zeros(27182), expect_compressed=messages_pb2.BoolValue(value=True)),
        messages_pb2.StreamingInputCallRequest(payload=zeros(45904), expect_compressed=messages_pb2.BoolValue(value=False)),
    ]
    response = stub.StreamingInputCall(iter(requests), timeout=CALL_TIMEOUT_S, compression=grpc.Compression.Gzip)
    expect(response.aggregated_payload_size == 73086, f"aggregated_payload_size {response.aggregated_payload_size}, expected 73086")


def server_streaming(stub):
    request = messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=n) for n in RESPONSE_SIZES]
    )
    responses = list(stub.StreamingOutputCall(request, timeout=CALL_TIMEOUT_S))
    expect(len(responses) == 4, f"{len(responses)} responses, expected 4")
    for i, (response, size) in enumerate(zip(responses, RESPONSE_SIZES)):
        expect_payload(response.payload, size, f"response {i}")


def server_compressed_streaming(stub):
    request = messages_pb2.StreamingOutputCallRequest(
        response_parameters=[
            messages_pb2.ResponseParameters(size=31415, compressed=messages_pb2.BoolValue(value=True)),
            messages_pb2.ResponseParameters(size=92653, compressed=messages_pb2.BoolValue(value=False)),
        ]
    )
    responses = list(stub.StreamingOutputCall(request, timeout=CALL_TIMEOUT_S))
    expect(len(responses) == 2, f"{len(responses)} responses, expected 2")
    expect_payload(responses[0].payload, 31415, "response 0")
    expect_payload(responses[1].payload, 92653, "response 1")


def ping_pong(stub):
    pipe = RequestPipe()
    call = stub.FullDuplexCall(pipe, timeout=CALL_TIMEOUT_S)
    try:
        for i, (request_size, response_size) in enumerate(zip(REQUEST_SIZES, RESPONSE_SIZES)):
            pipe.add(
                messages_pb2.StreamingOutputCallRequest(
                    response_parameters=[messages_pb2.ResponseParameters(size=response_size)], payload=zeros(request_size)
                )
            )
            response = next(call)
            expect_payload(response.payload, response_size, f"response {i}")
        pipe.close()
        extra = list(call)
        expect(not extra, f"{len(extra)} responses after the fourth")
        expect(call.code() == grpc.StatusCode.OK, f"status {call.code()}")
    finally:
        pipe.close()


def empty_stream(stub):
    call = stub.FullDuplexCall(iter(()), timeout=CALL_TIMEOUT_S)
    responses = list(call)
    expect(not responses, f"{len(responses)} responses, expected 0")
    expect(call.code() == grpc.StatusCode.OK, f"status {call.code()}")


def _metadata_value(metadata, key):
    values = [value for k, value in metadata if k == key]
    return values[-1] if values else None


def custom_metadata(stub):
    metadata = (ECHO_INITIAL, ECHO_TRAILING)
    _, call = stub.UnaryCall.with_call(large_request(), metadata=metadata, timeout=CALL_TIMEOUT_S)
    _expect_echo(call, "UnaryCall")

    request = messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=314159)], payload=zeros(271828)
    )
    call = stub.FullDuplexCall(iter([request]), metadata=metadata, timeout=CALL_TIMEOUT_S)
    responses = list(call)
    expect(len(responses) == 1, f"FullDuplexCall: {len(responses)} responses, expected 1")
    expect_payload(responses[0].payload, 314159, "FullDuplexCall")
    _expect_echo(call, "FullDuplexCall")


def _expect_echo(call, what):
    initial = _metadata_value(call.initial_metadata(), ECHO_INITIAL[0])
    expect(initial == ECHO_INITIAL[1], f"{what}: initial metadata {ECHO_INITIAL[0]}={initial!r}")
    trailing = _metadata_value(call.trailing_metadata(), ECHO_TRAILING[0])
    expect(trailing == ECHO_TRAILING[1], f"{what}: trailing metadata {ECHO_TRAILING[0]}={trailing!r}")


def _status_echo(stub, code, message):
    status = messages_pb2.EchoStatus(code=code, message=message)
    try:
        stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status), timeout=CALL_TIMEOUT_S)
        raise InteropFailure("UnaryCall succeeded, expected an error status")
    except grpc.RpcError as error:
        expect(error.code().value[0] == code, f"UnaryCall: status {error.code()}, expected {code}")
        expect(error.details() == message, f"UnaryCall: message {error.details()!r}, expected {message!r}")

    call = stub.FullDuplexCall(iter([messages_pb2.StreamingOutputCallRequest(response_status=status)]), timeout=CALL_TIMEOUT_S)
    try:
        list(call)
        raise InteropFailure("FullDuplexCall succeeded, expected an error status")
    except grpc.RpcError as error:
        expect(error.code().value[0] == code, f"FullDuplexCall: status {error.code()}, expected {code}")
        expect(error.details() == message, f"FullDuplexCall: message {error.details()!r}, expected {message!r}")


def status_code_and_message(stub):
    _status_echo(stub, 2, "test status message")


def special_status_message(stub):
    _status_echo(stub, 2, SPECIAL_MESSAGE)


def unimplemented_method(stub):
    try:
        stub.UnimplementedCall(empty_pb2.Empty(), timeout=CALL_TIMEOUT_S)
        raise InteropFailure("UnimplementedCall succeeded")
    except grpc.RpcError as error:
        expect_status(error, grpc.StatusCode.UNIMPLEMENTED, "UnimplementedCall")


def unimplemented_service(stub):
    other = test_pb2_grpc.UnimplementedServiceStub(stub.channel)
    try:
        other.UnimplementedCall(empty_pb2.Empty(), timeout=CALL_TIMEOUT_S)
        raise InteropFailure("UnimplementedService.UnimplementedCall succeeded")
    except grpc.RpcError as error:
        expect_status(error, grpc.StatusCode.UNIMPLEMENTED, "UnimplementedService.UnimplementedCall")


def timeout_on_sleeping_server(stub):
    pipe = RequestPipe()
    call = stub.FullDuplexCall(pipe, timeout=0.001)
    try:
        pipe.add(messages_pb2.StreamingOutputCallRequest(payload=zeros(27182)))
        list(call)
        raise InteropFailure("FullDuplexCall with a 1 ms timeout succeeded")
    except grpc.RpcError as error:
        expect_status(error, grpc.StatusCode.DEADLINE_EXCEEDED, "FullDuplexCall")
    finally:
        pipe.close()


def cancel_after_begin(stub):
    pipe = RequestPipe()
    future = stub.StreamingInputCall.future(pipe, timeout=CALL_TIMEOUT_S)
    future.cancel()
    pipe.close()
    expect(future.cancelled(), "the call was not cancelled")
    expect(future.code() == grpc.StatusCode.CANCELLED, f"status {future.code()}, expected CANCELLED")


def cancel_after_first_response(stub):
    pipe = RequestPipe()
    call = stub.FullDuplexCall(pipe, timeout=CALL_TIMEOUT_S)
    try:
        pipe.add(
            messages_pb2.StreamingOutputCallRequest(
                response_parameters=[messages_pb2.ResponseParameters(size=31415)], payload=zeros(27182)
            )
        )
        response = next(call)
        expect_payload(response.payload, 31415, "first response")
        call.cancel()
        try:
            next(call)
            raise InteropFailure("a response arrived after cancel")
        except grpc.RpcError as error:
            expect_status(error, grpc.StatusCode.CANCELLED, "FullDuplexCall")
    finally:
        pipe.close()


CASES = {
    f.__name__: f
    for f in (
        empty_unary,
        large_unary,
        client_streaming,
        server_streaming,
        ping_pong,
        empty_stream,
        custom_metadata,
        status_code_and_message,
        special_status_message,
        unimplemented_method,
        unimplemented_service,
        timeout_on_sleeping_server,
        cancel_after_begin,
        cancel_after_first_response,
        client_compressed_unary,
        client_compressed_streaming,
        server_compressed_unary,
        server_compressed_streaming,
    )
}


def run(stub, names):
    failures = 0
    for name in names:
        try:
            CASES[name](stub)
            print(f"PASS {name}", flush=True)
        except (InteropFailure, grpc.RpcError, StopIteration) as error:
            failures += 1
            detail = f"{error.code()} {error.details()!r}" if isinstance(error, grpc.RpcError) else str(error)
            print(f"FAIL {name}: {detail}", flush=True)
    return failures


def main():
    parser = argparse.ArgumentParser(description="gRPC interop client (grpcio)")
    parser.add_argument("--server_host", default="127.0.0.1")
    parser.add_argument("--server_port", type=int, required=True)
    parser.add_argument("--test_case", default="all", help="a case name, a comma-separated list, or all")
    parser.add_argument("--use_tls", default="false", help="only false is supported")
    args = parser.parse_args()
    if args.use_tls.lower() not in ("false", "0", "no"):
        raise SystemExit("TLS is not supported by this client")
    names = list(CASES) if args.test_case == "all" else args.test_case.split(",")
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise SystemExit(f"unknown test case(s): {', '.join(unknown)}; known: {', '.join(CASES)}")
    with grpc.insecure_channel(f"{args.server_host}:{args.server_port}") as channel:
        stub = test_pb2_grpc.TestServiceStub(channel)
        stub.channel = channel
        failures = run(stub, names)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
