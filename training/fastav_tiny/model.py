"""FastAV-Tiny in PyTorch: SigLIP-style ViT + Whisper-style audio encoder + MLP projectors +
Qwen2-style decoder, with Hugging Face parameter names (state_dict keys are the export names).

Shapes: pixel_values [N, 3, S, S] in [-1, 1]; input_features [N, 80, 100] (log-mel of one 1 s
window); decoder hidden [B, L, D].
"""
from __future__ import annotations

import math
from dataclasses import dataclass, asdict

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class VisionConfig:
    hidden_size: int = 48
    intermediate_size: int = 96
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    num_channels: int = 3
    image_size: int = 32
    patch_size: int = 8
    hidden_act: str = "gelu_pytorch_tanh"
    layer_norm_eps: float = 1e-6
    model_type: str = "siglip_vision_model"


@dataclass
class AudioConfig:
    d_model: int = 48
    encoder_ffn_dim: int = 96
    encoder_layers: int = 1
    encoder_attention_heads: int = 2
    num_mel_bins: int = 80
    max_source_positions: int = 50  # 1 s = 100 mel frames, conv2 stride 2
    activation_function: str = "gelu"
    layer_norm_eps: float = 1e-5
    model_type: str = "whisper_encoder"


@dataclass
class TextConfig:
    vocab_size: int = 432
    hidden_size: int = 64
    intermediate_size: int = 176
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    num_key_value_heads: int = 2
    max_position_embeddings: int = 1024
    rms_norm_eps: float = 1e-6
    rope_theta: float = 10000.0
    tie_word_embeddings: bool = True
    hidden_act: str = "silu"


@dataclass
class MediaConfig:
    frames_per_window: int = 2
    tokens_per_frame: int = 4  # 4x4 patch grid avg-pooled 2x2
    audio_tokens_per_second: int = 5  # 50 encoder positions avg-pooled by 10


def _heads(x: torch.Tensor, n: int) -> torch.Tensor:
    b, l, d = x.shape
    return x.view(b, l, n, d // n).transpose(1, 2)


class BiAttention(nn.Module):
    """Bidirectional multi-head attention with q/k/v/out projections (SigLIP / Whisper names)."""

    def __init__(self, dim: int, heads: int, k_bias: bool = True):
        super().__init__()
        self.heads = heads
        self.q_proj = nn.Linear(dim, dim)
        self.k_proj = nn.Linear(dim, dim, bias=k_bias)
        self.v_proj = nn.Linear(dim, dim)
        self.out_proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, l, d = x.shape
        q, k, v = (_heads(p(x), self.heads) for p in (self.q_proj, self.k_proj, self.v_proj))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads), dim=-1)
        return self.out_proj((att @ v).transpose(1, 2).reshape(b, l, d))


class SiglipMlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


class SiglipLayer(nn.Module):
    def __init__(self, c: VisionConfig):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.self_attn = BiAttention(c.hidden_size, c.num_attention_heads)
        self.layer_norm2 = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.mlp = SiglipMlp(c.hidden_size, c.intermediate_size)

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.mlp(self.layer_norm2(x))


class SiglipEmbeddings(nn.Module):
    def __init__(self, c: VisionConfig):
        super().__init__()
        self.patch_embedding = nn.Conv2d(c.num_channels, c.hidden_size, c.patch_size, stride=c.patch_size)
        self.position_embedding = nn.Embedding((c.image_size // c.patch_size) ** 2, c.hidden_size)

    def forward(self, pixel_values):
        x = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)  # [N, P, D], row-major patches
        return x + self.position_embedding.weight[None]


class SiglipEncoder(nn.Module):
    def __init__(self, c: VisionConfig):
        super().__init__()
        self.layers = nn.ModuleList(SiglipLayer(c) for _ in range(c.num_hidden_layers))


class SiglipVisionModel(nn.Module):
    def __init__(self, c: VisionConfig):
        super().__init__()
        self.embeddings = SiglipEmbeddings(c)
        self.encoder = SiglipEncoder(c)
        self.post_layernorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, pixel_values):
        x = self.embeddings(pixel_values)
        for layer in self.encoder.layers:
            x = layer(x)
        return self.post_layernorm(x)  # [N, P, Dv]


