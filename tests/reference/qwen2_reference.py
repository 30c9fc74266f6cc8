#!/usr/bin/python3
"""Plain-PyTorch reference of the Qwen2 / LLaMA decoder (the Hugging Face Qwen2 math, eager attention).

Written from the model's definition, not from the C# code: [batch=1, heads, tokens, head_dim] layout,
RoPE applied to q and k by rotate_half, repeat_kv for grouped-query attention, an explicit additive
mask, softmax in float32. A per-layer "past" holds the cached tokens' keys before RoPE, their values
and positions, so that subsets of the cache and re-indexed positions can be expressed in the math.

Usage: qwen2_reference.py SPEC.json OUT_DIR   (the C# tests write SPEC.json; see DecoderCase.cs)
For every case of the spec it writes OUT_DIR/<name>.json (names, dtypes, shapes, offsets) and
OUT_DIR/<name>.bin (little-endian raw data): the random weights under their Hugging Face names,
the inputs ("in.*") and the reference outputs ("out.*").
"""
import json
import math
import os
import sys

import torch


# ---- configuration -------------------------------------------------------------------------------

class Config:
    def __init__(self, d):
        self.hidden_size = d["hidden_size"]
        self.intermediate_size = d["intermediate_size"]
        self.num_hidden_layers = d["num_hidden_layers"]
        self.num_attention_heads = d["num_attention_heads"]
        self.num_key_value_heads = d["num_key_value_heads"]
        self.head_dim = d.get("head_dim") or self.hidden_size // self.num_attention_heads
        self.rms_norm_eps = d["rms_norm_eps"]
        self.rope_theta = d["rope_theta"]
        self.rope_scaling = d.get("rope_scaling")
        self.max_position_embeddings = d.get("max_position_embeddings", 2048)
        self.vocab_size = d["vocab_size"]
        self.tie_word_embeddings = d["tie_word_embeddings"]
        self.attention_bias = d["attention_bias"]


# ---- modules -------------------------------------------------------------------------------------

def rms_norm(x, weight, eps):
    dtype = x.dtype
    h = x.to(torch.float32)
    variance = h.pow(2).mean(-1, keepdim=True)
    h = h * torch.rsqrt(variance + eps)
    return weight * h.to(dtype)


