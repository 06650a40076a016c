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
"Overhead" is a row's median minus cp's. With --baseline BINARY, the three sigil rows run a second time with that
(earlier) build, interleaved in the same rounds, so a change is measured against its own before. With --callgrind, each
sigil row (and the baseline's) also runs once under `valgrind --tool=callgrind` and its instruction count is recorded:
a count does not move with the host's load, unlike the times. Writes Benchmarks/results/startup.json.
"""
import argparse, json, os, platform, resource, shutil, statistics, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(os.path.dirname(root), "shared")
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--runs", type=int, default=30)
p.add_argument("--baseline", help="an earlier sigil build whose rows run beside this one's")
p.add_argument("--callgrind", action="store_true", help="also count each sigil row's instructions once under callgrind")
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
    built = subprocess.run(["swiftc", "-O", "-static-stdlib", source, "-o", hello[name]], capture_output=True, text=True)
    if built.returncode != 0:  # FoundationNetworking links libcurl: libcurl4-openssl-dev must be installed
        sys.exit(f"the {name} hello world did not build (for FoundationNetworking: apt-get install libcurl4-openssl-dev):\n{built.stderr[-600:]}")
label = [args.sigil, "label", one, "-o", out, "--marks", "implicit", "--no-record"]
rows = {
    "sigil label (no input: start-up, argument parsing, usage error)": ([args.sigil, "label"], 2),
    "sigil label ONE.jpg --label-signature none": (label + ["--label-signature", "none"], 0),
    "sigil label ONE.jpg (default signed label)": (label, 0),
    "cp ONE.jpg OUT": (["cp", one, out], 0),
    "hello world, Foundation (static Swift runtime)": ([hello["foundation"]], 0),
    "hello world, Foundation + FoundationNetworking (static Swift runtime, libcurl shared)": ([hello["foundation-networking"]], 0),
}
if args.baseline:
    for name, (argv, status) in list(rows.items()):
        if argv[0] == args.sigil:
            rows[name + " [baseline build]"] = ([args.baseline] + argv[1:], status)
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
instructions = {}
if args.callgrind:
    for name, (argv, status) in rows.items():
        if argv[0] not in (args.sigil, args.baseline): continue
        # valgrind cannot read the release binary's DWARF; a copy without it keeps the symbols.
        stripped = os.path.join(args.work, "callgrind-" + os.path.basename(os.path.dirname(os.path.abspath(argv[0]))) + ("-baseline" if argv[0] == args.baseline else ""))
        if not os.path.exists(stripped): subprocess.run(["strip", "--strip-debug", "-o", stripped, argv[0]], check=True)
        if os.path.exists(out): os.remove(out)
        r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", stripped] + argv[1:], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        refs = [l for l in r.stderr.splitlines() if "refs:" in l]
        instructions[name] = int(refs[-1].split("refs:")[1].strip().replace(",", "")) if refs else None
med = {n: statistics.median(w) for n, w in walls.items()}
cp = med["cp ONE.jpg OUT"]
result = {
    "command": "make release && python3 Benchmarks/scripts/startup.py " + " ".join(sys.argv[1:]),
    "binary": args.sigil, "baseline": args.baseline, "linkedLibraries": subprocess.run(["ldd", args.sigil], capture_output=True, text=True).stdout.count("=>"),
    "fileBytes": os.path.getsize(one), "runs": args.runs, "cores": os.cpu_count(), "kernel": platform.release(),
    "loadAverageAtEnd": os.getloadavg(),
    "rows": {n: {"medianWallMs": round(med[n] * 1000, 2), "medianCPUMs": round(statistics.median(cpus[n]) * 1000, 2),
                 "overheadOverCpMs": round((med[n] - cp) * 1000, 2), "instructions": instructions.get(n), "wallMs": [round(x * 1000, 2) for x in walls[n]]} for n in rows},
}
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f: json.dump(result, f, indent=2)
for n in rows:
    count = f"{instructions[n] / 1e6:6.1f} M instr  " if instructions.get(n) else ""
    print(f"{med[n] * 1000:7.1f} ms  {statistics.median(cpus[n]) * 1000:7.1f} CPU-ms  +{(med[n] - cp) * 1000:6.1f} ms over cp  {count}{n}")
shutil.rmtree(args.work)
