#!/usr/bin/python3
"""Writes the parity cases for the vision / audio encoders and projectors (FastAV.Live.Models.Tests).

Usage: /usr/bin/python3 encoder_cases.py OUT_DIR   ->  OUT_DIR/encoder_cases.json + OUT_DIR/<case>.bin

Each case: tiny random weights (seeded), its config, and runs (inputs with every module output).
<case>.bin holds float32 little-endian tensors back to back; the manifest gives each tensor's
element offset and shape: "weights" by Hugging Face name, "tensors" as "<run>/<what>".
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mlp_projector import MlpProjector  # noqa: E402
from vit_vision_encoder import VisionModel, features, patch_grid, pool_grid, randomize_norms  # noqa: E402
from whisper_audio_encoder import WhisperEncoder, fit_window, pool_time, silence_value, window_frames  # noqa: E402

torch.set_num_threads(1)

VISION_CASES = [
    # SigLIP, 4x4 patch grid, pooled 2x2 before the projector; runs at the native size, a larger
    # non-square size (bicubic position interpolation to 6x5) and a smaller one (2x3).
    dict(name="siglip_pool", kind="siglip", hidden_size=32, intermediate_size=48, num_hidden_layers=2,
         num_attention_heads=4, num_channels=3, image_size=16, patch_size=4, layer_norm_eps=1e-6,
         hidden_act="gelu_pytorch_tanh", feature_layer=None, pooled_grid=[2, 2], pool_after_projector=False,
         projector=dict(hidden=40, out=48, act="gelu", prefix="multi_modal_projector", first="linear_1", second="linear_2"),
         runs=[[2, 16, 16], [1, 24, 20], [3, 8, 12]], seed=11),
    # SigLIP with an odd head dim (36 / 4 = 9), features from hidden_states[-2], no pooling; one run whose
    # size is not a multiple of the patch (the conv drops the remainder).
    dict(name="siglip_odd_heads", kind="siglip", hidden_size=36, intermediate_size=40, num_hidden_layers=3,
         num_attention_heads=4, num_channels=3, image_size=12, patch_size=3, layer_norm_eps=1e-6,
         hidden_act="gelu_pytorch_tanh", feature_layer=-2, pooled_grid=None, pool_after_projector=False,
         projector=dict(hidden=36, out=20, act="gelu_pytorch_tanh", prefix="model.mm_projector", first="0", second="2"),
         runs=[[1, 12, 12], [2, 18, 15], [1, 13, 14]], seed=12),
    # CLIP: class token, pre_layrnorm, quick_gelu, head dim 7, features hidden_states[-2] without the class
    # token, pooled 2x2 after the projector.
    dict(name="clip_pool_after", kind="clip", hidden_size=42, intermediate_size=64, num_hidden_layers=2,
         num_attention_heads=6, num_channels=3, image_size=14, patch_size=7, layer_norm_eps=1e-5,
         hidden_act="quick_gelu", feature_layer=-2, pooled_grid=[2, 2], pool_after_projector=True,
         projector=dict(hidden=32, out=24, act="gelu", prefix="multi_modal_projector", first="linear_1", second="linear_2"),
         runs=[[1, 14, 14], [2, 21, 28]], seed=13),
    # CLIP model output (last_hidden_state, class token kept, no post-norm: Hugging Face norms only the pooled
    # class token), no pooling; a 5x5 grid and a non-square 6x4 one.
    dict(name="clip_full", kind="clip", hidden_size=24, intermediate_size=30, num_hidden_layers=1,
         num_attention_heads=3, num_channels=3, image_size=10, patch_size=2, layer_norm_eps=1e-5,
         hidden_act="quick_gelu", feature_layer=None, keep_class_token=True, pooled_grid=None, pool_after_projector=False,
         projector=dict(hidden=24, out=16, act="gelu", prefix="multi_modal_projector", first="linear_1", second="linear_2"),
         runs=[[2, 10, 10], [1, 12, 8]], seed=14),
]

AUDIO_CASES = [
    # 80 mels, positions stored in the checkpoint, 25 tokens/s (pairs of positions); a full 1 s window,
    # a short 0.5 s window (37 of 50 frames: padded with silence) and an over-long one (trimmed).
    dict(name="whisper80", num_mel_bins=80, d_model=32, encoder_layers=2, encoder_attention_heads=4,
         encoder_ffn_dim=64, max_source_positions=64, positions_in_weights=True, prefix="encoder",
         tokens_per_second=25, pad_to_seconds=None,
         projector=dict(hidden=40, out=40, act="gelu", prefix="audio_projector", first="linear_1", second="linear_2"),
         runs=[[1.0, 100], [0.5, 37], [1.0, 130]], seed=21),
    # 128 mels, head dim 9, positions computed (not in the checkpoint), 10 tokens/s (groups of 5; 0.37 s ->
    # 19 positions -> 4 tokens, the last one from 4 positions).
    dict(name="whisper128", num_mel_bins=128, d_model=36, encoder_layers=2, encoder_attention_heads=4,
         encoder_ffn_dim=48, max_source_positions=100, positions_in_weights=False, prefix="model.encoder",
         tokens_per_second=10, pad_to_seconds=None,
         projector=dict(hidden=36, out=28, act="gelu", prefix="audio_projector", first="linear_1", second="linear_2"),
         runs=[[1.0, 100], [0.37, 37], [2.0, 200]], seed=22),
    # Windows padded to a fixed 1.2 s encoder input (as models trained only on full-length input need);
    # only the window's own positions are kept. 50 tokens/s: no pooling.
    dict(name="whisper_padded", num_mel_bins=80, d_model=24, encoder_layers=1, encoder_attention_heads=2,
         encoder_ffn_dim=32, max_source_positions=60, positions_in_weights=True, prefix="encoder",
         tokens_per_second=50, pad_to_seconds=1.2,
         projector=dict(hidden=24, out=24, act="gelu_pytorch_tanh", prefix="audio_projector", first="linear_1", second="linear_2"),
         runs=[[0.5, 50], [1.0, 90]], seed=23),
]


class Writer:
    def __init__(self, path):
        self.file = open(path, "wb")
        self.offset = 0

    def put(self, tensor):
        t = tensor.detach().to(torch.float32).contiguous()
        entry = {"offset": self.offset, "shape": list(t.shape)}
        self.file.write(t.numpy().astype("<f4").tobytes())
        self.offset += t.numel()
        return entry

    def close(self):
        self.file.close()


def projector_for(p, in_features):
    return MlpProjector(in_features, p["hidden"], p["out"], p["act"], p["first"], p["second"])


def weights_of(module, prefix, writer, skip=()):
    out = {}
    for name, value in module.state_dict().items():
        full = prefix + name
        if any(full.endswith(s) for s in skip):
            continue
        out[full] = writer.put(value)
    return out


def vision_case(cfg, out_dir):
    torch.manual_seed(cfg["seed"])
    gen = torch.Generator().manual_seed(cfg["seed"] + 1000)
    model = VisionModel(cfg).eval()
    randomize_norms(model, gen)
    with torch.no_grad():
        model.vision_model.embeddings.position_embedding.weight.mul_(0.5)
    p = cfg["projector"]
    projector = projector_for(p, cfg["hidden_size"]).eval()
    writer = Writer(os.path.join(out_dir, cfg["name"] + ".bin"))
    weights = weights_of(model, "", writer)
    weights.update(weights_of(projector, p["prefix"] + ".", writer))
    tensors = {}
    runs = []
    with torch.no_grad():
        for i, (frames, height, width) in enumerate(cfg["runs"]):
            run = "run%d" % i
            pixels = torch.randn(frames, cfg["num_channels"], height, width, generator=gen)
            emb, hidden_states, last = model(pixels)
            feats = features(cfg, hidden_states, last)
            rows, cols = patch_grid(cfg, height, width)
            got = {"pixels": pixels, "embeddings": emb, "layer0": hidden_states[1], "last_hidden_state": last,
                   "features": feats}
            grid = cfg["pooled_grid"]
            if grid is None:
                block = projector(feats)
            elif cfg["pool_after_projector"]:
                block = pool_grid(projector(feats), rows, cols, grid[0], grid[1])
            else:
                got["pooled"] = pool_grid(feats, rows, cols, grid[0], grid[1])
                block = projector(got["pooled"])
            got["block"] = block.reshape(-1, p["out"])
            for key, value in got.items():
                tensors[run + "/" + key] = writer.put(value)
            runs.append({"name": run, "frames": frames, "height": height, "width": width, "grid": [rows, cols]})
    writer.close()
    config = {k: v for k, v in cfg.items() if k not in ("runs", "seed", "name")}
    return {"name": cfg["name"], "modality": "vision", "config": config, "weights": weights, "tensors": tensors, "runs": runs}


def audio_case(cfg, out_dir):
    torch.manual_seed(cfg["seed"])
    gen = torch.Generator().manual_seed(cfg["seed"] + 1000)
    encoder = WhisperEncoder(cfg).eval()
    randomize_norms(encoder, gen)
    p = cfg["projector"]
    projector = projector_for(p, cfg["d_model"]).eval()
    writer = Writer(os.path.join(out_dir, cfg["name"] + ".bin"))
    skip = () if cfg["positions_in_weights"] else ("embed_positions.weight",)
    weights = weights_of(encoder, cfg["prefix"] + ".", writer, skip)
    weights.update(weights_of(projector, p["prefix"] + ".", writer))
    kernel = 50 // cfg["tokens_per_second"]
    tensors = {}
    runs = []
    with torch.no_grad():
        for i, (seconds, frames) in enumerate(cfg["runs"]):
            run = "run%d" % i
            # Normalised log-mel values live in about [-1.5, 1.5].
            mel = torch.rand(cfg["num_mel_bins"], frames, generator=gen) * 3 - 1.5
            target = window_frames(seconds)
            window = fit_window(mel, target)
            encoder_input = window
            if cfg["pad_to_seconds"] is not None:
                encoder_input = fit_window(window, window_frames(cfg["pad_to_seconds"]), silence_value(window))
            emb, hidden_states, last = encoder(encoder_input.unsqueeze(0))
            positions = math.ceil(target / 2)
            last = last[:, :positions]
            pooled = pool_time(last, kernel)
            block = projector(pooled)[0]
            got = {"mel": mel, "encoder_input": encoder_input, "embeddings": emb[0], "layer0": hidden_states[1][0],
                   "last_hidden_state": last[0], "pooled": pooled[0], "block": block}
            for key, value in got.items():
                tensors[run + "/" + key] = writer.put(value)
            runs.append({"name": run, "seconds": seconds, "frames": frames, "positions": positions,
                         "tokens": block.shape[0]})
    writer.close()
    config = {k: v for k, v in cfg.items() if k not in ("runs", "seed", "name")}
    return {"name": cfg["name"], "modality": "audio", "config": config, "weights": weights, "tensors": tensors, "runs": runs}


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    cases = [vision_case(c, out_dir) for c in VISION_CASES] + [audio_case(c, out_dir) for c in AUDIO_CASES]
    with open(os.path.join(out_dir, "encoder_cases.json"), "w") as f:
        json.dump({"cases": cases}, f)


if __name__ == "__main__":
    main()
