import json
import re
import os
import struct
import tempfile
import unittest

import numpy as np
import torch

import _path  # noqa: F401
from fastav_tiny import corpus, safetensors_io
from fastav_tiny.batching import build_batch, embed, window_ids, PREFIX, QUESTION_SUFFIX
from fastav_tiny.export import export, fastav_manifest, load
from fastav_tiny.features import log_mel, slaney_mel_filters
from fastav_tiny.model import AudioConfig, FastAvTiny, MediaConfig, TextConfig, VisionConfig
from fastav_tiny.tokenizer import ByteBpeTokenizer, _pieces
from fastav_tiny.world import StreamConfig, make_stream

MODEL_DIR = os.path.join(_path.REPO, "models", "fastav-tiny")


def tiny_model(vocab: int) -> FastAvTiny:
    torch.manual_seed(0)
    return FastAvTiny(VisionConfig(hidden_size=16, intermediate_size=32, num_attention_heads=2),
                      AudioConfig(d_model=16, encoder_ffn_dim=32, encoder_attention_heads=2),
                      TextConfig(vocab_size=vocab, hidden_size=32, intermediate_size=48, num_hidden_layers=2),
                      MediaConfig())


class TokenizerTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tok = ByteBpeTokenizer.train(corpus.texts())

    def test_every_word_is_one_token_and_roundtrips(self):
        for text in corpus.texts():
            ids = self.tok.encode(text)
            self.assertEqual(self.tok.decode(ids), text)
            words = [w for chunk in re.split(r"<\|\w+\|>", text) for w in _pieces(chunk)]
            specials = sum(text.count(t) for t in self.tok.special_ids)
            self.assertEqual(len(ids), len(words) + specials, text)  # one token per pre-tokenized word

    def test_unknown_text_falls_back_to_bytes(self):
        text = "Zebra! 42 ünïcode"
        self.assertEqual(self.tok.decode(self.tok.encode(text)), text)

    def test_hf_json_roundtrip(self):
        data = json.loads(json.dumps(self.tok.to_hf_json()))
        self.assertEqual(data["model"]["type"], "BPE")
        self.assertEqual(data["pre_tokenizer"]["type"], "ByteLevel")
        self.assertEqual([t["content"] for t in data["added_tokens"]][:3], ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
        self.assertEqual(len(set(data["model"]["vocab"].values())), len(data["model"]["vocab"]))
        again = ByteBpeTokenizer.from_hf_json(data)
        for text in corpus.texts()[:20]:
            self.assertEqual(again.encode(text), self.tok.encode(text))

    def test_special_tokens_inside_text(self):
        ids = self.tok.encode("<|im_start|>user\n<|video|><|audio|><|window|>")
        s = self.tok.special_ids
        self.assertEqual(ids[0], s["<|im_start|>"])
        self.assertEqual(ids[-3:], [s["<|video|>"], s["<|audio|>"], s["<|window|>"]])


class FeatureTests(unittest.TestCase):
    def test_log_mel_matches_direct_numpy_stft(self):
        rng = np.random.default_rng(0)
        x = (0.3 * np.sin(2 * np.pi * 440 * np.arange(16000) / 16000) + 0.01 * rng.normal(size=16000)).astype(np.float32)
        got = log_mel(torch.from_numpy(x)[None])[0].numpy()
        self.assertEqual(got.shape, (80, 100))
        pad = np.pad(x.astype(np.float64), 200, mode="reflect")
        win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(400) / 400)
        frames = np.stack([pad[i * 160: i * 160 + 400] * win for i in range(100)])
        power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
        mel = np.log10(np.maximum(slaney_mel_filters() @ power.T, 1e-10))
        want = (np.maximum(mel, mel.max() - 8) + 4) / 4
        np.testing.assert_allclose(got, want, atol=1e-4)

    def test_mel_filters_shape_and_area(self):
        f = slaney_mel_filters()
        self.assertEqual(f.shape, (80, 201))
        self.assertTrue((f >= 0).all() and (f.sum(axis=1) > 0).all())


class PackingTests(unittest.TestCase):
    """A packed question block gives the same logits as the question asked on its own."""

    def test_packed_equals_plain(self):
        tok = ByteBpeTokenizer.train(corpus.texts())
        model = tiny_model(len(tok.vocab)).eval()
        streams = [make_stream(2, i) for i in range(2)]
        batch = build_batch(streams, [s.questions for s in streams], tok, model.mc)
        with torch.no_grad():
            packed = model.decode(embed(model, batch, tok), batch.positions, batch.mask)
            for r, a0, a1, q in batch.answer_slices[:6] + batch.answer_slices[-4:]:
                s = streams[r]
                w = q.window + 1
                plain = build_batch([s], [[q]], tok, model.mc)
                # truncate to windows 0..w-1 + question (the plain live sequence)
                n_media = len(tok.encode(PREFIX)) + len(window_ids(tok, model.mc)) * w
                q_len = len(tok.encode(q.text + QUESTION_SUFFIX))
                keep = list(range(n_media)) + list(range(plain.ids.shape[1] - (a1 - a0) - q_len, plain.ids.shape[1]))
                x = embed(model, plain, tok)[:, keep]
                n = len(keep)
                mask = torch.full((n, n), -1e9).triu(1)[None, None]
                ref = model.decode(x, torch.arange(n)[None], mask)
                start = n_media + q_len - 1
                np.testing.assert_allclose(packed[r, a0:a1].numpy(), ref[0, start:start + a1 - a0].numpy(), atol=1e-5)


