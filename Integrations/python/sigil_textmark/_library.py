"""Finding and loading libsigiltextmark, and the C prototypes (see Integrations/c/sigil_textmark.h)."""
import ctypes
import functools
import os
import sys
from pathlib import Path

LIBRARY_ENV = "SIGIL_TEXTMARK_LIBRARY"
LIBRARY_NAME = "libsigiltextmark.dylib" if sys.platform == "darwin" else "libsigiltextmark.so"

# The header's return codes.
OK = 0
ERR_NULL = -1
ERR_ARGUMENT = -2
ERR_BUFFER = -3
ERR_NO_FINITE_LOGIT = -4
ERR_UTF8 = -5


class LibraryNotFound(OSError):
    """libsigiltextmark could not be found; the message lists where it was looked for."""


class SigilTextMarkError(RuntimeError):
    """A call into libsigiltextmark returned a negative status."""

    def __init__(self, status, message):
        super().__init__(f"sigil_textmark: {message} (status {status})")
        self.status = status


class Result(ctypes.Structure):
    """sigil_textmark_result: four doubles then five int64_t (72 bytes)."""

    _fields_ = [
        ("p_value", ctypes.c_double),
        ("log10_p", ctypes.c_double),
        ("z", ctypes.c_double),
        ("mean_g", ctypes.c_double),
        ("tokens", ctypes.c_int64),
        ("scored", ctypes.c_int64),
        ("span_start", ctypes.c_int64),
        ("span_end", ctypes.c_int64),
        ("tests", ctypes.c_int64),
    ]


def candidates():
    """Where the library is looked for, in order: $SIGIL_TEXTMARK_LIBRARY alone when set; else next to the
    package, then the repository's .build/release and .build/debug (this file is
    <repo>/Integrations/python/sigil_textmark/_library.py)."""
    explicit = os.environ.get(LIBRARY_ENV)
    if explicit:
        return [Path(explicit)]
    here = Path(__file__).resolve().parent
    repo = here.parent.parent.parent
    return [
        here / LIBRARY_NAME,
        here.parent / LIBRARY_NAME,
        repo / ".build" / "release" / LIBRARY_NAME,
        repo / ".build" / "debug" / LIBRARY_NAME,
    ]


def find_library():
    """The path of the first existing candidate; raises LibraryNotFound naming every place tried."""
    tried = candidates()
    for path in tried:
        if path.is_file():
            return path
    hint = "build it with `swift build -c release --product sigiltextmark` or set " + LIBRARY_ENV
    raise LibraryNotFound(f"{LIBRARY_NAME} not found (tried {', '.join(str(p) for p in tried)}); {hint}")


@functools.lru_cache(maxsize=None)
def library():
    """The loaded library with its prototypes declared (loaded once per process)."""
    lib = ctypes.CDLL(str(find_library()))
    handle, i32p, f32p, size = ctypes.c_void_p, ctypes.POINTER(ctypes.c_int32), ctypes.POINTER(ctypes.c_float), ctypes.c_size_t
    prototypes = {
        "sigil_textmark_scheme_version": (ctypes.c_int32, []),
        "sigil_textmark_status_string": (ctypes.c_char_p, [ctypes.c_int32]),
        "sigil_textmark_new": (handle, [ctypes.c_char_p, size]),
        "sigil_textmark_new_passphrase": (handle, [ctypes.c_char_p]),
        "sigil_textmark_free": (None, [handle]),
        "sigil_textmark_key_id": (ctypes.c_int, [handle, ctypes.c_char_p, size]),
        "sigil_textmark_marks": (ctypes.c_int, [handle, i32p, size]),
        "sigil_textmark_process_logits": (ctypes.c_int, [handle, i32p, size, f32p, size, ctypes.c_double, f32p]),
        "sigil_textmark_sample": (ctypes.c_int32, [handle, i32p, size, f32p, size, ctypes.c_double, ctypes.c_double]),
        "sigil_textmark_detect_ids": (ctypes.c_int, [handle, i32p, size, ctypes.POINTER(Result)]),
        "sigil_textmark_tokenizer_load": (handle, [ctypes.c_char_p, ctypes.c_char_p, size]),
        "sigil_textmark_tokenizer_free": (None, [handle]),
        "sigil_textmark_tokenizer_vocab_size": (ctypes.c_int64, [handle]),
        "sigil_textmark_detect_text": (ctypes.c_int, [handle, handle, ctypes.c_char_p, size, ctypes.POINTER(Result)]),
    }
    for name, (restype, argtypes) in prototypes.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


def check(status):
    """status when it is >= 0, else SigilTextMarkError with the library's description."""
    if status < 0:
        raise SigilTextMarkError(status, library().sigil_textmark_status_string(status).decode())
    return status
