"""Answers every question from the rendered pixels and audio samples alone -- an independent rule
for the generator's ground truth (which comes from its event list).  Uses only the definitions of
the world (palette, colour pitches, beep frequency), never the objects or sound events.
"""
from __future__ import annotations

import re

import numpy as np

from fastav_tiny.world import HIGH_PITCH_HZ, NUMBERS, PALETTE, PITCH, SAMPLE_RATE


def colour_masks(frame: np.ndarray) -> dict[str, np.ndarray]:
    f = frame.astype(int)
    out = {}
    for name, rgb in PALETTE.items():
        m = np.all(np.abs(f - np.array(rgb)) < 40, axis=-1)
        if m.sum() >= 10:
            out[name] = m
    return out


def shape_of(mask: np.ndarray) -> str:
    ys, xs = np.nonzero(mask)
    fill = mask.sum() / ((ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1))
    return "square" if fill > 0.95 else "circle" if fill > 0.68 else "triangle"


def centroid(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    return np.array([xs.mean(), ys.mean()])


def _envelope(x: np.ndarray) -> np.ndarray:
    return np.sqrt((x[: len(x) // 160 * 160].reshape(-1, 160) ** 2).mean(axis=1))


def _peak_hz(x: np.ndarray) -> tuple[float, float]:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    k = int(spec.argmax())
    return k * SAMPLE_RATE / len(x), float(spec.max() / (spec.mean() + 1e-12))


def _runs(on: np.ndarray) -> int:
    return int(np.sum(on[1:] & ~on[:-1]) + on[0])


def sound_of(x: np.ndarray) -> tuple[str, int, float]:
    """(kind, count, frequency Hz) of one 1 s window from its samples."""
    env = _envelope(x)
    if env.max() < 0.01:
        return "silence", 0, 0.0
    on = env > 0.3 * env.max()
    hz, prominence = _peak_hz(x)
    if prominence > 50:  # tonal
        if on.mean() > 0.9:
            quarters = [_peak_hz(q)[0] for q in np.split(x, 4)]
            if max(quarters) - min(quarters) > 100:
                return "alarm", 0, hz
            return "tone", 0, hz
        return "beeps", _runs(on), hz
    if on.mean() > 0.9:
        return "noise", 0, 0.0
    return "knock", _runs(env > 0.1 * env.max()), 0.0


class MediaOracle:
    def __init__(self, frames: np.ndarray, audio: np.ndarray):
        self.frames, self.audio = frames, audio  # [T, F, H, W, 3], [T, samples]
        self.sounds = [sound_of(a) for a in audio]
        self.first_seen: dict[str, int] = {}
        for w in range(frames.shape[0]):
            for c in colour_masks(frames[w, 0]):
                self.first_seen.setdefault(c, w)

    def visible(self, w: int) -> dict[str, np.ndarray]:
        return colour_masks(self.frames[w, 0])

    def answer(self, text: str, w: int) -> str:
        vis = self.visible(w)
        if m := re.fullmatch(r"what colour is the (\w+)\?", text):
            return next(c for c, mask in vis.items() if shape_of(mask) == m.group(1))
        if text == "how many objects are there?":
            return NUMBERS[len(vis)]
        if text == "how many beeps were there?":
            return NUMBERS[self.sounds[w][1]]
        if m := re.fullmatch(r"was there a (\w+) in the last three seconds\?", text):
            kind = {"beep": "beeps"}.get(m.group(1), m.group(1))
            return "yes" if any(self.sounds[v][0] == kind for v in range(w - 2, w + 1)) else "no"
        if text == "was the last tone high or low?":
            hz = next(self.sounds[v][2] for v in range(w, -1, -1) if self.sounds[v][0] == "tone")
            return "high" if hz > HIGH_PITCH_HZ else "low"
        if text == "does the tone match a visible object?":
            hz = self.sounds[w][2]
            colour = min(PITCH, key=lambda c: abs(PITCH[c] - hz))
            return "yes" if colour in vis else "no"
        if m := re.fullmatch(r"which came first, (\w+) or (\w+)\?", text):
            a, b = m.groups()
            return a if self.first_seen[a] < self.first_seen[b] else b
        if text == "what appeared in the last three seconds?":
            new = [c for c, v in self.first_seen.items() if w - 2 <= v <= w]
            if not new:
                return "nothing"
            (c,) = new
            return f"{c} {shape_of(colour_masks(self.frames[self.first_seen[c], 0])[c])}"
        if m := re.fullmatch(r"which way is the (\w+) object moving\?", text):
            c = m.group(1)
            d = centroid(colour_masks(self.frames[w, -1])[c]) - centroid(vis[c])
            if np.abs(d).max() < 0.5:
                return "still"
            if abs(d[0]) > abs(d[1]):
                return "right" if d[0] > 0 else "left"
            return "down" if d[1] > 0 else "up"
        raise ValueError(f"unknown question {text!r}")
