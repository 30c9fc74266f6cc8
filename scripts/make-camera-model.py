#!/usr/bin/python3
"""Writes the camera-scale benchmark model: RANDOM WEIGHTS — CAPACITY ONLY (it answers nothing meaningful).

A model directory in the layout `fastav serve --model DIR` loads (config.json, fastav.json, model.safetensors,
tokenizer.json), built by the same PyTorch modules and export as models/fastav-tiny (training/fastav_tiny), with
seeded random weights and the token geometry of a real audio-visual LLM serving a camera:

  per 1 s window: 2 frames x 64 visual tokens + 25 audio tokens + 1 separator = 154 tokens.
  - Matches Qwen2.5-Omni-7B's rates (its Hugging Face config and preprocessor: 14-px patches, 2x2 spatial merge,
    2-frame temporal merge, audio position_id_per_seconds 25 = one audio token per 40 ms): at 2 fps it yields
    (H/28)*(W/28) visual tokens per second, i.e. 128 tokens/s for ~100k-pixel camera frames (448x224, ~317^2),
    plus 25 audio tokens/s (FASTAV.md: ~324 tokens/s at 360p). Here each frame is 224^2 letterboxed -> 16x16
    patches of 14 px -> 2x2 average pooling -> 64 tokens, two frames a window (no temporal merge): the same count.
  - Decoder: Qwen2-7B's depth (28 layers, so FastAV's K = L/2 = 14 as in the paper) at the width where a 2-core CPU
    still runs an unpruned stream in real time and the decoder still dominates a stream's cost: hidden 256, FFN 768
    (SwiGLU), 4 query / 2 KV heads of 64, q/k/v bias. Measured on the shared 2-core machine (server CPU seconds per
    media second, unpruned / FastAV): hidden 384 1.27 / 0.74, 256 0.66 / 0.43, 128 0.40 / 0.34 — narrower, the H.264
    decode, encoders and gRPC dominate and hide the decoder's saving; wider, no unpruned stream keeps up.
    (--hidden / --ffn change the width for a slower or faster machine; the token geometry and the rule stay).
  - Encoders light enough that the decoder dominates (~1-2 % of the window's FLOPs): a 1-layer SigLIP-style ViT
    (hidden 128) and a 1-layer Whisper-style audio encoder (hidden 128) with MLP projectors.
  - fastav.json's keep_rule: keep the first 77 of 153 media tokens (~50 %) at layer 14, with the paper's fine pruning
    P = 20 % per later layer (the stream default). That is the paper's shape, stated — not a calibration: attention
    rollout over random weights measures nothing meaningful.
  - trained_windows 8: the weights were never trained; this only sets the default KV budget (8 windows of context).

Usage: /usr/bin/python3 scripts/make-camera-model.py [--out DIR] [--seed N] [--hidden 256] [--ffn 768] [--force]
Default DIR: artifacts/models/camera-scale (git-ignored; ~100 MB). Generating twice with the same seed writes the same
bytes; an existing directory with the same seed and geometry is kept unless --force (prints its path either way).
"""
from __future__ import annotations

import argparse
import hashlib
from dataclasses import asdict
import json
import os
import shutil
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "training"))

from fastav_tiny import safetensors_io  # noqa: E402
from fastav_tiny.model import AudioConfig, FastAvTiny, MediaConfig, TextConfig, VisionConfig  # noqa: E402

LABEL = "random weights — capacity only"
TINY = os.path.join(ROOT, "models", "fastav-tiny")

VISION = VisionConfig(hidden_size=128, intermediate_size=256, num_hidden_layers=1, num_attention_heads=2,
                      image_size=224, patch_size=14)
AUDIO = AudioConfig(d_model=128, encoder_ffn_dim=256, encoder_layers=1, encoder_attention_heads=2,
                    num_mel_bins=80, max_source_positions=50)
MEDIA = MediaConfig(frames_per_window=2, tokens_per_frame=64, audio_tokens_per_second=25)
LAYERS, GLOBAL_LAYER, KEEP_FIRST = 28, 14, 77
MANIFEST_VERSION = 2


