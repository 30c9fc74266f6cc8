"""Reference SigLIP / CLIP vision transformer in plain PyTorch, following the math of Hugging Face's
SiglipVisionModel and CLIPVisionModel (transformers 4.4x). Submodule names reproduce the Hugging Face
state-dict names under "vision_model." so the weights written from here load by their real names.

Differences between the two families (all from the Hugging Face modeling files):
  SigLIP: patch conv with bias, no class token, no pre-norm, post_layernorm on every token of
          last_hidden_state, hidden_act gelu_pytorch_tanh.
  CLIP:   patch conv without bias, class token (and one more position), pre_layrnorm before the
          encoder, post_layernorm only on the pooled class token (so last_hidden_state is the raw
          encoder output), hidden_act quick_gelu.
Positions for another image size: the square table is resized with bicubic interpolation
(align_corners=False) to the new patch grid; CLIP keeps its class position as is.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def activation(name):
    if name == "gelu":
        return lambda x: F.gelu(x)
    if name in ("gelu_pytorch_tanh", "gelu_new", "gelu_tanh"):
        return lambda x: F.gelu(x, approximate="tanh")
    if name == "quick_gelu":
        return lambda x: x * torch.sigmoid(1.702 * x)
    raise ValueError("unknown activation " + name)


class Embeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.clip = cfg["kind"] == "clip"
        self.patch_size = cfg["patch_size"]
        d = cfg["hidden_size"]
        self.patch_embedding = nn.Conv2d(cfg["num_channels"], d, self.patch_size, self.patch_size, bias=not self.clip)
        side = cfg["image_size"] // self.patch_size
        self.side = side
        self.position_embedding = nn.Embedding(side * side + (1 if self.clip else 0), d)
        if self.clip:
            self.class_embedding = nn.Parameter(torch.randn(d))

    def positions(self, rows, cols):
        table = self.position_embedding.weight  # [positions, d]
        d = table.shape[-1]
        extra = 1 if self.clip else 0
        patch_table = table[extra:]
        if rows != self.side or cols != self.side:
            grid = patch_table.reshape(1, self.side, self.side, d).permute(0, 3, 1, 2)
            grid = F.interpolate(grid, size=(rows, cols), mode="bicubic", align_corners=False)
            patch_table = grid.permute(0, 2, 3, 1).reshape(rows * cols, d)
        if self.clip:
            return torch.cat([table[:1], patch_table], dim=0)
        return patch_table

    def forward(self, pixels):  # [frames, C, H, W]
        x = self.patch_embedding(pixels)  # [frames, d, rows, cols]
        rows, cols = x.shape[2], x.shape[3]
        x = x.flatten(2).transpose(1, 2)  # [frames, rows*cols, d]
        if self.clip:
            cls = self.class_embedding.expand(x.shape[0], 1, -1)
            x = torch.cat([cls, x], dim=1)
        return x + self.positions(rows, cols).unsqueeze(0)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.head_dim = d // heads
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)

    def forward(self, x):  # [b, t, d]
        b, t, d = x.shape

        def split(y):
            return y.view(b, t, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) * (self.head_dim ** -0.5)
        probs = torch.softmax(scores.float(), dim=-1).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, d)
        return self.out_proj(out)


class Mlp(nn.Module):
    def __init__(self, d, inner, act):
        super().__init__()
        self.fc1 = nn.Linear(d, inner)
        self.fc2 = nn.Linear(inner, d)
        self.act = activation(act)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class EncoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.layer_norm1 = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.self_attn = Attention(d, cfg["num_attention_heads"])
        self.layer_norm2 = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.mlp = Mlp(d, cfg["intermediate_size"], cfg["hidden_act"])

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.mlp(self.layer_norm2(x))


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layers = nn.ModuleList([EncoderLayer(cfg) for _ in range(cfg["num_hidden_layers"])])


class VisionTransformer(nn.Module):
    """Hidden states as Hugging Face returns them: hidden_states[0] is the encoder input,
    hidden_states[i] the output of layer i; last_hidden_state per family (see module doc)."""

    def __init__(self, cfg):
        super().__init__()
        self.clip = cfg["kind"] == "clip"
        d = cfg["hidden_size"]
        self.embeddings = Embeddings(cfg)
        if self.clip:
            self.pre_layrnorm = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.encoder = Encoder(cfg)
        self.post_layernorm = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])

    def forward(self, pixels):
        emb = self.embeddings(pixels)
        x = self.pre_layrnorm(emb) if self.clip else emb
        hidden_states = [x]
        for layer in self.encoder.layers:
            x = layer(x)
            hidden_states.append(x)
        last = x if self.clip else self.post_layernorm(x)
        return emb, hidden_states, last


class VisionModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.vision_model = VisionTransformer(cfg)

    def forward(self, pixels):
        return self.vision_model(pixels)


def randomize_norms(module, generator):
    """LayerNorm weights away from 1/0, so a missing or swapped norm shows up in the outputs."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.copy_(1 + 0.2 * torch.randn(m.weight.shape, generator=generator))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=generator))


def features(cfg, hidden_states, last):
    """What a VLM takes from the tower: hidden_states[feature_layer] (None = last_hidden_state),
    without the class token unless keep_class_token."""
    layer = cfg.get("feature_layer")
    x = last if layer is None else hidden_states[layer]
    if cfg["kind"] == "clip" and not cfg.get("keep_class_token", False):
        x = x[:, 1:]
    return x


def pool_grid(tokens, rows, cols, out_rows, out_cols):
    """[frames, rows*cols, d] -> [frames, out_rows*out_cols, d] by adaptive 2-D average pooling."""
    f, _, d = tokens.shape
    grid = tokens.reshape(f, rows, cols, d).permute(0, 3, 1, 2)
    pooled = F.adaptive_avg_pool2d(grid, (out_rows, out_cols))
    return pooled.flatten(2).transpose(1, 2)


def patch_grid(cfg, height, width):
    p = cfg["patch_size"]
    return height // p, width // p

