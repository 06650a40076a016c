#!/usr/bin/env python3
"""Audio labels as users run them (issue 16, "Measure"): the release `sigil label` beside `cp` / `cp -r` and the tools
people use for the same metadata edit, all in one run:

  ffmpeg    `ffmpeg -y -v error -i IN -map 0 -c copy -metadata AIGC=… OUT` (one process a file; M4A also gets
            `-movflags use_metadata_tags`, without which the mp4 muxer drops the key); a folder: one process a file,
            as many at once as there are cores (Sigil's --jobs default)
  mutagen   in process (the bench venv): TXXX:AIGC in ID3 (MP3; WAV in an `id3 ` chunk), a Vorbis comment AIGC
            (FLAC, Ogg Vorbis, Opus), an iTunes freeform ----:com.apple.iTunes:AIGC atom (M4A)
  metaflac  `metaflac --set-tag=AIGC=… FILE…` (FLAC, edits in place: after a `cp`/`cp -r` for a new file/folder)
  eyeD3     `eyeD3 -Q --user-text-frame AIGC:… FILE…` (MP3, edits in place: after a `cp`/`cp -r`)
  exiftool  one `-stay_open True -@ -` process for the run, `-Keys:AIGC=…` (a user-defined QuickTime Keys tag); it
            writes only M4A among these formats: for the others its refusal is recorded, not timed

    ~/.cache/sigil-bench-venv/bin/python Benchmarks/scripts/audio-metadata.py --sigil /work/bin/sigil-5a88573 \
        [--copies 1000] [--rounds 5] [--slow-rounds 2] [--hour-rounds 3] [--huge-rounds 2] [--sections large]

Rows (every command --rounds times, interleaved: round 1 of every command, then round 2, ...; page cache warm; each
figure is the median wall time; each ratio is against `cp` / `cp -r` of the same input in the same run):
- one file to a new file, one shared clip per format (../shared/media/audio-formats): cp, sigil unsigned
  (`--label-signature none`) and signed (default SM3withSM2 ReservedCode1), ffmpeg, mutagen, metaflac, eyeD3, exiftool;
- a folder of --copies copies of the same clip to a new folder (WAV, MP3, FLAC, M4A by default): the same tools
  (ffmpeg only in the first --slow-rounds rounds: 1,000 processes a format);
- in place, per folder of --copies: `sigil label DIR --in-place`, mutagen, metaflac, eyeD3, exiftool
  `-overwrite_original`, each on fresh copies made (`cp -r`, then `sync`) outside the timed region;
- the rhythm label (`--marks explicit,implicit`: Morse "AI" at the start) and the implicit label of a 1-hour WAV
  (--hour-rounds) and a 2 GB WAV (--huge-rounds) beside `cp`, `sync` before each, peak RSS from GNU
  `/usr/bin/time -f %M`. Both WAVs are made here (pink noise from ffmpeg, 16-bit stereo 44.1 kHz, a 60 s block
  repeated) under --work and reused when present.
Every output is checked after every run, outside the timed region (for a folder: its first, middle and last file):
`sigil verify --json --no-decode`, mutagen and ffprobe each look for an AIGC field; an anchor that wrote none is
recorded as "wrote no AIGC". The rhythm label is checked from Sigil's report and, on the 1-hour output of the last
round, by `sigil verify` decoding the samples. Each output is deleted after its check, so no command pays for the
write-back of another's files. Writes --out (raw times, load per round, machine, tool versions) and --md (tables).
"""
import argparse, atexit, json, os, platform, shutil, statistics, subprocess, sys, time, wave
from concurrent.futures import ThreadPoolExecutor

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(os.path.dirname(root), "shared")
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--copies", type=int, default=1000)
p.add_argument("--rounds", type=int, default=5)
p.add_argument("--slow-rounds", type=int, default=2, help="rounds of the ffmpeg folder rows (one process a file)")
p.add_argument("--hour-rounds", type=int, default=3)
p.add_argument("--huge-rounds", type=int, default=2)
p.add_argument("--hour-seconds", type=int, default=3600)
p.add_argument("--huge-bytes", type=int, default=2_000_000_000, help="PCM bytes of the large WAV")
p.add_argument("--folder-formats", default="wav,mp3,flac,m4a")
p.add_argument("--work", default=os.path.join(root, ".build/audio-bench"))
p.add_argument("--out", default=os.path.join(root, "Benchmarks/results/audio-metadata.json"))
p.add_argument("--inputs-only", action="store_true", help="make the inputs under --work and stop")
p.add_argument("--md", default=os.path.join(root, "Benchmarks/results/audio-metadata.md"))
p.add_argument("--sections", default="single,folder,in-place,large",
               help="which groups to run (comma-separated): single, folder, in-place (needs folder), large")
