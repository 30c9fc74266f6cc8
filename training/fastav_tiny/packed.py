"""Block-sparse packed training batches: the stream's media once, then many question blocks.

`batching.build_batch` packs questions after the stream too, but attends with a dense [L, L] mask:
with ~16 questions per stream most of that square is masked out and attention (scores, softmax,
masking) is ~80% of a step.  Here the decoder runs the token-wise parts (norms, projections, MLP)
on all tokens at once and attention in two pieces:

  media  [B, M]        causal over the media prefix (M = prefix + windows, the same for every stream)
  blocks [B, Q, lq]    each question block attends to the first ctx[b, q] media keys (the stream up to
                       its ask-window) and causally to itself; positions continue from ctx

which is exactly the attention pattern of `build_batch` (tests/test_packed.py checks the logits).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .batching import ANSWER_END, NEG, PREFIX, QUESTION_SUFFIX, window_ids
from .features import log_mel, pixel_values
from .model import FastAvTiny, rope, rotate_half
from .tokenizer import ByteBpeTokenizer
from .world import Question, Stream


@dataclass
class PackedBatch:
    media_ids: torch.Tensor  # [B, M]
    block_ids: torch.Tensor  # [B, Q, lq] (padding: 0)
    block_pos: torch.Tensor  # [B, Q, lq]
    ctx: torch.Tensor  # [B, Q] media keys visible to the block
    block_len: torch.Tensor  # [B, Q] (0 for an empty padding block)
    targets: torch.Tensor  # [B, Q, lq] next-token target, -100 where no loss
    pixels: torch.Tensor  # [B*T*F, 3, S, S]
    mel: torch.Tensor  # [B*T, 80, 100]
    answers: list[tuple[int, int, int, int, Question]]  # (row, block, start, end, question) in targets

    def to(self, device: torch.device | str) -> "PackedBatch":
        for name in ("media_ids", "block_ids", "block_pos", "ctx", "block_len", "targets", "pixels", "mel"):
            setattr(self, name, getattr(self, name).to(device))
        return self


def build_packed(streams: list[Stream], questions: list[list[Question]], tok: ByteBpeTokenizer, mc) -> PackedBatch:
    prefix, win = tok.encode(PREFIX), window_ids(tok, mc)
    media = list(prefix)
    ends = []
    for _ in range(streams[0].config.windows):
        media += win
        ends.append(len(media))
    b, nq = len(streams), max(len(qs) for qs in questions)
    blocks = [[(tok.encode(q.text + QUESTION_SUFFIX), tok.encode(q.answer + ANSWER_END), q) for q in qs] for qs in questions]
    lq = max(len(qi) + len(ai) for row in blocks for qi, ai, _ in row)
    ids = np.zeros((b, nq, lq), np.int64)
    pos = np.zeros((b, nq, lq), np.int64)
    tgt = np.full((b, nq, lq), -100, np.int64)
    ctx = np.full((b, nq), len(media), np.int64)
    blen = np.zeros((b, nq), np.int64)
    answers = []
    for r, row in enumerate(blocks):
        for k, (qi, ai, q) in enumerate(row):
            n = len(qi) + len(ai)
            ids[r, k, :n] = qi + ai
            ctx[r, k] = ends[q.window]
            pos[r, k] = ends[q.window] + np.arange(lq)
            tgt[r, k, len(qi) - 1:len(qi) - 1 + len(ai)] = ai  # position p predicts token p+1
            blen[r, k] = n
            answers.append((r, k, len(qi) - 1, len(qi) - 1 + len(ai), q))
    frames = np.stack([s.frames for s in streams])
    audio = torch.from_numpy(np.stack([s.audio for s in streams]).reshape(-1, streams[0].audio.shape[-1]))
    t = torch.from_numpy
    return PackedBatch(torch.tensor([media] * b), t(ids), t(pos), t(ctx), t(blen), t(tgt),
                       pixel_values(frames), log_mel(audio), answers)


def packed_logits(model: FastAvTiny, pb: PackedBatch, tok: ByteBpeTokenizer,
                  media: tuple[torch.Tensor, torch.Tensor], media_hidden: list | None = None) -> torch.Tensor:
    """Logits [n, V] at the answer targets (pb.targets != -100, in [B, Q, lq] order).
    With a list `media_hidden`, the final-norm decoder states of the media prefix [B, M, D] are appended to it."""
    emb = model.model.embed_tokens
    b, m = pb.media_ids.shape
    _, nq, lq = pb.block_ids.shape
    d = model.tc.hidden_size
    xm = emb(pb.media_ids).clone()
    v, a = media
    xm[pb.media_ids == tok.special_ids["<|video|>"]] = v.reshape(-1, d)
    xm[pb.media_ids == tok.special_ids["<|audio|>"]] = a.reshape(-1, d)
    x = torch.cat([xm, emb(pb.block_ids).reshape(b, nq * lq, d)], dim=1)  # [B, N, D]
    positions = torch.cat([torch.arange(m, device=x.device).expand(b, m), pb.block_pos.reshape(b, -1)], dim=1)
    hd = d // model.tc.num_attention_heads
    cos, sin = rope(positions, hd, model.tc.rope_theta)  # [B, 1, N, hd]
    dev = x.device
    causal_m = torch.ones(m, m, dtype=torch.bool, device=dev).tril()
    mask_m = torch.zeros(m, m, device=dev).masked_fill_(~causal_m, NEG)  # [M, M]
    # block -> media: key j visible when j < ctx; block -> itself: causal, padding keys never visible
    mask_bm = torch.zeros(b, nq, 1, m, device=dev).masked_fill_(
        torch.arange(m, device=dev)[None, None, None] >= pb.ctx[:, :, None, None], NEG)
    causal_q = torch.ones(lq, lq, dtype=torch.bool, device=dev).tril()
    mask_bb = torch.zeros(lq, lq, device=dev).masked_fill_(~causal_q, NEG)
    for layer in model.model.layers:
        at = layer.self_attn
        h = layer.input_layernorm(x)
        q = at.q_proj(h).view(b, -1, at.h, at.hd).transpose(1, 2)
        k = at.k_proj(h).view(b, -1, at.kv, at.hd).transpose(1, 2)
        vv = at.v_proj(h).view(b, -1, at.kv, at.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = at.h // at.kv
        k, vv = k.repeat_interleave(rep, dim=1), vv.repeat_interleave(rep, dim=1)  # [B, H, N, hd]
        scale = 1.0 / float(np.sqrt(at.hd))
        qm, km, vm = q[:, :, :m], k[:, :, :m], vv[:, :, :m]
        out_m = torch.softmax(qm @ km.transpose(-1, -2) * scale + mask_m, dim=-1) @ vm  # [B, H, M, hd]
        qb = q[:, :, m:].reshape(b, at.h, nq, lq, hd)
        kb = k[:, :, m:].reshape(b, at.h, nq, lq, hd)
        vb = vv[:, :, m:].reshape(b, at.h, nq, lq, hd)
        s_bm = (qb.reshape(b, at.h, nq * lq, hd) @ km.transpose(-1, -2)).reshape(b, at.h, nq, lq, m) * scale
        s_bm = s_bm + mask_bm[:, None]
        s_bb = qb @ kb.transpose(-1, -2) * scale + mask_bb  # [B, H, Q, lq, lq]
        p = torch.softmax(torch.cat([s_bm, s_bb], dim=-1), dim=-1)
        out_b = (p[..., :m].reshape(b, at.h, nq * lq, m) @ vm).reshape(b, at.h, nq, lq, hd) + p[..., m:] @ vb
        out = torch.cat([out_m, out_b.reshape(b, at.h, nq * lq, hd)], dim=2)  # [B, H, N, hd]
        x = x + at.o_proj(out.transpose(1, 2).reshape(b, -1, at.h * at.hd))
        x = x + layer.mlp(layer.post_attention_layernorm(x))
    if media_hidden is not None:
        media_hidden.append(model.model.norm(x[:, :m]))
    x = model.model.norm(x[:, m:].reshape(b, nq, lq, d)[pb.targets != -100])
    return x @ emb.weight.t()


def packed_loss(logits: torch.Tensor, pb: PackedBatch) -> torch.Tensor:
    return F.cross_entropy(logits, pb.targets[pb.targets != -100])


def packed_correct(logits: torch.Tensor, pb: PackedBatch) -> list[tuple[Question, bool]]:
    """Teacher-forced exact match of every answer token (== greedy decoding gives the answer)."""
    pred = torch.full_like(pb.targets, -1)
    pred[pb.targets != -100] = logits.argmax(-1)
    pred, targets = pred.cpu(), pb.targets.cpu()
    return [(q, bool((pred[r, k, s:e] == targets[r, k, s:e]).all())) for r, k, s, e, q in pb.answers]
