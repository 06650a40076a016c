#!/usr/bin/env python3
"""Writes expected token ids from Hugging Face `tokenizers` (the black-box oracle) for the Swift tests.

Usage: ~/.cache/sigil-bench-venv/bin/python Benchmarks/textmark/tokenizer-oracle.py [out_dir]
       (default: ~/.cache/sigil-twbench/tokenizer-oracle, where SigilTextMarkTests' OracleTests look; the
       tokenizer.json files come from `twbench.py tokenizer --generator NAME ~/.cache/sigil-twbench/NAME.tokenizer.json`)

For each tokenizer (smollm2, gemma3) it writes
  <name>.encode.jsonl  {"text": ..., "ids": [...]}  encode(text, add_special_tokens=False).ids
  <name>.decode.jsonl  {"ids": [...], "text": ...}  decode(ids, skip_special_tokens=True)
over: every /work/shared/media/text/*.txt whole and split into paragraphs, variants of every paragraph
(zero-width spaces, full-width punctuation, NFKC, collapsed whitespace, emoji/mixed scripts) and random
edge-case strings (combining marks, CRLF, tabs, digit runs, space runs, non-BMP, controls, added-token text).
"""
import glob
import json
import os
import random
import sys
import unicodedata

from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("TWBENCH_CACHE") or os.path.expanduser("~/.cache/sigil-twbench")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(CACHE, "tokenizer-oracle")
TOKENIZERS = {name: os.path.join(CACHE, f"{name}.tokenizer.json") for name in ("smollm2", "gemma3")}
TEXT_GLOB = os.path.join(HERE, "..", "..", "..", "shared", "media", "text", "*.txt")

rng = random.Random(20250611)

FULLWIDTH = str.maketrans({",": "，", ".": "。", "!": "！", "?": "？", ":": "：", ";": "；", "(": "（", ")": "）"})
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧", "🇨🇳", "❤️", "🤖", "✨", "🧪", "𝔘𝔫𝔦", "𠀀𠀁", "🀄"]
MIXED = ["Привет", "مرحبا", "नमस्ते", "こんにちは", "안녕하세요", "สวัสดี", "Γειά", "שָׁלוֹם", "ⅫⅣ", "½¾", "١٢٣", "１２３", "²³"]
EDGE_PIECES = [
    "e\u0301", "a\u0308\u0323", "\u0301", "\r\n", "\r", "\n", "\n\n", "\n\n\n", "\t", "\t\t", " \t ", "\u00a0",
    "\u3000", "\u2028", "\u2029", "\u200b", "\u200d", "\ufeff", "\u0085", "\x0b", "\x0c", "\x00", "\x1f", "\x7f",
    "0123456789" * 3, "3.14159", "1,000,000", "  ", "   ", " " * 17, " " * 40, "\t" * 5, "\n" * 35,
    "'s", "'S", "'ll", "'re", "'ve", "'m", "'d", "'t", "''", "don't", "I'M", " 's", "'", "\"",
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<start_of_image>", "<bos>", "<eos>", "<pad>", "<unk>",
    "<unused12>", "[multimodal]", "<table>", "</td>", "<0x41>", "<0xE4>", "▁", "▁▁", "Ġ", "Ċ",
    "\ue000", "\U000f0000", "\u0378", "\ufffd", "\U0001f600", "\U00020000", "\U0010fffd", "ﬁ", "Å", "ǅ",
    "ʰ", "々", "〇", "ⅷ", "⑴", "𝟙", "٣", "߀", "़", "ं", "ـ", "·", "¬", "\u00ad", "ß", "İ", "ﷺ", "𒀀",
]


def paragraphs(text):
    parts = [p for p in text.split("\n\n") if p.strip()]
    return parts


def add_zero_width(text):
    out = []
    for ch in text:
        out.append(ch)
        if (ch == " " or "\u4e00" <= ch <= "\u9fff") and rng.random() < 0.3:
            out.append("\u200b")
    return "".join(out)


def collapse_whitespace(text):
    return " ".join(text.split())


def emoji_mixed(text):
    words = text.split(" ")
    for _ in range(max(1, len(words) // 8)):
        i = rng.randrange(len(words) + 1)
        words.insert(i, rng.choice(EMOJI + MIXED))
    return " ".join(words)


def random_scalar():
    while True:
        cp = rng.choice([rng.randrange(0x80), rng.randrange(0x800), rng.randrange(0x10000), rng.randrange(0x110000)])
        if not 0xD800 <= cp <= 0xDFFF:
            return chr(cp)


def random_edge_case(base):
    pieces = []
    for _ in range(rng.randrange(1, 25)):
        r = rng.random()
        if r < 0.45:
            pieces.append(rng.choice(EDGE_PIECES))
        elif r < 0.65:
            pieces.append(random_scalar())
        elif r < 0.85 and base:
            start = rng.randrange(len(base))
            pieces.append(base[start:start + rng.randrange(1, 30)])
        else:
            pieces.append(rng.choice([" ", "  ", "\n", "x", "1", ".", "中"]))
    return "".join(pieces)


def build_texts():
    texts = []
    all_paragraphs = []
    for path in sorted(glob.glob(TEXT_GLOB)):
        with open(path, encoding="utf-8") as f:
            whole = f.read()
        texts.append(whole)
        all_paragraphs.extend(paragraphs(whole))
    for p in all_paragraphs:
        texts.append(p)
        texts.append(add_zero_width(p))
        texts.append(p.translate(FULLWIDTH))
        texts.append(unicodedata.normalize("NFKC", p))
        texts.append(collapse_whitespace(p))
        texts.append(emoji_mixed(p))
        texts.append(random_edge_case(p))
    for _ in range(3000):
        texts.append(random_edge_case(rng.choice(all_paragraphs)))
    for _ in range(500):
        texts.append("".join(random_scalar() for _ in range(rng.randrange(1, 60))))
    texts.extend(["", " ", "  ", "\n", "a", "中", "\u200b", " " * 200, "\n" * 100, "9" * 100, "'", "'s'"])
    return texts


def main():
    os.makedirs(OUT, exist_ok=True)
    texts = build_texts()
    for name, path in TOKENIZERS.items():
        tok = Tokenizer.from_file(path)
        encodings = tok.encode_batch(texts, add_special_tokens=False)
        with open(os.path.join(OUT, f"{name}.encode.jsonl"), "w", encoding="utf-8") as f:
            for text, enc in zip(texts, encodings):
                f.write(json.dumps({"text": text, "ids": enc.ids}, ensure_ascii=False) + "\n")
        vocab = tok.get_vocab_size()
        cases = []
        for enc in encodings[: len(texts)]:
            if rng.random() < 0.1 and enc.ids:
                ids = enc.ids
                cases.append(ids)
                a = rng.randrange(len(ids))
                cases.append(ids[a:a + rng.randrange(1, 20)])
        for _ in range(2000):
            cases.append([rng.randrange(vocab) for _ in range(rng.randrange(1, 12))])
        for _ in range(500):
            cases.append([rng.randrange(min(vocab, 300)) for _ in range(rng.randrange(1, 12))])
        with open(os.path.join(OUT, f"{name}.decode.jsonl"), "w", encoding="utf-8") as f:
            for ids in cases:
                text = tok.decode(ids, skip_special_tokens=True)
                f.write(json.dumps({"ids": ids, "text": text}, ensure_ascii=False) + "\n")
        print(name, len(texts), "encode cases,", len(cases), "decode cases")


if __name__ == "__main__":
    main()
