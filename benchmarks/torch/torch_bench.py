#!/usr/bin/python3
"""The PyTorch side of benchmarks/torch: the same tiny ops and matmuls as ShimBenchmark.cs.

Usage: /usr/bin/python3 torch_bench.py THREADS BLAS_THREADS ITERATIONS  -> JSON on stdout.
THREADS sizes PyTorch's intra-op pool; BLAS_THREADS OpenBLAS's own pool (0 = leave it; ignored when the BLAS
PyTorch runs on is not OpenBLAS). ITERATIONS 0 = matmuls only.
"""
import ctypes
import json
import sys
import time

import torch

threads, blas_threads, iterations = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.set_grad_enabled(False)


def blas_library():
    """The BLAS file mapped into this process after a product, and OpenBLAS's handle when it is OpenBLAS."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    mapped = {line.split()[-1] for line in open("/proc/self/maps") if len(line.split()) >= 6}
    openblas = sorted(p for p in mapped if "libopenblas" in p)
    reference = sorted(p for p in mapped if "/blas/libblas" in p)
    if reference:
        return reference[0], None
    return (openblas[0], ctypes.CDLL(openblas[0])) if openblas else ("", None)


library, openblas = blas_library()
if openblas is not None and blas_threads > 0:
    openblas.openblas_set_num_threads(blas_threads)


def per_op_ns(fn, n):
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter_ns() - t0) / n)
    return best


def gflops(m, k, n, seconds=1.5):
    a, b = torch.randn(m, k), torch.randn(k, n)
    a @ b
    times = []
    start = time.perf_counter()
    while len(times) < 3 or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t0)
    return 2.0 * m * k * n / min(times) / 1e9


with torch.inference_mode():
    tiny = {}
    if iterations > 0:
        a4, b4, m4, v8 = torch.randn(4), torch.randn(4), torch.randn(4, 4), torch.randn(8)
        tiny = {
            "add [4]+[4]": per_op_ns(lambda: a4 + b4, iterations),
            "mul [4]*2.0": per_op_ns(lambda: a4 * 2.0, iterations),
            "matmul [4x4]@[4x4]": per_op_ns(lambda: m4 @ m4, iterations),
            "zeros [4]": per_op_ns(lambda: torch.zeros(4), iterations),
            "reshape [4x4]->[16]": per_op_ns(lambda: m4.reshape(16), iterations),
            "softmax [8]": per_op_ns(lambda: v8.softmax(-1), iterations),
        }
    matmul = {"1024x1024x1024": gflops(1024, 1024, 1024), "4096x512x4096": gflops(4096, 512, 4096)}

print(json.dumps({
    "torch": torch.__version__, "threads": torch.get_num_threads(),
    "blas_threads": openblas.openblas_get_num_threads() if openblas is not None else None,
    "blas_library": library, "tiny_ns": tiny, "matmul_gflops": matmul,
}))