class ExportTests(unittest.TestCase):
    def test_safetensors_layout(self):
        t = {"b": torch.arange(6, dtype=torch.float32).reshape(2, 3), "a": torch.tensor([1, 2], dtype=torch.int64)}
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "x.safetensors")
            safetensors_io.save(t, p, {"k": "v"})
            with open(p, "rb") as f:
                raw = f.read()
            (n,) = struct.unpack("<Q", raw[:8])
            self.assertEqual(n % 8, 0)
            header = json.loads(raw[8:8 + n])
            self.assertEqual(header["a"], {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]})
            self.assertEqual(header["b"], {"dtype": "F32", "shape": [2, 3], "data_offsets": [16, 40]})
            self.assertEqual(len(raw), 8 + n + 40)
            back = safetensors_io.load(p)
            self.assertTrue(torch.equal(back["b"], t["b"]) and torch.equal(back["a"], t["a"]))

    def test_export_names_and_reload(self):
        tok = ByteBpeTokenizer.train(corpus.texts())
        model = tiny_model(len(tok.vocab))
        with tempfile.TemporaryDirectory() as d:
            export(model, tok, StreamConfig(), d)
            names = set(safetensors_io.load(os.path.join(d, "model.safetensors")))
            for n in ["vision_model.embeddings.patch_embedding.weight", "vision_model.embeddings.position_embedding.weight",
                      "vision_model.encoder.layers.0.self_attn.q_proj.bias", "vision_model.encoder.layers.0.mlp.fc2.weight",
                      "vision_model.encoder.layers.0.layer_norm2.weight", "vision_model.post_layernorm.bias",
                      "encoder.conv1.weight", "encoder.conv2.bias", "encoder.embed_positions.weight",
                      "encoder.layers.0.self_attn.out_proj.weight", "encoder.layers.0.self_attn_layer_norm.weight",
                      "encoder.layers.0.fc1.weight", "encoder.layers.0.final_layer_norm.bias", "encoder.layer_norm.weight",
                      "vision_projector.linear_1.weight", "audio_projector.linear_2.bias", "model.embed_tokens.weight",
                      "model.layers.1.self_attn.k_proj.bias", "model.layers.1.self_attn.o_proj.weight",
                      "model.layers.1.mlp.gate_proj.weight", "model.layers.1.input_layernorm.weight",
                      "model.layers.1.post_attention_layernorm.weight", "model.norm.weight"]:
                self.assertIn(n, names)
            self.assertNotIn("encoder.layers.0.self_attn.k_proj.bias", names)  # Whisper: k without bias
            self.assertNotIn("model.layers.0.self_attn.o_proj.bias", names)
            self.assertNotIn("lm_head.weight", names)  # tied
            with open(os.path.join(d, "config.json")) as f:
                cfg = json.load(f)
            self.assertEqual(cfg["model_type"], "qwen2")
            self.assertEqual(cfg["vocab_size"], len(tok.vocab))
            self.assertIn("vision_config", cfg)
            self.assertIn("audio_config", cfg)
            again, tok2 = load(d)
            for k, v in model.state_dict().items():
                self.assertTrue(torch.equal(v, again.state_dict()[k]), k)
            self.assertEqual(tok2.vocab, tok.vocab)

    @unittest.skipUnless(os.path.exists(os.path.join(MODEL_DIR, "model.safetensors")), "no shipped model")
    def test_shipped_model(self):
        self.assertLessEqual(os.path.getsize(os.path.join(MODEL_DIR, "model.safetensors")), 16 * 2**20)
        model, tok = load(MODEL_DIR)
        with open(os.path.join(MODEL_DIR, "fastav.json")) as f:
            fa = json.load(f)
        self.assertEqual(fa["frames_per_window"] * fa["tokens_per_frame"] + fa["audio_tokens_per_second"] + 1,
                         len(window_ids(tok, model.mc)))
        self.assertEqual(model.tc.vocab_size, len(tok.vocab))

    @unittest.skipUnless(os.path.exists(os.path.join(MODEL_DIR, "model.safetensors")), "no shipped model")
    def test_shipped_manifest_is_what_the_exporter_writes(self):
        # The shipped fastav.json (its "domain" included) stays in step with export.py; "calibration" is added
        # afterwards by `fastav calibrate --write-model`.
        model, tok = load(MODEL_DIR)
        with open(os.path.join(MODEL_DIR, "fastav.json")) as f:
            shipped = json.load(f)
        shipped.pop("calibration", None)
        exported = json.loads(json.dumps(fastav_manifest(model, tok, StreamConfig(windows=shipped["trained_windows"]))))
        self.assertEqual(exported, shipped)
        self.assertIn("Not for real scenes", shipped["domain"])


if __name__ == "__main__":
    unittest.main()
