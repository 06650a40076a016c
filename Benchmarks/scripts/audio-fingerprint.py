#!/usr/bin/env python3
"""Recall of the record lookup by sound (issue 16, decision 0033): a generated sound is labeled with a record
(`sigil label CLIP -o OUT --data D`, default marks), loses its labels to what platforms do, and `sigil verify VARIANT
--data D --json` must find its record by the sound alone (`record.foundBy == "audio-fingerprint"`, the right index).

    python3 Benchmarks/scripts/audio-fingerprint.py --sigil /work/bin/sigil-<hash> [--set 2] [--out … --md …]

Held-out set (made here, never used to choose the matching rule, which was set on ../shared/media/audio): speech
synthesised by espeak-ng in several voices and languages from different paragraphs of this repository's docs, 20-45 s
each, and two synthetic non-speech sounds (ffmpeg lavfi). Variants of each labeled output, every label gone
(`-map_metadata -1`, a new file): MP3 64 kb/s; a 10-s excerpt from 5 s (PCM WAV); that excerpt as MP3 64 kb/s;
AAC 96 kb/s (M4A). Negatives: sounds never labeled (more espeak-ng clips, and the shared clips) must find no record.
Writes --out (JSON: every lookup with its bit error rate and offset) and --md (a table).
"""
import argparse, json, os, platform, shutil, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(os.path.dirname(root), "shared")
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--work", default=os.path.join(root, ".build/audio-fingerprint-bench"))
p.add_argument("--out", default=os.path.join(root, "Benchmarks/results/audio-fingerprint.json"))
p.add_argument("--md", default=os.path.join(root, "Benchmarks/results/audio-fingerprint.md"))
p.add_argument("--set", type=int, default=1,
               help="which held-out set to make: 1 and 2 take different paragraphs, speaking rates and synthetic sounds")
args = p.parse_args()

VOICES = ["en", "en-us", "cmn", "de", "fr", "es", "it", "ru", "pt", "nl", "sv", "pl"]
NEGATIVE_VOICES = ["en-gb-x-rp", "hi", "tr", "fi"]


def run(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, **kw)


def paragraphs():
    """Distinct paragraphs of the docs, 300-700 characters each, as the texts to speak."""
    out = []
    for folder, _, files in sorted(os.walk(os.path.join(root, "docs", "decisions"))):
        for name in sorted(files):
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            for para in text.split("\n\n"):
                para = " ".join(para.replace("`", "").replace("*", "").replace("#", "").split())
                if 300 <= len(para) <= 700:
                    out.append(para)
    return out


def ffmpeg(*a):
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", *a])


work = args.work
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
data = os.path.join(work, "data")
env = dict(os.environ, SIGIL_DATA=data)
texts = paragraphs()
clips = []  # (name, path)
for i, voice in enumerate(VOICES + NEGATIVE_VOICES):
    raw = os.path.join(work, f"raw-{i}.wav")
    pick = (i * 7) % len(texts) if args.set == 1 else (i * 11 + 5 * args.set) % len(texts)
    rate = "150" if args.set == 1 else str(125 + 10 * ((i + args.set) % 6))
    run(["espeak-ng", "-v", voice, "-s", rate, "-w", raw, texts[pick]])
    path = os.path.join(work, f"speech-{voice}.wav")
    ffmpeg("-i", raw, "-t", "45", "-ar", "44100", "-ac", "2", "-c:a", "pcm_s16le", path)
    clips.append((f"speech-{voice}", path, voice in VOICES))
synthetic = [
    ("synth-chords", "aevalsrc=0.2*sin(2*PI*(220+110*floor(mod(t\\,8)/2))*t)+0.1*sin(2*PI*(330+55*floor(mod(t\\,6)/3))*t):s=44100:d=30"),
    ("synth-noise", "anoisesrc=color=pink:amplitude=0.3:duration=30:sample_rate=44100:seed=4,tremolo=f=3:d=0.7,lowpass=f=3000"),
] if args.set == 1 else [
    ("synth-arpeggio", "aevalsrc=0.25*sin(2*PI*(196*pow(2\\,floor(mod(t*4\\,12))/12))*t):s=44100:d=30"),
    ("synth-brown", f"anoisesrc=color=brown:amplitude=0.4:duration=30:sample_rate=44100:seed={10 + args.set},tremolo=f=1.5:d=0.9,highpass=f=200"),
]
for name, expr in synthetic:
    path = os.path.join(work, f"{name}.wav")
    ffmpeg("-f", "lavfi", "-i", expr, "-ac", "2", "-c:a", "pcm_s16le", path)
    clips.append((name, path, True))
