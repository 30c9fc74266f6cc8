"""Export one long stream for the C# streaming evaluation (`fastav eval --streaming`): consecutive world scenes.

  /usr/bin/python3 training/export_long_stream.py --seed 1001 --minutes 30 --out /tmp/long
writes  set.safetensors: frames uint8 [1, T, F, H, W, 3], audio float16 [1, T, 16000] (half the bytes of f32:
        30 minutes are 58 MB of audio instead of 115 MB; the generator's audio is within [-1, 1]);
        questions.json: {"seed", "count": 1, "windows_per_scene", "scenes", "questions": [{"stream": 0, "family",
        "question", "answer", "window", "scene", "evidence_window"}]}.
Scene i is make_stream(seed, i); its windows follow scene i-1's (window index = seconds since the stream began) and
its own questions are asked right after their window in the long timeline; their truth is the scene's own
(the world's questions are about the scene's recent media). evidence_window is the oldest window of the long
timeline the answer depends on (derived here from the scene's event list): the evaluation splits questions about
the last two windows (window - evidence_window <= 1) from questions about older ones.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fastav_tiny import safetensors_io  # noqa: E402
from fastav_tiny.world import PRESENCE_SOUNDS, RECENT_WINDOWS, Question, Stream, make_stream  # noqa: E402


def evidence_window(stream: Stream, q: Question) -> int:
    """Oldest window of the scene whose media the answer needs (0-based inside the scene, <= q.window)."""
    t = q.window
    if q.family in ("colour", "motion", "count", "avmatch"):
        return t  # what is on screen / heard in window t
    if q.family == "pitch":
        return max(w for w in range(t + 1) if stream.sounds[w].kind == "tone")  # the last tone
    if q.family == "presence":
        kind = PRESENCE_SOUNDS[re.match(r"was there an? (\w+) ", q.text).group(1)]
        heard = [w for w in range(t - RECENT_WINDOWS + 1, t + 1) if stream.sounds[w].kind == kind]
        return max(heard) if heard else t - RECENT_WINDOWS + 1  # "no" needs all three windows
    if q.family == "recency":
        return t - RECENT_WINDOWS + 1  # what appeared, and that nothing else did, across all three windows
    if q.family == "order":
        c1, c2 = re.match(r"which came first, (\w+) or (\w+)\?", q.text).groups()
        return min(o.appear for o in stream.objects if o.colour in (c1, c2))
    raise ValueError(f"unknown family {q.family}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1001)
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("--minutes", type=float, help="at least this many simulated minutes (whole scenes)")
    size.add_argument("--scenes", type=int)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    first = make_stream(args.seed, 0)
    per_scene = first.config.windows
    scenes = args.scenes if args.scenes is not None else int(np.ceil(args.minutes * 60 / per_scene))
    if scenes < 1 or scenes > 100_000:
        p.error("the stream needs 1..100000 scenes")
    t, fpw, n = scenes * per_scene, first.config.frames_per_window, first.config.image_size
    frames = np.empty((1, t, fpw, n, n, 3), np.uint8)
    audio = np.empty((1, t, first.audio.shape[1]), np.float16)
    qs = []
    for i in range(scenes):
        s = first if i == 0 else make_stream(args.seed, i)
        base = i * per_scene
        frames[0, base:base + per_scene] = s.frames
        audio[0, base:base + per_scene] = s.audio.astype(np.float16)
        for q in s.questions:
            qs.append({"stream": 0, "family": q.family, "question": q.text, "answer": q.answer,
                       "window": base + q.window, "scene": i, "evidence_window": base + evidence_window(s, q)})
    os.makedirs(args.out, exist_ok=True)
    safetensors_io.save({"frames": torch.from_numpy(frames), "audio": torch.from_numpy(audio)},
                        os.path.join(args.out, "set.safetensors"), {"seed": str(args.seed), "scenes": str(scenes)})
    with open(os.path.join(args.out, "questions.json"), "w") as f:
        json.dump({"seed": args.seed, "count": 1, "windows_per_scene": per_scene, "scenes": scenes, "questions": qs}, f, indent=1)
    print(f"1 stream of {scenes} scenes ({t} windows, {t / 60:.1f} min), {len(qs)} questions -> {args.out}")


if __name__ == "__main__":
    main()
