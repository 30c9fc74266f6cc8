"""Block-sparse packed training batches and the auxiliary targets."""
import unittest

import numpy as np
import torch

import _path  # noqa: F401
from fastav_tiny import auxiliary, corpus
from fastav_tiny.batching import answer_correct, build_batch, forward, media_tokens
from fastav_tiny.model import AudioConfig, FastAvTiny, MediaConfig, TextConfig, VisionConfig
from fastav_tiny.packed import build_packed, packed_correct, packed_logits
from fastav_tiny.tokenizer import ByteBpeTokenizer
from fastav_tiny.world import (COLOURS, DIRECTIONS, FAMILIES, PALETTE, SHAPES, SOUNDS, make_stream, stream_rng,
                               training_questions)


def small_model(vocab: int) -> FastAvTiny:
    torch.manual_seed(0)
    return FastAvTiny(VisionConfig(hidden_size=16, intermediate_size=32, num_attention_heads=2),
                      AudioConfig(d_model=16, encoder_ffn_dim=32, encoder_attention_heads=2),
                      TextConfig(vocab_size=vocab, hidden_size=32, intermediate_size=48, num_hidden_layers=2),
                      MediaConfig())


class PackedTests(unittest.TestCase):
    def test_block_sparse_equals_dense_packing(self):
        tok = ByteBpeTokenizer.train(corpus.texts())
        model = small_model(len(tok.vocab)).eval()
        streams = [make_stream(3, i) for i in range(3)]
        qs = [training_questions(s, stream_rng(3, 100 + i), 2) for i, s in enumerate(streams)]
        qs[1] = qs[1][:3]  # rows with fewer questions get padding blocks
        dense = build_batch(streams, qs, tok, model.mc)
        pb = build_packed(streams, qs, tok, model.mc)
        with torch.no_grad():
            media = media_tokens(model, dense)
            ref = forward(model, dense, tok, media)
            got = packed_logits(model, pb, tok, media)
        self.assertEqual(got.shape, ref.shape)
        np.testing.assert_allclose(got.numpy(), ref.numpy(), atol=2e-5)
        self.assertEqual([ok for _, ok in packed_correct(got, pb)], [ok for _, ok in answer_correct(ref, dense)])
        self.assertEqual(len(pb.answers), sum(len(q) for q in qs))

    def test_training_questions_per_family(self):
        s = make_stream(5, 7)
        qs = training_questions(s, stream_rng(5, 7), 3)
        self.assertEqual(len(qs), len(set(qs)))  # distinct
        for fam in FAMILIES:
            self.assertLessEqual(sum(q.family == fam for q in qs), 3)
        own = {q.family for q in s.questions}
        self.assertEqual({q.family for q in qs}, own)  # the same families the stream can ask