def text_config(vocab: int, hidden: int = 256, ffn: int = 768) -> TextConfig:
    return TextConfig(vocab_size=vocab, hidden_size=hidden, intermediate_size=ffn, num_hidden_layers=LAYERS,
                      num_attention_heads=hidden // 64, num_key_value_heads=2, max_position_embeddings=4096, rope_theta=1e6)


def geometry_stamp(seed: int, text: TextConfig) -> str:
    # MANIFEST_VERSION: a folder written before a manifest change (e.g. its domain) is rewritten, not kept.
    text = json.dumps([seed, repr(VISION), repr(AUDIO), repr(MEDIA), repr(text), GLOBAL_LAYER, KEEP_FIRST, MANIFEST_VERSION])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def manifest(media_tokens: int) -> dict:
    with open(os.path.join(TINY, "fastav.json")) as f:
        m = json.load(f)  # the same composition, prompt and special tokens as the embedded model
    m.pop("calibration", None)
    m.pop("training", None)
    m.update({
        "name": f"camera-scale ({LABEL})",
        "note": f"{LABEL}: made by scripts/make-camera-model.py; token geometry of Qwen2.5-Omni serving a camera "
                "(2 fps x 64 visual + 25 audio tokens per second), decoder of Qwen2-7B's depth; answers are noise",
        # StreamAccepted.model_domain: not the embedded model's synthetic world (these weights never saw it).
        "domain": f"None ({LABEL}): seeded random weights, never trained; its answers are noise on any input, however "
                  "confident. For throughput, latency, FLOPs and memory only.",
        "frames_per_window": MEDIA.frames_per_window,
        "frame_times": [0.0, 0.5],
        "tokens_per_frame": MEDIA.tokens_per_frame,
        "audio_tokens_per_second": MEDIA.audio_tokens_per_second,
        "trained_windows": 8,
        "keep_rule": {
            "global_layer": GLOBAL_LAYER,
            "keep_first_media_tokens": KEEP_FIRST,
            "basis": f"the paper's shape, not a calibration ({LABEL}): keep ~50 % ({KEEP_FIRST} of {media_tokens}) "
                     f"media tokens at K = L/2 = {GLOBAL_LAYER}, then fine pruning P = 20 % per later layer",
        },
    })
    m["vision_encoder"].update({"image_size": VISION.image_size, "resize": "pad"})
    m["vision_projector"]["pooled_grid"] = [8, 8]
    return m


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.join(ROOT, "artifacts", "models", "camera-scale"))
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--force", action="store_true")
    p.add_argument("--hidden", type=int, default=256, help="decoder width (a multiple of 128: heads of 64, 2 KV heads); default 256")
    p.add_argument("--ffn", type=int, default=768, help="decoder SwiGLU width; default 768")
    args = p.parse_args()
    if args.hidden < 128 or args.hidden % 128 or args.ffn < 1:
        p.error("--hidden must be a positive multiple of 128 and --ffn positive")

    with open(os.path.join(TINY, "config.json")) as f:
        vocab = json.load(f)["vocab_size"]
    text = text_config(vocab, args.hidden, args.ffn)
    stamp = geometry_stamp(args.seed, text)
    stamp_file = os.path.join(args.out, "camera-scale.stamp")
    if not args.force and os.path.exists(stamp_file) and open(stamp_file).read().strip() == stamp:
        print(args.out)
        return

    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    model = FastAvTiny(VISION, AUDIO, text, MEDIA).eval()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(TINY, "config.json")) as f:
        config = _config(model, json.load(f))
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    media_tokens = MEDIA.frames_per_window * MEDIA.tokens_per_frame + MEDIA.audio_tokens_per_second
    with open(os.path.join(args.out, "fastav.json"), "w", encoding="utf-8") as f:
        json.dump(manifest(media_tokens), f, indent=2, ensure_ascii=False)
    safetensors_io.save(model.export_state(), os.path.join(args.out, "model.safetensors"),
                        {"format": "pt", "weights": LABEL, "seed": str(args.seed)})
    shutil.copyfile(os.path.join(TINY, "tokenizer.json"), os.path.join(args.out, "tokenizer.json"))
    with open(stamp_file, "w") as f:
        f.write(stamp + "\n")
    print(args.out)


def _config(model: FastAvTiny, tiny: dict) -> dict:
    """config.json as the embedded model's (same tokenizer, so the same token ids), with this model's sizes."""
    c = dict(tiny)
    c.update(asdict(model.tc))
    c.update({"head_dim": model.tc.hidden_size // model.tc.num_attention_heads,
              "max_window_layers": model.tc.num_hidden_layers})
    c["vision_config"] = dict(tiny["vision_config"]) | asdict(model.vc)
    c["audio_config"] = dict(tiny["audio_config"]) | asdict(model.ac)
    return c


if __name__ == "__main__":
    main()
