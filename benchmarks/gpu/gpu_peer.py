#!/usr/bin/env python3
"""The Python side of scripts/gpu-check.sh: PyTorch goldens for the shim's op checks, the engine's inputs, Hugging Face
transformers' Qwen2ForCausalLM (SDPA) on the same geometry and inputs, and the report. Runs on any PyTorch (Debian's
1.13 on a CPU for dry runs, 2.11 + CUDA on GPU hosts); transformers is needed only by `hf`.

  gpu_peer.py goldens --device cpu|cuda --out GOLDENS.safetensors
  gpu_peer.py inputs  --geometry qwen2-7b|tiny --dtype fp32|bf16 --windows N --out INPUTS.safetensors
  gpu_peer.py hf      --device cpu|cuda --dtype fp32|bf16 --geometry qwen2-7b|tiny --inputs INPUTS.safetensors --out HF.json
  gpu_peer.py report  --ops OPS.json --engine ENGINE.json --hf HF.json --out-dir DIR   (writes gpu-<device>.json and .md)
Random weights everywhere — timing and parity only.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

# safetensors by hand (PyTorch 1.13 has no safetensors package), bf16 included: the training package's reader and writer
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "training"))
from fastav_tiny.safetensors_io import load, save  # noqa: E402

GEOMETRIES = {
    # Qwen2-7B: 28 layers, hidden 3584, 28 query / 4 KV heads (head dim 128), FFN 18944, vocab 152064, untied head.
    "qwen2-7b": dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28,
                     num_attention_heads=28, num_key_value_heads=4, tie_word_embeddings=False),
    # Dry runs on a CPU: FastAV-Tiny's size.
    "tiny": dict(vocab_size=430, hidden_size=64, intermediate_size=176, num_hidden_layers=4,
                 num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True),
}
WINDOW_TOKENS = 128 + 25 + 1  # the camera-scale window: 2 x 64 video + 25 audio + separator
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}
DECODE_TOKENS = 32


# ---- op goldens: the same ops, names and shapes as benchmarks/gpu/OpCheck.cs
def _sdpa(q, k, v, mask=None, causal=False):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal)
    s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if causal:
        mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()
    if mask is not None:
        s = s.masked_fill(~mask, float("-inf"))
    return s.softmax(-1) @ v


def _rms_norm(x, w, eps):
    if hasattr(F, "rms_norm"):
        return F.rms_norm(x, (x.shape[-1],), w, eps)
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def _rotate(x, cos, sin):
    h = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., h:], x[..., :h]], -1) * sin


def op_cases(g: torch.Generator) -> dict:
    r = lambda *s: torch.randn(*s, generator=g)  # noqa: E731
    mask = torch.rand(12, 40, generator=g) > 0.3
    mask[:, 0] = True  # every query sees at least one key
    return {
        "matmul": ([r(64, 96), r(96, 80)], lambda a, b: a @ b),
        "linear": ([r(33, 96), r(80, 96), r(80)], lambda x, w, b: F.linear(x, w, b)),
        "softmax": ([r(7, 129) * 3], lambda x: x.softmax(-1)),
        "rms_norm": ([r(9, 96), r(96)], lambda x, w: _rms_norm(x, w, 1e-6)),
        "layer_norm": ([r(9, 96), r(96), r(96)], lambda x, w, b: F.layer_norm(x, (96,), w, b, 1e-5)),
        "gelu_tanh": ([r(1000) * 3], lambda x: F.gelu(x, approximate="tanh")),
        "silu": ([r(1000) * 3], lambda x: F.silu(x)),
        "sdpa_masked": ([r(2, 12, 32), r(2, 40, 32), r(2, 40, 32), mask.float()], lambda q, k, v, m: _sdpa(q, k, v, m > 0.5)),
        "sdpa_causal": ([r(2, 12, 32), r(2, 12, 32), r(2, 12, 32)], lambda q, k, v: _sdpa(q, k, v, causal=True)),
        "index_select": ([r(50, 16), torch.tensor([3, 0, 49, 7, 7, 20, 1])], lambda x, i: x.index_select(0, i)),
        "embedding": ([torch.tensor([0, 5, 429, 17, 5, 300, 2, 8, 99]), r(430, 64)], lambda i, w: F.embedding(i, w)),
        "rope": ([r(5, 4, 32), r(5, 1, 32), r(5, 1, 32)], _rotate),
        "conv2d_patches": ([r(2, 3, 28, 28), r(16, 3, 14, 14) * 0.1, r(16)], lambda x, w, b: F.conv2d(x, w, b, stride=14)),
        "mean_transpose": ([r(6, 10)], lambda x: x.t().contiguous().mean(0)),
    }


def goldens(args) -> None:
    device = torch.device(args.device)
    out = {}
    for name, (inputs, fn) in op_cases(torch.Generator().manual_seed(5)).items():
        for tag, dtype in DTYPES.items():
            key = f"{name}.{tag}"
            cast = [t.to(device, dtype) if t.is_floating_point() else t.to(device) for t in inputs]
            try:
                with torch.no_grad():
                    expected = fn(*cast).float()
            except RuntimeError as e:  # e.g. a bf16 kernel this PyTorch lacks on this device
                out[key + ".skipped"] = torch.ones(1)
                print(f"goldens: {key} skipped on {args.device}: {str(e).splitlines()[0]}", file=sys.stderr)
                continue
            for i, t in enumerate(cast):
                out[f"{key}.in{i}"] = t
            out[key + ".out"] = expected
    save(out, args.out)
    print(f"goldens: {len(out)} tensors on {args.device} -> {args.out}")


# ---- the engine's inputs, shared by the C# engine check and `hf`
def inputs(args) -> None:
    geo = GEOMETRIES[args.geometry]
    g = torch.Generator().manual_seed(11)
    windows = (torch.randn(args.windows, WINDOW_TOKENS, geo["hidden_size"], generator=g) * 0.5).to(DTYPES[args.dtype])
    prompt = torch.randint(0, geo["vocab_size"], (6,), generator=g)
    question = torch.randint(0, geo["vocab_size"], (16,), generator=g)
    save({"windows": windows, "prompt": prompt, "question": question}, args.out)
    print(f"inputs: {args.windows} windows of {WINDOW_TOKENS} tokens, hidden {geo['hidden_size']} ({args.dtype}) -> {args.out}")


# ---- Hugging Face transformers on the same geometry and inputs
def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def hf(args) -> None:
    device, dtype, geo = torch.device(args.device), DTYPES[args.dtype], GEOMETRIES[args.geometry]
    report = {"check": "hf", "implementation": "Hugging Face transformers Qwen2ForCausalLM (attn_implementation sdpa)",
              "device": _device_name(device), "dtype": args.dtype, "geometry": args.geometry, "torch": torch.__version__,
              "weights": "random weights (transformers' init), made on the device"}
    try:
        import transformers
        from transformers import Qwen2Config, Qwen2ForCausalLM
    except ImportError as e:
        report["error"] = f"transformers is not importable here ({e}); the Hugging Face peer runs on GPU hosts"
        _write(report, args.out)
        print(f"hf: {report['error']}")
        return
    report["transformers"] = transformers.__version__
    data = load(args.inputs)
    windows, prompt, question = data["windows"], data["prompt"], data["question"]
    cfg = Qwen2Config(**geo, max_position_embeddings=32768, rope_theta=1e6, rms_norm_eps=1e-6,
                      attn_implementation="sdpa", use_cache=True)
    torch.manual_seed(0)
    start = time.perf_counter()
    default = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.device(device):
            model = Qwen2ForCausalLM(cfg).eval()
    finally:
        torch.set_default_dtype(default)
    _sync(device)
    report["weights_load_seconds"] = round(time.perf_counter() - start, 2)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    from transformers import DynamicCache

    with torch.inference_mode():
        try:
            cache = DynamicCache(config=cfg)  # transformers 5 sizes its layers from the config
        except TypeError:
            cache = DynamicCache()
        model.model(input_ids=prompt[None].to(device), past_key_values=cache, use_cache=True)
        prefill = []
        for w in range(windows.shape[0]):
            emb = windows[w][None].to(device, dtype)
            _sync(device)
            t0 = time.perf_counter()
            model.model(inputs_embeds=emb, past_key_values=cache, use_cache=True)
            _sync(device)
            if w > 0:
                prefill.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        out = model(input_ids=question[None].to(device), past_key_values=cache, use_cache=True)
        token = out.logits[:, -1:].argmax(-1)
        _sync(device)
        ttft = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        for _ in range(DECODE_TOKENS):
            out = model(input_ids=token, past_key_values=cache, use_cache=True)
            token = out.logits[:, -1:].argmax(-1)
        _sync(device)
        per_token = (time.perf_counter() - t0) * 1000 / DECODE_TOKENS
    prefill.sort()
    report.update({
        "window_tokens": int(windows.shape[1]), "windows": int(windows.shape[0]), "prompt_tokens": int(prompt.numel()),
        "question_tokens": int(question.numel()), "decode_tokens": DECODE_TOKENS,
        "rows": [{"configuration": "Hugging Face Qwen2ForCausalLM (unpruned)",
                  "window_prefill_ms": round(prefill[len(prefill) // 2], 3) if prefill else None,
                  "time_to_first_token_ms": round(ttft, 3), "decode_ms_per_token": round(per_token, 3),
                  "peak_device_bytes": torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None}],
    })
    _write(report, args.out)
    print(f"hf: window prefill {report['rows'][0]['window_prefill_ms']} ms, first token {ttft:.2f} ms, decode {per_token:.2f} ms/token")


def _device_name(device) -> str:
    return torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"


def _write(obj, path) -> None:
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


# ---- the report: gpu-<device>.json + .md
def report(args) -> None:
    ops = json.load(open(args.ops)) if args.ops and os.path.exists(args.ops) else None
    engine = json.load(open(args.engine)) if args.engine and os.path.exists(args.engine) else None
    hf_run = json.load(open(args.hf)) if args.hf and os.path.exists(args.hf) else None
    device = (engine or ops or hf_run or {}).get("device", "unknown")
    slug = "".join(c if c.isalnum() else "-" for c in device.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    result = {"benchmark": "scripts/gpu-check.sh", "device": device, "date": datetime.date.today().isoformat(),
              "weights": "random weights — timing and parity only", "ops": ops, "engine": engine, "hf": hf_run}
    os.makedirs(args.out_dir, exist_ok=True)
    base = os.path.join(args.out_dir, f"gpu-{slug}")
    _write(result, base + ".json")
    md = [f"# GPU check on {device} ({result['date']})", "",
          "Random weights — timing and parity only. Windows of 154 tokens (the camera-scale counts: 2 × 64 video + 25 "
          "audio + separator) from one inputs file for both implementations.", ""]
    if ops:
        md += [f"Torch ops through the shim vs PyTorch on the same device: {ops['passed']} passed, {ops['failed']} failed "
               f"(libtorch {ops.get('libtorch')}).", "", "| op | dtype | pass | max abs diff |", "|---|---|---|---|"]
        md += [f"| {r['op']} | {r['dtype']} | {r.get('pass')} | {r.get('max_abs_diff', r.get('error', ''))} |" for r in ops["ops"]]
        md.append("")
    rows = [(engine, r) for r in (engine or {}).get("rows", [])] + [(hf_run, r) for r in (hf_run or {}).get("rows", [])]
    if rows:
        first = engine or hf_run
        md += [f"Decoder at {first.get('geometry')} geometry, {first.get('dtype')}; {first.get('windows')} windows on the "
               f"cache (the first untimed), then a {first.get('question_tokens')}-token question and "
               f"{first.get('decode_tokens')} decoded tokens.", "",
               "| implementation | configuration | window prefill (ms) | first answer token (ms) | decode (ms/token) | peak device memory (GiB) | window FLOPs ratio |",
               "|---|---|---|---|---|---|---|"]
        for src, r in rows:
            peak = r.get("peak_device_bytes")
            md.append(f"| {src.get('implementation')} | {r['configuration']} | {r.get('window_prefill_ms')} | "
                      f"{r.get('time_to_first_token_ms')} | {r.get('decode_ms_per_token')} | "
                      f"{'—' if peak is None else round(peak / 2**30, 2)} | {r.get('window_flops_ratio', '—')} |")
        md.append("")
    if hf_run and hf_run.get("error"):
        md += [f"Hugging Face peer: {hf_run['error']}", ""]
    with open(base + ".md", "w") as f:
        f.write("\n".join(md))
    print(base + ".json")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="verb", required=True)
    g = sub.add_parser("goldens")
    g.add_argument("--device", required=True)
    g.add_argument("--out", required=True)
    i = sub.add_parser("inputs")
    i.add_argument("--geometry", choices=GEOMETRIES, required=True)
    i.add_argument("--dtype", choices=DTYPES, required=True)
    i.add_argument("--windows", type=int, default=8)
    i.add_argument("--out", required=True)
    h = sub.add_parser("hf")
    h.add_argument("--device", required=True)
    h.add_argument("--dtype", choices=DTYPES, required=True)
    h.add_argument("--geometry", choices=GEOMETRIES, required=True)
    h.add_argument("--inputs", required=True)
    h.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--ops")
    r.add_argument("--engine")
    r.add_argument("--hf")
    r.add_argument("--out-dir", required=True)
    args = p.parse_args()
    {"goldens": goldens, "inputs": inputs, "hf": hf, "report": report}[args.verb](args)


if __name__ == "__main__":
    main()
