"""Every text the model sees: the tokenizer is trained on this enumeration (deterministic)."""
from __future__ import annotations

from .batching import ANSWER_END, PREFIX, QUESTION_SUFFIX
from .world import COLOURS, DIRECTIONS, NUMBERS, PRESENCE_SOUNDS, SHAPES


def questions() -> list[str]:
    qs = [f"what colour is the {s}?" for s in SHAPES]
    qs += [f"which way is the {c} object moving?" for c in COLOURS]
    qs += ["how many objects are there?", "how many beeps were there?", "was the last tone high or low?",
           "does the tone match a visible object?", "what appeared in the last three seconds?"]
    qs += [f"was there a {w} in the last three seconds?" for w in PRESENCE_SOUNDS]
    qs += [f"which came first, {a} or {b}?" for a in COLOURS for b in COLOURS if a != b]
    return qs


def answers() -> list[str]:
    return (list(COLOURS) + list(NUMBERS) + list(DIRECTIONS) + ["yes", "no", "high", "low", "nothing"]
            + [f"{c} {s}" for c in COLOURS for s in SHAPES])


def texts() -> list[str]:
    return [PREFIX + q + QUESTION_SUFFIX for q in questions()] + [a + ANSWER_END for a in answers()]
