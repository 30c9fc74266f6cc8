import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

import _path  # noqa: F401
from fastav_tiny import safetensors_io
from fastav_tiny.world import HIGH_PITCH_HZ, PITCH, PRESENCE_SOUNDS, make_stream

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "export_long_stream.py")


class LongStreamExportTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        subprocess.run([sys.executable, SCRIPT, "--scenes", "4", "--seed", "7", "--out", cls.dir.name], check=True, capture_output=True)
        with open(os.path.join(cls.dir.name, "questions.json")) as f:
            cls.meta = json.load(f)
        cls.tensors = safetensors_io.load(os.path.join(cls.dir.name, "set.safetensors"))
        cls.scenes = [make_stream(7, i) for i in range(4)]

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_scenes_follow_each_other_in_one_stream(self):
        frames, audio = self.tensors["frames"].numpy(), self.tensors["audio"].numpy()
        self.assertEqual(frames.shape, (1, 24, 2, 32, 32, 3))
        self.assertEqual((audio.shape, audio.dtype), ((1, 24, 16000), np.float16))
        for i, s in enumerate(self.scenes):
            np.testing.assert_array_equal(frames[0, 6 * i:6 * i + 6], s.frames)
            np.testing.assert_allclose(audio[0, 6 * i:6 * i + 6].astype(np.float32), s.audio, atol=1e-3)
        self.assertEqual(self.meta["windows_per_scene"], 6)
        self.assertEqual(len(self.meta["questions"]), sum(len(s.questions) for s in self.scenes))

    def test_questions_keep_their_truth_and_move_to_their_window(self):
        asked = [(q.text, q.answer, 6 * i + q.window) for i, s in enumerate(self.scenes) for q in s.questions]
        self.assertEqual(asked, [(q["question"], q["answer"], q["window"]) for q in self.meta["questions"]])

    def test_evidence_windows_hold_the_evidence(self):
        for q in self.meta["questions"]:
            scene = self.scenes[q["scene"]]
            ev, t = q["evidence_window"] - 6 * q["scene"], q["window"] - 6 * q["scene"]
            self.assertTrue(0 <= ev <= t, q)
            if q["family"] == "pitch":  # the last tone sounds there, at the answer's pitch
                self.assertEqual(scene.sounds[ev].kind, "tone")
                self.assertEqual(PITCH[scene.sounds[ev].colour] > HIGH_PITCH_HZ, q["answer"] == "high")
                self.assertFalse(any(scene.sounds[w].kind == "tone" for w in range(ev + 1, t + 1)))
            elif q["family"] == "order":  # the colour that came first appears there
                self.assertEqual(next(o.appear for o in scene.objects if o.colour == q["answer"]), ev)
            elif q["family"] == "presence" and q["answer"] == "yes":
                word = q["question"].split()[3]
                self.assertEqual(scene.sounds[ev].kind, PRESENCE_SOUNDS[word])
            elif q["family"] in ("presence", "recency"):
                self.assertEqual(ev, t - 2)
            else:
                self.assertEqual(ev, t)


if __name__ == "__main__":
    unittest.main()
