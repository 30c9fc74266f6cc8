#!/usr/bin/python3
"""Streams a sample camera+microphone clip to FastAV.Live in real time and prints every response.

The clip is made by the ffmpeg CLI (testsrc2 video as H.264 Annex B access units, a 440 Hz tone as
16 kHz PCM) unless --video/--audio name files of those formats. A standing question is registered
at open; at the end an ad-hoc question is asked. Until the engine and the default model are wired
in (issue 8), the server answers questions with FAILED_PRECONDITION "no model loaded", and this
demo prints exactly that: nothing here invents an answer.

Usage: demo_stream.py [--target 127.0.0.1:50051] [--seconds 8] [--fast]
"""

import argparse
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time

import grpc
from google.protobuf import json_format

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FPS = 10
AUDIO_CHUNK_MS = 100


def generate_stubs(out_dir):
    subprocess.run(
        ["protoc", "-I", os.path.join(REPO, "protos"), f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
         "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", "fastav/live/v1/live.proto"],
        check=True)
    sys.path.insert(0, out_dir)
    from fastav.live.v1 import live_pb2, live_pb2_grpc  # noqa: E402 (generated just now)
    return live_pb2, live_pb2_grpc


def make_clip(out_dir, seconds):
    video = os.path.join(out_dir, "sample.h264")
    audio = os.path.join(out_dir, "sample.pcm")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate={FPS}", "-t", str(seconds),
         "-c:v", "libx264", "-g", str(FPS), "-bf", "0", "-bsf:v", "h264_metadata=aud=insert", "-f", "h264", video],
        check=True)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000", "-t", str(seconds),
         "-ac", "1", "-ar", "16000", "-f", "s16le", audio],
        check=True)
    return video, audio


def access_units(data):
    """Splits an Annex B stream at access unit delimiters (NAL type 9) into (bytes, is_keyframe)."""
    starts = []
    i = 0
    while True:
        i = data.find(b"\x00\x00\x01", i)
        if i < 0:
            break
        nal_type = data[i + 3] & 0x1F if i + 3 < len(data) else -1
        begin = i - 1 if i > 0 and data[i - 1] == 0 else i
        starts.append((begin, nal_type))
        i += 3
    units = []
    aud = [s for s, t in starts if t == 9]
    for n, begin in enumerate(aud):
        end = aud[n + 1] if n + 1 < len(aud) else len(data)
        types = {t for s, t in starts if begin <= s < end}
        units.append((data[begin:end], 5 in types))
    return units


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default="127.0.0.1:50051")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--fast", action="store_true", help="send as fast as possible instead of in real time")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="fastav-demo-")
    pb2, pb2_grpc = generate_stubs(work)
    video_path, audio_path = make_clip(work, args.seconds)
    units = access_units(open(video_path, "rb").read())
    pcm = open(audio_path, "rb").read()
    chunk_bytes = 16000 * 2 * AUDIO_CHUNK_MS // 1000
    print(f"demo: {len(units)} H.264 access units at {FPS} fps and {len(pcm) // chunk_bytes} audio chunks "
          f"({args.seconds} s) -> {args.target}", flush=True)

    requests = queue.Queue()

    def request_iterator():
        while True:
            item = requests.get()
            if item is None:
                return
            yield item

    channel = grpc.insecure_channel(args.target)
    stub = pb2_grpc.LiveAnalyticsStub(channel)
    call = stub.Stream(request_iterator())
    requests.put(pb2.StreamRequest(open=pb2.StreamOpen(
        stream_id="demo-camera-1",
        video=pb2.VideoFormat(codec=pb2.VIDEO_CODEC_H264, width=320, height=240, frame_rate=FPS),
        audio=pb2.AudioFormat(codec=pb2.AUDIO_CODEC_PCM_S16LE, sample_rate_hz=16000, channels=1),
        standing_questions=[pb2.StandingQuestion(question_id="door", text="Is anyone at the door?", interval_ms=5000)],
    )))

    def print_responses():
        try:
            for response in call:
                kind = response.WhichOneof("kind")
                body = json_format.MessageToDict(getattr(response, kind))
                print(f"<- {kind}: {body}", flush=True)
        except grpc.RpcError:
            pass

    reader = threading.Thread(target=print_responses)
    reader.start()

    start = time.monotonic()
    audio_at = 0
    for n, (unit, key) in enumerate(units):
        pts_us = n * 1_000_000 // FPS
        while audio_at < len(pcm) and (audio_at // chunk_bytes) * AUDIO_CHUNK_MS * 1000 <= pts_us:
            chunk_pts = (audio_at // chunk_bytes) * AUDIO_CHUNK_MS * 1000
            requests.put(pb2.StreamRequest(audio=pb2.AudioChunk(pts_us=chunk_pts, data=pcm[audio_at:audio_at + chunk_bytes])))
            audio_at += chunk_bytes
        requests.put(pb2.StreamRequest(video=pb2.VideoFrame(pts_us=pts_us, data=unit, keyframe=key)))
        if not args.fast:
            delay = start + pts_us / 1e6 - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    print("-> question: What happened in the last few seconds?", flush=True)
    requests.put(pb2.StreamRequest(question=pb2.Question(question_id="q1", text="What happened in the last few seconds?")))
    requests.put(None)
    reader.join(timeout=30)
    code, details = call.code(), call.details()
    print(f"demo: stream ended with {code.name}: {details}", flush=True)
    # The expected end while no model is loaded; anything else is a failure of the demo.
    return 0 if code in (grpc.StatusCode.OK, grpc.StatusCode.FAILED_PRECONDITION) else 1


if __name__ == "__main__":
    sys.exit(main())