negatives = [(n, p) for n, p, labeled in clips if not labeled]
negatives += [(f"shared-{f[:-4]}", os.path.join(shared, "media/audio", f)) for f in sorted(os.listdir(os.path.join(shared, "media/audio"))) if f.endswith(".wav")]

# Label each positive clip with a record.
labeled = []  # (name, output, index)
for name, path, positive in clips:
    if not positive:
        continue
    out = os.path.join(work, f"{name}-labeled.wav")
    said = json.loads(run([args.sigil, "label", path, "-o", out, "--data", data, "--json"], env=env).stdout)
    labeled.append((name, out, said["record"]["index"]))


def variants(name, path):
    v = {}
    v["mp3-64k"] = os.path.join(work, f"{name}-64k.mp3")
    ffmpeg("-i", path, "-map_metadata", "-1", "-c:a", "libmp3lame", "-b:a", "64k", v["mp3-64k"])
    v["excerpt-10s"] = os.path.join(work, f"{name}-excerpt.wav")
    ffmpeg("-ss", "5", "-t", "10", "-i", path, "-map_metadata", "-1", "-fflags", "+bitexact", "-c:a", "pcm_s16le", v["excerpt-10s"])
    v["excerpt-10s-mp3-64k"] = os.path.join(work, f"{name}-excerpt-64k.mp3")
    ffmpeg("-i", v["excerpt-10s"], "-map_metadata", "-1", "-c:a", "libmp3lame", "-b:a", "64k", v["excerpt-10s-mp3-64k"])
    v["aac-96k"] = os.path.join(work, f"{name}-96k.m4a")
    ffmpeg("-i", path, "-map_metadata", "-1", "-c:a", "aac", "-b:a", "96k", v["aac-96k"])
    return v


def lookup(path):
    start = time.perf_counter()
    res = subprocess.run([args.sigil, "verify", path, "--data", data, "--json"], capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    doc = json.loads(res.stdout or b"{}")
    rec = doc.get("record") or {}
    return {"found": bool(rec.get("found")), "index": rec.get("index"), "foundBy": rec.get("foundBy"),
            "ber": rec.get("audioBitErrorRate"), "offset": rec.get("audioOffsetSeconds"), "seconds": round(elapsed, 3),
            "label": bool(doc.get("implicit")), "error": rec.get("error")}


rows = []
for name, path, index in labeled:
    for kind, vpath in variants(name, path).items():
        r = lookup(vpath)
        r.update(clip=name, variant=kind, expected=index,
                 hit=r["found"] and r["index"] == index and r["foundBy"] == "audio-fingerprint" and not r["label"])
        rows.append(r)
        print(f"{name:28} {kind:22} {'hit' if r['hit'] else 'MISS'} ber={r['ber']} offset={r['offset']}", flush=True)
falses = []
for name, path in negatives:
    r = lookup(path)
    r.update(clip=name, variant="never labeled")
    falses.append(r)
    print(f"{name:28} {'never labeled':22} {'FALSE MATCH' if r['found'] else 'none'}", flush=True)

kinds = ["mp3-64k", "excerpt-10s", "excerpt-10s-mp3-64k", "aac-96k"]
summary = {k: {"hits": sum(r["hit"] for r in rows if r["variant"] == k), "of": sum(r["variant"] == k for r in rows),
               "maxBER": max([r["ber"] for r in rows if r["variant"] == k and r["ber"] is not None] or [None] * 1, default=None)}
           for k in kinds}
result = {
    "command": " ".join([os.path.relpath(sys.argv[0], root)] + sys.argv[1:]),
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "sigil": os.path.basename(args.sigil),
    "machine": {"cores": os.cpu_count(), "kernel": platform.release()},
    "espeak": run(["espeak-ng", "--version"]).stdout.decode().strip(),
    "ffmpeg": run(["ffmpeg", "-version"]).stdout.decode().splitlines()[0],
    "positives": len(labeled), "negatives": len(negatives), "summary": summary,
    "falseMatches": sum(r["found"] for r in falses), "lookups": rows, "negativeLookups": falses,
}
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f:
    json.dump(result, f, indent=1)
lines = [f"`{result['command']}`", "",
         f"{result['date']}, sigil `{result['sigil']}`; {len(labeled)} held-out sounds labeled with a record, "
         f"{len(negatives)} never labeled. A hit: `sigil verify` finds the right record by the sound alone.", "",
         "| variant (labels gone) | found | worst bit error rate |", "|---|---|---|"]
for k in kinds:
    s = summary[k]
    lines.append(f"| {k} | {s['hits']} of {s['of']} | {s['maxBER']} |")
lines += ["", f"Never-labeled sounds that found a record (false matches): {result['falseMatches']} of {len(negatives)}."]
with open(args.md, "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
