"""Reference Whisper encoder in plain PyTorch, following the math of Hugging Face's WhisperEncoder
(transformers 4.4x). Submodule names reproduce the Hugging Face state-dict names under a prefix
("encoder." in WhisperModel, "model.encoder." in WhisperForConditionalGeneration).

  x = gelu(conv1(mel))                  conv1: kernel 3, padding 1
  x = gelu(conv2(x))                    conv2: kernel 3, stride 2, padding 1 -> ceil(frames / 2) positions
  x = x^T + embed_positions[:positions] (Hugging Face insists on 3000 frames and adds the whole table;
                                         for shorter live windows the first rows are the same numbers)
  each layer (pre-norm):  x += out_proj(attn(self_attn_layer_norm(x)))   k_proj has no bias
                          x += fc2(gelu(fc1(final_layer_norm(x))))
  x = layer_norm(x)
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def sinusoids(length, channels, max_timescale=10000):
    """Whisper's position table [length, channels]: sin of the first half of the channels, cos of the rest."""
    increment = math.log(max_timescale) / (channels // 2 - 1)
    inv = torch.exp(-increment * torch.arange(channels // 2))
    t = torch.arange(length)[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = d // heads
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x):  # [b, t, d]
        b, t, d = x.shape

        def split(y):
            return y.view(b, t, self.heads, self.head_dim).transpose(1, 2)

        q = split(self.q_proj(x) * (self.head_dim ** -0.5))
        k, v = split(self.k_proj(x)), split(self.v_proj(x))
        probs = torch.softmax(torch.matmul(q, k.transpose(-1, -2)), dim=-1)
        return self.out_proj(torch.matmul(probs, v).transpose(1, 2).reshape(b, t, d))


class EncoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.self_attn = Attention(d, cfg["encoder_attention_heads"])
        self.self_attn_layer_norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, cfg["encoder_ffn_dim"])
        self.fc2 = nn.Linear(cfg["encoder_ffn_dim"], d)
        self.final_layer_norm = nn.LayerNorm(d)

    def forward(self, x):
        x = x + self.self_attn(self.self_attn_layer_norm(x))
        return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))


class WhisperEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.conv1 = nn.Conv1d(cfg["num_mel_bins"], d, kernel_size=3, padding=1)
        self.conv2 = nn.Conv1d(d, d, kernel_size=3, stride=2, padding=1)
        self.embed_positions = nn.Embedding(cfg["max_source_positions"], d)
        with torch.no_grad():
            self.embed_positions.weight.copy_(sinusoids(cfg["max_source_positions"], d))
        self.layers = nn.ModuleList([EncoderLayer(cfg) for _ in range(cfg["encoder_layers"])])
        self.layer_norm = nn.LayerNorm(d)

    def forward(self, mel):  # [b, mels, frames]
        x = F.gelu(self.conv1(mel))
        x = F.gelu(self.conv2(x)).permute(0, 2, 1)
        emb = x + self.embed_positions.weight[: x.shape[1]]
        hidden_states = [emb]
        x = emb
        for layer in self.layers:
            x = layer(x)
            hidden_states.append(x)
        return emb, hidden_states, self.layer_norm(x)


def window_frames(seconds):
    """Mel frames of a window: 16 kHz, hop 160 -> 100 frames per second."""
    return int(round(seconds * 100))


def silence_value(mel):
    """What Whisper's feature extractor gives digital silence in a clip whose normalised log-mel
    peaks at max(mel): log10(1e-10) = -10 is floored at (peak - 8), then (x + 4) / 4."""
    return max(float(mel.max()) - 2.0, -1.5)


def fit_window(mel, frames, pad_value=None):
    """[mels, n] -> [mels, frames]: extra frames at the end are dropped, missing ones are padded on
    the right with the silence value (or pad_value)."""
    n = mel.shape[1]
    if n >= frames:
        return mel[:, :frames]
    value = silence_value(mel) if pad_value is None else pad_value
    return torch.cat([mel, torch.full((mel.shape[0], frames - n), value, dtype=mel.dtype)], dim=1)


def pool_time(tokens, kernel):
    """[b, t, d] -> [b, ceil(t / kernel), d]: mean of each group of `kernel` positions; a last,
    shorter group is the mean of what it has."""
    if kernel == 1:
        return tokens
    b, t, d = tokens.shape
    groups = []
    for start in range(0, t, kernel):
        groups.append(tokens[:, start:start + kernel].mean(dim=1))
    return torch.stack(groups, dim=1)
