#!/usr/bin/env python3
"""The Aho–Corasick anchor for prompt screening (issue 21): pyahocorasick, a C implementation, called in-process.

Reads the folded phrases and prompts that `sigil-duties-bench --dump DIR` wrote (one per line), builds one automaton
over the phrases, then for each prompt collects the distinct phrases it contains, timing each prompt. Prints one JSON
object: build time, per-prompt p50/p99 in microseconds, prompts per second, and the distinct phrase hits (which must
equal Sigil's count in the same run).

    python3 Benchmarks/scripts/screen_ahocorasick.py DIR [--repeat N]
"""

import argparse
import json
import statistics
import sys
import time

try:
    import ahocorasick
except ImportError:
    sys.exit("pyahocorasick is missing: apt-get install python3-ahocorasick (or pip install pyahocorasick)")


def version() -> str:
    try:
        import importlib.metadata

        return importlib.metadata.version("pyahocorasick")
    except Exception:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the prompts; the fastest is reported")
    args = parser.parse_args()
    with open(f"{args.dir}/phrases.txt", encoding="utf-8") as f:
        phrases = f.read().split("\n")[:-1]
    with open(f"{args.dir}/prompts.txt", encoding="utf-8") as f:
        prompts = f.read().split("\n")[:-1]

    start = time.perf_counter()
    automaton = ahocorasick.Automaton()
    for index, phrase in enumerate(phrases):
        if phrase:
            if phrase in automaton:
                automaton.get(phrase).append(index)
            else:
                automaton.add_word(phrase, [index])
    automaton.make_automaton()
    build = time.perf_counter() - start

    best = None
    for _ in range(args.repeat):
        latencies = []
        hits = 0
        start = time.perf_counter()
        for prompt in prompts:
            t = time.perf_counter()
            found = set()
            for _end, indices in automaton.iter(prompt):
                found.update(indices)
            latencies.append(time.perf_counter() - t)
            hits += len(found)
        total = time.perf_counter() - start
        if best is None or total < best[0]:
            best = (total, latencies, hits)
    total, latencies, hits = best
    latencies.sort()
    print(
        json.dumps(
            {
                "anchor": f"pyahocorasick {version()}",
                "phrases": len(phrases),
                "prompts": len(prompts),
                "build_ms": round(build * 1000, 1),
                "p50_us": round(statistics.median(latencies) * 1e6, 1),
                "p99_us": round(latencies[int(len(latencies) * 0.99) - 1] * 1e6, 1),
                "prompts_per_s": round(len(prompts) / total, 1),
                "distinct_phrase_hits": hits,
            }
        )
    )


if __name__ == "__main__":
    main()
