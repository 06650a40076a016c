"""Sigil's text mark from Python: ctypes over libsigiltextmark (see Integrations/c/sigil_textmark.h).

    from sigil_textmark import TextMark, SigilLogitsProcessor
    mark = TextMark(passphrase="demo")              # or TextMark(key=<32-byte watermark key>)
    logprobs = mark.process(contexts, logits)       # B x V float32, the marked distribution
    mark.detect_ids(ids)["p_value"]
    mark.detect_text(text, Tokenizer("tokenizer.json"))["p_value"]
"""
from ._library import LibraryNotFound, SigilTextMarkError, find_library
from .processors import SigilLogitsProcessor, VLLMLogitsProcessor
from .textmark import TextMark, Tokenizer

__all__ = [
    "LibraryNotFound",
    "SigilLogitsProcessor",
    "SigilTextMarkError",
    "TextMark",
    "Tokenizer",
    "VLLMLogitsProcessor",
    "find_library",
    "make_processor",
]


def make_processor(info):
    """twbench's `--processor-module` hook (see sigil_textmark/twbench.py)."""
    from .twbench import make_processor as make

    return make(info)
