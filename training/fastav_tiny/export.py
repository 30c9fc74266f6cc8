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


def fastav_manifest(m: FastAvTiny, tok: ByteBpeTokenizer, scfg: StreamConfig) -> dict:
    mc = m.mc
    return {
        "name": "fastav-tiny",
        "weights": "model.safetensors",
        "llm": {"family": "qwen2", "prefix": "model.", "lm_head": "tied:model.embed_tokens.weight"},
        "vision_encoder": {
            "family": "siglip", "prefix": "vision_model.", "config": "vision_config",
            "output": "post_layernorm", "image_size": m.vc.image_size, "patch_size": m.vc.patch_size,
            "resize": "none: frames are image_size x image_size RGB",
            "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "rescale": 1 / 255,
        },
        "audio_encoder": {
            "family": "whisper", "prefix": "encoder.", "config": "audio_config",
            "features": {"type": "whisper_log_mel", "sampling_rate": SAMPLE_RATE, "n_fft": 400, "hop_length": 160,
                         "num_mel_bins": 80, "mel_scale": "slaney", "window_seconds": 1,
                         "normalise": "per window: log10 clamp 1e-10, max(x, max-8), (x+4)/4; 100 frames"},
        },
        "projectors": {
            "vision": {"prefix": "vision_projector.", "type": "mlp2x_gelu", "layers": ["linear_1", "gelu", "linear_2"],
                       "pooling": f"avg2d patch grid {m.vc.image_size // m.vc.patch_size}x{m.vc.image_size // m.vc.patch_size}"
                                  f" -> {int(mc.tokens_per_frame ** 0.5)}x{int(mc.tokens_per_frame ** 0.5)} row-major, before the projector"},
            "audio": {"prefix": "audio_projector.", "type": "mlp2x_gelu", "layers": ["linear_1", "gelu", "linear_2"],
                      "pooling": f"avg1d {m.ac.max_source_positions} encoder positions -> {mc.audio_tokens_per_second}, before the projector"},
        },
        "window_seconds": 1.0,
        "frames_per_window": mc.frames_per_window,
        "frame_times": [j / mc.frames_per_window for j in range(mc.frames_per_window)],
        "tokens_per_frame": mc.tokens_per_frame,
        "audio_tokens_per_second": mc.audio_tokens_per_second,
        "window_layout": "[frame tokens of frame 0..F-1][audio tokens]<|window|>",
        "placeholders": {"video": "<|video|>", "audio": "<|audio|>", "window": "<|window|>"},
        "prompt_template": {
            "stream_prefix": PREFIX,
            "window": "<|video|>*{frames_per_window*tokens_per_frame}<|audio|>*{audio_tokens_per_second}<|window|>",
            "question": "{question}" + QUESTION_SUFFIX,
            "answer_end": ANSWER_END,
        },
        "stop_tokens": ["<|im_end|>"],
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
