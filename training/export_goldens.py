"""Goldens for the C# engine's parity tests: one held-out stream through the shipped weights.

Writes models/fastav-tiny/goldens.safetensors (inputs and every stage's output, float32) and
goldens.json (token ids, question, greedy answer).  Usage:
  /usr/bin/python3 training/export_goldens.py [--model models/fastav-tiny] [--seed 1001] [--index 0]
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fastav_tiny import safetensors_io  # noqa: E402
from fastav_tiny.batching import PREFIX, QUESTION_SUFFIX, window_ids  # noqa: E402
from fastav_tiny.evaluate import greedy_answer  # noqa: E402
from fastav_tiny.export import load  # noqa: E402
from fastav_tiny.features import log_mel, pixel_values  # noqa: E402
from fastav_tiny.world import make_stream  # noqa: E402


@torch.no_grad()
def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="models/fastav-tiny")
    p.add_argument("--seed", type=int, default=1001)
    p.add_argument("--index", type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(2)
    model, tok = load(args.model)
    s = make_stream(args.seed, args.index)
    q = max(s.questions, key=lambda q: q.window)
    w = q.window + 1
    pix = pixel_values(s.frames[:w])  # [w*F, 3, S, S]
    audio = torch.from_numpy(s.audio[:w])  # [w, 16000]
    mel = log_mel(audio)  # [w, 80, 100]
    vis = model.vision_model(pix)
    aud = model.encoder(mel)
    vtok = model.frame_tokens(pix)
    atok = model.audio_tokens(mel)
    ids = tok.encode(PREFIX) + window_ids(tok, model.mc) * w + tok.encode(q.text + QUESTION_SUFFIX)
    t = torch.tensor([ids])
    x = model.model.embed_tokens(t).clone()
    x[t == tok.special_ids["<|video|>"]] = vtok.reshape(-1, x.shape[-1])
    x[t == tok.special_ids["<|audio|>"]] = atok.reshape(-1, x.shape[-1])
    n = len(ids)
    logits = model.decode(x, torch.arange(n)[None], torch.full((n, n), -1e9).triu(1)[None, None])
    out = {
        "frames_uint8": torch.from_numpy(s.frames[:w].copy()),  # [w, F, H, W, 3]
        "audio": audio, "pixel_values": pix, "input_features": mel,
        "vision_model_output": vis, "audio_encoder_output": aud,
        "frame_tokens": vtok, "audio_tokens": atok, "inputs_embeds": x[0], "logits": logits[0],
    }
    safetensors_io.save(out, os.path.join(args.model, "goldens.safetensors"), {"seed": str(args.seed), "index": str(args.index)})
    answer = greedy_answer(model, tok, s, q)
    meta = {"seed": args.seed, "index": args.index, "windows": w, "question": q.text, "expected": q.answer,
            "greedy_answer": answer, "input_ids": ids, "positions": "0..n-1, causal",
            "tensors": {k: list(v.shape) for k, v in out.items()}}
    with open(os.path.join(args.model, "goldens.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps({k: v for k, v in meta.items() if k != "input_ids"}))


if __name__ == "__main__":
    main()
