#!/usr/bin/env python3
"""Process start-up of the release `sigil` (issue 24: a single-file label within 20 ms of process overhead), beside
`cp` of the same file in the same run.

    make release && python3 Benchmarks/scripts/startup.py [--runs 30]

Rows, each run --runs times interleaved after one warm-up, wall time per process (fork to exit, from Python) and the
children's CPU time (getrusage); medians:
- `sigil label` with no input: start, argument parsing and the usage error, no file touched;
- `sigil label ONE.jpg -o OUT --marks implicit --no-record --label-signature none`: the metadata-only label;
- the same with the default signed label (keys loaded, SM3withSM2 over a SHA-256 binding of the 0.9 MB file);
- `cp ONE.jpg OUT`.
- two hello-world programs built here with `swiftc -O -static-stdlib`, one importing Foundation, one also
  FoundationNetworking (what libcurl and its libraries cost every process that links it; decision 0027).
"Overhead" is a row's median minus cp's. Writes Benchmarks/results/startup.json.
"""
import argparse, json, os, platform, resource, shutil, statistics, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(os.path.dirname(root), "shared")
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--runs", type=int, default=30)
p.add_argument("--work", default=os.path.join(root, ".build/startup-bench"))
p.add_argument("--out", default=os.path.join(root, "Benchmarks/results/startup.json"))
args = p.parse_args()
if not os.access(args.sigil, os.X_OK): sys.exit("build the release sigil first (make release)")
shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(args.work)
env = dict(os.environ, SIGIL_DATA=os.path.join(args.work, "data"), SIGIL_PRODUCER="001191110102MACQD9K64010000")
one = os.path.join(args.work, "one.jpg")
subprocess.run(["convert", os.path.join(shared, "media/images/sk_astronaut.png"), "-resize", "4000x3000!", "-quality", "90", one], check=True)
out = os.path.join(args.work, "out.jpg")
hello = {}
for name, imports in [("foundation", "import Foundation"), ("foundation-networking", "import Foundation\nimport FoundationNetworking")]:
    source = os.path.join(args.work, name + ".swift")
    with open(source, "w") as f:
        f.write(imports + "\nif CommandLine.arguments.count > 9 { print(Date()) }\n")
    if "Networking" in imports:
        with open(source, "a") as f: f.write("if CommandLine.arguments.count > 9 { print(URLRequest(url: URL(fileURLWithPath: \"/\"))) }\n")
    hello[name] = os.path.join(args.work, name)
    subprocess.run(["swiftc", "-O", "-static-stdlib", source, "-o", hello[name]], check=True, stderr=subprocess.DEVNULL)
label = [args.sigil, "label", one, "-o", out, "--marks", "implicit", "--no-record"]
rows = {
    "sigil label (no input: start-up, argument parsing, usage error)": ([args.sigil, "label"], 2),
    "sigil label ONE.jpg --label-signature none": (label + ["--label-signature", "none"], 0),
    "sigil label ONE.jpg (default signed label)": (label, 0),
    "cp ONE.jpg OUT": (["cp", one, out], 0),
    "hello world, Foundation (static Swift runtime)": ([hello["foundation"]], 0),
    "hello world, Foundation + FoundationNetworking (static Swift runtime, libcurl shared)": ([hello["foundation-networking"]], 0),
}
walls = {n: [] for n in rows}
cpus = {n: [] for n in rows}
for run in range(args.runs + 1):  # run 0 warms up (and creates the development keys)
    for name, (argv, status) in rows.items():
        if os.path.exists(out): os.remove(out)
        u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - t0
        u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode != status: sys.exit(f"{name}: exit {r.returncode}, expected {status}")
        if run > 0:
            walls[name].append(elapsed)
            cpus[name].append(u1.ru_utime + u1.ru_stime - u0.ru_utime - u0.ru_stime)
med = {n: statistics.median(w) for n, w in walls.items()}
cp = med["cp ONE.jpg OUT"]
result = {
    "command": "make release && python3 Benchmarks/scripts/startup.py " + " ".join(sys.argv[1:]),
    "binary": args.sigil, "linkedLibraries": subprocess.run(["ldd", args.sigil], capture_output=True, text=True).stdout.count("=>"),
    "fileBytes": os.path.getsize(one), "runs": args.runs, "cores": os.cpu_count(), "kernel": platform.release(),
    "loadAverageAtEnd": os.getloadavg(),
    "rows": {n: {"medianWallMs": round(med[n] * 1000, 2), "medianCPUMs": round(statistics.median(cpus[n]) * 1000, 2),
                 "overheadOverCpMs": round((med[n] - cp) * 1000, 2), "wallMs": [round(x * 1000, 2) for x in walls[n]]} for n in rows},
}
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f: json.dump(result, f, indent=2)
for n in rows: print(f"{med[n] * 1000:7.1f} ms  {statistics.median(cpus[n]) * 1000:7.1f} CPU-ms  +{(med[n] - cp) * 1000:6.1f} ms over cp  {n}")
shutil.rmtree(args.work)
