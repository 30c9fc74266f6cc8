#!/usr/bin/python3
"""Checks a server's grpc.health.v1.Health and server reflection (v1 and v1alpha) with grpcio.

Usage: health_reflection_probe.py --port N [--host 127.0.0.1] --expect-service NAME [--expect-service NAME ...]
                                  [--expect-status SERVING|NOT_SERVING]

Checks, each printed as "PASS name" or "FAIL name: reason" (exit code 0 only when all pass):
  health.check.server       Check("") answers --expect-status (default SERVING)
  health.check.NAME         Check(NAME) answers --expect-status, for each expected service
  health.check.unknown      Check of an unknown service fails with NOT_FOUND
  health.watch.NAME         Watch(NAME) streams --expect-status first (then the probe cancels it)
  reflection.VERSION.list   list_services names every expected service
  reflection.VERSION.symbol file_containing_symbol(NAME) returns a file set that defines NAME
                            (methods listed), and file_by_filename of that file returns it too
  reflection.VERSION.unknown_symbol  an unknown symbol gets error_response NOT_FOUND
Stubs are generated at run time from /usr/share/grpc-proto (see grpc_stubs.py).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import grpc  # noqa: E402
from google.protobuf import descriptor_pb2  # noqa: E402

import grpc_stubs  # noqa: E402

grpc_stubs.generate(grpc_stubs.HEALTH_PROTOS + grpc_stubs.REFLECTION_PROTOS)

from grpc.health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from grpc.reflection.v1 import reflection_pb2 as reflection_v1_pb2  # noqa: E402
from grpc.reflection.v1 import reflection_pb2_grpc as reflection_v1_pb2_grpc  # noqa: E402
from grpc.reflection.v1alpha import reflection_pb2 as reflection_v1alpha_pb2  # noqa: E402
from grpc.reflection.v1alpha import reflection_pb2_grpc as reflection_v1alpha_pb2_grpc  # noqa: E402

TIMEOUT_S = 10
UNKNOWN_SERVICE = "fastav.probe.NoSuchService"
NOT_FOUND = 5


class ProbeFailure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise ProbeFailure(message)


def health_checks(channel, services, status_name):
    stub = health_pb2_grpc.HealthStub(channel)
    wanted = health_pb2.HealthCheckResponse.ServingStatus.Value(status_name)

    def check(service):
        response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT_S)
        got = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
        expect(response.status == wanted, f"Check({service!r}) is {got}, expected {status_name}")

    def check_unknown():
        try:
            response = stub.Check(health_pb2.HealthCheckRequest(service=UNKNOWN_SERVICE), timeout=TIMEOUT_S)
            raise ProbeFailure(f"Check({UNKNOWN_SERVICE!r}) answered {response.status}, expected NOT_FOUND")
        except grpc.RpcError as error:
            expect(error.code() == grpc.StatusCode.NOT_FOUND, f"Check({UNKNOWN_SERVICE!r}) failed with {error.code()}, expected NOT_FOUND")

    def watch(service):
        call = stub.Watch(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT_S)
        try:
            first = next(call)
            got = health_pb2.HealthCheckResponse.ServingStatus.Name(first.status)
            expect(first.status == wanted, f"Watch({service!r}) first sent {got}, expected {status_name}")
        finally:
            call.cancel()

    yield "health.check.server", lambda: check("")
    for service in services:
        yield f"health.check.{service}", lambda s=service: check(s)
    yield "health.check.unknown", check_unknown
    for service in services:
        yield f"health.watch.{service}", lambda s=service: watch(s)


def reflection_checks(channel, services, version, pb2, pb2_grpc):
    stub = pb2_grpc.ServerReflectionStub(channel)

    def ask(**request):
        responses = list(stub.ServerReflectionInfo(iter([pb2.ServerReflectionRequest(**request)]), timeout=TIMEOUT_S))
        expect(len(responses) == 1, f"{len(responses)} responses to one request")
        return responses[0]

    def list_services():
        response = ask(list_services="")
        expect(response.HasField("list_services_response"), f"no list_services_response: {response}")
        names = {s.name for s in response.list_services_response.service}
        missing = [s for s in services if s not in names]
        expect(not missing, f"list_services lacks {missing}; it lists {sorted(names)}")

    def symbol(service):
        response = ask(file_containing_symbol=service)
        expect(response.HasField("file_descriptor_response"), f"file_containing_symbol({service}): {response}")
        files = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in response.file_descriptor_response.file_descriptor_proto]
        expect(files, f"file_containing_symbol({service}) returned no files")
        package, _, name = service.rpartition(".")
        defining = [f for f in files if f.package == package and any(s.name == name for s in f.service)]
        expect(defining, f"none of {[f.name for f in files]} defines service {service}")
        definition = next(s for s in defining[0].service if s.name == name)
        expect(definition.method, f"service {service} has no methods in its descriptor")
        by_name = ask(file_by_filename=defining[0].name)
        expect(by_name.HasField("file_descriptor_response"), f"file_by_filename({defining[0].name}): {by_name}")
        again = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in by_name.file_descriptor_response.file_descriptor_proto]
        expect(any(f.name == defining[0].name for f in again), f"file_by_filename({defining[0].name}) did not return that file")

    def unknown_symbol():
        response = ask(file_containing_symbol=UNKNOWN_SERVICE)
        expect(response.HasField("error_response"), f"an unknown symbol got no error_response: {response}")
        expect(response.error_response.error_code == NOT_FOUND, f"error_code {response.error_response.error_code}, expected 5 (NOT_FOUND)")

    yield f"reflection.{version}.list", list_services
    for service in services:
        yield f"reflection.{version}.symbol.{service}", lambda s=service: symbol(s)
    yield f"reflection.{version}.unknown_symbol", unknown_symbol


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--expect-service", action="append", default=[], dest="services", help="a fully qualified service name")
    parser.add_argument("--expect-status", default="SERVING", choices=["SERVING", "NOT_SERVING"])
    args = parser.parse_args()
    if not args.services:
        parser.error("give at least one --expect-service")

    failures = 0
    with grpc.insecure_channel(f"{args.host}:{args.port}") as channel:
        checks = list(health_checks(channel, args.services, args.expect_status))
        checks += reflection_checks(channel, args.services, "v1", reflection_v1_pb2, reflection_v1_pb2_grpc)
        checks += reflection_checks(channel, args.services, "v1alpha", reflection_v1alpha_pb2, reflection_v1alpha_pb2_grpc)
        for name, check in checks:
            try:
                check()
                print(f"PASS {name}", flush=True)
            except ProbeFailure as failure:
                failures += 1
                print(f"FAIL {name}: {failure}", flush=True)
            except grpc.RpcError as error:
                failures += 1
                print(f"FAIL {name}: {error.code()} {error.details()!r}", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
