"""Held-out accuracy per question family, and plain greedy answering of one question."""
from __future__ import annotations

from collections import defaultdict

import torch

from .batching import ANSWER_END, PREFIX, QUESTION_SUFFIX, build_batch, forward, window_ids, answer_correct
from .features import log_mel, pixel_values
from .model import FastAvTiny
from .tokenizer import ByteBpeTokenizer
from .world import FAMILIES, Question, Stream, StreamConfig, make_stream


@torch.no_grad()
def evaluate(model: FastAvTiny, tok: ByteBpeTokenizer, seed: int, count: int, cfg: StreamConfig = StreamConfig(),
             batch_size: int = 32, device: str = "cpu") -> dict:
    model.eval()
    right, total = defaultdict(int), defaultdict(int)
    for start in range(0, count, batch_size):
        streams = [make_stream(seed, i, cfg) for i in range(start, min(count, start + batch_size))]
        batch = build_batch(streams, [s.questions for s in streams], tok, model.mc).to(device)
        for q, ok in answer_correct(forward(model, batch, tok), batch):
            right[q.family] += ok
            total[q.family] += 1
    fam = {f: {"accuracy": right[f] / total[f], "correct": right[f], "questions": total[f]} for f in FAMILIES if total[f]}
    n = sum(total.values())
    return {"seed": seed, "streams": count, "questions": n, "accuracy": sum(right.values()) / n, "families": fam}


@torch.no_grad()
def greedy_answer(model: FastAvTiny, tok: ByteBpeTokenizer, stream: Stream, q: Question, max_tokens: int = 6) -> str:
    """One plain sequence (no packing): prefix, windows 0..q.window, question; greedy decode to <|im_end|>."""
    model.eval()
    mc = model.mc
    w = q.window + 1
    ids = tok.encode(PREFIX) + window_ids(tok, mc) * w + tok.encode(q.text + QUESTION_SUFFIX)
    v = model.frame_tokens(pixel_values(stream.frames[:w])).reshape(-1, model.tc.hidden_size)
    a = model.audio_tokens(log_mel(torch.from_numpy(stream.audio[:w]))).reshape(-1, model.tc.hidden_size)
    stop = tok.special_ids["<|im_end|>"]
    out: list[int] = []
    for _ in range(max_tokens):
        t = torch.tensor([ids + out])
        x = model.model.embed_tokens(t).clone()
        x[t == tok.special_ids["<|video|>"]] = v
        x[t == tok.special_ids["<|audio|>"]] = a
        n = t.shape[1]
        mask = torch.full((n, n), -1e9).triu(1)[None, None]
        nxt = int(model.decode(x, torch.arange(n)[None], mask)[0, -1].argmax())
        if nxt == stop:
            break
        out.append(nxt)
    return tok.decode(out)
