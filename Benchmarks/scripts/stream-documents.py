#!/usr/bin/env python3
"""Large documents labeled by streaming (decision 0029): `sigil label big.pdf -o out.pdf --marks implicit --no-record`,
unsigned (`--label-signature none`) and with the default signed label, beside `cp` (the floor: the label must stay
close to a copy) and `exiftool -stay_open` (which writes PDF Info AIGC as an incremental update too); and a large
Markdown file (front matter inserted at the start, the body copied by the kernel at an unaligned destination offset).

    swift build -c release --static-swift-stdlib --product sigil
    ~/.cache/sigil-bench-venv/bin/python Benchmarks/scripts/stream-documents.py [--rounds 7] [--out FILE]

The PDF has 24 pages of incompressible 1000x1000 RGB images (≈ 72 MB, pikepdf, streams stored uncompressed); the
Markdown file is ≈ 48 MB of text under a YAML front matter. Every command runs --rounds times, interleaved (round 1 of
every command, then round 2, ...), page cache warm; the figure is the median wall time, the ratio is against `cp` in
the same run. Peak RSS is each child's own (GNU time's %M, which adds ~1 ms to every command alike); for exiftool, the -stay_open process's peak over the
run (VmHWM). Outputs are checked for the label. Writes JSON (raw times, RSS, load average per round, machine).
"""
import argparse, json, os, platform, random, shutil, statistics, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--rounds", type=int, default=7)
p.add_argument("--work", default=os.path.join(root, ".build/stream-documents-bench"))
p.add_argument("--out", default=os.path.join(root, "Benchmarks/results/stream-documents.json"))
args = p.parse_args()

import pikepdf  # the bench venv has it

PRODUCER = "001191110102MACQD9K64010000"
LABEL = ('{"Label":"1","ContentProducer":"' + PRODUCER + '","ProduceID":"bench-0001","ReservedCode1":"",'
         '"ContentPropagator":"","PropagateID":"","ReservedCode2":""}')
shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(args.work)
env = dict(os.environ, SIGIL_DATA=os.path.join(args.work, "data"), SIGIL_PRODUCER=PRODUCER)

# The inputs, made here (nothing in Sigil is tuned on them).
rng = random.Random(20261207)
pdf_path = os.path.join(args.work, "large.pdf")
with pikepdf.new() as pdf:
    for _ in range(24):
        image = pikepdf.Stream(pdf, rng.randbytes(1000 * 1000 * 3))
        image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 1000, 1000
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 600, 600],
                                  Contents=pikepdf.Stream(pdf, b"q 500 0 0 500 50 50 cm /Im0 Do Q"),
                                  Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)))
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(pdf_path, compress_streams=False)
md_path = os.path.join(args.work, "large.md")
line = "".join(chr(0x4E00 + rng.randrange(0x5000)) for _ in range(40)).encode() + b"\n"
with open(md_path, "wb") as f:
    f.write(b"---\ntitle: A large note\ntags: [bench]\n---\n\n")
    while f.tell() < 48 << 20:
        f.write(line)


def child(argv):
    """Wall seconds and the child's own peak RSS (KiB), from GNU time: a child forked from this Python process would
    report Python's RSS at the fork as its own peak (Linux keeps the pre-exec high-water mark in ru_maxrss)."""
    report = os.path.join(args.work, "time.txt")
    start = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report] + argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {r.stderr.decode(errors='replace')[:500]}")
    with open(report) as f:
        return elapsed, int(f.read().split()[-1])


exif_config = os.path.join(args.work, "pdf-aigc.config")
with open(exif_config, "w") as f:
    f.write("%Image::ExifTool::UserDefined = ('Image::ExifTool::PDF::Info' => { AIGC => { } });\n1;\n")
