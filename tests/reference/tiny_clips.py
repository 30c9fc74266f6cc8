"""Clips of the FastAV-Tiny world with known answers, for the end-to-end tests.

For each stream of a seed: its frames and audio (base64, to be streamed by a client exactly as made), its
questions with the ground truth, and the answer the PyTorch model in training/ gives to each (plain greedy
decoding over windows 0..t, no pruning): the server must give the same answers.

  /usr/bin/python3 tests/reference/tiny_clips.py --model models/fastav-tiny --seed 2001 --count 4 --out clips.json
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import sys

import numpy as np
import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "training"))

from fastav_tiny.evaluate import greedy_answer  # noqa: E402
from fastav_tiny.export import load  # noqa: E402
from fastav_tiny.world import make_stream  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=os.path.join(REPO, "models", "fastav-tiny"))
    p.add_argument("--seed", type=int, default=2001)
    p.add_argument("--count", type=int, default=4)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    torch.set_num_threads(1)
    model, tok = load(args.model)
    streams = []
    right = 0
    total = 0
    for i in range(args.count):
        s = make_stream(args.seed, i)
        frames = np.ascontiguousarray(s.frames, dtype=np.uint8)  # [T, F, H, W, 3]
        audio = np.ascontiguousarray(s.audio, dtype="<f4")  # [T, 16000]
        questions = []
        for k, q in enumerate(s.questions):
            said = greedy_answer(model, tok, s, q)
            right += said == q.answer
            total += 1
            questions.append({"id": f"s{i}q{k}", "family": q.family, "text": q.text, "window": q.window,
                              "answer": q.answer, "model_answer": said})
        streams.append({"index": i, "windows": int(frames.shape[0]), "frames_per_window": int(frames.shape[1]),
                        "height": int(frames.shape[2]), "width": int(frames.shape[3]),
                        "frames": base64.b64encode(frames.tobytes()).decode(),
                        "audio": base64.b64encode(audio.tobytes()).decode(), "questions": questions})
    with open(args.out, "w") as f:
        json.dump({"seed": args.seed, "model_accuracy": right / max(total, 1), "questions": total, "streams": streams}, f)
    print(json.dumps({"seed": args.seed, "streams": args.count, "questions": total, "model_accuracy": right / max(total, 1)}))


if __name__ == "__main__":
    main()
