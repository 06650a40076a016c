# Usage: $BENCH_PY Benchmarks/textmark/tokenizer-classes.py ~/.cache/sigil-twbench/tokenizer-oracle/classes.txt
# (SigilTextMarkTests.OracleTests.characterClassesMatchHF reads it: every code point must agree with TextTokenizer).
# Exhaustive per-code-point classes as HF tokenizers' pre-tokenizers see them (black-box):
# L = \p{L}, N = \p{N}, S = \s, O = other (for the ByteLevel regex); D = 1 if Digits treats it as numeric.
import sys
from tokenizers import pre_tokenizers
bl = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
dg = pre_tokenizers.Digits(individual_digits=True)
out = bytearray()
for cp in range(0x110000):
    if 0xD800 <= cp <= 0xDFFF:
        out += b"-"; continue
    c = chr(cp)
    if len(bl.pre_tokenize_str("a" + c)) == 1: k = "L"
    elif len(bl.pre_tokenize_str("1" + c)) == 1: k = "N"
    elif len(bl.pre_tokenize_str("!" + c)) == 1: k = "O"
    else: k = "S"
    d = "1" if len(dg.pre_tokenize_str("a" + c)) == 2 else "0"
    out += (k if d == "0" else k.lower()).encode()
open(sys.argv[1], "wb").write(out)
