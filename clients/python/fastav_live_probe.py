#!/usr/bin/python3
"""Drive FastAV.Live's LiveAnalytics service with the official gRPC Python implementation (grpcio).

Stubs are not committed: generate them from protos/ first, e.g.

    protoc -I protos --python_out=STUBS --grpc_python_out=STUBS \
        --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin protos/fastav/live/v1/live.proto

Usage:  fastav_live_probe.py --target 127.0.0.1:50051 --stubs STUBS < script.json

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
    Call = {"method": "Ask" | "ListStreams" | "GetStream", "request": {...}}

Prints one JSON object: {"stream": Result, "while_open": [Result...], "calls": [Result...]} with
Result = {"code": "OK" | status code name, "details": str, "responses": [message as JSON, ...]}.
Exit status 0 whenever the calls ran (their statuses are in the output), 2 on usage errors.
"""

import argparse
import json
import queue
import sys

import grpc
from google.protobuf import json_format

_END = object()


def _to_json(message):
    return json_format.MessageToDict(message)


def _unary_or_streaming(stub, pb2, call, timeout):
    method = call["method"]
    request_types = {"Ask": pb2.AskRequest, "ListStreams": pb2.ListStreamsRequest, "GetStream": pb2.GetStreamRequest}
    if method not in request_types:
        raise ValueError("unknown method " + method)
    request = json_format.ParseDict(call.get("request", {}), request_types[method]())
    result = {"responses": []}
    try:
        if method == "Ask":
            responses = stub.Ask(request, timeout=timeout)
            for response in responses:
                result["responses"].append(_to_json(response))
            result["code"], result["details"] = responses.code().name, responses.details() or ""
        else:
            response = getattr(stub, method)(request, timeout=timeout)
            result["responses"].append(_to_json(response))
            result["code"], result["details"] = "OK", ""
    except grpc.RpcError as error:
        result["code"], result["details"] = error.code().name, error.details() or ""
    return result


def _run_stream(stub, pb2, script, timeout, out):
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
    call = stub.Stream(request_iterator(), timeout=timeout)
    ended = False
    try:
        for response in call:
            result["responses"].append(_to_json(response))
            counted = (response.WhichOneof("kind") == "stats"
                       and response.stats.requests_received >= len(requests))
            if not ended and (counted or not wait_counted) and (wait_counted or while_open):
                out["while_open"] = [_unary_or_streaming(stub, pb2, c, timeout) for c in while_open]
                if half_close:
                    outgoing.put(_END)
                ended = True
        result["code"], result["details"] = call.code().name, call.details() or ""
    except grpc.RpcError as error:
        result["code"], result["details"] = error.code().name, error.details() or ""
    finally:
        outgoing.put(_END)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="host:port of the server (h2c)")
    parser.add_argument("--stubs", required=True, help="directory holding fastav/live/v1/live_pb2*.py")
    parser.add_argument("--timeout", type=float, default=60.0, help="deadline of each call, seconds")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    from fastav.live.v1 import live_pb2, live_pb2_grpc  # generated at test time

    script = json.load(sys.stdin)
    out = {}
    with grpc.insecure_channel(args.target) as channel:
        stub = live_pb2_grpc.LiveAnalyticsStub(channel)
        if "stream" in script:
            _run_stream(stub, live_pb2, script["stream"], args.timeout, out)
        out["calls"] = [_unary_or_streaming(stub, live_pb2, c, args.timeout) for c in script.get("calls", [])]
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
