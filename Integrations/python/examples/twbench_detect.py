#!/usr/bin/env python3
"""A `--detect-batch` command for twbench.py: tokenizes each text with the generator's Hugging Face tokenizer and
tests the ids with TextMark.detect_ids.

    twbench.py run ... --detect-batch 'python Integrations/python/examples/twbench_detect.py {in}'

Input: JSONL {"id", "text"}. Output: JSONL {"id", "p", "z", "n", "log10_p", "span"} per line.
The key comes from $SIGIL_TEXTMARK_PASSPHRASE (default twbench's demo key); the tokenizer from --tokenizer
(default ~/.cache/sigil-twbench/smollm2.tokenizer.json). Needs the `tokenizers` package.
"""
import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sigil_textmark import TextMark  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="JSONL of {id, text}")
    parser.add_argument("--tokenizer", default=os.path.expanduser("~/.cache/sigil-twbench/smollm2.tokenizer.json"))
    args = parser.parse_args()
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(args.tokenizer)
    mark = TextMark(passphrase=os.environ.get("SIGIL_TEXTMARK_PASSPHRASE", "sigil-twbench-demo-key"))
    with open(args.input, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            item = json.loads(line)
            ids = tokenizer.encode(item["text"], add_special_tokens=False).ids
            found = mark.detect_ids(ids)
            print(json.dumps(dict(id=item["id"], p=found["p_value"], z=found["z"], n=found["scored"],
                                  log10_p=found["log10_p"], span=[found["span_start"], found["span_end"]])))


if __name__ == "__main__":
    main()