def rope_inv_freq(cfg, seq_len):
    """inv_freq [head_dim/2] for the configured scaling (seq_len matters only for 'dynamic')."""
    dim = cfg.head_dim
    base = cfg.rope_theta
    scaling = cfg.rope_scaling or {}
    kind = scaling.get("rope_type", scaling.get("type", "default"))
    if kind == "dynamic":
        factor = scaling["factor"]
        max_pos = cfg.max_position_embeddings
        if seq_len > max_pos:
            base = base * ((factor * seq_len / max_pos) - (factor - 1)) ** (dim / (dim - 2))
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    if kind == "linear":
        inv_freq = inv_freq / scaling["factor"]
    elif kind == "llama3":
        factor = scaling["factor"]
        low = scaling["low_freq_factor"]
        high = scaling["high_freq_factor"]
        old_len = scaling["original_max_position_embeddings"]
        low_wavelen = old_len / low
        high_wavelen = old_len / high
        wavelen = 2 * math.pi / inv_freq
        scaled = torch.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
        smooth = (old_len / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv_freq = torch.where(medium, smoothed, scaled)
    return inv_freq


def rope_cos_sin(cfg, position_ids, seq_len):
    """cos, sin [1, tokens, head_dim] for position_ids [1, tokens]."""
    inv_freq = rope_inv_freq(cfg, seq_len)
    inv_freq_expanded = inv_freq[None, :, None].float()
    position_ids_expanded = position_ids[:, None, :].float()
    freqs = (inv_freq_expanded @ position_ids_expanded).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rope(x, cos, sin):
    """x [1, heads, tokens, head_dim]."""
    cos = cos.unsqueeze(1)
    sin = sin.unsqueeze(1)
    return (x * cos) + (rotate_half(x) * sin)


def repeat_kv(x, n_rep):
    batch, kv_heads, tokens, head_dim = x.shape
    if n_rep == 1:
        return x
    x = x[:, :, None, :, :].expand(batch, kv_heads, n_rep, tokens, head_dim)
    return x.reshape(batch, kv_heads * n_rep, tokens, head_dim)


def linear(x, w, b=None):
    return torch.nn.functional.linear(x, w, b)


def attention(cfg, W, prefix, x, positions, past=None):
    """x [1, T, hidden], positions [T] int64. past = (raw_k [1, Hkv, S, D], v [1, Hkv, S, D], positions [S]).
    Returns output [1, T, hidden], probs [1, H, T, S+T], raw_k, v (this block's), rotated q [1, H, T, D]."""
    bsz, T, _ = x.shape
    H, Hkv, D = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
    bias = (lambda n: W[prefix + n + ".bias"]) if cfg.attention_bias else (lambda n: None)
    q = linear(x, W[prefix + "q_proj.weight"], bias("q_proj")).view(bsz, T, H, D).transpose(1, 2)
    k = linear(x, W[prefix + "k_proj.weight"], bias("k_proj")).view(bsz, T, Hkv, D).transpose(1, 2)
    v = linear(x, W[prefix + "v_proj.weight"], bias("v_proj")).view(bsz, T, Hkv, D).transpose(1, 2)
    new_k, new_v = k, v
    if past is not None:
        k = torch.cat([past[0], k], dim=2)
        v = torch.cat([past[1], v], dim=2)
        key_positions = torch.cat([past[2], positions])
    else:
        key_positions = positions
    S = k.shape[2]
    seq_len = int(torch.cat([key_positions, positions]).max()) + 1
    cos_q, sin_q = rope_cos_sin(cfg, positions[None, :], seq_len)
    cos_k, sin_k = rope_cos_sin(cfg, key_positions[None, :], seq_len)
    q = apply_rope(q, cos_q, sin_q)
    k = apply_rope(k, cos_k, sin_k)
    k = repeat_kv(k, H // Hkv)
    v = repeat_kv(v, H // Hkv)
    scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(D)
    # cached tokens are all visible; the new block is causal in its own order
    past_len = S - T
    mask = torch.zeros(T, S)
    for i in range(T):
        mask[i, past_len + i + 1:] = float("-inf")
    scores = scores + mask
    probs = torch.softmax(scores.float(), dim=-1).to(q.dtype)
    out = torch.matmul(probs, v).transpose(1, 2).reshape(bsz, T, H * D)
    out = linear(out, W[prefix + "o_proj.weight"])
    return out, probs, new_k, new_v, q


def mlp(W, prefix, x):
    gate = linear(x, W[prefix + "gate_proj.weight"])
    up = linear(x, W[prefix + "up_proj.weight"])
    return linear(torch.nn.functional.silu(gate) * up, W[prefix + "down_proj.weight"])


def decoder_layer(cfg, W, i, x, positions, past=None):
    p = "model.layers.%d." % i
    residual = x
    h = rms_norm(x, W[p + "input_layernorm.weight"], cfg.rms_norm_eps)
    h, probs, k, v, _ = attention(cfg, W, p + "self_attn.", h, positions, past)
    h = residual + h
    residual = h
    h = rms_norm(h, W[p + "post_attention_layernorm.weight"], cfg.rms_norm_eps)
    h = residual + mlp(W, p + "mlp.", h)
    return h, probs, k, v


def lm_head(cfg, W):
    return W["model.embed_tokens.weight"] if cfg.tie_word_embeddings else W["lm_head.weight"]


def forward(cfg, W, ids, positions, pasts=None, drop_at=None, keep=None, last_only=False):
    """Full model. pasts: per-layer past or None. drop_at/keep: from layer drop_at on, only rows keep
    of the block go on. Returns logits [T', vocab] (only the last row with last_only), per-layer
    probs, per-layer (raw_k, v, positions)."""
    h = W["model.embed_tokens.weight"][ids][None]
    probs_all, kv = [], []
    pos = positions
    for i in range(cfg.num_hidden_layers):
        if drop_at is not None and i == drop_at:
            h = h[:, keep]
            pos = pos[keep]
        past = pasts[i] if pasts is not None else None
        h, probs, k, v = decoder_layer(cfg, W, i, h, pos, past)
        probs_all.append(probs)
        kv.append((k, v, pos))
    if last_only:
        h = h[:, -1:]
    h = rms_norm(h, W["model.norm.weight"], cfg.rms_norm_eps)
    return linear(h, lm_head(cfg, W))[0], probs_all, kv


def last_query_row(probs):
    """probs [1, H, T, S] -> the last query's row averaged over heads [S]."""
    return probs[0, :, -1, :].mean(0)


# ---- case generation -----------------------------------------------------------------------------

def random_weights(cfg, gen):
    H, Hkv, D = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
    d, m, vocab = cfg.hidden_size, cfg.intermediate_size, cfg.vocab_size
    W = {}

    def rnd(*shape, scale):
        return torch.randn(*shape, generator=gen) * scale

    W["model.embed_tokens.weight"] = rnd(vocab, d, scale=1.0)
    for i in range(cfg.num_hidden_layers):
        p = "model.layers.%d." % i
        W[p + "input_layernorm.weight"] = 1.0 + rnd(d, scale=0.1)
        W[p + "post_attention_layernorm.weight"] = 1.0 + rnd(d, scale=0.1)
        W[p + "self_attn.q_proj.weight"] = rnd(H * D, d, scale=d ** -0.5)
        W[p + "self_attn.k_proj.weight"] = rnd(Hkv * D, d, scale=d ** -0.5)
        W[p + "self_attn.v_proj.weight"] = rnd(Hkv * D, d, scale=d ** -0.5)
        if cfg.attention_bias:
            W[p + "self_attn.q_proj.bias"] = rnd(H * D, scale=0.1)
            W[p + "self_attn.k_proj.bias"] = rnd(Hkv * D, scale=0.1)
            W[p + "self_attn.v_proj.bias"] = rnd(Hkv * D, scale=0.1)
        W[p + "self_attn.o_proj.weight"] = rnd(d, H * D, scale=(H * D) ** -0.5)
        W[p + "mlp.gate_proj.weight"] = rnd(m, d, scale=d ** -0.5)
        W[p + "mlp.up_proj.weight"] = rnd(m, d, scale=d ** -0.5)
        W[p + "mlp.down_proj.weight"] = rnd(d, m, scale=m ** -0.5)
    W["model.norm.weight"] = 1.0 + rnd(d, scale=0.1)
    if not cfg.tie_word_embeddings:
        W["lm_head.weight"] = rnd(vocab, d, scale=d ** -0.5)
    return W


def sorted_subset(n, count, gen):
    return torch.sort(torch.randperm(n, generator=gen)[:count]).values


def run_case(case):
    cfg = Config(case["config"])
    gen = torch.Generator().manual_seed(case["seed"])
    W = random_weights(cfg, gen)
    out = dict(W)
    L, d, vocab = cfg.num_hidden_layers, cfg.hidden_size, cfg.vocab_size
    P, B = case["prompt_len"], case["block_len"]

    # modules of layer 0 on a random hidden state with arbitrary (gapped, increasing) positions
    T = P
    x = torch.randn(1, T, d, generator=gen)
    positions = torch.cumsum(torch.randint(1, 4, (T,), generator=gen), 0) + 3
    p0 = "model.layers.0."
    out["in.x"] = x[0]
    out["in.positions"] = positions
    out["out.rmsnorm"] = rms_norm(x, W[p0 + "input_layernorm.weight"], cfg.rms_norm_eps)[0]
    bias = W.get(p0 + "self_attn.q_proj.bias")
    q = linear(x, W[p0 + "self_attn.q_proj.weight"], bias).view(1, T, cfg.num_attention_heads, cfg.head_dim).transpose(1, 2)
    cos, sin = rope_cos_sin(cfg, positions[None, :], int(positions.max()) + 1)
    out["out.rope_q"] = apply_rope(q, cos, sin)[0].transpose(0, 1)  # [T, H, D]
    attn, probs, _, _, _ = attention(cfg, W, p0 + "self_attn.", x, positions)
    out["out.attention"] = attn[0]
    out["out.attention_last_row"] = last_query_row(probs)
    out["out.mlp"] = mlp(W, p0 + "mlp.", x)[0]
    out["out.layer"] = decoder_layer(cfg, W, 0, x, positions)[0][0]

    # prompt, then a block on top of it (reference: the whole sequence at once)
    prompt = torch.randint(0, vocab, (P,), generator=gen)
    block = torch.randint(0, vocab, (B,), generator=gen)
    out["in.prompt_ids"] = prompt
    out["in.block_ids"] = block
    logits, _, prompt_kv = forward(cfg, W, prompt, torch.arange(P))
    out["out.prompt_logits"] = logits
    whole, _, _ = forward(cfg, W, torch.cat([prompt, block]), torch.arange(P + B))
    out["out.block_logits"] = whole[P:]
    # the same block on the prompt's per-layer past (differs from the above only for dynamic RoPE,
    # whose theta depends on the attended length)
    cached, _, _ = forward(cfg, W, block, torch.arange(P, P + B), prompt_kv)
    out["out.block_logits_cached"] = cached

    # greedy generation from the prompt, full recomputation each step
    seq = prompt.clone()
    for _ in range(case["greedy_steps"]):
        logits, _, _ = forward(cfg, W, seq, torch.arange(seq.shape[0]))
        seq = torch.cat([seq, logits[-1].argmax().view(1)])
    out["out.greedy_ids"] = seq[P:]

    # per-layer subsets of the prompt's cache, re-indexed to compact positions, then the block
    pasts = []
    for i in range(L):
        count = int(torch.randint(1, P + 1, (1,), generator=gen))
        keep = sorted_subset(P, count, gen)
        new_pos = torch.arange(count) + 2 * i
        out["in.subset.%d" % i] = keep
        out["in.subset_positions.%d" % i] = new_pos
        k, v, _ = prompt_kv[i]
        pasts.append((k[:, :, keep], v[:, :, keep], new_pos))
    block_pos = torch.arange(B) + P + 5
    out["in.block_positions"] = block_pos
    logits, probs, _ = forward(cfg, W, block, block_pos, pasts)
    out["out.subset_logits"] = logits
    for i in range(L):
        out["out.subset_last_row.%d" % i] = last_query_row(probs[i])

    # the block drops tokens at layer K (the last one always stays), then one decode step
    K = case["drop_layer"]
    keep = torch.cat([sorted_subset(B - 1, max(1, (B - 1) // 2), gen), torch.tensor([B - 1])])
    out["in.drop_keep"] = keep
    pasts = [(k, v, pos) for (k, v, pos) in prompt_kv]
    logits, _, block_kv = forward(cfg, W, block, torch.arange(P, P + B), pasts, drop_at=K, keep=keep)
    out["out.drop_logits"] = logits
    pasts = [(torch.cat([pk, bk], 2), torch.cat([pv, bv], 2), torch.cat([pp, bp]))
             for (pk, pv, pp), (bk, bv, bp) in zip(prompt_kv, block_kv)]
    next_id = torch.randint(0, vocab, (1,), generator=gen)
    out["in.next_id"] = next_id
    logits, probs, _ = forward(cfg, W, next_id, torch.tensor([P + B]), pasts)
    out["out.drop_next_logits"] = logits
    for i in range(L):
        out["out.drop_next_last_row.%d" % i] = last_query_row(probs[i])
    return out


def write_tensors(path_stem, tensors):
    manifest, offset = {}, 0
    with open(path_stem + ".bin", "wb") as f:
        for name, t in tensors.items():
            t = t.detach().contiguous()
            if t.dtype == torch.int64:
                dtype, data = "i64", t.numpy().astype("<i8").tobytes()
            else:
                dtype, data = "f32", t.to(torch.float32).numpy().astype("<f4").tobytes()
            manifest[name] = {"dtype": dtype, "shape": list(t.shape), "offset": offset}
            f.write(data)
            offset += len(data)
    with open(path_stem + ".json", "w") as f:
        json.dump(manifest, f)


def main():
    spec_path, out_dir = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    with open(spec_path) as f:
        spec = json.load(f)
    os.makedirs(out_dir, exist_ok=True)
    for case in spec["cases"]:
        with torch.no_grad():
            write_tensors(os.path.join(out_dir, case["name"]), run_case(case))


if __name__ == "__main__":
    main()
