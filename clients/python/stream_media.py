#!/usr/bin/python3
"""Streams a real media file or URL into FastAV.Live's LiveAnalytics.Stream on grpcio, through the ffmpeg CLI.

Any input the ffmpeg CLI opens (mp4, mkv, ts, an http:// or rtsp:// URL, ...) is decoded by two ffmpeg processes:
one writes raw RGB24 frames at --fps, scaled to --width (aspect kept), the other 16 kHz mono s16le PCM in 100 ms
chunks. Frames and chunks go out in pts order as VideoFrame (RAW_RGB24) and AudioChunk (PCM_S16LE); ffprobe says
which tracks the input has. Standing questions (--standing, every --every seconds of media) are registered at open,
ad-hoc ones (--question) asked after the media. Answers print as they arrive, with their span, latency and
confidence; --json prints one JSON object at the end instead.

Needs grpcio: run it with Debian's /usr/bin/python3 (python3-grpcio, installed by scripts/setup.sh).

Usage: stream_media.py SOURCE [--target 127.0.0.1:50051] [--stream-id ID] [--standing TEXT]... [--every S]
                       [--question TEXT]... [--realtime] [--fps 2] [--width 320] [--max-seconds S] [--json]
"""

import argparse
import json
import os
import subprocess
import sys
import threading

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grpc_stubs import live_stubs  # noqa: E402

SAMPLE_RATE = 16000
CHUNK_SAMPLES = SAMPLE_RATE // 10  # 100 ms


