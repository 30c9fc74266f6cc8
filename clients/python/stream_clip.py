#!/usr/bin/python3
"""Streams one clip of a clips file (tests/reference/tiny_clips.py) into LiveAnalytics.Stream on grpcio.

RAW RGB24 frames and f32 PCM per window; every question of the clip is a standing question whose first firing
follows its window. Prints one JSON object: {status, details, answers: {question_id: text}, windows}.

Usage: stream_clip.py --target 127.0.0.1:N --clips FILE --index I [--stream-id ID] [--policy NAME] [--stubs DIR]
"""

import argparse
import base64
import json
import os
import sys

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grpc_stubs import live_stubs  # noqa: E402


def requests(pb, clip, stream_id, policy):
    open_ = pb.StreamOpen(
        stream_id=stream_id,
        pruning=pb.PruningConfig(policy=pb.PruningPolicy.Value(policy)),
        video=pb.VideoFormat(codec=pb.VIDEO_CODEC_RAW_RGB24, width=clip["width"], height=clip["height"], frame_rate=2),
        audio=pb.AudioFormat(codec=pb.AUDIO_CODEC_PCM_F32LE, sample_rate_hz=16000, channels=1))
    for q in clip["questions"]:
        open_.standing_questions.add(question_id=q["id"], text=q["text"], interval_ms=(q["window"] + 1) * 1000, max_tokens=8)
    yield pb.StreamRequest(open=open_)
    frames = base64.b64decode(clip["frames"])
    audio = base64.b64decode(clip["audio"])
    per = clip["frames_per_window"]
    size = clip["height"] * clip["width"] * 3
    for w in range(clip["windows"]):
        for f in range(per):
            at = (w * per + f) * size
            yield pb.StreamRequest(video=pb.VideoFrame(pts_us=w * 1_000_000 + f * 1_000_000 // per, data=frames[at:at + size]))
        yield pb.StreamRequest(audio=pb.AudioChunk(pts_us=w * 1_000_000, data=audio[w * 64000:(w + 1) * 64000]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--target", required=True)
    p.add_argument("--clips", required=True)
    p.add_argument("--index", type=int, required=True)
    p.add_argument("--stream-id")
    p.add_argument("--policy", default="PRUNING_POLICY_NONE")
    p.add_argument("--stubs")
    a = p.parse_args()
    pb, pb_grpc = live_stubs(a.stubs)
    clip = json.load(open(a.clips))["streams"][a.index]
    answers, windows = {}, 0
    with grpc.insecure_channel(a.target) as channel:
        stub = pb_grpc.LiveAnalyticsStub(channel)
        try:
            stream_id = a.stream_id or f"py-clip-{clip['index']}"
            for r in stub.Stream(requests(pb, clip, stream_id, a.policy), timeout=90, metadata=[("x-fastav-stream-id", stream_id)]):
                if r.HasField("answer"):
                    answers.setdefault(r.answer.question_id, r.answer.text)
                if r.HasField("stats") and r.stats.final:
                    windows = r.stats.windows_prefilled
            status, details = 0, ""
        except grpc.RpcError as e:
            status, details = e.code().value[0], e.details()
    print(json.dumps({"status": status, "details": details, "answers": answers, "windows": windows}))


if __name__ == "__main__":
    main()