class WhisperLayer(nn.Module):
    def __init__(self, c: AudioConfig):
        super().__init__()
        self.self_attn_layer_norm = nn.LayerNorm(c.d_model, eps=c.layer_norm_eps)
        self.self_attn = BiAttention(c.d_model, c.encoder_attention_heads, k_bias=False)
        self.final_layer_norm = nn.LayerNorm(c.d_model, eps=c.layer_norm_eps)
        self.fc1 = nn.Linear(c.d_model, c.encoder_ffn_dim)
        self.fc2 = nn.Linear(c.encoder_ffn_dim, c.d_model)

    def forward(self, x):
        x = x + self.self_attn(self.self_attn_layer_norm(x))
        return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))


def sinusoids(length: int, channels: int) -> torch.Tensor:
    """Whisper's fixed position table."""
    inc = math.log(10000) / (channels // 2 - 1)
    inv = torch.exp(-inc * torch.arange(channels // 2, dtype=torch.float64))
    t = torch.arange(length, dtype=torch.float64)[:, None] * inv[None]
    return torch.cat([t.sin(), t.cos()], dim=1).float()


class WhisperEncoder(nn.Module):
    def __init__(self, c: AudioConfig):
        super().__init__()
        self.conv1 = nn.Conv1d(c.num_mel_bins, c.d_model, 3, padding=1)
        self.conv2 = nn.Conv1d(c.d_model, c.d_model, 3, stride=2, padding=1)
        self.embed_positions = nn.Embedding(c.max_source_positions, c.d_model)
        with torch.no_grad():
            self.embed_positions.weight.copy_(sinusoids(c.max_source_positions, c.d_model))
        self.embed_positions.weight.requires_grad_(False)
        self.layers = nn.ModuleList(WhisperLayer(c) for _ in range(c.encoder_layers))
        self.layer_norm = nn.LayerNorm(c.d_model, eps=c.layer_norm_eps)

    def forward(self, input_features):  # [N, 80, 100]
        x = F.gelu(self.conv1(input_features))
        x = F.gelu(self.conv2(x)).transpose(1, 2)  # [N, 50, Da]
        x = x + self.embed_positions.weight[None, : x.shape[1]]
        for layer in self.layers:
            x = layer(x)
        return self.layer_norm(x)


class Projector(nn.Module):
    """Linear-GELU-Linear (LLaVA's multi_modal_projector naming)."""

    def __init__(self, din: int, dout: int):
        super().__init__()
        self.linear_1 = nn.Linear(din, dout)
        self.linear_2 = nn.Linear(dout, dout)

    def forward(self, x):
        return self.linear_2(F.gelu(self.linear_1(x)))


class RmsNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat([-b, a], dim=-1)


def rope(positions: torch.Tensor, head_dim: int, theta: float):
    """positions [B, L] -> cos, sin [B, 1, L, head_dim] (HF Qwen2 layout: halves, not interleaved)."""
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32, device=positions.device) / head_dim))
    f = positions[..., None].float() * inv
    emb = torch.cat([f, f], dim=-1)[:, None]
    return emb.cos(), emb.sin()


class Qwen2Attention(nn.Module):
    def __init__(self, c: TextConfig):
        super().__init__()
        self.h, self.kv = c.num_attention_heads, c.num_key_value_heads
        self.hd = c.hidden_size // c.num_attention_heads
        self.q_proj = nn.Linear(c.hidden_size, self.h * self.hd)
        self.k_proj = nn.Linear(c.hidden_size, self.kv * self.hd)
        self.v_proj = nn.Linear(c.hidden_size, self.kv * self.hd)
        self.o_proj = nn.Linear(self.h * self.hd, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, mask):
        b, l, _ = x.shape
        q = self.q_proj(x).view(b, l, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, l, self.kv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, l, self.kv, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.h // self.kv
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + mask  # mask [B, 1, L, L] additive
        out = torch.softmax(att, dim=-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, l, self.h * self.hd))


