#!/usr/bin/python3
"""Streams sample camera+microphone clips to FastAV.Live in real time and prints the answers as they arrive.

Each clip is a scene of the FastAV-Tiny world (training/fastav_tiny/world.py: coloured shapes appearing and
moving, tones, beeps, alarms, knocks), so every question has a known true answer. The frames are encoded to
H.264 by the ffmpeg CLI (lossless RGB, Annex B access units) and the audio sent as 16 kHz PCM, exactly as a
camera client would. The scene's questions are registered as standing questions at open, each firing right after
the second it is about; an ad-hoc question follows the last second. Every answer is printed next to the truth:
the model answers with whatever accuracy the committed weights have (see README) — nothing here invents one.

Usage: demo_stream.py [--target 127.0.0.1:50051] [--clips 2] [--seed 7] [--fast]
"""

import argparse
import os
import queue
import subprocess
import sys
import threading
import time

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "training"))
from grpc_stubs import live_stubs  # noqa: E402
from fastav_tiny.world import make_stream  # noqa: E402


def encode_h264(frames):
    """frames [n, h, w, 3] uint8 → Annex B access units (one per frame, all decodable on their own)."""
    n, h, w, _ = frames.shape
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", "2", "-i", "-",
         "-c:v", "libx264rgb", "-qp", "0", "-g", "1", "-bf", "0", "-bsf:v", "h264_metadata=aud=insert", "-f", "h264", "-"],
        input=frames.tobytes(), capture_output=True, check=True).stdout
    starts = [i for i in range(len(out) - 4) if out[i:i + 4] == b"\x00\x00\x00\x01" and out[i + 4] & 0x1F == 9]
    units = [out[s:e] for s, e in zip(starts, starts[1:] + [len(out)])]
    if len(units) != n:
        raise SystemExit(f"ffmpeg gave {len(units)} access units for {n} frames")
    return units


def run_clip(pb, stub, seed, index, fast):
    scene = make_stream(seed, index)
    windows, per, h, w, _ = scene.frames.shape
    units = encode_h264(scene.frames.reshape(windows * per, h, w, 3))
    pcm = (scene.audio.clip(-1, 1) * 32767).astype("<i2").tobytes()
    truth = {f"q{k}": q for k, q in enumerate(scene.questions)}
    last = max(q.window for q in scene.questions)
    adhoc = next(q for q in scene.questions if q.window == last)
    print(f"\nclip {index}: {windows} s of {w}x{h} H.264 + 16 kHz PCM, {len(truth)} standing questions", flush=True)

    requests = queue.Queue()
    open_ = pb.StreamOpen(
        stream_id=f"demo-camera-{index}",
        video=pb.VideoFormat(codec=pb.VIDEO_CODEC_H264, width=w, height=h, frame_rate=per),
        audio=pb.AudioFormat(codec=pb.AUDIO_CODEC_PCM_S16LE, sample_rate_hz=16000, channels=1))
    for qid, q in truth.items():
        open_.standing_questions.add(question_id=qid, text=q.text, interval_ms=(q.window + 1) * 1000, max_tokens=8)
    requests.put(pb.StreamRequest(open=open_))
    call = stub.Stream(iter(requests.get, None), timeout=120, metadata=[("x-fastav-stream-id", open_.stream_id)])
    right = [0, 0]

    def show():
        seen = set()
        for r in call:
            kind = r.WhichOneof("kind")
            if kind == "answer" and r.answer.question_id not in seen:
                a = r.answer
                seen.add(a.question_id)
                q = truth.get(a.question_id, adhoc)
                ok = a.text == q.answer
                right[0] += ok
                right[1] += 1
                print(f"  [{a.span.end_pts_us / 1e6:4.1f} s] {q.text:<52} -> {a.text:<14} "
                      f"{'right' if ok else 'wrong, truth: ' + q.answer:<24} {a.latency_us / 1000:6.1f} ms, "
                      f"stream FLOPs {a.pruning.stream_flops / max(a.pruning.stream_flops_unpruned, 1):.2f} of unpruned, KV {a.pruning.kv_bytes / 1024:.0f} KiB", flush=True)
            elif kind == "warning":
                print(f"  warning {pb.WarningCode.Name(r.warning.code)}: {r.warning.message}", flush=True)
            elif kind == "stats" and r.stats.final:
                s = r.stats
                print(f"  stats: {s.video_frames_accepted} frames, {s.audio_chunks_accepted} audio chunks, "
                      f"{s.windows_prefilled} windows prefilled, {s.windows_dropped} dropped, KV {s.kv_bytes / 1024:.0f} KiB", flush=True)

    reader = threading.Thread(target=show)
    reader.start()
    start = time.monotonic()
    for t in range(windows):
        for f in range(per):
            pts = t * 1_000_000 + f * 1_000_000 // per
            if not fast:
                time.sleep(max(0.0, start + pts / 1e6 - time.monotonic()))
            requests.put(pb.StreamRequest(video=pb.VideoFrame(pts_us=pts, data=units[t * per + f], keyframe=True)))
        requests.put(pb.StreamRequest(audio=pb.AudioChunk(pts_us=t * 1_000_000, data=pcm[t * 32000:(t + 1) * 32000])))
    requests.put(pb.StreamRequest(question=pb.Question(question_id="ad-hoc", text=adhoc.text, max_tokens=8)))
    requests.put(None)
    reader.join()
    return right


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--clips", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fast", action="store_true", help="send as fast as possible instead of in real time")
    args = parser.parse_args()
    pb, pb_grpc = live_stubs()
    right, total = 0, 0
    with grpc.insecure_channel(args.target) as channel:
        stub = pb_grpc.LiveAnalyticsStub(channel)
        try:
            for index in range(args.clips):
                r, n = run_clip(pb, stub, args.seed, index, args.fast)
                right, total = right + r, total + n
        except grpc.RpcError as e:
            print(f"demo: the stream ended with {e.code().name}: {e.details()}", flush=True)
            return 1
    print(f"\ndemo: {right}/{total} answers right over {args.clips} clips (seed {args.seed})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
