"""Training-only auxiliary supervision of the media tokens (never exported).

The decoder can only answer from what the projected media tokens carry, and with the answer loss
alone the encoders learnt nothing grounded (the first model's vision stayed at chance).  Small
linear heads read every projected token (what the decoder sees) and are trained on targets taken
from the stream's event list:

vision, per frame token (pooled cell c of frame f; cells are the 2x2 quadrants, 16x16 px each):
  cell_colour [4]   colour k covers a pixel of cell c (binary)
  cell_shape  [4]   shape of colour k's object if it covers cell c, else ignored (3 classes)
  frame_colour[4]   colour k is on screen in frame f (binary; the same on all cells of the frame)
  frame_xy    [4,2] centre of colour k's object in frame f, scaled to [-1, 1]; trained only on the cells
                    the object covers (a global target on every cell did not train at all in 900 steps;
                    this local one fell to a quarter of the target's variance in 1000 vision-only steps)
  frame_count       objects on screen in frame f (0..4)
audio, per audio token of window w (the same on the 5 tokens of the window):
  kind              the window's sound (SOUNDS order)
  tone_colour       the colour whose pitch sounds (ignored unless a tone)
  count             beeps or knocks in the window (0 for other sounds)

The heads are a separate module, so model.safetensors keeps exactly the tensors the C# loader reads.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .world import COLOURS, DIRECTIONS, SHAPES, SOUNDS, Stream, shape_mask

DIRECTION_NAMES = tuple(DIRECTIONS)

IGNORE = -100
N_COLOURS, N_SHAPES, N_COUNTS = len(COLOURS), len(SHAPES), 5
CELLS_PER_SIDE = 2


@dataclass
class AuxTargets:
    cell_colour: torch.Tensor  # [N, 4, 4] float 0/1   (N = B*T*F frames, cells row-major, colours)
    cell_shape: torch.Tensor  # [N, 4, 4] long, IGNORE where the colour is not in the cell
    frame_colour: torch.Tensor  # [N, 4] float 0/1
    frame_xy: torch.Tensor  # [N, 4, 2] float in [-1, 1]
    frame_count: torch.Tensor  # [N] long
    kind: torch.Tensor  # [M] long (M = B*T windows)
    tone_colour: torch.Tensor  # [M] long, IGNORE unless a tone
    count: torch.Tensor  # [M] long

    def to(self, device: torch.device | str) -> "AuxTargets":
        return AuxTargets(*(getattr(self, f).to(device) for f in self.__dataclass_fields__))


def targets(streams: list[Stream]) -> AuxTargets:
    """Targets in the batch's media order: frames [stream, window, frame], windows [stream, window]."""
    cfg = streams[0].config
    t, fpw, size, s = cfg.windows, cfg.frames_per_window, cfg.image_size, cfg.object_size
    cell = size // CELLS_PER_SIDE
    n = len(streams) * t * fpw
    cell_colour = np.zeros((n, CELLS_PER_SIDE ** 2, N_COLOURS), np.float32)
    cell_shape = np.full((n, CELLS_PER_SIDE ** 2, N_COLOURS), IGNORE, np.int64)
    frame_colour = np.zeros((n, N_COLOURS), np.float32)
    frame_xy = np.zeros((n, N_COLOURS, 2), np.float32)
    frame_count = np.zeros(n, np.int64)
    masks = {sh: shape_mask(sh, s) for sh in SHAPES}
    # cell coverage of a mask placed at (x, y): rows/cols of the mask split at the cell borders
    for b, stream in enumerate(streams):
        for o in stream.objects:
            k, m = COLOURS.index(o.colour), masks[o.shape]
            for w in range(o.appear, min(o.appear + o.lifetime, t)):
                for j in range(fpw):
                    i = (b * t + w) * fpw + j
                    x, y = o.position(w * fpw + j, fpw, cfg.speed)
                    frame_colour[i, k] = 1.0
                    frame_count[i] += 1
                    frame_xy[i, k] = ((x + s / 2) / size * 2 - 1, (y + s / 2) / size * 2 - 1)
                    for cy in range(CELLS_PER_SIDE):
                        for cx in range(CELLS_PER_SIDE):
                            y0, y1 = max(cy * cell - y, 0), min((cy + 1) * cell - y, s)
                            x0, x1 = max(cx * cell - x, 0), min((cx + 1) * cell - x, s)
                            if y0 < y1 and x0 < x1 and m[y0:y1, x0:x1].any():
                                c = cy * CELLS_PER_SIDE + cx
                                cell_colour[i, c, k] = 1.0
                                cell_shape[i, c, k] = SHAPES.index(o.shape)
    sounds = [ev for stream in streams for ev in stream.sounds]
    kind = np.array([SOUNDS.index(ev.kind) for ev in sounds], np.int64)
    tone = np.array([COLOURS.index(ev.colour) if ev.kind == "tone" else IGNORE for ev in sounds], np.int64)
    count = np.array([ev.count if ev.kind in ("beeps", "knock") else 0 for ev in sounds], np.int64)
    tt = torch.from_numpy
    return AuxTargets(tt(cell_colour), tt(cell_shape), tt(frame_colour), tt(frame_xy),
                      tt(frame_count), tt(kind), tt(tone), tt(count))


