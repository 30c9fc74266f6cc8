#!/usr/bin/python3
"""Writes golden tensors for FastAV.Live.Torch.Tests with Debian's PyTorch (python3-torch).

Usage: /usr/bin/python3 goldens.py OUT_DIR   ->  OUT_DIR/goldens.json

Every case is {"inputs": {name: tensor}, "expected": {name: tensor}}; a tensor is
{"dtype": str, "shape": [...], "data": [flat row-major values]} (16-bit floats are written as the
exact float values they hold). Inputs come from fixed seeds so the C# side rebuilds them exactly;
references for ops that 1.13 lacks (rms_norm, scaled_dot_product_attention) are written out from
their definitions in float64.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
cases = {}


def enc(t):
    t = t.detach().cpu().contiguous()
    name = str(t.dtype).replace("torch.", "")
    if t.dtype in (torch.float16, torch.bfloat16):
        data = t.float().flatten().tolist()
    else:
        data = t.flatten().tolist()
    return {"dtype": name, "shape": list(t.shape), "data": data}


def case(name, inputs, expected):
    cases[name] = {"inputs": {k: enc(v) for k, v in inputs.items()},
                   "expected": {k: enc(v) for k, v in expected.items()}}


def rn(*shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g)


# creation: the global generator after manual_seed(1234), in this order
torch.manual_seed(1234)
r1 = torch.randn(3, 5)
r2 = torch.rand(4)
r3 = torch.randint(0, 10, (6,))
r4 = torch.randperm(7)
case("random", {}, {"randn": r1, "rand": r2, "randint": r3, "randperm": r4})
case("creation", {}, {"arange": torch.arange(2, 11, 3), "arange_f": torch.arange(0.0, 1.0, 0.25),
                      "full": torch.full((2, 2), 2.5), "ones_i32": torch.ones(3, dtype=torch.int32)})

# element-wise with broadcasting
a, b = rn(2, 3, 1, seed=1), rn(1, 4, seed=2)
case("binary_broadcast", {"a": a, "b": b},
     {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b, "maximum": torch.maximum(a, b),
      "pow_scalar": a.abs().pow(1.5), "add_scalar": a + 0.5, "gt": a > b, "pow_tensor": a.abs().pow(b)})
ia = torch.tensor([[7, -3, 10]], dtype=torch.int64)
ib = torch.tensor([[2], [4]], dtype=torch.int64)
case("binary_int", {"a": ia, "b": ib}, {"add": ia + ib, "mul": ia * ib, "div": ia / ib})
x = rn(3, 4, seed=3)
case("unary", {"x": x},
     {"sqrt": x.abs().sqrt(), "rsqrt": (x.abs() + 0.1).rsqrt(), "exp": x.exp(), "log": (x.abs() + 0.1).log(),
      "tanh": x.tanh(), "sigmoid": x.sigmoid(), "silu": F.silu(x), "gelu": F.gelu(x),
      "gelu_tanh": F.gelu(x, approximate="tanh"), "relu": x.relu(), "clamp": x.clamp(-0.5, 0.5),
      "softmax": x.softmax(-1), "log_softmax": x.log_softmax(0)})

# matrix products
m1, m2, m3 = rn(2, 3, 4, seed=4), rn(4, 5, seed=5), rn(2, 4, 2, seed=6)
w, bias, c = rn(5, 4, seed=7), rn(5, seed=8), rn(3, 5, seed=9)
x2 = rn(3, 4, seed=10)
case("matmul", {"m1": m1, "m2": m2, "m3": m3, "w": w, "bias": bias, "c": c, "x2": x2},
     {"matmul": m1 @ m2, "bmm": torch.bmm(m1, m3), "linear": F.linear(x2, w, bias),
      "linear_nobias": F.linear(x2, w), "addmm": torch.addmm(c, x2, w.t(), beta=0.5, alpha=2.0),
      "matvec": m2.t() @ m2[:, 0]})

# non-contiguous inputs: transposed and sliced views
base = rn(4, 6, seed=11)
y = rn(4, 2, seed=12)
t = base.t()            # [6, 4], strides (1, 6)
s = base[:, ::2]        # [4, 3], stride 2 in the last dim
case("noncontiguous", {"base": base, "y": y},
     {"t_matmul": t @ y, "t_add": t + 1.0, "t_softmax": t.softmax(1), "t_sum0": t.sum(0),
      "s_values": s, "s_mul": s * s, "t_reshape": t.reshape(2, 12), "t_layer_norm": F.layer_norm(t, (4,))})

# reductions
r = rn(3, 4, seed=13)
mx, mi = r.max(1)
case("reductions", {"r": r},
     {"sum": r.sum(), "sum1k": r.sum(1, keepdim=True), "sum01": r.sum((0, 1)), "mean0": r.mean(0),
      "max1_v": mx, "max1_i": mi, "min": r.min(), "min0_v": r.min(0)[0], "min0_i": r.min(0)[1],
      "argmax0": r.argmax(0), "argmax": r.argmax(), "norm1": r.norm(2, 1), "norm": r.norm(),
      "norm_p1": r.norm(1, 0, keepdim=True), "cumsum1": r.cumsum(1), "max": r.max()})

# sorting (distinct values, so order is unique)
so = torch.randperm(12, generator=torch.Generator().manual_seed(14)).float().reshape(2, 6) - 5.5
tv, ti = so.topk(3, -1)
sv, si = so.sort(-1, descending=True)
tsv, tsi = so.topk(2, 0, largest=False)
case("sorting", {"x": so},
     {"topk_v": tv, "topk_i": ti, "sort_v": sv, "sort_i": si, "argsort": so.argsort(-1),
      "topk_small_v": tsv, "topk_small_i": tsi, "argsort0": so.argsort(0)})

# indexing
ix = rn(4, 3, seed=15)
gidx = torch.tensor([[0, 2], [1, 1], [2, 0], [0, 0]])
src = rn(4, 2, seed=16)
put = ix.clone()
put[torch.tensor([1, 3])] = torch.tensor([9.0, 8.0, 7.0])
acc = ix.clone()
acc.index_put_((torch.tensor([0, 0]), torch.tensor([1, 1])), torch.tensor([1.0, 2.0]), accumulate=True)
case("indexing", {"x": ix, "gidx": gidx, "src": src},
     {"index_select": ix.index_select(0, torch.tensor([2, 0, 2])), "gather": ix.gather(1, gidx),
      "scatter": torch.zeros(4, 3).scatter(1, gidx, src), "masked_select": ix.masked_select(ix > 0),
      "where": torch.where(ix > 0, ix, torch.zeros(())), "index_put": put, "index_put_acc": acc,
      "index_rows": ix[torch.tensor([3, 1])], "index_cols": ix[:, torch.tensor([2, 0])],
      "masked_fill": ix.masked_fill(ix < 0, -1.0)})

# shape ops
ar = torch.arange(24).reshape(2, 3, 4)
ar2 = torch.arange(100, 112).reshape(2, 3, 2)
case("shape", {},
     {"permute": ar.permute(2, 0, 1), "narrow": ar.narrow(2, 1, 2), "select": ar.select(1, 2),
      "cat": torch.cat([ar, ar2], 2), "stack": torch.stack([ar2, ar2 * 2], 0), "split0": ar.split(3, 2)[0],
      "split1": ar.split(3, 2)[1], "chunk1": ar.chunk(2, 1)[1], "unsqueeze": ar.unsqueeze(1),
      "transpose": ar.transpose(0, 2), "expand": torch.arange(3).reshape(3, 1).expand(3, 4),
      "flatten": ar.flatten(1)})

# nn
ln_x, ln_w, ln_b = rn(2, 3, 4, seed=17), rn(4, seed=18), rn(4, seed=19)
case("layer_norm", {"x": ln_x, "w": ln_w, "b": ln_b},
     {"y": F.layer_norm(ln_x, (4,), ln_w, ln_b, 1e-5), "y2": F.layer_norm(ln_x, (3, 4), None, None, 1e-3)})


def rms(x, w, eps, ndims=1):
    xd = x.double()
    dims = tuple(range(x.dim() - ndims, x.dim()))
    y = xd * torch.rsqrt(xd.pow(2).mean(dims, keepdim=True) + eps)
    return y * w.double() if w is not None else y


case("rms_norm", {"x": ln_x, "w": ln_w},
     {"y": rms(ln_x, ln_w, 1e-6), "y_default_eps": rms(ln_x, ln_w, torch.finfo(torch.float32).eps),
      "y2": rms(ln_x, None, 1e-5, ndims=2)})
hx, hw = ln_x.half(), ln_w.half()
case("rms_norm_half", {"x": hx, "w": hw},
     {"y": (rms(hx.float(), None, 1e-6).float().half() * hw)})

cx, cw, cb = rn(2, 4, 10, seed=20), rn(6, 2, 3, seed=21), rn(6, seed=22)
case("conv1d", {"x": cx, "w": cw, "b": cb},
     {"y": F.conv1d(cx, cw, cb, stride=2, padding=1, groups=2),
      "y_dil": F.conv1d(cx, cw[:, :, :2].repeat(1, 2, 1), None, dilation=3)})
dx, dw, db = rn(1, 4, 7, 6, seed=23), rn(4, 2, 3, 3, seed=24), rn(4, seed=25)
case("conv2d", {"x": dx, "w": dw, "b": db},
     {"y": F.conv2d(dx, dw, db, stride=(2, 1), padding=(1, 2), groups=2),
      "y_dil": F.conv2d(dx, dw, None, padding=1, dilation=(1, 2), groups=2)})
img = rn(1, 2, 3, 4, seed=26)
case("interpolate", {"x": img},
     {"bilinear": F.interpolate(img, size=(5, 7), mode="bilinear", align_corners=False),
      "bilinear_ac": F.interpolate(img, size=(5, 7), mode="bilinear", align_corners=True),
      "nearest": F.interpolate(img, size=(6, 2), mode="nearest"),
      "down": F.interpolate(img, size=(2, 2), mode="bilinear", align_corners=False),
      "bicubic": F.interpolate(img, size=(5, 7), mode="bicubic", align_corners=False),
      "bicubic_ac": F.interpolate(img, size=(5, 7), mode="bicubic", align_corners=True),
      "bicubic_down": F.interpolate(img, size=(2, 3), mode="bicubic", align_corners=False),
      "bicubic_same": F.interpolate(img, size=(3, 4), mode="bicubic", align_corners=False)})
px1, px2 = rn(2, 3, 11, seed=40), rn(2, 3, 7, 5, seed=41)
case("avg_pool", {"x1": px1, "x2": px2},
     {"p1": F.avg_pool1d(px1, 2), "p1_ceil": F.avg_pool1d(px1, 3, ceil_mode=True),
      "p1_pad": F.avg_pool1d(px1, 3, stride=2, padding=1, count_include_pad=False),
      "p2": F.avg_pool2d(px2, (2, 2)), "p2_ceil": F.avg_pool2d(px2, (3, 2), ceil_mode=True),
      "p2_pad": F.avg_pool2d(px2, 3, stride=(2, 1), padding=1),
      "a2": F.adaptive_avg_pool2d(px2, (3, 2)), "a2_up": F.adaptive_avg_pool2d(px2, (9, 5))})
ew, ei = rn(10, 3, seed=27), torch.tensor([[1, 5], [9, 0]])
case("embedding", {"w": ew, "i": ei}, {"y": F.embedding(ei, ew)})
ca, cb2 = rn(3, 4, seed=28), rn(1, 4, seed=29)
case("cosine", {"a": ca, "b": cb2}, {"y": F.cosine_similarity(ca, cb2, 1), "y0": F.cosine_similarity(ca, ca * 2 + 1, 0)})


def sdpa_ref(q, k, v, mask=None, causal=False, scale=None):
    q, k, v = q.double(), k.double(), v.double()
    s = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * s
    if causal:
        keep = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        scores = scores.masked_fill(~keep, float("-inf"))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else scores + mask.double()
    return scores.softmax(-1) @ v


q, k, v = rn(2, 2, 3, 4, seed=30), rn(2, 2, 5, 4, seed=31), rn(2, 2, 5, 6, seed=32)
bmask = torch.rand(3, 5, generator=torch.Generator().manual_seed(33)) > 0.3
bmask[:, 0] = True
fmask = rn(3, 5, seed=34)
case("sdpa", {"q": q, "k": k, "v": v, "bmask": bmask, "fmask": fmask},
     {"plain": sdpa_ref(q, k, v), "causal": sdpa_ref(q, k, v, causal=True), "bool_mask": sdpa_ref(q, k, v, bmask),
      "float_mask": sdpa_ref(q, k, v, fmask), "scaled": sdpa_ref(q, k, v, scale=0.3)})

# dtypes
h1, h2 = rn(5, seed=35).half(), rn(5, seed=36).half()
b1, b2 = rn(5, seed=37).bfloat16(), rn(5, seed=38).bfloat16()
f64 = rn(2, 3, seed=39).double()
u8 = torch.tensor([250, 3, 7], dtype=torch.uint8)
i32 = torch.tensor([5, -6, 7], dtype=torch.int32)
bl = torch.tensor([True, False, True])
f40 = rn(5, seed=40)
case("dtypes", {"f40": f40, "h1": h1, "h2": h2, "b1": b1, "b2": b2, "f64": f64, "u8": u8, "i32": i32, "bl": bl},
     {"half_add": h1 + h2, "half_mul": h1 * h2, "bf16_mul": b1 * b2, "bf16_add": b1 + b2,
      "f32_to_bf16": f40.bfloat16(), "f32_to_half": f40.half(),
      "f64_exp": f64.exp(), "f64_matmul": f64 @ f64.t(), "u8_add": u8 + 10, "i32_mul": i32 * i32,
      "i32_sum": i32.sum(), "bool_not": ~bl, "bool_and": bl & torch.tensor([True, True, False]),
      "f32_to_i64": (rn(4, seed=41) * 10).long()})

# empty tensors
e = torch.zeros(0, 3)
case("empty", {},
     {"sum0": e.sum(0), "matmul": e @ torch.ones(3, 2), "cat": torch.cat([e, torch.ones(2, 3)]),
      "softmax": e.softmax(-1), "reshape": e.reshape(3, 0), "masked_select": torch.ones(0).masked_select(torch.zeros(0, dtype=torch.bool))})

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "goldens.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
