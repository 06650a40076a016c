#!/usr/bin/env python3
"""Writes twbench's human null windows (200 tokens, stride 52, the 38 public human files) as JSONL {"id","text"}
for timing `sigil textmark detect --batch` on one core:

  $BENCH_PY Benchmarks/textmark/human-windows.py ~/.cache/sigil-twbench/smollm2.tokenizer.json /tmp/human-windows.jsonl
  taskset -c 0 /usr/bin/time -f '%e s wall %U s user %M KB' \
      .build/release/sigil textmark detect --batch /tmp/human-windows.jsonl \
      --tokenizer ~/.cache/sigil-twbench/smollm2.tokenizer.json --key-passphrase k > /dev/null
"""
import glob
import json
import os
import sys

from tokenizers import Tokenizer

tok = Tokenizer.from_file(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
n = total = 0
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for fn in sorted(glob.glob(os.path.join(here, "..", "..", "..", "shared", "media", "text", "*.txt"))):
        ids = tok.encode(open(fn, encoding="utf-8").read(), add_special_tokens=False).ids
        for s in range(0, len(ids) - 200, 52):
            out.write(json.dumps(dict(id=n, text=tok.decode(ids[s:s + 200])), ensure_ascii=False) + "\n")
            n += 1
            total += 200
print(n, "windows,", total, "tokens")
