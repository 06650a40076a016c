"""TextMark: one key of Sigil's text mark, over libsigiltextmark."""
import ctypes
import os

import numpy as np

from ._library import Result, check, library

_I32P = ctypes.POINTER(ctypes.c_int32)
_F32P = ctypes.POINTER(ctypes.c_float)


def _ids(sequence):
    """A contiguous int32 array of token ids (a list, tuple or array)."""
    ids = np.ascontiguousarray(np.asarray(sequence, dtype=np.int64).reshape(-1), dtype=np.int32)
    return ids, ids.ctypes.data_as(_I32P)


def _rows(contexts, logits):
    """(contexts as a list of id sequences, logits as a contiguous float32 B x V array, whether the input was 1-D)."""
    logits = np.asarray(logits)
    single = logits.ndim == 1
    rows = np.ascontiguousarray(logits.reshape(1, -1) if single else logits, dtype=np.float32)
    if rows.ndim != 2:
        raise ValueError(f"logits must be V or B x V, got shape {logits.shape}")
    contexts = [contexts] if single else list(contexts)
    if len(contexts) != rows.shape[0]:
        raise ValueError(f"{len(contexts)} contexts for {rows.shape[0]} rows of logits")
    return contexts, rows, single


class _Handle:
    """An owned library handle: released by close(), by `with`, or when the object is collected."""

    _free = None  # the name of the library function that releases the handle

    def close(self):
        """Releases the library handle."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            getattr(self._lib, self._free)(handle)

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Tokenizer(_Handle):
    """The generator's tokenizer (a Hugging Face tokenizer.json or a GGUF model file), read by libsigiltextmark, for
    TextMark.detect_text. Immutable and shareable across threads."""

    _free = "sigil_textmark_tokenizer_free"

    def __init__(self, path):
        self._lib = library()
        error = ctypes.create_string_buffer(512)
        self._handle = self._lib.sigil_textmark_tokenizer_load(os.fsencode(path), error, len(error))
        if not self._handle:
            raise ValueError(f"cannot load the tokenizer: {error.value.decode('utf-8', 'replace')}")
        self.vocab_size = int(self._lib.sigil_textmark_tokenizer_vocab_size(self._handle))



def _result(result, textmark):
    found = {name: getattr(result, name) for name, _ in Result._fields_}
    found.update(key_id=textmark.key_id, scheme_version=textmark.scheme_version)
    return found


class TextMark(_Handle):
    """One text-mark key: samples marked tokens and tests token ids for the mark.

    Give exactly one of `key` (the provider's 32-byte watermark key) or `passphrase` (demonstrations and benchmarks
    only). A TextMark is immutable; one instance may be used from any number of threads (the library releases the GIL
    during each call).
    """

    _free = "sigil_textmark_free"

    def __init__(self, key: "bytes | None" = None, passphrase: "str | None" = None):
        if (key is None) == (passphrase is None):
            raise ValueError("give exactly one of key= (32 bytes) or passphrase=")
        self._lib = library()
        if key is not None:
            key = bytes(key)
            if len(key) != 32:
                raise ValueError(f"a watermark key is 32 bytes, got {len(key)}")
            self._handle = self._lib.sigil_textmark_new(key, len(key))
        else:
            if not passphrase:
                raise ValueError("the passphrase is empty")
            self._handle = self._lib.sigil_textmark_new_passphrase(passphrase.encode("utf-8"))
        if not self._handle:
            raise ValueError("libsigiltextmark refused the key")
        buffer = ctypes.create_string_buffer(17)
        check(self._lib.sigil_textmark_key_id(self._handle, buffer, len(buffer)))
        self._key_id = buffer.value.decode("ascii")
        self.scheme_version = int(self._lib.sigil_textmark_scheme_version())

    @property
    def key_id(self) -> str:
        """16 hex digits naming the key (safe to log and record)."""
        return self._key_id

    def _live(self):
        if not self._handle:
            raise ValueError("this TextMark is closed")
        return self._handle

    def marks(self, context) -> bool:
        """Whether the token after `context` (prompt + generated ids) is sampled with the mark."""
        ids, pointer = _ids(context)
        return bool(check(self._lib.sigil_textmark_marks(self._live(), pointer, len(ids))))

    def process(self, contexts, logits, temperature: float = 1.0) -> np.ndarray:
        """The marked next-token distribution as natural-log probabilities (-inf outside the support).

        `logits` is B x V (or V with one context); `contexts` holds B id sequences (prompt + generated ids so far),
        e.g. a B x T array. The temperature is applied here: sample exactly from softmax(result), with no further
        temperature, top-k or top-p. Returns float32 of the same shape as `logits`.
        """
        contexts, rows, single = _rows(contexts, logits)
        out = np.empty_like(rows)
        handle, vocab = self._live(), rows.shape[1]
        for row, context in enumerate(contexts):
            ids, pointer = _ids(context)
            check(self._lib.sigil_textmark_process_logits(
                handle, pointer, len(ids), rows[row].ctypes.data_as(_F32P), vocab, float(temperature),
                out[row].ctypes.data_as(_F32P)))
        return out[0] if single else out

    def sample(self, contexts, logits, rng=None, temperature: float = 1.0):
        """Chooses the next token per row from the marked distribution, drawing u in [0, 1) from `rng` (anything with
        .random(): a numpy Generator, random.Random; a fresh numpy Generator when None). Returns an int64 array of B
        token ids (an int for 1-D logits)."""
        rng = np.random.default_rng() if rng is None else rng
        contexts, rows, single = _rows(contexts, logits)
        tokens = np.empty(rows.shape[0], dtype=np.int64)
        handle, vocab = self._live(), rows.shape[1]
        for row, context in enumerate(contexts):
            ids, pointer = _ids(context)
            tokens[row] = check(self._lib.sigil_textmark_sample(
                handle, pointer, len(ids), rows[row].ctypes.data_as(_F32P), vocab, float(temperature),
                float(rng.random())))
        return int(tokens[0]) if single else tokens

    def detect_ids(self, ids) -> dict:
        """Tests the generator's token ids for this key's mark.

        Returns p_value (corrected for every window tested), log10_p, z, mean_g, tokens, scored (distinct pairs),
        span_start/span_end (the most strongly marked run of ids; -1 when nothing was scored), tests, key_id and
        scheme_version.
        """
        ids, pointer = _ids(ids)
        result = Result()
        check(self._lib.sigil_textmark_detect_ids(self._live(), pointer, len(ids), ctypes.byref(result)))
        return _result(result, self)

    def detect_text(self, text: str, tokenizer: "Tokenizer") -> dict:
        """Tests text for this key's mark, tokenized with the generator's `tokenizer` (and again after removing
        zero-width characters and mapping full-width punctuation, corrected for the variants tried). Returns the
        same fields as detect_ids; the span indexes the text's tokens."""
        data = text.encode("utf-8")
        result = Result()
        check(self._lib.sigil_textmark_detect_text(self._live(), tokenizer._handle, data, len(data), ctypes.byref(result)))
        return _result(result, self)