args = p.parse_args()
sections = set(args.sections.split(","))
if "in-place" in sections:
    sections.add("folder")

import mutagen  # the in-process anchor (bench venv)
from mutagen.id3 import TXXX
from mutagen.mp4 import MP4FreeForm

if not os.access(args.sigil, os.X_OK):
    sys.exit(f"no sigil binary at {args.sigil} (make release, or --sigil PATH)")
for tool in ("ffmpeg", "ffprobe", "metaflac", "eyeD3", "exiftool", "/usr/bin/time"):
    if shutil.which(tool) is None:
        sys.exit(f"{tool} is not installed (apt-get install ffmpeg flac eyed3 libimage-exiftool-perl time)")

PRODUCER = "001191110102MACQD9K64010000"
LABEL = ('{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"bench-0001","ReservedCode1":"",'
         '"ContentPropagator":"","PropagateID":"","ReservedCode2":""}')
SOURCES = {  # one clip a format, the same for the single-file, folder and in-place rows
    "wav": "m05__wav_extensible16.wav", "mp3": "m01__mp3_cbr128_id3v23_apic.mp3",
    "flac": "m03__flac_vc_picture_padding.flac", "m4a": "m05__m4a_aac128_itunes_cover_faststart.m4a",
    "ogg": "m09__vorbis_q4.ogg", "opus": "s10__opus_24k_mono.opus",
}
folder_kinds = [k for k in args.folder_formats.split(",") if k]
work = os.path.abspath(args.work)
inputs = os.path.join(work, "in")
outs = os.path.join(work, "out")
data = os.path.join(work, "data")
for d in (inputs, outs, data):
    os.makedirs(d, exist_ok=True)
for entry in os.listdir(outs):
    shutil.rmtree(os.path.join(outs, entry), ignore_errors=True) if os.path.isdir(os.path.join(outs, entry)) \
        else os.remove(os.path.join(outs, entry))
env = dict(os.environ, SIGIL_DATA=data)

# ---- inputs ----
single = {}
for kind, name in SOURCES.items():
    single[kind] = os.path.join(inputs, name)
    if not os.path.exists(single[kind]):
        shutil.copyfile(os.path.join(shared, "media/audio-formats", name), single[kind])
folders = {}
for kind in (folder_kinds if "folder" in sections else []):
    folder = os.path.join(inputs, f"folder-{kind}")
    names = [f"f{i:04d}.{kind}" for i in range(args.copies)]
    if not os.path.isdir(folder) or sorted(os.listdir(folder)) != names:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        for n in names:
            shutil.copyfile(single[kind], os.path.join(folder, n))
    folders[kind] = folder


def make_wav(path, data_bytes):
    """16-bit stereo 44.1 kHz WAV of pink noise: a 60 s block from ffmpeg, repeated to data_bytes of PCM."""
    frames = data_bytes // 4
    if os.path.exists(path):
        with wave.open(path, "rb") as w:
            if w.getnframes() == frames:
                return
    block = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                            "anoisesrc=color=pink:amplitude=0.25:duration=60:sample_rate=44100:seed=16",
                            "-ac", "2", "-f", "s16le", "-c:a", "pcm_s16le", "-"], capture_output=True, check=True).stdout
    with wave.open(path + ".tmp", "wb") as w:
        w.setnchannels(2); w.setsampwidth(2); w.setframerate(44100)
        left = frames * 4
        while left:
            chunk = block[:min(left, len(block))]
            w.writeframesraw(chunk)
            left -= len(chunk)
    os.replace(path + ".tmp", path)


