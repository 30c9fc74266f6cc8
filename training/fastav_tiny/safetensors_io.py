"""safetensors written and read by hand: 8-byte little-endian header length, JSON header, raw data."""
from __future__ import annotations

import json
import struct

import numpy as np
import torch

_DTYPES = {torch.float32: ("F32", np.float32), torch.int64: ("I64", np.int64), torch.int32: ("I32", np.int32),
           torch.uint8: ("U8", np.uint8), torch.int16: ("I16", np.int16),
           torch.float16: ("F16", np.float16)}
_BY_NAME = {v[0]: v[1] for v in _DTYPES.values()}


def save(tensors: dict[str, torch.Tensor], path: str, metadata: dict[str, str] | None = None) -> None:
    header: dict = {"__metadata__": metadata} if metadata else {}
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype == torch.bfloat16:
            # numpy has no bfloat16: its bytes as int16
            code, raw = "BF16", t.view(torch.int16).numpy().tobytes()
        else:
            code, np_type = _DTYPES[t.dtype]
            raw = t.numpy().astype(np_type, copy=False).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * (-len(js) % 8)  # data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for raw in blobs:
            f.write(raw)


def load(path: str) -> dict[str, torch.Tensor]:
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        bf16 = info["dtype"] == "BF16"
        arr = np.frombuffer(data[base + a: base + b], dtype=np.int16 if bf16 else _BY_NAME[info["dtype"]]).reshape(info["shape"])
        t = torch.from_numpy(arr.copy())
        out[name] = t.view(torch.bfloat16) if bf16 else t
    return out
