"""Token layout of the live prompt and packed training batches.

Stream prefix:  <|im_start|>user\\n
Each window:    <|video|> x (frames_per_window * tokens_per_frame)  <|audio|> x audio_tokens_per_second  <|window|>
Question:       {question}<|im_end|>\\n<|im_start|>assistant\\n   answer: {answer}<|im_end|>

Placeholder embeddings are replaced by the projected media tokens in order (window, frame, pooled
cell row-major; then audio tokens).  Training packs several questions after one stream: each
question block attends to the stream up to the end of its ask-window and to itself only, with
positions continuing from that window's end -- exactly the sequence the question would form on its
own (so one stream's encoders run once for all its questions).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .features import log_mel, pixel_values
from .model import FastAvTiny, MediaConfig
from .tokenizer import ByteBpeTokenizer
from .world import Question, Stream

PREFIX = "<|im_start|>user\n"
QUESTION_SUFFIX = "<|im_end|>\n<|im_start|>assistant\n"
ANSWER_END = "<|im_end|>"
NEG = -1e9


def window_ids(tok: ByteBpeTokenizer, mc: MediaConfig) -> list[int]:
    s = tok.special_ids
    return ([s["<|video|>"]] * (mc.frames_per_window * mc.tokens_per_frame)
            + [s["<|audio|>"]] * mc.audio_tokens_per_second + [s["<|window|>"]])


@dataclass
class Batch:
    ids: torch.Tensor  # [B, L]
    positions: torch.Tensor  # [B, L]
    mask: torch.Tensor  # [B, 1, L, L] additive
    targets: torch.Tensor  # [B, L] next-token target at each position, -100 where no loss
    pixels: torch.Tensor  # [B*T*F, 3, S, S]
    mel: torch.Tensor  # [B*T, 80, 100]
    answer_slices: list[tuple[int, int, int, Question]]  # (row, start, end, question): targets[row, start:end]

    def to(self, device: torch.device | str) -> "Batch":
        for name in ("ids", "positions", "mask", "targets", "pixels", "mel"):
            setattr(self, name, getattr(self, name).to(device))
        return self


def build_batch(streams: list[Stream], questions: list[list[Question]], tok: ByteBpeTokenizer, mc: MediaConfig) -> Batch:
    prefix, win = tok.encode(PREFIX), window_ids(tok, mc)
    rows = []
    for stream, qs in zip(streams, questions):
        ids = list(prefix)
        ends = []
        for _ in range(stream.config.windows):
            ids += win
            ends.append(len(ids))
        media_len = len(ids)
        pos = list(range(media_len))
        blocks = []
        tgt = [-100] * media_len
        for q in qs:
            q_ids = tok.encode(q.text + QUESTION_SUFFIX)
            a_ids = tok.encode(q.answer + ANSWER_END)
            start = len(ids)
            ids += q_ids + a_ids
            base = ends[q.window]
            pos += list(range(base, base + len(q_ids) + len(a_ids)))
            # position p predicts ids[p+1]: the answer tokens are predicted from the last question token on
            tgt += [-100] * (len(q_ids) - 1) + a_ids + [-100]
            blocks.append((start, len(ids), ends[q.window], q, start + len(q_ids) - 1, len(a_ids)))
        rows.append((ids, pos, tgt, media_len, blocks))
    b, length = len(rows), max(len(r[0]) for r in rows)
    ids_t = torch.zeros(b, length, dtype=torch.long)
    pos_t = torch.zeros(b, length, dtype=torch.long)
    tgt_t = torch.full((b, length), -100, dtype=torch.long)
    allow = torch.zeros(b, length, length, dtype=torch.bool)
    causal = torch.ones(length, length, dtype=torch.bool).tril()
    slices = []
    for r, (ids, pos, tgt, media_len, blocks) in enumerate(rows):
        n = len(ids)
        ids_t[r, :n], pos_t[r, :n], tgt_t[r, :n] = torch.tensor(ids), torch.tensor(pos), torch.tensor(tgt)
        allow[r, :media_len, :media_len] = causal[:media_len, :media_len]
        for start, end, ctx, q, a0, alen in blocks:
            allow[r, start:end, :ctx] = True
            allow[r, start:end, start:end] = causal[: end - start, : end - start]
            slices.append((r, a0, a0 + alen, q))
        idx = torch.arange(n, length)
        allow[r, idx, idx] = True  # padding rows attend to themselves
    mask = torch.zeros(b, 1, length, length)
    mask.masked_fill_(~allow[:, None], NEG)
    frames = np.stack([s.frames for s in streams])  # [B, T, F, H, W, 3]
    audio = torch.from_numpy(np.stack([s.audio for s in streams]).reshape(-1, streams[0].audio.shape[-1]))
    return Batch(ids_t, pos_t, mask, tgt_t, pixel_values(frames), log_mel(audio), slices)


def media_tokens(model: FastAvTiny, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
    """Projected media tokens: frames [B*T*F, tpf, D], windows' audio [B*T, aps, D]."""
    return model.frame_tokens(batch.pixels), model.audio_tokens(batch.mel)


def embed(model: FastAvTiny, batch: Batch, tok: ByteBpeTokenizer,
          media: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
    """Token embeddings with the placeholders replaced by projected media tokens."""
    x = model.model.embed_tokens(batch.ids)
    b = batch.ids.shape[0]
    v, a = media if media is not None else media_tokens(model, batch)
    v = v.reshape(b, -1, x.shape[-1])  # [B, T*F*tpf, D]
    a = a.reshape(b, -1, x.shape[-1])  # [B, T*aps, D]
    is_v = batch.ids == tok.special_ids["<|video|>"]
    is_a = batch.ids == tok.special_ids["<|audio|>"]
    x = x.clone()
    x[is_v] = v.reshape(-1, x.shape[-1])
    x[is_a] = a.reshape(-1, x.shape[-1])
    return x


def forward(model: FastAvTiny, batch: Batch, tok: ByteBpeTokenizer,
            media: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
    """Logits [n, V] at the answer-target positions (batch.targets != -100), row-major."""
    return model.decode(embed(model, batch, tok, media), batch.positions, batch.mask, batch.targets != -100)


def loss_of(logits: torch.Tensor, batch: Batch) -> torch.Tensor:
    return torch.nn.functional.cross_entropy(logits, batch.targets[batch.targets != -100])


def answer_correct(logits: torch.Tensor, batch: Batch) -> list[tuple[Question, bool]]:
    """Teacher-forced exact match of every answer token (== greedy decoding gives the answer)."""
    pred = torch.full_like(batch.targets, -1)
    pred[batch.targets != -100] = logits.argmax(-1)
    pred, targets = pred.cpu(), batch.targets.cpu()
    out = []
    for r, a0, a1, q in batch.answer_slices:
        out.append((q, bool((pred[r, a0:a1] == targets[r, a0:a1]).all())))
    return out