hour_wav = os.path.join(inputs, "hour.wav")
huge_wav = os.path.join(inputs, "huge.wav")
make_wav(hour_wav, args.hour_seconds * 44100 * 4)
make_wav(huge_wav, args.huge_bytes)
if args.inputs_only:
    sys.exit(0)
large = {"1-hour WAV": (hour_wav, args.hour_rounds), f"{args.huge_bytes / 1e9:.1f} GB WAV": (huge_wav, args.huge_rounds)}

# ---- the anchors ----
def mutagen_label(path):
    m = mutagen.File(path)
    kind = type(m).__name__
    if kind in ("MP3", "WAVE"):
        if m.tags is None:
            m.add_tags()
        m.tags.add(TXXX(encoding=3, desc="AIGC", text=[LABEL]))
        m.save(v2_version=3 if m.tags.version[1] == 3 else 4)  # keep an ID3v2.3 tag v2.3
    elif kind == "MP4":
        m.tags["----:com.apple.iTunes:AIGC"] = [MP4FreeForm(LABEL.encode())]
        m.save()
    else:  # FLAC, OggVorbis, OggOpus: a Vorbis comment
        m["AIGC"] = LABEL
        m.save()


exif_config = os.path.join(work, "keys-aigc.config")
with open(exif_config, "w") as f:
    f.write("%Image::ExifTool::UserDefined = ('Image::ExifTool::QuickTime::Keys' => { AIGC => { } });\n1;\n")
