"""Tests of the Python package over the built libsigiltextmark (numpy only; torch, transformers and vLLM are not
needed: their paths are duck-typed and tested with numpy arrays and a stand-in tensor).

Run from the repository:  python3 -m unittest discover -s Integrations/python/tests
The tests build nothing: they use $SIGIL_TEXTMARK_LIBRARY, else the library next to the package, else
.build/release or .build/debug (`swift build --product sigiltextmark`), and are skipped when none exists.
"""
import hashlib
import importlib.util
import inspect
import os
import random
import sys
import types
import unittest
from pathlib import Path

import numpy as np

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PACKAGE_ROOT))

from sigil_textmark import (  # noqa: E402
    LibraryNotFound,
    SigilLogitsProcessor,
    SigilTextMarkError,
    TextMark,
    Tokenizer,
    VLLMLogitsProcessor,
    find_library,
)
from sigil_textmark import _library  # noqa: E402

try:
    LIBRARY = find_library()
    SKIP = None
except LibraryNotFound as error:
    LIBRARY, SKIP = None, f"libsigiltextmark is not built: {error}"


def synthetic_logits(vocab, step, rows=1):
    rng = np.random.default_rng(1000 + step)
    return (rng.normal(0, 2, size=(rows, vocab)) * rng.uniform(0, 1.5, size=(rows, vocab))).astype(np.float32)


@unittest.skipIf(SKIP, SKIP)
class TextMarkTests(unittest.TestCase):
    def setUp(self):
        self.mark = TextMark(passphrase="sigil-python-tests")

    def test_key_ids_name_keys(self):
        self.assertRegex(self.mark.key_id, r"^[0-9a-f]{16}$")
        self.assertEqual(self.mark.key_id, TextMark(passphrase="sigil-python-tests").key_id)
        self.assertNotEqual(self.mark.key_id, TextMark(passphrase="another").key_id)
        # A passphrase key is SHA-256 of the passphrase used as the watermark key.
        raw = TextMark(key=hashlib.sha256(b"sigil-python-tests").digest())
        self.assertEqual(raw.key_id, self.mark.key_id)
        self.assertEqual(self.mark.scheme_version, 1)

    def test_bad_keys_are_refused(self):
        with self.assertRaises(ValueError):
            TextMark(key=b"\x01" * 31)
        with self.assertRaises(ValueError):
            TextMark(passphrase="")
        with self.assertRaises(ValueError):
            TextMark()
        with self.assertRaises(ValueError):
            TextMark(key=b"\x01" * 32, passphrase="both")

    def test_marks_skips_short_and_repeated_contexts(self):
        self.assertFalse(self.mark.marks([]))
        self.assertFalse(self.mark.marks([7]))
        self.assertTrue(self.mark.marks([7, 8]))
        self.assertFalse(self.mark.marks([7, 8, 9, 7, 8]))

    def test_process_gives_a_distribution_over_the_support(self):
        logits = synthetic_logits(500, 0, rows=3)
        logits[:, 10] = -np.inf
        contexts = [[1, 2], [3, 4, 5], []]
        for temperature in (0.7, 1.0, 1.5):
            out = self.mark.process(contexts, logits, temperature)
            self.assertEqual(out.shape, logits.shape)
            self.assertEqual(out.dtype, np.float32)
            np.testing.assert_allclose(np.exp(out.astype(np.float64)).sum(axis=1), 1, atol=1e-4)
            self.assertTrue(np.all(out[:, 10] == -np.inf))
            for row, context in enumerate(contexts):
                np.testing.assert_array_equal(self.mark.process(context, logits[row], temperature), out[row])
        # An unmarked context (repeat) is the model's own softmax at the temperature.
        plain = self.mark.process([5, 6, 5, 6], logits[0], 1.0).astype(np.float64)
        z = logits[0].astype(np.float64)
        expected = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        support = expected > 1e-10 * expected.max()
        np.testing.assert_allclose(np.exp(plain[support]), expected[support] / expected[support].sum(), rtol=1e-4)
        # A marked context reshapes it.
        self.assertGreater(np.abs(np.exp(self.mark.process([5, 6], logits[0])) - expected).max(), 1e-3)

    def test_errors_become_exceptions(self):
        logits = synthetic_logits(50, 1)[0]
        with self.assertRaises(SigilTextMarkError) as caught:
            self.mark.process([1, 2], logits, temperature=0)
        self.assertEqual(caught.exception.status, _library.ERR_ARGUMENT)
        with self.assertRaises(SigilTextMarkError) as caught:
            self.mark.sample([1, 2], np.full(50, -np.inf, dtype=np.float32))
        self.assertEqual(caught.exception.status, _library.ERR_NO_FINITE_LOGIT)
        with self.assertRaises(ValueError):
            self.mark.process([[1, 2]], synthetic_logits(50, 1, rows=2))
        self.mark.close()
        with self.assertRaises(ValueError):
            self.mark.marks([1, 2])

    def test_sample_is_the_inverse_cdf_of_process(self):
        logits = synthetic_logits(300, 2, rows=4)
        contexts = [[1, 2], [2, 3], [3, 4, 3, 4], [9, 9]]
        draws = np.random.default_rng(5).random(4)

        class Fixed:
            def __init__(self, values):
                self.values = list(values)

            def random(self):
                return self.values.pop(0)

        tokens = self.mark.sample(contexts, logits, Fixed(draws))
        probabilities = np.exp(self.mark.process(contexts, logits).astype(np.float64))
        for row in range(4):
            expected = int(np.searchsorted(np.cumsum(probabilities[row]), draws[row], side="right"))
            self.assertEqual(int(tokens[row]), expected)
        self.assertIsInstance(self.mark.sample([1, 2], logits[0], random.Random(3)), int)

    def test_marked_ids_are_detected_and_random_ids_are_not(self):
        rng = np.random.default_rng(11)
        ids = [100, 200]
        for step in range(200):
            ids.append(self.mark.sample(ids, synthetic_logits(800, step)[0], rng))
        marked = self.mark.detect_ids(ids)
        self.assertLess(marked["p_value"], 1e-6)
        self.assertEqual(marked["tokens"], 202)
        self.assertGreater(marked["scored"], 150)
        self.assertGreater(marked["mean_g"], 0.5)
        self.assertEqual(marked["key_id"], self.mark.key_id)
        self.assertLessEqual(0, marked["span_start"])
        self.assertLess(marked["span_start"], marked["span_end"])
        self.assertGreater(TextMark(passphrase="another").detect_ids(ids)["p_value"], 1e-3)
        empty = self.mark.detect_ids([])
        self.assertEqual((empty["p_value"], empty["scored"], empty["span_start"]), (1.0, 0, -1))


