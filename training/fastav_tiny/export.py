"""Hugging Face layout export: config.json, fastav.json, model.safetensors, tokenizer.json."""
from __future__ import annotations

import json
import os
from dataclasses import asdict

import torch

from . import safetensors_io
from .batching import ANSWER_END, PREFIX, QUESTION_SUFFIX
from .model import AudioConfig, FastAvTiny, MediaConfig, TextConfig, VisionConfig
from .tokenizer import ByteBpeTokenizer
from .world import SAMPLE_RATE, StreamConfig


def hf_config(m: FastAvTiny, tok: ByteBpeTokenizer) -> dict:
    t = asdict(m.tc)
    t.update({
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "torch_dtype": "float32",
        "bos_token_id": tok.special_ids["<|endoftext|>"], "eos_token_id": tok.special_ids["<|im_end|>"],
        "pad_token_id": tok.special_ids["<|endoftext|>"], "attention_dropout": 0.0, "initializer_range": 0.02,
        "use_sliding_window": False, "sliding_window": None, "max_window_layers": m.tc.num_hidden_layers,
        "use_cache": True, "rope_scaling": None, "attention_bias": True,
        "head_dim": m.tc.hidden_size // m.tc.num_attention_heads,
    })
    t["vision_config"] = asdict(m.vc) | {"attention_dropout": 0.0, "vision_use_head": False}
    t["audio_config"] = asdict(m.ac) | {"scale_embedding": False, "dropout": 0.0, "attention_dropout": 0.0}
    return t


# What the model knows, for the server to tell its clients (fastav.json "domain"; StreamAccepted.model_domain).
DOMAIN = ("A synthetic world only: up to four coloured shapes (red, green, blue, yellow squares, circles and triangles) "
          "appearing and moving on a dark, noisy background, seen as 32x32-pixel frames at 2 per second, with 16 kHz tones, beeps, "
          "alarms, knocks and noise; trained on questions of 8 families (colour, count, presence of a sound, pitch, "
          "audio-visual match, order, what appeared recently, motion) over 6-second contexts. Not for real scenes: on camera "
          "footage its answers carry no meaning, however confident.")


def fastav_manifest(m: FastAvTiny, tok: ByteBpeTokenizer, scfg: StreamConfig) -> dict:
    """fastav.json in the schema the C# FastAvConfig reads (src/FastAV.Live.Models/Config/FastAvConfig.cs): one
    checkpoint holding every part, a "stream" prompt ([frame tokens][audio tokens]<|window|> per window)."""
    mc = m.mc
    side = int(round(mc.tokens_per_frame ** 0.5))
    assert side * side == mc.tokens_per_frame, "tokens_per_frame must be a square grid"
    return {
        "name": "fastav-tiny",
        "domain": DOMAIN,
        "llm": {"path": ".", "weight_prefix": "model."},
        "tokenizer": ".",
        "vision_encoder": {
            "path": ".", "weight_prefix": "vision_model.", "image_size": m.vc.image_size,
            "resize": "none", "rescale": 1 / 255, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
        },
        "vision_projector": {"type": "mlp2x_gelu", "weight_prefix": "vision_projector.", "pooled_grid": [side, side],
                             "pool_after_projector": False},
        "audio_encoder": {
            "path": ".", "weight_prefix": "encoder.",
            "features": {"type": "whisper_log_mel", "sampling_rate": SAMPLE_RATE, "n_fft": 400, "hop_length": 160,
                         "num_mel_bins": m.ac.num_mel_bins, "mel_scale": "slaney", "normalise": "per_window"},
        },
        "audio_projector": {"type": "mlp2x_gelu", "weight_prefix": "audio_projector."},
        "window_seconds": 1.0,
        "frames_per_window": mc.frames_per_window,
        "frame_times": [j / mc.frames_per_window for j in range(mc.frames_per_window)],
        "tokens_per_frame": mc.tokens_per_frame,
        "audio_tokens_per_second": mc.audio_tokens_per_second,
        "prompt": {
            "format": "stream",
            "stream_prefix": PREFIX,
            "window": "{video}{audio}<|window|>",
            "question": "{question}" + QUESTION_SUFFIX,
        },
        "special_tokens": {"video_pad": "<|video|>", "audio_pad": "<|audio|>", "window_separator": "<|window|>",
                           "stop": [ANSWER_END]},
        "trained_windows": scfg.windows,
        "training": "training/README.md",
    }


def export(model: FastAvTiny, tok: ByteBpeTokenizer, scfg: StreamConfig, out_dir: str, extra_meta: dict | None = None) -> None:
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(hf_config(model, tok), f, indent=2)
    with open(os.path.join(out_dir, "fastav.json"), "w") as f:
        json.dump(fastav_manifest(model, tok, scfg), f, indent=2)
    meta = {"format": "pt"} | {k: str(v) for k, v in (extra_meta or {}).items()}
    safetensors_io.save(model.export_state(), os.path.join(out_dir, "model.safetensors"), meta)
    tok.save(os.path.join(out_dir, "tokenizer.json"))


def load(model_dir: str) -> tuple[FastAvTiny, ByteBpeTokenizer]:
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(model_dir, "fastav.json")) as f:
        fa = json.load(f)
    fields = lambda cls, d: cls(**{k: d[k] for k in cls.__dataclass_fields__})  # noqa: E731
    model = FastAvTiny(fields(VisionConfig, cfg["vision_config"]), fields(AudioConfig, cfg["audio_config"]),
                       fields(TextConfig, cfg), fields(MediaConfig, fa))
    state = safetensors_io.load(os.path.join(model_dir, "model.safetensors"))
    model.load_state_dict(state, strict=True)
    return model.eval(), ByteBpeTokenizer.load(os.path.join(model_dir, "tokenizer.json"))