exiftool = subprocess.Popen(["exiftool", "-config", exif_config, "-stay_open", "True", "-@", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
atexit.register(lambda: exiftool.poll() is None and exiftool.kill())  # also when a check stops the run


def exiftool_run(arguments):
    exiftool.stdin.write("\n".join(arguments + ["-execute"]) + "\n")
    exiftool.stdin.flush()
    said = []
    while (line := exiftool.stdout.readline().strip()) != "{ready}":
        said.append(line)
    if not any(("created" in s or "updated" in s) and not s.startswith("0 ") for s in said):
        sys.exit(f"exiftool wrote nothing: {said}")


exiftool_cannot = {}  # what exiftool says for the formats it does not write (recorded, not timed)
for kind, path in single.items():
    if kind != "m4a":
        r = subprocess.run(["exiftool", "-config", exif_config, f"-Keys:AIGC={LABEL}", "-o",
                            os.path.join(outs, "exiftool-refused." + kind), path], capture_output=True, text=True)
        exiftool_cannot[kind] = (r.stderr.strip() or r.stdout.strip()) + f" (exit {r.returncode})"


# ---- timing helpers ----
def run(argv, capture=False):
    start = time.perf_counter()
    r = subprocess.run(argv, env=env, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)[:300]} exited {r.returncode}: {r.stderr.decode()[-500:]}")
    return elapsed, (r.stdout.decode() if capture else "")


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def remove(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)
    return path


def ffmpeg_argv(src, dst):
    kind = src.rsplit(".", 1)[-1]
    return (["ffmpeg", "-nostdin", "-y", "-v", "error", "-i", src, "-map", "0", "-c", "copy", "-metadata", f"AIGC={LABEL}"]
            + (["-movflags", "use_metadata_tags"] if kind == "m4a" else []) + [dst])


SIGIL_META = ["--marks", "implicit", "--no-record", "--producer", PRODUCER]
UNSIGNED = ["--label-signature", "none"]


class Row:
    """One command: group (its anchor is the group's first row), name, run() -> seconds (plus optional extras),
    outputs() -> paths to check, prepare() untimed, rounds."""

    def __init__(self, group, name, run, outputs, rounds=None, prepare=None, anchor=False, expect_label=None):
        self.group, self.name, self.run_fn, self.outputs = group, name, run, outputs
        self.rounds = rounds or args.rounds
        self.prepare = prepare
        self.anchor = anchor
        # sigil's rows must carry a label; an anchor's result is recorded ("wrote no AIGC"), cp's too
        self.expect_label = name.startswith("sigil") if expect_label is None else expect_label
        self.times, self.rss, self.checks, self.notes = [], [], [], []


rows = []


def add(*a, **k):
    rows.append(Row(*a, **k))
    return rows[-1]


def out(name):
    return os.path.join(outs, name)


def seq(*argvs):
    """Several processes one after the other (e.g. cp then metaflac): one timed command."""
    def go():
        return sum(run(a)[0] for a in argvs)
    return go


# One file to a new file.
for kind, src in (single.items() if "single" in sections else []):
    g = f"one {kind} file ({os.path.getsize(src) / 1e3:.0f} kB) to a new file"
    ext = "." + kind
    add(g, "cp", lambda s=src, o=out("cp" + ext): run(["cp", s, o])[0], lambda o=out("cp" + ext): [o], anchor=True)
    add(g, "sigil, unsigned", lambda s=src, o=out("sn" + ext): run([args.sigil, "label", s, "-o", o] + SIGIL_META + UNSIGNED)[0],
        lambda o=out("sn" + ext): [o])
    add(g, "sigil, signed", lambda s=src, o=out("ss" + ext): run([args.sigil, "label", s, "-o", o] + SIGIL_META)[0],
        lambda o=out("ss" + ext): [o])
    add(g, "ffmpeg", lambda s=src, o=out("ff" + ext): run(ffmpeg_argv(s, o))[0], lambda o=out("ff" + ext): [o])
    add(g, "mutagen (copy + save, in process)",
        lambda s=src, o=out("mu" + ext): timed(lambda: (shutil.copyfile(s, o), mutagen_label(o))),
        lambda o=out("mu" + ext): [o])
    if kind == "flac":
        add(g, "cp + metaflac", seq(["cp", src, out("mf" + ext)], ["metaflac", f"--set-tag=AIGC={LABEL}", out("mf" + ext)]),
            lambda o=out("mf" + ext): [o])
    if kind == "mp3":
        add(g, "cp + eyeD3", seq(["cp", src, out("ey" + ext)], ["eyeD3", "-Q", f"--user-text-frame=AIGC:{LABEL}", out("ey" + ext)]),
            lambda o=out("ey" + ext): [o])
    if kind == "m4a":
        add(g, "exiftool -stay_open", lambda s=src, o=out("ex" + ext): timed(lambda: exiftool_run([f"-Keys:AIGC={LABEL}", "-o", o, s])),
            lambda o=out("ex" + ext): [o])


def sample(folder):
    names = sorted(os.listdir(folder))
    return [os.path.join(folder, n) for n in (names[0], names[len(names) // 2], names[-1])]


def ffmpeg_folder(src, dst):
    os.makedirs(dst)
    names = sorted(os.listdir(src))
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(lambda n: run(ffmpeg_argv(os.path.join(src, n), os.path.join(dst, n))), names))
    return time.perf_counter() - start


def mutagen_folder(src, dst):
    os.makedirs(dst)
    for n in sorted(os.listdir(src)):
        shutil.copyfile(os.path.join(src, n), os.path.join(dst, n))
        mutagen_label(os.path.join(dst, n))


def files_of(folder):
    return [os.path.join(folder, n) for n in sorted(os.listdir(folder))]


# A folder to a new folder.
folder_group, reference = {}, {}  # reference: an in-place group's cp -r row (the folder group's anchor)
for kind, src in (folders.items() if "folder" in sections else []):
    g = f"folder of {args.copies} {kind} ({args.copies * os.path.getsize(single[kind]) / 1e6:.0f} MB) to a new folder"
    folder_group[kind] = g
    o = lambda name, kind=kind: out(f"{name}-{kind}")
    add(g, "cp -r", lambda s=src, d=o("cp"): run(["cp", "-r", s, d])[0], lambda d=o("cp"): sample(d), anchor=True)
    add(g, "sigil, unsigned", lambda s=src, d=o("sn"): run([args.sigil, "label", s, "-o", d] + SIGIL_META + UNSIGNED)[0],
        lambda d=o("sn"): sample(d))
    add(g, "sigil, signed", lambda s=src, d=o("ss"): run([args.sigil, "label", s, "-o", d] + SIGIL_META)[0],
        lambda d=o("ss"): sample(d))
    add(g, f"ffmpeg, one process a file, {os.cpu_count()} at once", lambda s=src, d=o("ff"): ffmpeg_folder(s, d),
        lambda d=o("ff"): sample(d), rounds=min(args.slow_rounds, args.rounds))
    add(g, "mutagen (copy + save each, in process)", lambda s=src, d=o("mu"): timed(lambda: mutagen_folder(s, d)),
        lambda d=o("mu"): sample(d))
    if kind == "flac":
        add(g, "cp -r + metaflac (one process)",
            lambda s=src, d=o("mf"): run(["cp", "-r", s, d])[0] + run(["metaflac", f"--set-tag=AIGC={LABEL}"] + files_of(d))[0],
            lambda d=o("mf"): sample(d))
    if kind == "mp3":
        add(g, "cp -r + eyeD3 (one process)",
            lambda s=src, d=o("ey"): run(["cp", "-r", s, d])[0] + run(["eyeD3", "-Q", f"--user-text-frame=AIGC:{LABEL}"] + files_of(d))[0],
            lambda d=o("ey"): sample(d))
    if kind == "m4a":
        add(g, "exiftool -stay_open (-o DIR/ DIR/)",
            lambda s=src, d=o("ex"): timed(lambda: exiftool_run([f"-Keys:AIGC={LABEL}", "-o", d + "/", s + "/"])),
            lambda d=o("ex"): sample(d))


# In place, on fresh copies made outside the timed region.
def fresh_copy(src, dst):
    def go():
        remove(dst)
        subprocess.run(["cp", "-r", src, dst], check=True)
        subprocess.run(["sync"], check=True)
    return go


def mutagen_in_place(d):
    for n in sorted(os.listdir(d)):
        mutagen_label(os.path.join(d, n))


for kind, src in (folders.items() if "in-place" in sections else []):
    g = f"in place, {args.copies} {kind} files"
    reference[g] = folder_group[kind]
    o = lambda name, kind=kind: out(f"ip-{name}-{kind}")
    add(g, "sigil --in-place, unsigned", lambda d=o("sn"): run([args.sigil, "label", d, "--in-place"] + SIGIL_META + UNSIGNED)[0],
        lambda d=o("sn"): sample(d), prepare=fresh_copy(src, o("sn")), anchor=True)
    add(g, "sigil --in-place, signed", lambda d=o("ss"): run([args.sigil, "label", d, "--in-place"] + SIGIL_META)[0],
        lambda d=o("ss"): sample(d), prepare=fresh_copy(src, o("ss")))
    add(g, "mutagen (in process)", lambda d=o("mu"): timed(lambda: mutagen_in_place(d)),
        lambda d=o("mu"): sample(d), prepare=fresh_copy(src, o("mu")))
    if kind == "flac":
        add(g, "metaflac (one process)", lambda d=o("mf"): run(["metaflac", f"--set-tag=AIGC={LABEL}"] + files_of(d))[0],
            lambda d=o("mf"): sample(d), prepare=fresh_copy(src, o("mf")))
    if kind == "mp3":
        add(g, "eyeD3 (one process)", lambda d=o("ey"): run(["eyeD3", "-Q", f"--user-text-frame=AIGC:{LABEL}"] + files_of(d))[0],
            lambda d=o("ey"): sample(d), prepare=fresh_copy(src, o("ey")))
    if kind == "m4a":
        add(g, "exiftool -stay_open -overwrite_original",
            lambda d=o("ex"): timed(lambda: exiftool_run([f"-Keys:AIGC={LABEL}", "-overwrite_original", d + "/"])),
            lambda d=o("ex"): sample(d), prepare=fresh_copy(src, o("ex")))


# Large WAVs: the rhythm label and the implicit label, peak RSS.
def with_rss(row_ref, argv, capture=False):
    rss_file = os.path.join(work, "rss.txt")
    def go():
        elapsed, said = run(["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv, capture=capture)
        row_ref[0].rss.append(int(open(rss_file).read().split()[-1]))
        if capture:
            row_ref[0].notes.append(said.strip().splitlines()[-1] if said.strip() else "")
        return elapsed
    return go


def sync_first():
    subprocess.run(["sync"], check=True)


for title, (src, rounds) in (large.items() if "large" in sections else []):
    g = f"{title} ({os.path.getsize(src) / 1e9:.2f} GB)"
    tag = "hour" if src == hour_wav else "huge"
    variants = [
        ("cp", lambda o: ["cp", src, o]),
        ("sigil implicit, unsigned", lambda o: [args.sigil, "label", src, "-o", o] + SIGIL_META + UNSIGNED),
        ("sigil implicit, signed", lambda o: [args.sigil, "label", src, "-o", o] + SIGIL_META),
        ("sigil rhythm + implicit, unsigned", lambda o: [args.sigil, "label", src, "-o", o, "--marks", "explicit,implicit",
                                                         "--no-record", "--producer", PRODUCER] + UNSIGNED),
        ("sigil rhythm + implicit, signed", lambda o: [args.sigil, "label", src, "-o", o, "--marks", "explicit,implicit",
                                                       "--no-record", "--producer", PRODUCER]),
    ]
    for i, (name, argv) in enumerate(variants):
        o = out(f"{tag}-{i}.wav")
        ref = [None]
        ref[0] = add(g, name, with_rss(ref, argv(o), capture="sigil" in name), lambda o=o: [o], rounds=min(rounds, args.rounds),
                     prepare=sync_first, anchor=(i == 0), expect_label=("sigil" in name))


# ---- checks ----
def check(path, deep=False, quick=False):
    """Does the file carry an AIGC field? sigil verify (metadata only unless deep), mutagen, ffprobe (not if quick)."""
    res = {"file": os.path.relpath(path, work), "bytes": os.path.getsize(path)}
    v = subprocess.run([args.sigil, "verify", path, "--json"] + ([] if deep else ["--no-decode"]), env=env, capture_output=True, text=True)
    try:
        doc = json.loads(v.stdout)
        res["sigilVerify"] = doc.get("verdict")
        res["sigilCarriers"] = [i.get("location") for i in doc.get("implicit") or []]
        res["integrity"] = (doc.get("integrity") or {}).get("state")
        if deep:
            res["rhythm"] = doc.get("rhythm")
    except json.JSONDecodeError:
        res["sigilVerify"] = f"unreadable (exit {v.returncode})"
    if quick:
        res["wroteAIGC"] = res["sigilVerify"] == "ai-generated"
        return res
    try:
        m = mutagen.File(path)
        keys = list(m.tags.keys()) if m is not None and m.tags is not None else []
        res["mutagenAIGC"] = [k for k in keys if "AIGC" in k.upper()]
    except Exception as e:  # noqa: BLE001 (recorded)
        res["mutagenAIGC"] = f"error: {e}"[:120]
    fp = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", path],
                        capture_output=True, text=True)
    tags = json.loads(fp.stdout or "{}")
    found = [k for k, _ in (tags.get("format", {}).get("tags", {}) or {}).items() if "AIGC" in k.upper()]
    for s in tags.get("streams", []):
        found += [k for k in (s.get("tags") or {}) if "AIGC" in k.upper()]
    res["ffprobeAIGC"] = found
    res["wroteAIGC"] = (res["sigilVerify"] == "ai-generated" or (isinstance(res["mutagenAIGC"], list) and bool(res["mutagenAIGC"]))
                        or bool(found))
    return res


# Warm the keystore (dev keys are made on first use) and the page cache.
subprocess.run([args.sigil, "label", single["wav"], "-o", out("warm.wav")] + SIGIL_META, env=env, check=True, capture_output=True)
remove(out("warm.wav"))
for path in [hour_wav, huge_wav] + list(single.values()) + [f for d in folders.values() for f in files_of(d)]:
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass

loads = []
started = time.time()
total_rounds = max(r.rounds for r in rows)
for r in range(total_rounds):
    loads.append(list(os.getloadavg()))
    for row in rows:
        if r >= row.rounds:
            continue
        if row.prepare:
            row.prepare()
        before = {p: os.stat(p).st_ino for p in row.outputs()} if "in place" in row.group else {}
        print(f"  round {r + 1}: {row.group}: {row.name}", file=sys.stderr, flush=True)
        row.times.append(row.run_fn())
        last = r == row.rounds - 1
        checked = []
        written = row.outputs()
        # Every round: sigil's outputs (one file of a folder) with sigil verify; the last round: every row, the three
        # readers, first, middle and last file of a folder.
        for path in (written if last else [written[len(written) // 2]] if row.expect_label else []):
            c = check(path, deep=last and row.group.startswith("1-hour") and "rhythm" in row.name, quick=not last)
            if before:
                c["sameInode"] = before.get(path) == os.stat(path).st_ino
            checked.append(c)
            if row.expect_label and c["sigilVerify"] != "ai-generated":
                sys.exit(f"{row.name}: no label in {path}: {c}")
            if "rhythm" in c and not any(x.get("morseAI") for x in c["rhythm"] or []):
                sys.exit(f"{row.name}: sigil verify finds no rhythm label in {path}: {c}")
        if row.notes and "rhythm" in row.name and "rhythm label" not in " ".join(row.notes[-1:]):
            sys.exit(f"{row.name}: no rhythm label reported: {row.notes[-1:]}")
        row.checks.append(checked)
        for target in {os.path.dirname(p) if row.group.startswith(("folder", "in place")) else p for p in written}:
            remove(target)
    print(f"round {r + 1}/{total_rounds} done ({time.time() - started:.0f} s)", file=sys.stderr, flush=True)
exiftool.stdin.write("-stay_open\nFalse\n")
exiftool.stdin.flush()
exiftool.wait()
elapsed_run = time.time() - started


# ---- results ----
def version(argv, pick=lambda s: s.splitlines()[0]):
    r = subprocess.run(argv, capture_output=True, text=True)
    return pick((r.stdout or r.stderr).strip())


median = lambda xs: statistics.median(xs)
results, groups = [], {}
for row in rows:
    groups.setdefault(row.group, []).append(row)
anchor_of = lambda g: next(m for m in groups[g] if m.anchor)
for g, members in groups.items():
    anchor = anchor_of(g)
    for m in members:
        wrote = [c["wroteAIGC"] for c in m.checks[-1]]  # the last round's full check
        unread = any(c["wroteAIGC"] and c["sigilVerify"] != "ai-generated" for c in m.checks[-1])
        results.append({
            "group": g, "command": m.name, "rounds": len(m.times), "median_s": median(m.times), "runs_s": m.times,
            ("vs_" + anchor.name.replace(" ", "_")): median(m.times) / median(anchor.times),
            **({"vs_cp_-r_of_the_folder_row": median(m.times) / median(anchor_of(reference[g]).times)} if g in reference else {}),
            **({"peak_rss_kib": m.rss, "max_peak_rss_kib": max(m.rss)} if m.rss else {}),
            **({"sigil_says": m.notes[-1]} if m.notes else {}),
            "wrote_aigc": ("yes" + (" (sigil verify does not read it)" if unread else "")) if all(wrote)
                          else ("wrote no AIGC" if not any(wrote) else "in some outputs only"),
            "checks_every_round": sum(len(c) for c in m.checks),
            "checks_last_round": m.checks[-1],
        })
result = {
    "command": "~/.cache/sigil-bench-venv/bin/python Benchmarks/scripts/audio-metadata.py " + " ".join(sys.argv[1:]),
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "timed_run_seconds": round(elapsed_run),
    "sigil": os.path.abspath(args.sigil), "machine": platform.node(), "cores": os.cpu_count(), "kernel": platform.release(),
    "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
    "load_average_per_round": loads, "load_average_at_end": list(os.getloadavg()),
    "copies": args.copies, "rounds": args.rounds, "slow_rounds": args.slow_rounds, "hour_rounds": args.hour_rounds,
    "huge_rounds": args.huge_rounds, "sources": SOURCES,
    "large_inputs_bytes": {k: os.path.getsize(v[0]) for k, v in large.items()},
    "tools": {
        "ffmpeg": version(["ffmpeg", "-version"]), "metaflac": version(["metaflac", "--version"]),
        "eyeD3": version(["eyeD3", "--version"]), "exiftool": version(["exiftool", "-ver"]),
        "mutagen": mutagen.version_string, "python": platform.python_version(), "cp": version(["cp", "--version"]),
    },
    "exiftool_cannot_write": exiftool_cannot,
    "notes": "wrote_aigc: from the last round's check of every row (sigil verify, mutagen, ffprobe); sigil's outputs are "
             "also checked with sigil verify in every round. Ratios: each row's median over the group's anchor median (first row of the group) in this run; rows with "
             "fewer rounds (ffmpeg folders, large WAVs) ran in the first rounds. Outputs were deleted after their checks. "
             "In-place rows: fresh copies (cp -r, sync) outside the timed region; sameInode tells whether the file was "
             "edited in its inode or replaced by a rewrite.",
    "rows": results,
}
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f:
    json.dump(result, f, indent=1)

# Markdown tables.
def fmt_s(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


lines = [f"`{result['command']}`", "", f"{result['date']}, sigil `{os.path.basename(args.sigil)}`, {result['cores']} cores "
         f"({result['cpu']}), kernel {result['kernel']}, load average (1 min) per round "
         + ", ".join(f"{l[0]:.2f}" for l in loads) + f"; timed run {elapsed_run / 60:.1f} min.", ""]
for g, members in groups.items():
    anchor = anchor_of(g)
    rss = any(m.rss for m in members)
    ref = anchor_of(reference[g]) if g in reference else None
    lines += [f"**{g}**", "", f"| command | rounds | median | vs {anchor.name} |" + (" vs cp -r (folder row) |" if ref else "")
              + (" peak RSS |" if rss else "") + " AIGC written |",
              "|---|---|---|---|" + ("---|" if ref else "") + ("---|" if rss else "") + "---|"]
    for m in members:
        r = next(x for x in results if x["group"] == g and x["command"] == m.name)
        lines.append(f"| {m.name} | {len(m.times)} | {fmt_s(r['median_s'])} | {median(m.times) / median(anchor.times):.2f}× |"
                     + (f" {median(m.times) / median(ref.times):.2f}× |" if ref else "")
                     + (f" {max(m.rss) / 1024:.0f} MiB |" if rss else "") + f" {r['wrote_aigc']} |")
    lines.append("")
lines += ["exiftool cannot write: " + "; ".join(f"{k}: {v}" for k, v in exiftool_cannot.items()), ""]
with open(args.md, "w") as f:
    f.write("\n".join(lines))
print("\n".join(lines))
print(f"wrote {args.out} and {args.md}")
