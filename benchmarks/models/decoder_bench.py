#!/usr/bin/python3
"""Prefill and decode tokens/s of the plain-PyTorch Qwen2 reference (tests/reference/qwen2_reference.py)
on random weights: the other half of benchmarks/models. Prints one JSON object.
Usage: decoder_bench.py REFERENCE_DIR CONFIG_JSON THREADS PREFILL DECODE ROUNDS [BLAS_THREADS]
THREADS sizes PyTorch's intra-op pool, BLAS_THREADS OpenBLAS's own (0 or absent = leave it)."""
import ctypes
import json
import sys
import time

import torch


def main():
    ref_dir, config_json, threads, prefill, decode, rounds = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
    blas_threads = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    sys.path.insert(0, ref_dir)
    import qwen2_reference as ref

    torch.set_num_threads(threads)
    torch.ones(8, 8) @ torch.ones(8, 8)  # maps the BLAS
    openblas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "libopenblas" in line})
    if blas_threads > 0 and openblas:
        ctypes.CDLL(openblas[0]).openblas_set_num_threads(blas_threads)
    cfg = ref.Config(json.loads(config_json))
    W = ref.random_weights(cfg, torch.Generator().manual_seed(1))
    ids = torch.randint(0, cfg.vocab_size, (prefill,), generator=torch.Generator().manual_seed(2))
    best_prefill, best_decode = float("inf"), float("inf")
    with torch.no_grad():
        ref.forward(cfg, W, ids[:8], torch.arange(8), last_only=True)  # warm-up
        for _ in range(rounds):
            start = time.perf_counter()
            logits, _, kv = ref.forward(cfg, W, ids, torch.arange(prefill), last_only=True)
            best_prefill = min(best_prefill, time.perf_counter() - start)
            pasts = list(kv)
            token = logits[-1].argmax().view(1)
            start = time.perf_counter()
            for step in range(decode):
                logits, _, kv = ref.forward(cfg, W, token, torch.tensor([prefill + step]), pasts)
                pasts = [(torch.cat([pk, k], 2), torch.cat([pv, v], 2), torch.cat([pp, p]))
                         for (pk, pv, pp), (k, v, p) in zip(pasts, kv)]
                token = logits[-1].argmax().view(1)
            best_decode = min(best_decode, time.perf_counter() - start)
    print(json.dumps({
        "torch": torch.__version__,
        "prefill_tokens_per_s": prefill / best_prefill,
        "decode_tokens_per_s": decode / best_decode,
    }))


if __name__ == "__main__":
    main()