exiftool = subprocess.Popen(["exiftool", "-config", exif_config, "-stay_open", "True", "-@", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def exiftool_label(src, dst):
    start = time.perf_counter()
    exiftool.stdin.write("\n".join([f"-PDF:AIGC={LABEL}", "-o", dst, src, "-execute"]) + "\n")
    exiftool.stdin.flush()
    while exiftool.stdout.readline().strip() != "{ready}":
        pass
    return time.perf_counter() - start, None


def output(name):
    path = os.path.join(args.work, "out-" + name)
    if os.path.exists(path):
        os.remove(path)
    return path


commands = {}
for kind, src in [("pdf", pdf_path), ("md", md_path)]:
    sigil = [args.sigil, "label", src, "--marks", "implicit", "--no-record", "--producer", PRODUCER, "-o"]
    commands[f"{kind}: cp"] = lambda s=src, k=kind: child(["cp", s, output("cp." + k)])
    commands[f"{kind}: sigil --label-signature none"] = lambda a=sigil, k=kind: child(a + [output("none." + k), "--label-signature", "none"])
    commands[f"{kind}: sigil (default signed label)"] = lambda a=sigil, k=kind: child(a + [output("signed." + k)])
commands["pdf: exiftool -stay_open"] = lambda: exiftool_label(pdf_path, output("exiftool.pdf"))

child([args.sigil, "label", md_path, "-o", output("warm.md"), "--marks", "implicit", "--no-record", "--producer", PRODUCER])
times = {name: [] for name in commands}
rss = {name: [] for name in commands}
loads = []
for r in range(args.rounds):
    loads.append(os.getloadavg())
    for name, fn in commands.items():
        elapsed, peak = fn()
        times[name].append(elapsed)
        if peak is not None:
            rss[name].append(peak)
    print(f"round {r + 1}/{args.rounds} done, load {loads[-1][0]:.2f}", file=sys.stderr)
with open(f"/proc/{exiftool.pid}/status") as f:
    rss["pdf: exiftool -stay_open"] = [int(l.split()[1]) for l in f if l.startswith("VmHWM:")]
exiftool.stdin.write("-stay_open\nFalse\n")
exiftool.stdin.flush()
exiftool.wait()

# Every output carries the label; Sigil's PDF keeps the original as a byte-identical prefix.
original = open(pdf_path, "rb").read()
for name in ["none.pdf", "signed.pdf", "exiftool.pdf"]:
    with pikepdf.open(os.path.join(args.work, "out-" + name)) as pdf:
        assert "ContentProducer" in str(pdf.docinfo.get("/AIGC", "")), name
for name in ["none.pdf", "signed.pdf"]:
    with open(os.path.join(args.work, "out-" + name), "rb") as f:
        assert f.read(len(original)) == original, name
for name in ["none.md", "signed.md"]:
    with open(os.path.join(args.work, "out-" + name), "rb") as f:
        assert b"AIGC" in f.read(4096), name

rows = []
print(f"{'command':45} {'median s':>9} {'x cp':>6} {'peak RSS MiB':>13}")
for name in commands:
    kind = name.split(":")[0]
    median = statistics.median(times[name])
    row = {"command": name, "median_s": median, "runs_s": times[name], "vs_cp": median / statistics.median(times[f"{kind}: cp"]),
           "peak_rss_kib": max(rss[name]) if rss[name] else None}
    rows.append(row)
    print(f"{name:45} {median:9.4f} {row['vs_cp']:6.2f} {row['peak_rss_kib'] / 1024 if row['peak_rss_kib'] else float('nan'):13.1f}")
result = {
    "command": "~/.cache/sigil-bench-venv/bin/python Benchmarks/scripts/stream-documents.py " + " ".join(sys.argv[1:]),
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": platform.node(), "cpus": os.cpu_count(),
    "load_average_per_round": loads, "rounds": args.rounds,
    "sizes_bytes": {"pdf": os.path.getsize(pdf_path), "md": os.path.getsize(md_path)},
    "tools": {"pikepdf": pikepdf.__version__, "exiftool": subprocess.run(["exiftool", "-ver"], capture_output=True, text=True).stdout.strip()},
    "notes": "exiftool's RSS is the -stay_open process's peak over the whole run; every other RSS is the child's own.",
    "rows": rows,
}
os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
with open(args.out, "w") as f:
    json.dump(result, f, indent=1)
print(f"wrote {args.out}")
