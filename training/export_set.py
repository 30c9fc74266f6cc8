"""Export a held-out set for the C# evaluation: streams and questions of one seed.

  /usr/bin/python3 training/export_set.py --seed 1001 --count 100 --out /tmp/heldout
writes  set.safetensors: frames uint8 [N, T, F, H, W, 3], audio float32 [N, T, 16000]
        questions.json: [{"stream": i, "family", "question", "answer", "window"}], window = ask after
        windows 0..window.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fastav_tiny import safetensors_io  # noqa: E402
from fastav_tiny.world import make_stream  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1001)
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    streams = [make_stream(args.seed, i) for i in range(args.count)]
    safetensors_io.save({"frames": torch.from_numpy(np.stack([s.frames for s in streams])),
                         "audio": torch.from_numpy(np.stack([s.audio for s in streams]))},
                        os.path.join(args.out, "set.safetensors"), {"seed": str(args.seed)})
    qs = [{"stream": s.index, "family": q.family, "question": q.text, "answer": q.answer, "window": q.window}
          for s in streams for q in s.questions]
    with open(os.path.join(args.out, "questions.json"), "w") as f:
        json.dump({"seed": args.seed, "count": args.count, "questions": qs}, f, indent=1)
    print(f"{len(streams)} streams, {len(qs)} questions -> {args.out}")


if __name__ == "__main__":
    main()
