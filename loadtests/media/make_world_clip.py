"""A camera clip of the FastAV-Tiny world for the load generator, made once per run.

Consecutive scenes of the training world generator (training/fastav_tiny/world.py: coloured shapes appearing and
moving, tones, beeps, alarms, knocks) are joined into one clip and muxed by the ffmpeg CLI into Matroska: H.264
(libx264rgb, lossless, one keyframe per second so a looped clip restarts cleanly, no B-frames) and 16 kHz mono
PCM s16le, the formats a camera client sends. A JSON sidecar names the clip's questions (text, family, truth), from
which scenarios pick their standing and ad-hoc questions.

  /usr/bin/python3 loadtests/media/make_world_clip.py --seconds 60 --seed 5 --out DIR [--size 320x240]
  → DIR/world.mkv, DIR/world.json
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "training"))

from fastav_tiny.world import SAMPLE_RATE, make_stream  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=int, default=60, help="clip length in seconds (whole scenes; default 60)")
    p.add_argument("--seed", type=int, default=5, help="world seed (default 5)")
    p.add_argument("--size", default="", help="scale frames to WxH (nearest neighbour); default the world's 32x32")
    p.add_argument("--out", required=True, help="output directory")
    args = p.parse_args()
    if args.seconds < 1 or args.seconds > 3600:
        p.error("--seconds must be in [1, 3600]")

    frames, audio, questions, fpw, offset, index = [], [], [], 0, 0, 0
    while offset < args.seconds:
        scene = make_stream(args.seed, index)
        windows, fpw = scene.frames.shape[0], scene.frames.shape[1]
        take = min(windows, args.seconds - offset)
        frames.append(scene.frames[:take].reshape(take * fpw, *scene.frames.shape[2:]))
        audio.append(scene.audio[:take].reshape(-1))
        for q in scene.questions:
            if q.window < take:
                questions.append({"text": q.text, "family": q.family, "answer": q.answer, "second": offset + q.window + 1})
        offset += take
        index += 1

    video = np.ascontiguousarray(np.concatenate(frames), dtype=np.uint8)  # [n, h, w, 3]
    pcm = (np.concatenate(audio).clip(-1, 1) * 32767).astype("<i2")
    n, h, w, _ = video.shape
    os.makedirs(args.out, exist_ok=True)
    clip = os.path.join(args.out, "world.mkv")
    with tempfile.TemporaryDirectory() as tmp:
        rgb, raw = os.path.join(tmp, "video.rgb"), os.path.join(tmp, "audio.pcm")
        video.tofile(rgb)
        pcm.tofile(raw)
        scale = ["-vf", f"scale={args.size.replace('x', ':')}:flags=neighbor"] if args.size else []
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
             "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fpw), "-i", rgb,
             "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", raw,
             *scale, "-c:v", "libx264rgb", "-qp", "0", "-g", str(fpw), "-bf", "0",
             "-c:a", "pcm_s16le", clip],
            check=True)
    meta = {"seed": args.seed, "seconds": args.seconds, "frames": n, "frames_per_second": fpw,
            "width": w, "height": h, "size": args.size or f"{w}x{h}", "sample_rate_hz": SAMPLE_RATE,
            "clip": "world.mkv", "questions": questions}
    with open(os.path.join(args.out, "world.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps({"clip": clip, "seconds": args.seconds, "frames": n, "questions": len(questions)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
