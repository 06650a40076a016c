#!/usr/bin/env python3
"""Summarises `sigil-wm-bench compare` NDJSON (exhaustive beside ranked search, decision 0105).

Usage: wm_ranked_summary.py --set NAME MARKED.ndjson UNMARKED.ndjson [--json OUT]
Prints a Markdown section; --json writes the same figures as JSON. Per picture it compares the payload each search
read (a difference is a picture one search read and the other did not, or read differently), counts the stage the
ranked search decided at, and totals the detect times of both searches (same process, same picture, one after the
other).
"""
import argparse
import collections
import json


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def payload(result):
    return result["payload"] if result["detected"] else None


def summarise(rows):
    stages = collections.Counter(r["other"]["stage"] for r in rows)
    differences = [
        {"file": r["file"], "exhaustive": payload(r["exhaustive"]), "exhaustiveStage": r["exhaustive"]["stage"],
         "ranked": payload(r["other"]), "rankedStage": r["other"]["stage"]}
        for r in rows if payload(r["exhaustive"]) != payload(r["other"])
    ]
    exhaustive_s = sum(r["exhaustive_s"] for r in rows)
    ranked_s = sum(r["other_s"] for r in rows)
    return {
        "pictures": len(rows),
        "readByExhaustive": sum(payload(r["exhaustive"]) is not None for r in rows),
        "readByRanked": sum(payload(r["other"]) is not None for r in rows),
        "differences": differences,
        "rankedStages": dict(sorted(stages.items())),
        "exhaustiveSeconds": round(exhaustive_s, 3),
        "rankedSeconds": round(ranked_s, 3),
        "rankedOverExhaustive": round(ranked_s / exhaustive_s, 3) if exhaustive_s else None,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", required=True)
    ap.add_argument("marked")
    ap.add_argument("unmarked")
    ap.add_argument("--json")
    a = ap.parse_args()
    out = {"set": a.set, "marked": summarise(load(a.marked)), "unmarked": summarise(load(a.unmarked))}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")
    print(f"### {a.set}\n")
    print("| pictures | n | read (exhaustive) | read (ranked) | differences | ranked stages | time ranked / exhaustive |")
    print("|---|---|---|---|---|---|---|")
    for kind in ("marked", "unmarked"):
        s = out[kind]
        stages = ", ".join(f"{k} {v}" for k, v in s["rankedStages"].items())
        print(f"| {kind} | {s['pictures']} | {s['readByExhaustive']} | {s['readByRanked']} | {len(s['differences'])} | "
              f"{stages} | {s['rankedOverExhaustive']} |")
    print()


if __name__ == "__main__":
    main()