REPO = PACKAGE_ROOT.parent.parent
BYTE_LEVEL_TOKENIZER = REPO / "Fuzz" / "corpus" / "textmark-bytelevel.tokenizer.json"


@unittest.skipIf(SKIP, SKIP)
class TextDetectionTests(unittest.TestCase):
    def test_text_is_detected_through_the_tokenizer(self):
        mark = TextMark(passphrase="sigil-python-tests")
        tokenizer = Tokenizer(BYTE_LEVEL_TOKENIZER)
        self.assertGreater(tokenizer.vocab_size, 0)
        plain = mark.detect_text("Hello world, a plain sentence written by hand.", tokenizer)
        self.assertGreater(plain["tokens"], 0)
        self.assertGreater(plain["p_value"], 1e-3)
        self.assertEqual(mark.detect_text("", tokenizer)["p_value"], 1.0)
        with self.assertRaises(ValueError) as caught:
            Tokenizer("/nonexistent/tokenizer.json")
        self.assertIn("/nonexistent/tokenizer.json", str(caught.exception))


class FakeTensor:
    """Enough of a torch tensor for the duck-typed paths: detach/float/cpu/numpy, device and dtype."""

    def __init__(self, array, device="cpu", dtype="float16"):
        self.array, self.device, self.dtype = np.asarray(array), device, dtype
        self.moved_to = None

    def detach(self):
        return self

    def float(self):
        return FakeTensor(self.array.astype(np.float32), self.device, "float32")

    def cpu(self):
        return self

    def numpy(self):
        return self.array

    def to(self, device=None, dtype=None):
        self.moved_to = (device, dtype)
        return self


