"""The `--processor-module` hook of the shared text-watermark benchmark (twbench.py): `make_processor(info)`.

    twbench.py run --processor-module Integrations/python/sigil_textmark/twbench.py --detect-batch '...' ...

The key comes from $SIGIL_TEXTMARK_PASSPHRASE (default "sigil-twbench-demo-key", twbench's demo key); the
temperature from $SIGIL_TEXTMARK_TEMPERATURE (default 1.0); $SIGIL_TEXTMARK_SEED seeds the sampling randomness
(fresh when unset). The processor chooses the tokens itself ({"tokens": [...]}), so the benchmark's own temperature
and top-p never reshape the marked distribution.
"""
import os
import sys
from pathlib import Path

import numpy as np

# twbench loads this file by path, outside any package: make the package importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sigil_textmark import TextMark  # noqa: E402

DEFAULT_PASSPHRASE = "sigil-twbench-demo-key"


class TwbenchProcessor:
    """process(contexts, logits) -> {"tokens": [one id per row]}, sampled with the mark."""

    def __init__(self, textmark, temperature=1.0, rng=None):
        self.textmark = textmark
        self.temperature = float(temperature)
        self.rng = np.random.default_rng() if rng is None else rng

    def process(self, contexts, logits):
        tokens = self.textmark.sample(contexts, logits, self.rng, self.temperature)
        return {"tokens": [int(t) for t in tokens]}


def make_processor(info):
    """twbench's hook: `info` has vocab, generator, eos and tokenizer_json; only the vocabulary is checked here."""
    textmark = TextMark(passphrase=os.environ.get("SIGIL_TEXTMARK_PASSPHRASE", DEFAULT_PASSPHRASE))
    seed = os.environ.get("SIGIL_TEXTMARK_SEED")
    processor = TwbenchProcessor(
        textmark, float(os.environ.get("SIGIL_TEXTMARK_TEMPERATURE", "1.0")),
        np.random.default_rng(None if seed is None else int(seed)))
    print(f"[sigil_textmark] key {textmark.key_id}, scheme v{textmark.scheme_version}, vocab {info.get('vocab')}, "
          f"temperature {processor.temperature}", file=sys.stderr, flush=True)
    return processor
