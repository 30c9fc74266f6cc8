"""Seeded synthetic live audio-visual streams and their questions.

A stream is T windows of 1 s.  Each window holds F frames (H x W RGB uint8, sampled at w + j/F s)
and 16 kHz mono audio.  The generator first draws an *event list* (objects with colour, shape,
appearance window, lifetime, start position and velocity; one sound event per window), renders
media from it, and computes every question's answer from the event list.  The tests re-derive the
answers from the rendered pixels and samples alone (training/tests/media_oracle.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SAMPLE_RATE = 16000
COLOURS = ("red", "green", "blue", "yellow")
PALETTE = {"red": (220, 40, 40), "green": (40, 200, 60), "blue": (50, 90, 235), "yellow": (230, 210, 40)}
# A colour's tone: two low (< 600 Hz) and two high pitches.
PITCH = {"red": 220.0, "green": 330.0, "blue": 880.0, "yellow": 1320.0}
HIGH_PITCH_HZ = 600.0
SHAPES = ("square", "circle", "triangle")
SOUNDS = ("silence", "tone", "beeps", "alarm", "knock", "noise")
SOUND_P = (0.18, 0.32, 0.18, 0.1, 0.11, 0.11)
BEEP_HZ = 2000.0
ALARM_HZ = (700.0, 1000.0)
DIRECTIONS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1), "still": (0, 0)}
NUMBERS = ("zero", "one", "two", "three", "four")
FAMILIES = ("colour", "count", "presence", "pitch", "avmatch", "order", "recency", "motion")
PRESENCE_SOUNDS = {"knock": "knock", "alarm": "alarm", "beep": "beeps", "tone": "tone"}
RECENT_WINDOWS = 3  # "the last three seconds"


@dataclass(frozen=True)
class StreamConfig:
    windows: int = 6
    frames_per_window: int = 2
    image_size: int = 32
    object_size: int = 8
    speed: int = 3  # pixels per frame step
    max_lifetime: int = 5


@dataclass(frozen=True)
class VisualObject:
    colour: str
    shape: str
    appear: int  # first window it is visible in
    lifetime: int  # windows
    x0: int  # top-left at its first frame
    y0: int
    direction: str

    def visible(self, window: int) -> bool:
        return self.appear <= window < self.appear + self.lifetime

    def position(self, frame: int, fpw: int, speed: int) -> tuple[int, int]:
        """Top-left corner at global frame index `frame` (window * fpw + j)."""
        dx, dy = DIRECTIONS[self.direction]
        k = frame - self.appear * fpw
        return self.x0 + dx * speed * k, self.y0 + dy * speed * k


@dataclass(frozen=True)
class SoundEvent:
    kind: str  # one of SOUNDS
    colour: str | None = None  # tone: the colour whose pitch sounds
    count: int = 0  # beeps / knocks
    onsets: tuple[float, ...] = ()  # knock onsets in seconds inside the window


@dataclass(frozen=True)
class Question:
    family: str
    text: str
    answer: str
    window: int  # asked right after this window (0-based); the model sees windows 0..window


@dataclass
class Stream:
    seed: int
    index: int
    config: StreamConfig
    objects: list[VisualObject]
    sounds: list[SoundEvent]
    frames: np.ndarray = field(repr=False)  # [T, F, H, W, 3] uint8
    audio: np.ndarray = field(repr=False)  # [T, 16000] float32
    questions: list[Question] = field(default_factory=list)

    def visible(self, window: int) -> list[VisualObject]:
        return [o for o in self.objects if o.visible(window)]


def stream_rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, index, 0x7A11])


# ----------------------------------------------------------------------------------------- events

def _boxes_clear(a: VisualObject, b: VisualObject, cfg: StreamConfig) -> bool:
    """No pixel of the two objects touches (1 px gap) in any frame they share."""
    s, fpw = cfg.object_size, cfg.frames_per_window
    for w in range(cfg.windows):
        if not (a.visible(w) and b.visible(w)):
            continue
        for j in range(fpw):
            ax, ay = a.position(w * fpw + j, fpw, cfg.speed)
            bx, by = b.position(w * fpw + j, fpw, cfg.speed)
            if ax < bx + s + 1 and bx < ax + s + 1 and ay < by + s + 1 and by < ay + s + 1:
                return False
    return True


def _draw_object(rng: np.random.Generator, colour: str, others: list[VisualObject], cfg: StreamConfig) -> VisualObject | None:
    s, fpw, span = cfg.object_size, cfg.frames_per_window, cfg.image_size - cfg.object_size
    for _ in range(30):
        appear = int(rng.integers(0, cfg.windows))
        direction = ("left", "right", "up", "down", "still")[int(rng.choice(5, p=(0.175, 0.175, 0.175, 0.175, 0.3)))]
        max_life = cfg.max_lifetime
        if direction != "still":
            max_life = min(max_life, (span // cfg.speed + 1) // fpw)
        lifetime = int(rng.integers(1, max_life + 1))
        lifetime = min(lifetime, cfg.windows - appear) if rng.random() < 0.5 else lifetime
        travel = cfg.speed * (lifetime * fpw - 1)
        dx, dy = DIRECTIONS[direction]
        lo_x, hi_x = (travel, span) if dx < 0 else (0, span - travel) if dx > 0 else (0, span)
        lo_y, hi_y = (travel, span) if dy < 0 else (0, span - travel) if dy > 0 else (0, span)
        if lo_x > hi_x or lo_y > hi_y:
            continue
        x0, y0 = int(rng.integers(lo_x, hi_x + 1)), int(rng.integers(lo_y, hi_y + 1))
        concurrent = [o for o in others if any(o.visible(w) for w in range(appear, appear + lifetime))]
        taken = {o.shape for o in concurrent}
        free = [sh for sh in SHAPES if sh not in taken]
        if not free:
            continue
        shape = free[int(rng.integers(0, len(free)))]
        obj = VisualObject(colour, shape, appear, lifetime, x0, y0, direction)
        if all(_boxes_clear(obj, o, cfg) for o in concurrent):
            return obj
    return None


def _draw_sounds(rng: np.random.Generator, objects: list[VisualObject], cfg: StreamConfig) -> list[SoundEvent]:
    sounds = []
    for w in range(cfg.windows):
        kind = SOUNDS[int(rng.choice(len(SOUNDS), p=SOUND_P))]
        if kind == "tone":
            visible = [o.colour for o in objects if o.visible(w)]
            if visible and rng.random() < 0.5:
                colour = visible[int(rng.integers(0, len(visible)))]
            else:
                colour = COLOURS[int(rng.integers(0, len(COLOURS)))]
            sounds.append(SoundEvent("tone", colour=colour))
        elif kind == "beeps":
            sounds.append(SoundEvent("beeps", count=int(rng.integers(1, 5))))
        elif kind == "knock":
            n = int(rng.integers(1, 4))
            onsets = tuple(round(0.05 + 0.3 * k + float(rng.uniform(0, 0.1)), 4) for k in range(n))
            sounds.append(SoundEvent("knock", count=n, onsets=onsets))
        else:
            sounds.append(SoundEvent(kind))
    return sounds


# ---------------------------------------------------------------------------------------- render

def shape_mask(shape: str, size: int) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    if shape == "square":
        return np.ones((size, size), bool)
    if shape == "circle":
        r = size / 2
        return (xx - r) ** 2 + (yy - r) ** 2 <= r * r
    # triangle pointing up: row i spans (i+1)/2 either side of the centre
    return np.abs(xx - size / 2) <= (yy + 0.5) / 2


def render_frames(rng: np.random.Generator, objects: list[VisualObject], cfg: StreamConfig) -> np.ndarray:
    t, fpw, n, s = cfg.windows, cfg.frames_per_window, cfg.image_size, cfg.object_size
    noise = rng.integers(-6, 7, size=(t, fpw, n, n, 3))
    frames = (np.full((t, fpw, n, n, 3), 24) + noise).astype(np.uint8)
    masks = {sh: shape_mask(sh, s) for sh in SHAPES}
    for o in objects:
        for w in range(o.appear, min(o.appear + o.lifetime, t)):
            for j in range(fpw):
                x, y = o.position(w * fpw + j, fpw, cfg.speed)
                region = frames[w, j, y:y + s, x:x + s]
                region[masks[o.shape]] = PALETTE[o.colour]
    return frames


def _fade(n: int, ramp: int = 80) -> np.ndarray:
    env = np.ones(n)
    r = min(ramp, n // 2)
    env[:r] = np.linspace(0, 1, r)
    env[n - r:] = np.linspace(1, 0, r)
    return env


def render_audio(rng: np.random.Generator, sounds: list[SoundEvent]) -> np.ndarray:
    n = SAMPLE_RATE
    t = np.arange(n) / SAMPLE_RATE
    out = np.zeros((len(sounds), n))
    for w, ev in enumerate(sounds):
        floor = rng.normal(0, 0.001, n)
        amp = float(rng.uniform(0.2, 0.4))
        if ev.kind == "tone":
            sig = amp * np.sin(2 * np.pi * PITCH[ev.colour] * t + rng.uniform(0, 2 * np.pi)) * _fade(n)
        elif ev.kind == "beeps":
            sig = np.zeros(n)
            for k in range(ev.count):
                a, b = int((0.1 + 0.22 * k) * n), int((0.2 + 0.22 * k) * n)
                sig[a:b] = amp * np.sin(2 * np.pi * BEEP_HZ * t[a:b]) * _fade(b - a)
        elif ev.kind == "alarm":
            hz = np.where((t * 4).astype(int) % 2 == 0, ALARM_HZ[0], ALARM_HZ[1])
            phase = 2 * np.pi * np.cumsum(hz) / SAMPLE_RATE
            sig = amp * np.sin(phase) * _fade(n)
        elif ev.kind == "knock":
            sig = np.zeros(n)
            for onset in ev.onsets:
                a = int(onset * n)
                m = min(1200, n - a)
                sig[a:a + m] += 2 * amp * rng.normal(0, 1, m) * np.exp(-np.arange(m) / 120.0)
        elif ev.kind == "noise":
            sig = amp * 0.4 * rng.normal(0, 1, n)
        else:
            sig = np.zeros(n)
        out[w] = sig + floor
    return np.clip(out, -1, 1).astype(np.float32)


# ------------------------------------------------------------------------------------- questions

def candidates(stream: Stream, rng: np.random.Generator) -> dict[str, list[Question]]:
    """Every question each family can ask of the stream (any ask-window), with its answer.
    `rng` only orders the two colours of an order question."""
    cfg, objs, snd = stream.config, stream.objects, stream.sounds
    t_all = range(cfg.windows)
    cands: dict[str, list[Question]] = {f: [] for f in FAMILIES}
    for t in t_all:
        vis = [o for o in objs if o.visible(t)]
        for o in vis:
            cands["colour"].append(Question("colour", f"what colour is the {o.shape}?", o.colour, t))
            cands["motion"].append(Question("motion", f"which way is the {o.colour} object moving?", o.direction, t))
        cands["count"].append(Question("count", "how many objects are there?", NUMBERS[len(vis)], t))
        if snd[t].kind == "beeps":
            cands["count"].append(Question("count", "how many beeps were there?", NUMBERS[snd[t].count], t))
        if snd[t].kind == "tone":
            match = "yes" if snd[t].colour in {o.colour for o in vis} else "no"
            cands["avmatch"].append(Question("avmatch", "does the tone match a visible object?", match, t))
        tones = [w for w in range(t + 1) if snd[w].kind == "tone"]
        if tones:
            high = PITCH[snd[tones[-1]].colour] > HIGH_PITCH_HZ
            cands["pitch"].append(Question("pitch", "was the last tone high or low?", "high" if high else "low", t))
        if t >= RECENT_WINDOWS - 1:
            recent = range(t - RECENT_WINDOWS + 1, t + 1)
            for word, kind in PRESENCE_SOUNDS.items():
                heard = any(snd[w].kind == kind for w in recent)
                cands["presence"].append(Question(
                    "presence", f"was there a {word} in the last three seconds?", "yes" if heard else "no", t))
            new = [o for o in objs if o.appear in recent]
            if len(new) <= 1:
                ans = f"{new[0].colour} {new[0].shape}" if new else "nothing"
                cands["recency"].append(Question("recency", "what appeared in the last three seconds?", ans, t))
        seen = [o for o in objs if o.appear <= t]
        for a in seen:
            for b in seen:
                if a.appear < b.appear:
                    first, second = (a, b) if rng.random() < 0.5 else (b, a)
                    cands["order"].append(Question(
                        "order", f"which came first, {first.colour} or {second.colour}?", a.colour, t))
    return cands


def balance_key(q: Question):
    """The answer class that presence, avmatch and recency questions are balanced over."""
    return q.answer if q.family != "recency" else (q.answer == "nothing")


BALANCED = ("presence", "avmatch", "recency")


def _answers(stream: Stream, rng: np.random.Generator) -> list[Question]:
    """One question per family where the stream allows it; ask-time drawn among valid windows."""
    cands = candidates(stream, rng)
    out = []
    for fam in FAMILIES:
        pool = cands[fam]
        if not pool:
            continue
        if fam in BALANCED:
            # balance the answers: pick an answer class first, then a question with it
            classes = sorted({balance_key(q) for q in pool}, key=str)
            pick = classes[int(rng.integers(0, len(classes)))]
            pool = [q for q in pool if balance_key(q) == pick]
        out.append(pool[int(rng.integers(0, len(pool)))])
    return out


def training_questions(stream: Stream, rng: np.random.Generator, per_family: int) -> list[Question]:
    """Up to `per_family` distinct questions of each family, drawn like the stream's own question
    (balanced families: answer class first), so one encoder pass teaches several answers."""
    cands = candidates(stream, rng)
    out = []
    for fam in FAMILIES:
        pool = list(dict.fromkeys(cands[fam]))  # distinct, in order
        for _ in range(min(per_family, len(pool))):
            if fam in BALANCED:
                classes = sorted({balance_key(q) for q in pool}, key=str)
                pick = classes[int(rng.integers(0, len(classes)))]
                sub = [q for q in pool if balance_key(q) == pick]
            else:
                sub = pool
            q = sub[int(rng.integers(0, len(sub)))]
            pool.remove(q)
            out.append(q)
    return out


def make_stream(seed: int, index: int, cfg: StreamConfig = StreamConfig()) -> Stream:
    rng = stream_rng(seed, index)
    objects: list[VisualObject] = []
    for colour in rng.permutation(COLOURS):
        if rng.random() < 0.85:
            obj = _draw_object(rng, str(colour), objects, cfg)
            if obj is not None:
                objects.append(obj)
    objects.sort(key=lambda o: (o.appear, o.colour))
    sounds = _draw_sounds(rng, objects, cfg)
    frames = render_frames(rng, objects, cfg)
    audio = render_audio(rng, sounds)
    stream = Stream(seed, index, cfg, objects, sounds, frames, audio)
    stream.questions = _answers(stream, rng)
    return stream
