"""Byte-level BPE tokenizer (GPT-2 / Qwen2 style) trained on the question/answer corpus and
written as a Hugging Face tokenizer.json by hand.

Base vocabulary: the 256 byte symbols of GPT-2's bytes_to_unicode map, so any text encodes.
Merges are learned greedily (most frequent pair, ties broken by the pair's string) until every
word of the corpus is one token.  Pre-tokenizer: GPT-2's regex (ASCII form here, identical on
the ASCII text this model sees), no prefix space.  Special tokens are added tokens.
"""
from __future__ import annotations

import json
import re
from collections import Counter

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|video|>", "<|audio|>", "<|window|>")
# GPT-2's pattern with \p{L} -> [A-Za-z], \p{N} -> [0-9]; equal on ASCII input.
PRETOKENIZE = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")
GPT2_SPLIT_REGEX = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


def _pieces(text: str) -> list[str]:
    return ["".join(BYTE_TO_CHAR[b] for b in p.encode("utf-8")) for p in PRETOKENIZE.findall(text)]


class ByteBpeTokenizer:
    def __init__(self, vocab: dict[str, int], merges: list[tuple[str, str]]):
        self.vocab = vocab
        self.merges = merges
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.id_to_token = {i: t for t, i in vocab.items()}
        self._cache: dict[str, list[str]] = {}
        self.special_ids = {t: vocab[t] for t in SPECIAL_TOKENS}

    @classmethod
    def train(cls, corpus: list[str]) -> "ByteBpeTokenizer":
        words = Counter(p for text in corpus for p in _pieces(text))
        splits = {w: list(w) for w in words}
        merges: list[tuple[str, str]] = []
        while True:
            pairs: Counter = Counter()
            for w, parts in splits.items():
                for a, b in zip(parts, parts[1:]):
                    pairs[(a, b)] += words[w]
            if not pairs:
                break
            best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
            merges.append(best)
            for w, parts in splits.items():
                i, out = 0, []
                while i < len(parts):
                    if i + 1 < len(parts) and (parts[i], parts[i + 1]) == best:
                        out.append(parts[i] + parts[i + 1])
                        i += 2
                    else:
                        out.append(parts[i])
                        i += 1
                splits[w] = out
        vocab: dict[str, int] = {}
        for t in SPECIAL_TOKENS:
            vocab[t] = len(vocab)
        for b in range(256):
            vocab[BYTE_TO_CHAR[b]] = len(vocab)
        for a, b in merges:
            vocab.setdefault(a + b, len(vocab))
        return cls(vocab, merges)

    def _bpe(self, piece: str) -> list[str]:
        if piece in self._cache:
            return self._cache[piece]
        parts = list(piece)
        while len(parts) > 1:
            ranked = [(self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            rank, i = min(ranked)
            if rank == 1 << 30:
                break
            parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
        self._cache[piece] = parts
        return parts

    def encode(self, text: str) -> list[int]:
        """Special tokens are recognised anywhere in the text (as HF added tokens are)."""
        ids: list[int] = []
        pattern = "(" + "|".join(re.escape(t) for t in SPECIAL_TOKENS) + ")"
        for chunk in re.split(pattern, text):
            if not chunk:
                continue
            if chunk in self.special_ids:
                ids.append(self.special_ids[chunk])
                continue
            for piece in _pieces(chunk):
                ids.extend(self.vocab[p] for p in self._bpe(piece))
        return ids

    def decode(self, ids: list[int], skip_special: bool = False) -> str:
        out, buf = [], bytearray()
        for i in ids:
            tok = self.id_to_token[i]
            if tok in self.special_ids:
                out.append(buf.decode("utf-8", "replace"))
                buf = bytearray()
                if not skip_special:
                    out.append(tok)
            else:
                buf.extend(CHAR_TO_BYTE[c] for c in tok)
        out.append(buf.decode("utf-8", "replace"))
        return "".join(out)

    def to_hf_json(self) -> dict:
        added = [{"id": self.vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for t in SPECIAL_TOKENS]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                      "vocab": self.vocab, "merges": [f"{a} {b}" for a, b in self.merges]},
        }

    @classmethod
    def from_hf_json(cls, data: dict) -> "ByteBpeTokenizer":
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["model"]["merges"]]
        vocab = dict(data["model"]["vocab"])
        for t in data["added_tokens"]:
            vocab[t["content"]] = t["id"]
        return cls(vocab, merges)

    @classmethod
    def load(cls, path: str) -> "ByteBpeTokenizer":
        with open(path, encoding="utf-8") as f:
            return cls.from_hf_json(json.load(f))

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_hf_json(), f, ensure_ascii=False, indent=1)