@unittest.skipIf(SKIP, SKIP)
class ProcessorTests(unittest.TestCase):
    def setUp(self):
        self.mark = TextMark(passphrase="sigil-python-tests")
        self.logits = synthetic_logits(200, 3, rows=2)
        self.input_ids = np.array([[5, 6, 7], [8, 9, 10]], dtype=np.int64)

    def test_hugging_face_processor_with_numpy(self):
        out = SigilLogitsProcessor(self.mark, temperature=0.8)(self.input_ids, self.logits)
        self.assertIsInstance(out, np.ndarray)
        np.testing.assert_array_equal(out, self.mark.process(self.input_ids, self.logits, 0.8))

    def test_hugging_face_processor_with_a_tensor(self):
        fake_torch = types.ModuleType("torch")
        fake_torch.from_numpy = lambda array: FakeTensor(array, dtype="float32")
        saved = sys.modules.get("torch")
        sys.modules["torch"] = fake_torch
        try:
            scores = FakeTensor(self.logits.astype(np.float16), device="cuda:0")
            out = SigilLogitsProcessor(self.mark)(FakeTensor(self.input_ids, dtype="int64"), scores)
        finally:
            if saved is None:
                del sys.modules["torch"]
            else:
                sys.modules["torch"] = saved
        self.assertIsInstance(out, FakeTensor)
        self.assertEqual(out.moved_to, ("cuda:0", "float16"))
        np.testing.assert_array_equal(out.array, self.mark.process(self.input_ids, self.logits.astype(np.float16)))

    def test_vllm_processor_uses_prompt_and_output_ids(self):
        processor = VLLMLogitsProcessor(self.mark, temperature=1.2)
        # vLLM passes the prompt only to callables with three parameters.
        self.assertEqual(len(inspect.signature(processor).parameters), 3)
        three = processor([1, 2, 3], [4, 5], self.logits[0])
        np.testing.assert_array_equal(three, self.mark.process([1, 2, 3, 4, 5], self.logits[0], 1.2))
        two = processor([4, 5], self.logits[0])
        np.testing.assert_array_equal(two, self.mark.process([4, 5], self.logits[0], 1.2))


@unittest.skipIf(SKIP, SKIP)
class TwbenchHookTests(unittest.TestCase):
    def load(self):
        spec = importlib.util.spec_from_file_location("twbench_hook_under_test", PACKAGE_ROOT / "sigil_textmark" / "twbench.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def test_make_processor_chooses_one_token_per_row(self):
        saved = {name: os.environ.pop(name, None) for name in ("SIGIL_TEXTMARK_PASSPHRASE", "SIGIL_TEXTMARK_SEED")}
        try:
            os.environ["SIGIL_TEXTMARK_SEED"] = "4"
            processor = self.load().make_processor(dict(vocab=200, generator="test", eos=0))
            self.assertEqual(processor.textmark.key_id, TextMark(passphrase="sigil-twbench-demo-key").key_id)
            logits = synthetic_logits(200, 4, rows=3)
            answer = processor.process([[1, 2], [3, 4], [5, 6]], logits)
            self.assertEqual(len(answer["tokens"]), 3)
            for row, token in enumerate(answer["tokens"]):
                self.assertTrue(np.isfinite(logits[row, token]))
            os.environ["SIGIL_TEXTMARK_PASSPHRASE"] = "other"
            self.assertEqual(self.load().make_processor({}).textmark.key_id, TextMark(passphrase="other").key_id)
        finally:
            for name, value in saved.items():
                os.environ.pop(name, None)
                if value is not None:
                    os.environ[name] = value


class LibraryLookupTests(unittest.TestCase):
    def test_an_explicit_path_that_does_not_exist_is_named(self):
        saved = os.environ.get(_library.LIBRARY_ENV)
        os.environ[_library.LIBRARY_ENV] = "/nonexistent/libsigiltextmark.so"
        try:
            with self.assertRaises(LibraryNotFound) as caught:
                find_library()
            self.assertIn("/nonexistent/libsigiltextmark.so", str(caught.exception))
        finally:
            if saved is None:
                del os.environ[_library.LIBRARY_ENV]
            else:
                os.environ[_library.LIBRARY_ENV] = saved


if __name__ == "__main__":
    unittest.main()