class AuxHeads(nn.Module):
    """Linear probes on the projected media tokens (dim = decoder hidden size)."""

    V_OUT = N_COLOURS + N_COLOURS * N_SHAPES + N_COLOURS + N_COLOURS * 2 + N_COUNTS
    A_OUT = len(SOUNDS) + N_COLOURS + N_COUNTS

    def __init__(self, dim: int, xy_on_cells: bool = True):
        super().__init__()
        self.xy_on_cells = xy_on_cells  # False: the position target on every cell of the frame (phases 1-2)
        self.vision = nn.Linear(dim, self.V_OUT)
        self.audio = nn.Linear(dim, self.A_OUT)

    def losses(self, vtok: torch.Tensor, atok: torch.Tensor, tg: AuxTargets) -> dict[str, torch.Tensor]:
        """vtok [N, cells, D] (N frames), atok [M, aps, D] (M windows) -> named scalar losses."""
        n, cells, _ = vtok.shape
        v = self.vision(vtok)  # [N, cells, V_OUT]
        o = 0
        cell_col = v[..., o:o + N_COLOURS]; o += N_COLOURS  # noqa: E702
        cell_shp = v[..., o:o + N_COLOURS * N_SHAPES].reshape(n, cells, N_COLOURS, N_SHAPES); o += N_COLOURS * N_SHAPES  # noqa: E702
        fr_col = v[..., o:o + N_COLOURS]; o += N_COLOURS  # noqa: E702
        fr_xy = v[..., o:o + 2 * N_COLOURS].reshape(n, cells, N_COLOURS, 2); o += 2 * N_COLOURS  # noqa: E702
        fr_cnt = v[..., o:o + N_COUNTS]
        a = self.audio(atok)  # [M, aps, A_OUT]
        m, aps, _ = a.shape
        ns = len(SOUNDS)
        rep = lambda x: x[:, None].expand(x.shape[0], cells, *x.shape[1:])  # noqa: E731  frame targets on every cell
        arep = lambda x: x[:, None].expand(m, aps).reshape(-1)  # noqa: E731
        # [N, cells, 4, 1]: where colour k covers the cell (or anywhere in the frame)
        xy_mask = (tg.cell_colour if self.xy_on_cells else rep(tg.frame_colour))[..., None]
        return {
            "cell_colour": F.binary_cross_entropy_with_logits(cell_col, tg.cell_colour),
            "cell_shape": F.cross_entropy(cell_shp.reshape(-1, N_SHAPES), tg.cell_shape.reshape(-1), ignore_index=IGNORE)
            if (tg.cell_shape != IGNORE).any() else v.sum() * 0,
            "frame_colour": F.binary_cross_entropy_with_logits(fr_col, rep(tg.frame_colour)),
            "frame_xy": ((fr_xy - rep(tg.frame_xy)) ** 2 * xy_mask).sum() / xy_mask.sum().clamp(min=1) / 2,
            "frame_count": F.cross_entropy(fr_cnt.reshape(-1, N_COUNTS), rep(tg.frame_count).reshape(-1)),
            "kind": F.cross_entropy(a[..., :ns].reshape(-1, ns), arep(tg.kind)),
            "tone_colour": F.cross_entropy(a[..., ns:ns + N_COLOURS].reshape(-1, N_COLOURS), arep(tg.tone_colour),
                                           ignore_index=IGNORE) if (tg.tone_colour != IGNORE).any() else a.sum() * 0,
            "count": F.cross_entropy(a[..., ns + N_COLOURS:].reshape(-1, N_COUNTS), arep(tg.count)),
        }


def motion_targets(streams: list[Stream]) -> torch.Tensor:
    """[B, T, 4] direction index (DIRECTIONS order) of colour k's object in window w, IGNORE if not visible."""
    cfg = streams[0].config
    out = np.full((len(streams), cfg.windows, N_COLOURS), IGNORE, np.int64)
    for b, stream in enumerate(streams):
        for o in stream.objects:
            for w in range(o.appear, min(o.appear + o.lifetime, cfg.windows)):
                out[b, w, COLOURS.index(o.colour)] = DIRECTION_NAMES.index(o.direction)
    return torch.from_numpy(out)


class MotionHead(nn.Module):
    """Decoder-side probe (training only): at each video token of a window's later frames, the final
    decoder state predicts every visible colour's direction of motion.  Frames are encoded one by one,
    so motion exists only after the decoder compares a frame's tokens with the frame before; this
    gives that comparison a dense signal instead of two motion questions per stream."""

    def __init__(self, dim: int):
        super().__init__()
        self.proj = nn.Linear(dim, N_COLOURS * len(DIRECTION_NAMES))

    def loss(self, media_hidden: torch.Tensor, media_ids: torch.Tensor, video_id: int, fpw: int,
             tpf: int, target: torch.Tensor) -> torch.Tensor:
        """media_hidden [B, M, D]; target [B, T, 4] from motion_targets."""
        b, t, _ = target.shape
        idx = (media_ids[0] == video_id).nonzero().squeeze(1).reshape(t, fpw, tpf)[:, 1:].reshape(t, -1)  # [T, later tokens]
        h = media_hidden[:, idx]  # [B, T, n, D]
        logits = self.proj(h).reshape(b, t, idx.shape[1], N_COLOURS, len(DIRECTION_NAMES))
        tg = target[:, :, None].expand(b, t, idx.shape[1], N_COLOURS)
        if not (tg != IGNORE).any():
            return logits.sum() * 0
        return F.cross_entropy(logits.reshape(-1, len(DIRECTION_NAMES)), tg.reshape(-1), ignore_index=IGNORE)
