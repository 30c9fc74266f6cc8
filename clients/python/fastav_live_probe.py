#!/usr/bin/python3
"""Drive FastAV.Live's LiveAnalytics service with the official gRPC Python implementation (grpcio).

Stubs are not committed: generate them from protos/ first, e.g.

    protoc -I protos --python_out=STUBS --grpc_python_out=STUBS \
        --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin protos/fastav/live/v1/live.proto

Usage:  fastav_live_probe.py --target 127.0.0.1:50051 --stubs STUBS [--token KEY] [--ca CA.pem [--cert C.pem --key K.pem]] < script.json

--token sends "authorization: Bearer KEY" on every call; --ca switches to TLS trusting that CA (the server's
certificate must name localhost), --cert/--key present a client certificate.

The script (JSON on stdin) says what to do; messages are in protobuf's JSON mapping:
    {
      "stream": {                         # optional: one LiveAnalytics.Stream call
        "requests": [StreamRequest, ...], # sent in order
        "await_requests_counted": true,   # then wait for a StreamStats counting all of them
        "while_open": [Call, ...],        # unary / server-streaming calls made while the stream is open
        "half_close": true                # then end the request stream (default true)
      },
      "calls": [Call, ...]                # optional: calls made after the stream
    }
    Call = {"method": "Ask" | "ListStreams" | "GetStream" | "Health", "request": {...}}
    The stream and each Call may carry "metadata": [[key, value], ...] (e.g. x-fastav-tenant).
    Health is grpc.health.v1.Health/Check of the whole server (no stubs needed); its Result has "serving".

Prints one JSON object: {"stream": Result, "while_open": [Result...], "calls": [Result...]} with
Result = {"code": "OK" | status code name, "details": str, "responses": [message as JSON, ...],
          "trailers": {key: str, or base64 for -bin keys}}.
Exit status 0 whenever the calls ran (their statuses are in the output), 2 on usage errors.
"""

import argparse
import base64
import json
import queue
import sys

import grpc
from google.protobuf import json_format

_END = object()


def _to_json(message):
    return json_format.MessageToDict(message)


def _metadata(item, token):
    metadata = [tuple(pair) for pair in item.get("metadata", [])]
    if token:
        metadata.append(("authorization", "Bearer " + token))
    return metadata


def _trailers(call):
    trailers = {}
    for key, value in call.trailing_metadata() or ():
        trailers[key] = base64.b64encode(value).decode("ascii") if key.endswith("-bin") else value
    return trailers


def _health(channel, call, timeout, token):
    # grpc.health.v1.HealthCheckRequest{service: ""} is the empty message; a SERVING response is field 1 = 1.
    check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                request_serializer=lambda _: b"", response_deserializer=lambda raw: raw)
    result = {"responses": []}
    try:
        raw = check(None, timeout=timeout, metadata=_metadata(call, token))
        result["code"], result["details"], result["serving"] = "OK", "", raw == b"\x08\x01"
    except grpc.RpcError as error:
        result["code"], result["details"], result["trailers"] = error.code().name, error.details() or "", _trailers(error)
    return result


def _unary_or_streaming(stub, pb2, call, timeout, token):
    method = call["method"]
    request_types = {"Ask": pb2.AskRequest, "ListStreams": pb2.ListStreamsRequest, "GetStream": pb2.GetStreamRequest}
    if method not in request_types:
        raise ValueError("unknown method " + method)
    request = json_format.ParseDict(call.get("request", {}), request_types[method]())
    metadata = _metadata(call, token)
    result = {"responses": []}
    try:
        if method == "Ask":
            responses = stub.Ask(request, timeout=timeout, metadata=metadata)
            for response in responses:
                result["responses"].append(_to_json(response))
            result["code"], result["details"] = responses.code().name, responses.details() or ""
            result["trailers"] = _trailers(responses)
        else:
            response = getattr(stub, method)(request, timeout=timeout, metadata=metadata)
            result["responses"].append(_to_json(response))
            result["code"], result["details"] = "OK", ""
    except grpc.RpcError as error:
        result["code"], result["details"], result["trailers"] = error.code().name, error.details() or "", _trailers(error)
    return result


def _run_stream(stub, pb2, script, timeout, token, out):
    requests = [json_format.ParseDict(r, pb2.StreamRequest()) for r in script.get("requests", [])]
    outgoing = queue.Queue()

    def request_iterator():
        while True:
            item = outgoing.get()
            if item is _END:
                return
            yield item

    for request in requests:
        outgoing.put(request)
    wait_counted = script.get("await_requests_counted", False)
    while_open = script.get("while_open", [])
    half_close = script.get("half_close", True)
    if not wait_counted and not while_open and half_close:
        outgoing.put(_END)

    result = {"responses": []}
    out["stream"] = result
    call = stub.Stream(request_iterator(), timeout=timeout, metadata=_metadata(script, token))
    ended = False
    try:
        for response in call:
            result["responses"].append(_to_json(response))
            counted = (response.WhichOneof("kind") == "stats"
                       and response.stats.requests_received >= len(requests))
            if not ended and (counted or not wait_counted) and (wait_counted or while_open):
                out["while_open"] = [_unary_or_streaming(stub, pb2, c, timeout, token) for c in while_open]
                if half_close:
                    outgoing.put(_END)
                ended = True
        result["code"], result["details"], result["trailers"] = call.code().name, call.details() or "", _trailers(call)
    except grpc.RpcError as error:
        result["code"], result["details"], result["trailers"] = error.code().name, error.details() or "", _trailers(error)
    finally:
        outgoing.put(_END)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="host:port of the server (h2c)")
    parser.add_argument("--stubs", required=True, help="directory holding fastav/live/v1/live_pb2*.py")
    parser.add_argument("--timeout", type=float, default=60.0, help="deadline of each call, seconds")
    parser.add_argument("--token", help='API key sent as "authorization: Bearer KEY" on every call (default none)')
    parser.add_argument("--ca", help="PEM CA certificate: connect with TLS trusting it (default: h2c)")
    parser.add_argument("--cert", help="PEM client certificate (with --ca and --key)")
    parser.add_argument("--key", help="PEM private key of --cert")
    args = parser.parse_args()
    if (args.cert is None) != (args.key is None) or (args.cert is not None and args.ca is None):
        parser.error("--cert and --key go together, and need --ca")
    sys.path.insert(0, args.stubs)
    from fastav.live.v1 import live_pb2, live_pb2_grpc  # generated at test time

    script = json.load(sys.stdin)
    out = {}
    if args.ca:
        def read(path):
            with open(path, "rb") as f:
                return f.read()
        credentials = grpc.ssl_channel_credentials(read(args.ca), read(args.key) if args.key else None,
                                                   read(args.cert) if args.cert else None)
        channel = grpc.secure_channel(args.target, credentials, options=[("grpc.ssl_target_name_override", "localhost")])
    else:
        channel = grpc.insecure_channel(args.target)
    with channel:
        stub = live_pb2_grpc.LiveAnalyticsStub(channel)
        if "stream" in script:
            _run_stream(stub, live_pb2, script["stream"], args.timeout, args.token, out)
        out["calls"] = [_health(channel, c, args.timeout, args.token) if c["method"] == "Health"
                        else _unary_or_streaming(stub, live_pb2, c, args.timeout, args.token)
                        for c in script.get("calls", [])]
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
