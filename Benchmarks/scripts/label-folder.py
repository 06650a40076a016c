#!/usr/bin/env python3
"""Label a folder as users run it: whole-process `sigil label DIR -o OUT --marks implicit --no-record` beside
whole-process anchors in the same run (issue 24), and optionally a second `sigil` binary (an older build) on the
same commands (issue 15: the media core must not slow images down).

    make release && python3 Benchmarks/scripts/label-folder.py [--baseline OLD_SIGIL] [--files 200] [--rounds 5]

Every command runs `--rounds` times, interleaved (round 1 of every command, then round 2, ...), on a warm page cache;
each figure is the median wall time, and each ratio is against an anchor measured in the same run. Writes
Benchmarks/results/label-folder.json (raw times included) and prints a table.
"""
import argparse, json, os, platform, resource, shutil, statistics, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(os.path.dirname(root), "shared")
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--baseline", help="another sigil binary (an older build) run on the same commands")
p.add_argument("--files", type=int, default=200)
p.add_argument("--rounds", type=int, default=5)
p.add_argument("--work", default=os.path.join(root, ".build/label-folder-bench"))
p.add_argument("--out", default=os.path.join(root, "Benchmarks/results/label-folder.json"))
args = p.parse_args()

shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(args.work)
inp, inp10 = os.path.join(args.work, "in"), os.path.join(args.work, "in10")
os.makedirs(inp); os.makedirs(inp10)
env = dict(os.environ, SIGIL_DATA=os.path.join(args.work, "data"), SIGIL_PRODUCER="001191110102MACQD9K64010000")

# A 12 MP JPEG from a real photo, copied --files times (and 10 times for the pixel path).
base = os.path.join(args.work, "base.jpg")
subprocess.run(["convert", os.path.join(shared, "media/images/sk_astronaut.png"), "-resize", "4000x3000!", "-quality", "90", base], check=True)
for i in range(args.files):
    shutil.copyfile(base, os.path.join(inp, f"img{i:04d}.jpg"))
for i in range(10):
    shutil.copyfile(base, os.path.join(inp10, f"img{i:04d}.jpg"))
config = os.path.join(root, "Tests/SigilTests/Resources/tc260.exiftool.config")
label = '{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"bench-0001","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}'

def out(name): return os.path.join(args.work, "out-" + name)

commands = {  # name: (argv, output folder or file, what it is)
    "cp -r": (["cp", "-r", inp, out("cp")], out("cp")),
    "cp -r && sync": (["sh", "-c", f"cp -r {inp} {out('cpsync')} && sync"], out("cpsync")),
    "exiftool, one process": (["exiftool", "-config", config, "-q", f"-XMP-TC260:AIGC={label}", "-o", out("exiftool") + "/", inp], out("exiftool")),
}
def sigil_commands(binary, tag, extra_old=False):
    c = {}
    c[f"{tag} --label-signature none"] = ([binary, "label", inp, "-o", out(tag + "-none"), "--marks", "implicit", "--no-record", "--label-signature", "none"], out(tag + "-none"))
    c[f"{tag} (default signed label)"] = ([binary, "label", inp, "-o", out(tag + "-signed"), "--marks", "implicit", "--no-record"], out(tag + "-signed"))
    c[f"{tag} explicit+implicit, 10 files"] = ([binary, "label", inp10, "-o", out(tag + "-explicit"), "--marks", "explicit,implicit", "--no-record", "--label-signature", "none"], out(tag + "-explicit"))
    c[f"{tag} one file, --label-signature none"] = ([binary, "label", base, "-o", out(tag + "-one.jpg"), "--marks", "implicit", "--no-record", "--label-signature", "none"], out(tag + "-one.jpg"))
    return c