class AuxTargetTests(unittest.TestCase):
    """Targets from the event list against an independent reading of the rendered pixels."""

    def test_vision_targets_match_pixels(self):
        streams = [make_stream(4, i) for i in range(6)]
        tg = auxiliary.targets(streams)
        frames = np.concatenate([s.frames.reshape(-1, *s.frames.shape[2:]) for s in streams])  # [N, H, W, 3]
        self.assertEqual(tg.cell_colour.shape, (frames.shape[0], 4, 4))
        shape_of = {o.colour: o.shape for s in streams for o in s.objects}
        n_obj = 0
        for i, img in enumerate(frames):
            s = streams[i // 12]
            for k, c in enumerate(COLOURS):
                hit = np.all(img == PALETTE[c], axis=-1)
                self.assertEqual(bool(tg.frame_colour[i, k]), bool(hit.any()))
                for cell in range(4):
                    cy, cx = divmod(cell, 2)
                    in_cell = hit[cy * 16:(cy + 1) * 16, cx * 16:(cx + 1) * 16].any()
                    self.assertEqual(bool(tg.cell_colour[i, cell, k]), bool(in_cell), (i, c, cell))
                    if in_cell:
                        shape = [o.shape for o in s.objects if o.colour == c][0]
                        self.assertEqual(int(tg.cell_shape[i, cell, k]), SHAPES.index(shape))
                    else:
                        self.assertEqual(int(tg.cell_shape[i, cell, k]), auxiliary.IGNORE)
                if hit.any():
                    n_obj += 1
                    ys, xs = np.nonzero(hit)
                    centre = ((xs.min() + xs.max() + 1) / 2 / 32 * 2 - 1, (ys.min() + ys.max() + 1) / 2 / 32 * 2 - 1)
                    np.testing.assert_allclose(tg.frame_xy[i, k].numpy(), centre, atol=1.01 / 16)
            self.assertEqual(int(tg.frame_count[i]), int(tg.frame_colour[i].sum()))
        self.assertGreater(n_obj, 30)
        self.assertTrue(shape_of)

    def test_audio_targets(self):
        streams = [make_stream(4, i) for i in range(10)]
        tg = auxiliary.targets(streams)
        sounds = [ev for s in streams for ev in s.sounds]
        self.assertEqual(tg.kind.shape, (len(sounds),))
        for i, ev in enumerate(sounds):
            self.assertEqual(SOUNDS[int(tg.kind[i])], ev.kind)
            self.assertEqual(int(tg.tone_colour[i]), COLOURS.index(ev.colour) if ev.kind == "tone" else auxiliary.IGNORE)
            self.assertEqual(int(tg.count[i]), ev.count if ev.kind in ("beeps", "knock") else 0)

    def test_motion_targets_match_pixel_centroids(self):
        streams = [make_stream(6, i) for i in range(8)]
        tg = auxiliary.motion_targets(streams)
        self.assertEqual(tuple(tg.shape), (8, 6, 4))
        seen = set()
        for b, s in enumerate(streams):
            for w in range(6):
                for k, c in enumerate(COLOURS):
                    hits = [np.all(s.frames[w, j] == PALETTE[c], axis=-1) for j in range(2)]
                    if not hits[0].any():
                        self.assertEqual(int(tg[b, w, k]), auxiliary.IGNORE)
                        continue
                    # direction from the centroid shift between the window's two frames (3 px per frame)
                    (y0, x0), (y1, x1) = (np.argwhere(h).mean(0) for h in hits)
                    dx, dy = round(x1 - x0), round(y1 - y0)
                    want = {(3, 0): "right", (-3, 0): "left", (0, 3): "down", (0, -3): "up", (0, 0): "still"}[(dx, dy)]
                    self.assertEqual(auxiliary.DIRECTION_NAMES[int(tg[b, w, k])], want)
                    seen.add(want)
        self.assertGreaterEqual(len(seen), 4)
        self.assertEqual(auxiliary.DIRECTION_NAMES, tuple(DIRECTIONS))

    def test_motion_probe_reads_later_frames_only(self):
        tok = ByteBpeTokenizer.train(corpus.texts())
        streams = [make_stream(6, i) for i in range(2)]
        pb = build_packed(streams, [s.questions for s in streams], tok, MediaConfig())
        torch.manual_seed(0)
        head = auxiliary.MotionHead(8)
        hidden = torch.randn(2, pb.media_ids.shape[1], 8, requires_grad=True)
        loss = head.loss(hidden, pb.media_ids, tok.special_ids["<|video|>"], 2, 4, auxiliary.motion_targets(streams))
        loss.backward()
        touched = hidden.grad.abs().sum(-1)[0] > 0  # [M]
        ids = pb.media_ids[0]
        video = (ids == tok.special_ids["<|video|>"]).nonzero().squeeze(1).reshape(6, 2, 4)
        visible_windows = {w for o in streams[0].objects for w in range(o.appear, min(o.appear + o.lifetime, 6))}
        for w in range(6):
            self.assertFalse(touched[video[w, 0]].any())  # a window's first frame cannot see the motion
            self.assertEqual(bool(touched[video[w, 1]].all()), w in visible_windows)
        self.assertTrue(torch.isfinite(loss))

    def test_heads_give_finite_losses_and_gradients(self):
        torch.manual_seed(0)
        streams = [make_stream(4, i) for i in range(2)]
        heads = auxiliary.AuxHeads(8)
        v = torch.randn(24, 4, 8, requires_grad=True)
        a = torch.randn(12, 5, 8, requires_grad=True)
        losses = heads.losses(v, a, auxiliary.targets(streams))
        self.assertEqual(set(losses), {"cell_colour", "cell_shape", "frame_colour", "frame_xy", "frame_count",
                                       "kind", "tone_colour", "count"})
        total = sum(losses.values())
        total.backward()
        self.assertTrue(torch.isfinite(total))
        self.assertGreater(float(v.grad.abs().sum()), 0)
        self.assertGreater(float(a.grad.abs().sum()), 0)


if __name__ == "__main__":
    unittest.main()
