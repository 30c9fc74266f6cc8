#!/usr/bin/env python3
"""Writes safetensors checkpoints by hand (the format, not the safetensors package) for the loading tests.

Usage: /usr/bin/python3 write_safetensors.py OUT_DIR
Writes OUT_DIR/single/model.safetensors, OUT_DIR/sharded/{model-0000N-of-00002.safetensors,
model.safetensors.index.json} and OUT_DIR/expected.json (every tensor's dtype, shape and values as float64 or int).

Format: 8-byte little-endian header length N, N bytes of JSON header (padded with spaces to a multiple of 8),
then the tensors' bytes, each at data_offsets [begin, end) relative to the end of the header.
"""
import json
import pathlib
import struct
import sys

import torch

DTYPES = {
    torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
    torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8", torch.bool: "BOOL",
}


def tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        # numpy has no bfloat16: the same 16 bits viewed as int16.
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write(path: pathlib.Path, tensors: dict, metadata: dict | None = None) -> None:
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def expected(t: torch.Tensor):
    values = t.flatten()
    if t.dtype in (torch.int64, torch.int32, torch.uint8, torch.bool):
        return [int(v) for v in values.to(torch.int64).tolist()]
    return [float(v) for v in values.to(torch.float64).tolist()]


def main() -> None:
    out = pathlib.Path(sys.argv[1])
    g = torch.Generator().manual_seed(1234)
    tensors = {
        "model.embed_tokens.weight": torch.randn(7, 5, generator=g),
        "model.layers.0.self_attn.q_proj.weight": torch.randn(4, 6, generator=g).to(torch.bfloat16),
        "model.layers.0.self_attn.q_proj.bias": torch.randn(6, generator=g).to(torch.float16),
        "model.norm.weight": torch.randn(5, generator=g, dtype=torch.float64),
        "position_ids": torch.tensor([[0, 1, 2], [-5, 2**40, -(2**62)]], dtype=torch.int64),
        "counts": torch.tensor([[1, -2], [2**31 - 1, -(2**31)]], dtype=torch.int32),
        "pixels": torch.tensor([0, 128, 255], dtype=torch.uint8),
        "mask": torch.tensor([True, False, True, True, False]),
        "scale": torch.tensor(2.5),
        "nothing": torch.zeros(0, 4),
    }
    write(out / "single" / "model.safetensors", tensors, {"format": "pt"})

    names = list(tensors)
    shards = {"model-00001-of-00002.safetensors": names[:4], "model-00002-of-00002.safetensors": names[4:]}
    weight_map = {}
    for shard, members in shards.items():
        write(out / "sharded" / shard, {n: tensors[n] for n in members})
        weight_map.update({n: shard for n in members})
    (out / "sharded" / "model.safetensors.index.json").write_text(
        json.dumps({"metadata": {"total_size": 0}, "weight_map": weight_map}, indent=2))

    (out / "expected.json").write_text(json.dumps(
        {n: {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "values": expected(t)} for n, t in tensors.items()}))


if __name__ == "__main__":
    main()