commands.update(sigil_commands(args.sigil, "sigil"))
commands["sigil (default signed label) --durable"] = ([args.sigil, "label", inp, "-o", out("sigil-durable"), "--marks", "implicit", "--no-record", "--durable"], out("sigil-durable"))
commands["sigil --label-binding sm3"] = ([args.sigil, "label", inp, "-o", out("sigil-sm3"), "--marks", "implicit", "--no-record", "--label-binding", "sm3"], out("sigil-sm3"))
commands["cp, one file"] = (["cp", base, out("cp-one.jpg")], out("cp-one.jpg"))
if args.baseline:
    commands.update(sigil_commands(args.baseline, "baseline"))

def clear(path):
    if os.path.isdir(path): shutil.rmtree(path)
    elif os.path.exists(path): os.remove(path)

times = {name: [] for name in commands}
cpu = {name: [] for name in commands}  # user + system CPU seconds of the command's processes
subprocess.run(["cat"] + [os.path.join(inp, f) for f in os.listdir(inp)], stdout=subprocess.DEVNULL, check=True)  # warm
for round_ in range(args.rounds + 1):  # round 0 warms up (and creates the development keys)
    for name, (argv, target) in commands.items():
        clear(target)
        if name.startswith("exiftool"): os.makedirs(target)
        subprocess.run(["sync"], check=True)
        u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - t0
        u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode != 0:
            sys.exit(f"{name} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
        if round_ > 0:
            times[name].append(elapsed)
            cpu[name].append(u1.ru_utime + u1.ru_stime - u0.ru_utime - u0.ru_stime)
    print(f"round {round_}/{args.rounds} done", file=sys.stderr)

# Check the outputs: every labeled file carries the label (exiftool reads it back).
check = subprocess.run(["exiftool", "-config", config, "-q", "-s3", "-XMP-TC260:AIGC", os.path.join(out("sigil-signed"), "img0000.jpg")], capture_output=True, text=True)
assert '"Label":"1"' in check.stdout and "SHA256" in check.stdout, check.stdout
med = {n: statistics.median(t) for n, t in times.items()}
def ratio(a, b): return round(med[a] / med[b], 2)
summary = {
    "sigil --label-signature none vs cp -r": ratio("sigil --label-signature none", "cp -r"),
    "sigil --label-signature none vs cp -r && sync": ratio("sigil --label-signature none", "cp -r && sync"),
    "sigil default signed vs cp -r": ratio("sigil (default signed label)", "cp -r"),
    "sigil default signed --durable vs cp -r && sync": ratio("sigil (default signed label) --durable", "cp -r && sync"),
    "exiftool vs sigil default signed (how many times faster sigil is)": ratio("exiftool, one process", "sigil (default signed label)"),
    "exiftool vs sigil --label-signature none": ratio("exiftool, one process", "sigil --label-signature none"),
    "sigil SM3 binding vs SHA-256 binding": ratio("sigil --label-binding sm3", "sigil (default signed label)"),
    "one file: sigil process minus cp process, ms": round((med["sigil one file, --label-signature none"] - med["cp, one file"]) * 1000, 1),
}
if args.baseline:
    for what in ["--label-signature none", "(default signed label)", "explicit+implicit, 10 files", "one file, --label-signature none"]:
        summary[f"sigil vs baseline: {what}"] = ratio(f"sigil {what}", f"baseline {what}")
result = {
    "command": "python3 Benchmarks/scripts/label-folder.py " + " ".join(sys.argv[1:]),
    "files": args.files, "fileBytes": os.path.getsize(base), "image": "sk_astronaut.png resized to 4000x3000, JPEG q90",
    "rounds": args.rounds, "cores": os.cpu_count(), "kernel": platform.release(), "loadAverageAtEnd": os.getloadavg(),
    "baseline": args.baseline,
    "medianSeconds": {n: round(v, 4) for n, v in med.items()},
    "rawSeconds": {n: [round(x, 4) for x in t] for n, t in times.items()},
    "medianCPUSeconds": {n: round(statistics.median(t), 4) for n, t in cpu.items()},
    "ratios": summary,
}
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f: json.dump(result, f, indent=2)
for n, v in med.items(): print(f"{v:9.3f} s  {statistics.median(cpu[n]):7.3f} CPU-s  {n}")
for n, v in summary.items(): print(f"{v:>9}  {n}")
