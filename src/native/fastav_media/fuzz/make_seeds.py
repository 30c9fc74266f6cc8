#!/usr/bin/env python3
"""Seeds for fam_fuzz (the harness's input format is described in fam_fuzz.c), made by the ffmpeg CLI:
H.264 with B-frames, HEVC with B-frames, MJPEG, raw I420/NV12/RGB24, PCM s16le/f32le, AAC (ADTS) and Opus.

usage: make_seeds.py OUT_DIR
"""
import os
import struct
import subprocess
import sys
import tempfile

H264, HEVC, JPEG, I420, NV12, RGB24, S16, F32, AAC, OPUS = range(10)


def ffmpeg(args, out):
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args, out], check=True)
    with open(out, "rb") as f:
        return f.read()


def seed(target, options, packets):
    body = bytearray([target, options])
    for p in packets:
        p = p[:65535]
        body += struct.pack("<H", len(p)) + p
    return bytes(body)


def nal_units(stream):
    """Annex B NAL units (with their start codes)."""
    starts, i = [], 0
    while True:
        i = stream.find(b"\x00\x00\x01", i)
        if i < 0:
            break
        starts.append(i - 1 if i > 0 and stream[i - 1] == 0 else i)
        i += 3
    return [stream[s:e] for s, e in zip(starts, starts[1:] + [len(stream)])]


def access_units(stream, is_vcl):
    """NAL units grouped so that every packet ends with a picture's slice (one slice per picture here)."""
    units, pending = [], b""
    for nal in nal_units(stream):
        pending += nal
        header = nal[nal.find(b"\x00\x00\x01") + 3]
        if is_vcl(header):
            units.append(pending)
            pending = b""
    return units + ([pending] if pending else [])


def jpeg_frames(stream):
    starts, i = [], 0
    while (i := stream.find(b"\xff\xd8\xff", i)) >= 0:
        starts.append(i)
        i += 3
    return [stream[s:e] for s, e in zip(starts, starts[1:] + [len(stream)])]


def adts_frames(stream):
    frames, i = [], 0
    while i + 7 <= len(stream) and stream[i] == 0xFF and stream[i + 1] & 0xF0 == 0xF0:
        n = ((stream[i + 3] & 3) << 11) | (stream[i + 4] << 3) | (stream[i + 5] >> 5)
        frames.append(stream[i:i + n])
        i += n
    return frames


def ogg_packets(stream):
    """Opus packets from an Ogg stream, without the OpusHead/OpusTags headers."""
    packets, current, i = [], b"", 0
    while stream.startswith(b"OggS", i):
        segments = stream[i + 26]
        lacing = stream[i + 27:i + 27 + segments]
        j = i + 27 + segments
        for n in lacing:
            current += stream[j:j + n]
            j += n
            if n < 255:
                packets.append(current)
                current = b""
        i = j
    return [p for p in packets if not p.startswith((b"OpusHead", b"OpusTags"))]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    src_v = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-t", "1"]
    src_a = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000", "-t", "0.5"]
    seeds = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = lambda name: os.path.join(tmp, name)
        h264 = ffmpeg([*src_v, "-c:v", "libx264", "-bf", "2", "-g", "5", "-pix_fmt", "yuv420p", "-f", "h264"], t("a.h264"))
        units = access_units(h264, lambda h: (h & 0x1F) in (1, 5))
        seeds["h264-bframes"] = seed(H264, 0, units)
        seeds["h264-bframes-skip-hold"] = seed(H264, 3, units)
        hevc = ffmpeg([*src_v, "-c:v", "libx265", "-x265-params", "bframes=2:keyint=5:log-level=error", "-pix_fmt", "yuv420p", "-f", "hevc"], t("a.hevc"))
        seeds["hevc-bframes"] = seed(HEVC, 2, access_units(hevc, lambda h: ((h >> 1) & 0x3F) < 32))
        mjpeg = ffmpeg([*src_v, "-c:v", "mjpeg", "-q:v", "5", "-pix_fmt", "yuvj420p", "-f", "mjpeg"], t("a.mjpeg"))
        seeds["mjpeg"] = seed(JPEG, 0, jpeg_frames(mjpeg)[:4])
        for name, target, fmt in (("i420", I420, "yuv420p"), ("nv12", NV12, "nv12"), ("rgb24", RGB24, "rgb24")):
            raw = ffmpeg(["-f", "lavfi", "-i", "testsrc=size=32x24:rate=2", "-t", "1", "-pix_fmt", fmt, "-f", "rawvideo"], t(name))
            frame = len(raw) // 2
            seeds[name] = seed(target, 0, [struct.pack("<HH", 32, 24) + raw[k * frame:(k + 1) * frame] for k in range(2)])
        s16 = ffmpeg([*src_a, "-f", "s16le", "-ac", "1"], t("a.s16"))
        seeds["pcm-s16le-16k-mono"] = seed(S16, 1 << 4, [s16[k:k + 3200] for k in range(0, len(s16), 3200)])
        f32 = ffmpeg([*src_a, "-ar", "48000", "-ac", "2", "-f", "f32le"], t("a.f32"))
        seeds["pcm-f32le-48k-stereo"] = seed(F32, (3 << 4) | (1 << 2), [f32[k:k + 7680] for k in range(0, len(f32), 7680)])
        aac = ffmpeg([*src_a, "-c:a", "aac", "-b:a", "32k", "-f", "adts"], t("a.aac"))
        seeds["aac-adts-16k"] = seed(AAC, 1 << 4, adts_frames(aac))
        opus = ffmpeg([*src_a, "-ar", "48000", "-c:a", "libopus", "-b:a", "24k", "-f", "ogg"], t("a.ogg"))
        seeds["opus-48k"] = seed(OPUS, 3 << 4, ogg_packets(opus))
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {out}: " + ", ".join(f"{n} ({len(d)} B)" for n, d in seeds.items()))


if __name__ == "__main__":
    main()