def probe(source):
    """(width, height) of the first video stream or None, and whether there is an audio stream."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,width,height", "-of", "json", source],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"stream_media.py: ffprobe cannot open {source}: {out.stderr.strip()}")
    streams = json.loads(out.stdout).get("streams", [])
    video = next(((s["width"], s["height"]) for s in streams if s.get("codec_type") == "video" and s.get("width")), None)
    return video, any(s.get("codec_type") == "audio" for s in streams)


def ffmpeg(source, realtime, max_seconds, output_args):
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"] + (["-re"] if realtime else []) + ["-i", source]
    if max_seconds:
        cmd += ["-t", str(max_seconds)]
    return subprocess.Popen(cmd + output_args + ["-"], stdout=subprocess.PIPE)


def read_exactly(pipe, size):
    data = bytearray()
    while len(data) < size:
        part = pipe.read(size - len(data))
        if not part:
            return bytes(data)  # the end: a short last record (audio) or nothing
        data += part
    return bytes(data)


def media(pb, a, size, has_audio):
    """VideoFrame / AudioChunk requests from the two ffmpeg pipes, merged in pts order."""
    procs = []
    video = audio = None
    if size:
        w, h = size
        frame_bytes = w * h * 3
        video = ffmpeg(a.source, a.realtime, a.max_seconds, ["-an", "-vf", f"fps={a.fps},scale={w}:{h}", "-pix_fmt", "rgb24", "-f", "rawvideo"])
        procs.append(video)
    if has_audio:
        audio = ffmpeg(a.source, a.realtime, a.max_seconds, ["-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le"])
        procs.append(audio)
    frame_index = sample_index = 0
    next_frame = read_exactly(video.stdout, frame_bytes) if video else b""
    next_chunk = read_exactly(audio.stdout, CHUNK_SAMPLES * 2) if audio else b""
    try:
        while (video and len(next_frame) == frame_bytes) or (audio and next_chunk):
            frame_pts = frame_index * 1_000_000 // a.fps
            chunk_pts = sample_index * 1_000_000 // SAMPLE_RATE
            video_first = video and len(next_frame) == frame_bytes and (not (audio and next_chunk) or frame_pts <= chunk_pts)
            if video_first:
                yield pb.StreamRequest(video=pb.VideoFrame(pts_us=frame_pts, data=next_frame, keyframe=True))
                frame_index += 1
                next_frame = read_exactly(video.stdout, frame_bytes)
            else:
                usable = len(next_chunk) - len(next_chunk) % 2
                if usable:
                    yield pb.StreamRequest(audio=pb.AudioChunk(pts_us=chunk_pts, data=next_chunk[:usable]))
                sample_index += usable // 2
                next_chunk = read_exactly(audio.stdout, CHUNK_SAMPLES * 2)
    finally:
        for p in procs:
            p.kill()
            p.wait()


def main():
    p = argparse.ArgumentParser(description="Stream a media file or URL into FastAV.Live through the ffmpeg CLI.")
    p.add_argument("source", help="file or URL the ffmpeg CLI can open")
    p.add_argument("--target", default="127.0.0.1:50051", help="server host:port (default 127.0.0.1:50051)")
    p.add_argument("--stream-id", default="py-media", help="stream id (default py-media)")
    p.add_argument("--standing", action="append", default=[], help="a standing question (repeatable; ids q1, q2, ...)")
    p.add_argument("--every", type=float, default=5.0, help="seconds of media between askings of the standing questions (default 5)")
    p.add_argument("--question", action="append", default=[], help="an ad-hoc question after the media (repeatable; ids ask1, ...)")
    p.add_argument("--realtime", action="store_true", help="send at the media's own rate (ffmpeg -re); default as fast as possible")
    p.add_argument("--fps", type=int, default=2, help="frames per second sent (default 2, what the embedded model samples)")
    p.add_argument("--width", type=int, default=320, help="frame width sent, height keeps the aspect (default 320)")
    p.add_argument("--max-seconds", type=float, help="stop after this many seconds of media (default: all of it)")
    p.add_argument("--json", action="store_true", help="print one JSON object at the end instead of lines")
    a = p.parse_args()

    source_size, has_audio = probe(a.source)
    size = None
    if source_size:
        sw, sh = source_size
        size = (a.width - a.width % 2, max(2, round(a.width * sh / sw / 2) * 2))
    if not size and not has_audio:
        raise SystemExit(f"stream_media.py: {a.source} has neither video nor audio")

    pb, pb_grpc = live_stubs()
    open_ = pb.StreamOpen(stream_id=a.stream_id)
    if size:
        open_.video.CopyFrom(pb.VideoFormat(codec=pb.VIDEO_CODEC_RAW_RGB24, width=size[0], height=size[1], frame_rate=a.fps))
    if has_audio:
        open_.audio.CopyFrom(pb.AudioFormat(codec=pb.AUDIO_CODEC_PCM_S16LE, sample_rate_hz=SAMPLE_RATE, channels=1))
    for k, text in enumerate(a.standing, 1):
        open_.standing_questions.add(question_id=f"q{k}", text=text, interval_ms=int(a.every * 1000))

    def requests():
        yield pb.StreamRequest(open=open_)
        yield from media(pb, a, size, has_audio)
        for k, text in enumerate(a.question, 1):
            yield pb.StreamRequest(question=pb.Question(question_id=f"ask{k}", text=text))

    result = {"status": 0, "details": "", "answers": [], "warnings": [], "stats": None, "accepted": None}
    lock = threading.Lock()
    with grpc.insecure_channel(a.target) as channel:
        stub = pb_grpc.LiveAnalyticsStub(channel)
        try:
            for r in stub.Stream(requests(), metadata=[("x-fastav-stream-id", open_.stream_id)]):  # for routers that hash on it
                with lock:
                    if r.HasField("accepted"):
                        d = r.accepted.model_domain
                        result["accepted"] = {"model": r.accepted.model, "model_loaded": r.accepted.model_loaded, "domain": d.description}
                        if not a.json:
                            print(f"accepted: model {r.accepted.model or '(none)'}; {d.description or 'no domain described'}", flush=True)
                    elif r.HasField("answer"):
                        x = r.answer
                        answer = {"question_id": x.question_id, "text": x.text, "span": [x.span.start_pts_us, x.span.end_pts_us],
                                  "stream_span": [x.stream_span.start_pts_us, x.stream_span.end_pts_us], "latency_us": x.latency_us,
                                  "confidence": x.confidence, "uncertain": x.uncertain,
                                  "failure": x.failure.message if x.HasField("failure") else ""}
                        result["answers"].append(answer)
                        if not a.json:
                            what = f"FAILED {x.failure.message}" if answer["failure"] else f"{x.text!r} (confidence {x.confidence:.2f}{', uncertain' if x.uncertain else ''})"
                            print(f"[{x.span.start_pts_us / 1e6:6.1f}-{x.span.end_pts_us / 1e6:6.1f} s] {x.question_id}: {what}, "
                                  f"{x.latency_us / 1000:.0f} ms", flush=True)
                    elif r.HasField("warning"):
                        result["warnings"].append({"code": pb.WarningCode.Name(r.warning.code), "message": r.warning.message})
                        if not a.json:
                            print(f"warning {pb.WarningCode.Name(r.warning.code)}: {r.warning.message}", flush=True)
                    elif r.HasField("stats") and r.stats.final:
                        s = r.stats
                        result["stats"] = {"video_frames_accepted": s.video_frames_accepted, "audio_chunks_accepted": s.audio_chunks_accepted,
                                           "windows_prefilled": s.windows_prefilled, "windows_dropped": s.windows_dropped,
                                           "media_duration_us": s.media_duration_us, "rejected": s.video_frames_rejected + s.audio_chunks_rejected}
                        if not a.json:
                            print(f"stats: {s.video_frames_accepted} frames, {s.audio_chunks_accepted} audio chunks, "
                                  f"{s.windows_prefilled} windows prefilled, {s.windows_dropped} dropped", flush=True)
        except grpc.RpcError as e:
            result["status"], result["details"] = e.code().value[0], e.details()
            if not a.json:
                print(f"stream ended: {e.code().name}: {e.details()}", file=sys.stderr)
    if a.json:
        print(json.dumps(result))
    sys.exit(1 if result["status"] else 0)


if __name__ == "__main__":
    main()
