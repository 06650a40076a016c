#!/usr/bin/env python3
"""Summarises `sigil-wm-bench screen` output (NDJSON) for the detector's screen (decision 0102).

Usage: python3 Benchmarks/scripts/wm_screen_summary.py --threshold T MARKED.ndjson [--unmarked UNMARKED.ndjson] [--json OUT]

Marked files are named <payload>__...; a detection counts when the payload read is that payload. The staged outcome at
threshold T is derived from each line's exhaustive result and screen score (a staged search is the exhaustive one
unless stage 1 fails and the screen scores below T), so the same output serves any threshold; the `staged` field
recorded in the file is the binary's own threshold's outcome. Reported:
- how many attacked marked pictures the exhaustive search reads, how many the staged one reads, and how many the
  screen lost (read by the exhaustive search, not by the staged one), overall and among those the size-implied
  geometry alone does not read (the only ones the screen can lose), with their screen scores;
- on unmarked pictures, the share the screen ends (score < T) and any detections (false positives) in either mode;
- with --times, the median in-process detect times per mode recorded in the files, and their ratios.
"""
import argparse
import json
import statistics


def load(path):
    return [json.loads(line) for line in open(path) if line.strip().startswith("{")]


def quantiles(xs):
    xs = sorted(xs)
    if not xs:
        return {}
    pick = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    return {"min": xs[0], "p01": pick(0.01), "p10": pick(0.10), "median": pick(0.5), "p90": pick(0.9), "max": xs[-1]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("marked")
    ap.add_argument("--unmarked")
    ap.add_argument("--threshold", type=float, required=True)
    ap.add_argument("--json")
    ap.add_argument("--times", action="store_true", help="also report the recorded detect times (meaningful only at the binary's own threshold)")
    a = ap.parse_args()
    t = a.threshold
    out = {"threshold": t}
    rows = load(a.marked)
    read = lambda d, want: d["detected"] and d["payload"] == want
    n = len(rows)
    full = [r for r in rows if read(r["exhaustive"], r["file"].split("__")[0])]
    later = [r for r in full if r["exhaustive"]["stage"] != "sizeImplied"]
    lost = [r for r in later if r["screen"] < t]
    staged = [r for r in full if r not in lost]
    below = [r for r in later if r["screen"] < t]
    wrong = [r for r in rows if r["exhaustive"]["detected"] and not read(r["exhaustive"], r["file"].split("__")[0])]
    out["marked"] = {
        "pictures": n,
        "read_exhaustive": len(full),
        "read_staged": len(staged),
        "read_exhaustive_after_size_implied": len(later),
        "lost_by_screen": len(lost),
        "lost_files": [r["file"] for r in lost],
        "screen_below_threshold_among_later": len(below),
        "pass_rate_of_read": 1 - len(lost) / len(full) if full else None,
        "pass_rate_of_read_after_size_implied": 1 - len(lost) / len(later) if later else None,
        "wrong_payloads": len(wrong),
        "screen_of_later_reads": quantiles([r["screen"] for r in later]),
        "screen_of_all": quantiles([r["screen"] for r in rows]),
        "stages_exhaustive": {s: sum(1 for r in full if r["exhaustive"]["stage"] == s) for s in ["sizeImplied", "grid", "autocorrelation"]},
    }
    if a.unmarked:
        u = load(a.unmarked)
        out["unmarked"] = {
            "pictures": len(u),
            "ended_by_screen": sum(1 for r in u if r["exhaustive"]["stage"] != "sizeImplied" and r["screen"] < t),
            "screen_below_threshold": sum(1 for r in u if r["screen"] < t),
            "detected_exhaustive": sum(1 for r in u if r["exhaustive"]["detected"]),
            "detected_staged": sum(1 for r in u if r["staged"]["detected"]),
            "screen": quantiles([r["screen"] for r in u]),
        }
        m, um = out["marked"], out["unmarked"]
        um["ended_share"] = um["ended_by_screen"] / um["pictures"]
    if a.unmarked and a.times:
        m["staged_median_s"] = statistics.median(r["staged_s"] for r in rows)
        m["exhaustive_median_s"] = statistics.median(r["exhaustive_s"] for r in rows)
        um["staged_median_s"] = statistics.median(r["staged_s"] for r in u)
        um["exhaustive_median_s"] = statistics.median(r["exhaustive_s"] for r in u)
        out["ratios_same_run"] = {
            "unmarked_exhaustive_over_staged": um["exhaustive_median_s"] / um["staged_median_s"],
            "marked_exhaustive_over_staged": m["exhaustive_median_s"] / m["staged_median_s"],
            "unmarked_over_marked_time_staged": um["staged_median_s"] / m["staged_median_s"],
            "unmarked_over_marked_time_exhaustive": um["exhaustive_median_s"] / m["exhaustive_median_s"],
        }
    text = json.dumps(out, indent=1)
    if a.json:
        open(a.json, "w").write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