class Qwen2Mlp(nn.Module):
    def __init__(self, c: TextConfig):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Qwen2Layer(nn.Module):
    def __init__(self, c: TextConfig):
        super().__init__()
        self.input_layernorm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Qwen2Attention(c)
        self.post_attention_layernorm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = Qwen2Mlp(c)

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Qwen2Model(nn.Module):
    def __init__(self, c: TextConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(Qwen2Layer(c) for _ in range(c.num_hidden_layers))
        self.norm = RmsNorm(c.hidden_size, c.rms_norm_eps)


class FastAvTiny(nn.Module):
    def __init__(self, vision: VisionConfig, audio: AudioConfig, text: TextConfig, media: MediaConfig):
        super().__init__()
        self.vc, self.ac, self.tc, self.mc = vision, audio, text, media
        self.vision_model = SiglipVisionModel(vision)
        self.encoder = WhisperEncoder(audio)
        self.vision_projector = Projector(vision.hidden_size, text.hidden_size)
        self.audio_projector = Projector(audio.d_model, text.hidden_size)
        self.model = Qwen2Model(text)
        self.apply(self._init)
        with torch.no_grad():
            self.encoder.embed_positions.weight.copy_(sinusoids(audio.max_source_positions, audio.d_model))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Conv1d, nn.Conv2d)):
            # variance-preserving (He) init: with N(0, 0.02) the Whisper convs' output was ~20x smaller
            # than the fixed sinusoidal positions it is added to, so every audio token looked alike
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    # ---- media -> LLM embeddings
    def frame_tokens(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """[N, 3, S, S] -> [N, tokens_per_frame, D]: ViT, 2-D average pool of the patch grid, projector."""
        x = self.vision_model(pixel_values)
        n, p, d = x.shape
        g = int(math.isqrt(p))
        side = int(math.isqrt(self.mc.tokens_per_frame))
        x = x.transpose(1, 2).reshape(n, d, g, g)
        x = F.adaptive_avg_pool2d(x, side).flatten(2).transpose(1, 2)  # row-major pooled cells
        return self.vision_projector(x)

    def audio_tokens(self, input_features: torch.Tensor) -> torch.Tensor:
        """[N, 80, 100] -> [N, audio_tokens_per_second, D]: encoder, 1-D average pool, projector."""
        x = self.encoder(input_features)
        x = F.adaptive_avg_pool1d(x.transpose(1, 2), self.mc.audio_tokens_per_second).transpose(1, 2)
        return self.audio_projector(x)

    # ---- decoder
    def decode(self, embeds: torch.Tensor, positions: torch.Tensor, mask: torch.Tensor,
               select: torch.Tensor | None = None) -> torch.Tensor:
        """embeds [B, L, D], positions [B, L], mask [B, 1, L, L] additive -> logits [B, L, V]
        (or [n, V] at the positions where the bool `select` [B, L] is set)."""
        cos, sin = rope(positions, self.tc.hidden_size // self.tc.num_attention_heads, self.tc.rope_theta)
        x = embeds
        for layer in self.model.layers:
            x = layer(x, cos, sin, mask)
        x = self.model.norm(x)
        if select is not None:
            x = x[select]
        return x @ self.model.embed_tokens.weight.t()

    def export_state(self) -> dict[str, torch.Tensor]:
        """HF names; lm_head is tied to model.embed_tokens (tie_word_embeddings) and not stored."""
        return {k: v.detach().contiguous() for k, v in self.state_dict().items()}


def configs_dict(m: FastAvTiny) -> dict:
    return {"vision": asdict(m.vc), "audio": asdict(m.ac), "text": asdict(m.tc), "media": asdict(m.mc)}
