#!/usr/bin/env python3
"""Document metadata labels as users run them (issue 20): `sigil label` (one process, a folder or one large file,
`--marks implicit --no-record`) beside the tools people use for the same edit, in the same run:

  DOCX  python-docx (custom property part + save), in process          PPTX  python-pptx (same), in process
  XLSX  openpyxl (custom_doc_props + save), in process                 PDF   pikepdf (docinfo + save), in process
  PDF   exiftool -stay_open (PDF Info AIGC, an incremental update)     MD    PyYAML (front matter load/dump), in process
  and `cp` / `cp -r` for the copy the label must stay close to.

    make release && ~/.cache/sigil-bench-venv/bin/python Benchmarks/scripts/document-label.py [--copies 100] [--rounds 5]

Folders hold --copies copies of one shared document of each kind (../shared/media/documents); the large files are
made here (not tuned on: nothing in Sigil is tuned by this benchmark): a DOCX with a 27 MB incompressible picture, a
PDF of 24 pages of incompressible 1000x1000 RGB images (≈ 72 MB) and a 48 MB Markdown file. Every command runs
--rounds times, interleaved (round 1 of every command, then round 2, ...), page cache warm; each figure is the median
wall time, each ratio is against an anchor measured in the same run. Writes Benchmarks/results/document-label.json
(raw times, machine, load) and prints a table. Outputs are checked: each carries the AIGC label.
"""
import argparse, io, json, os, platform, random, shutil, statistics, subprocess, sys, time, zipfile

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shared = os.path.join(os.path.dirname(root), "shared")
p = argparse.ArgumentParser()
p.add_argument("--sigil", default=os.path.join(root, ".build/release/sigil"))
p.add_argument("--copies", type=int, default=100)
p.add_argument("--rounds", type=int, default=5)
p.add_argument("--work", default=os.path.join(root, ".build/document-label-bench"))
p.add_argument("--out", default=os.path.join(root, "Benchmarks/results/document-label.json"))
args = p.parse_args()

import docx, pptx, openpyxl, pikepdf, yaml  # the anchors, in process (the bench venv has them)
from openpyxl.packaging.custom import StringProperty
from lxml import etree

LABEL = '{"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"bench-0001","ReservedCode1":"","ContentPropagator":"","PropagateID":"","ReservedCode2":""}'
PRODUCER = "001191110102MACQD9K64010000"
shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(args.work)
env = dict(os.environ, SIGIL_DATA=os.path.join(args.work, "data"), SIGIL_PRODUCER=PRODUCER)
docs = os.path.join(shared, "media/documents")
sources = {
    "docx": "docx_word14mac_images.docx", "xlsx": "xlsx_excel16mac.xlsx", "pptx": "pptx_powerpoint14mac.pptx",
    "pdf": "pdf_lo74_classic_xref.pdf", "md": "md_yaml_front_matter_systemd.md",
}
folders = {}
for kind, name in sources.items():
    folder = os.path.join(args.work, "in-" + kind)
    os.makedirs(folder)
    for i in range(args.copies):
        shutil.copyfile(os.path.join(docs, name), os.path.join(folder, f"f{i:04d}.{kind}"))
    folders[kind] = folder

# Large files, made here.
rng = random.Random(20261207)
large = {}
noise_png = os.path.join(args.work, "noise.png")
subprocess.run(["convert", "-size", "3000x3000", "xc:", "+noise", "Random", "-depth", "8", noise_png], check=True)
d = docx.Document(os.path.join(docs, "docx_word14mac_images.docx"))
d.add_paragraph("A large picture follows.")
d.add_picture(noise_png)
large["docx"] = os.path.join(args.work, "large.docx")
d.save(large["docx"])
pdf = pikepdf.new()
for page in range(24):
    image = pikepdf.Stream(pdf, rng.randbytes(1000 * 1000 * 3))
    image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 1000, 1000
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    content = pikepdf.Stream(pdf, b"q 500 0 0 500 50 50 cm /Im0 Do Q")
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 600, 600], Contents=content,
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)))))
large["pdf"] = os.path.join(args.work, "large.pdf")
pdf.save(large["pdf"], compress_streams=False)
body = open(os.path.join(shared, "media/text/zh_tang300.txt"), "rb").read()
large["md"] = os.path.join(args.work, "large.md")
with open(large["md"], "wb") as f:
    f.write(b"---\ntitle: A large note\ntags: [bench]\n---\n\n")
    while f.tell() < 48 << 20:
        f.write(body)

# ---- the anchors, in process ----
CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

def custom_xml(old):
    """docProps/custom.xml with the AIGC property set (others kept), as users write it with lxml."""
    root_el = etree.fromstring(old) if old else etree.Element(f"{{{CP_NS}}}Properties", nsmap={None: CP_NS, "vt": VT_NS})
    for prop in root_el.findall(f"{{{CP_NS}}}property"):
        if prop.get("name") == "AIGC":
            root_el.remove(prop)
    pids = [int(x.get("pid")) for x in root_el.findall(f"{{{CP_NS}}}property")] or [1]
    prop = etree.SubElement(root_el, f"{{{CP_NS}}}property", fmtid=FMTID, pid=str(max(pids) + 1), name="AIGC")
    etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = LABEL
    return etree.tostring(root_el, xml_declaration=True, encoding="UTF-8", standalone=True)

def opc_label(document, part_class, packuri_class):
    package = document.part.package
    for rel in package.rels.values():
        if rel.reltype == CUSTOM_RT:
            rel.target_part._blob = custom_xml(rel.target_part.blob)
            return
    part = part_class(packuri_class("/docProps/custom.xml"), CUSTOM_CT, custom_xml(None), package)
    package.relate_to(part, CUSTOM_RT)

def python_docx(src, dst):
    from docx.opc.part import Part
    from docx.opc.packuri import PackURI
    d = docx.Document(src)
    opc_label(d, Part, PackURI)
    d.save(dst)

def python_pptx(src, dst):
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI
    prs = pptx.Presentation(src)
    package = prs.part.package
    for rel in package._rels.values():
        if rel.reltype == CUSTOM_RT:
            rel.target_part._blob = custom_xml(rel.target_part.blob)
            break
    else:
        part = Part(PackURI("/docProps/custom.xml"), CUSTOM_CT, package, custom_xml(None))
        package.relate_to(part, CUSTOM_RT)
    prs.save(dst)

def openpyxl_label(src, dst):
    wb = openpyxl.load_workbook(src)
    wb.custom_doc_props.append(StringProperty(name="AIGC", value=LABEL))
    wb.save(dst)

def pikepdf_label(src, dst):
    with pikepdf.open(src) as pdf:
        pdf.docinfo["/AIGC"] = LABEL
        pdf.save(dst)

def yaml_label(src, dst):
    data = open(src, "rb").read()
    text = data.decode("utf-8")
    meta, rest = {}, text
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4)
        meta, rest = yaml.safe_load(text[4:end]) or {}, text[end + 5:]
    meta["AIGC"] = json.loads(LABEL)
    with open(dst, "w", encoding="utf-8") as f:
        f.write("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + rest)

anchors = {"docx": ("python-docx", python_docx), "pptx": ("python-pptx", python_pptx), "xlsx": ("openpyxl", openpyxl_label),
           "pdf": ("pikepdf", pikepdf_label), "md": ("PyYAML", yaml_label)}

# exiftool -stay_open: one process for the run, as batch users drive it.
exif_config = os.path.join(args.work, "pdf-aigc.config")
with open(exif_config, "w") as f:
    f.write("%Image::ExifTool::UserDefined = ('Image::ExifTool::PDF::Info' => { AIGC => { } });\n1;\n")
exiftool = subprocess.Popen(["exiftool", "-config", exif_config, "-stay_open", "True", "-@", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
def exiftool_run(arguments):
    exiftool.stdin.write("\n".join(arguments + ["-execute"]) + "\n")
    exiftool.stdin.flush()
    while exiftool.stdout.readline().strip() != "{ready}":
        pass
def exiftool_pdf(src, dst):
    exiftool_run([f"-PDF:AIGC={LABEL}", "-o", dst, src])  # no -q: it also silences {ready}

def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start

def run(argv):
    start = time.perf_counter()
    r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {r.returncode}: {r.stderr.decode()[:500]}")
    return elapsed

def fresh(path):
    if os.path.isdir(path): shutil.rmtree(path)
    elif os.path.exists(path): os.remove(path)
    return path

def folder_loop(fn, folder, out):
    os.makedirs(fresh(out))
    for name in sorted(os.listdir(folder)):
        fn(os.path.join(folder, name), os.path.join(out, name))

commands = {}  # name -> (group, callable)
def out(name): return os.path.join(args.work, "out-" + name)
for kind, folder in folders.items():
    g = f"folder of {args.copies} {kind}"
    commands[f"{g}: cp -r"] = (g, lambda f=folder, o=out(kind + "-cp"): run(["cp", "-r", f, fresh(o)]))
    commands[f"{g}: sigil --label-signature none"] = (g, lambda f=folder, o=out(kind + "-none"): run(
        [args.sigil, "label", f, "-o", fresh(o), "--marks", "implicit", "--no-record", "--label-signature", "none", "--producer", PRODUCER]))
    commands[f"{g}: sigil (default signed label)"] = (g, lambda f=folder, o=out(kind + "-signed"): run(
        [args.sigil, "label", f, "-o", fresh(o), "--marks", "implicit", "--no-record", "--producer", PRODUCER]))
    tool, fn = anchors[kind]
    commands[f"{g}: {tool}, in process"] = (g, lambda f=folder, o=out(kind + "-anchor"), fn=fn: timed(lambda: folder_loop(fn, f, o)))
    if kind == "pdf":
        commands[f"{g}: exiftool -stay_open"] = (g, lambda f=folder, o=out("pdf-exiftool"): timed(lambda: folder_loop(exiftool_pdf, f, o)))
for kind, path in large.items():
    g = f"large {kind} ({os.path.getsize(path) / 1e6:.0f} MB)"
    commands[f"{g}: cp"] = (g, lambda s=path, o=out(f"large-cp.{kind}"): run(["cp", s, fresh(o)]))
    commands[f"{g}: sigil --label-signature none"] = (g, lambda s=path, o=out(f"large-none.{kind}"): run(
        [args.sigil, "label", s, "-o", fresh(o), "--marks", "implicit", "--no-record", "--label-signature", "none", "--producer", PRODUCER]))
    commands[f"{g}: sigil (default signed label)"] = (g, lambda s=path, o=out(f"large-signed.{kind}"): run(
        [args.sigil, "label", s, "-o", fresh(o), "--marks", "implicit", "--no-record", "--producer", PRODUCER]))
    tool, fn = anchors[kind]
    commands[f"{g}: {tool}, in process"] = (g, lambda s=path, o=out(f"large-anchor.{kind}"), fn=fn: timed(lambda: fn(s, fresh(o))))
    if kind == "pdf":
        commands[f"{g}: exiftool -stay_open"] = (g, lambda s=path, o=out("large-exiftool.pdf"): timed(lambda: exiftool_pdf(s, fresh(o))))

# Warm the page cache and the sigil keystore, then interleave the rounds.
subprocess.run([args.sigil, "label", sources and folders["md"], "-o", out("warm"), "--marks", "implicit", "--no-record", "--producer", PRODUCER],
               env=env, stdout=subprocess.DEVNULL, check=True)
times = {name: [] for name in commands}
loads = []
for r in range(args.rounds):
    loads.append(os.getloadavg()[0])
    for name, (_, fn) in commands.items():
        print(f"  round {r + 1}: {name}", file=sys.stderr, flush=True)
        times[name].append(fn())
    print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
exiftool.stdin.write("-stay_open\nFalse\n")
exiftool.stdin.flush()
exiftool.wait()

# Every output carries the label.
def has_label(path):
    if path.endswith((".docx", ".xlsx", ".pptx")):
        with zipfile.ZipFile(path) as z:
            return "AIGC" in z.read("docProps/custom.xml").decode("utf-8", "replace")
    data = open(path, "rb").read()
    if path.endswith(".pdf"):
        with pikepdf.open(path) as pdf:
            return "ContentProducer" in str(pdf.docinfo.get("/AIGC", ""))
    return b"AIGC" in data[:4096]
checked = 0
for entry in sorted(os.listdir(args.work)):
    path = os.path.join(args.work, entry)
    if not entry.startswith("out-") or "-cp" in entry or entry == "out-warm":
        continue
    for f in ([os.path.join(path, n) for n in sorted(os.listdir(path))[:3]] if os.path.isdir(path) else [path]):
        if not has_label(f):
            sys.exit(f"no AIGC label in {f}")
        checked += 1

median = {name: statistics.median(t) for name, t in times.items()}
groups = {}
for name, (g, _) in commands.items():
    groups.setdefault(g, []).append(name)
rows = []
print(f"{'command':70} {'median s':>9}  ratios (same run)")
for g, names in groups.items():
    copy = next(n for n in names if n.endswith(": cp -r") or n.endswith(": cp"))
    signed = next(n for n in names if n.endswith("(default signed label)"))
    for n in names:
        row = {"group": g, "command": n.split(": ", 1)[1], "median_s": median[n], "runs_s": times[n],
               "vs_copy": median[n] / median[copy]}
        if "sigil" not in n and n != copy:
            row["sigil_signed_speedup"] = median[n] / median[signed]
        rows.append(row)
        extra = f"  {row['vs_copy']:.2f}x copy" + (f", sigil signed {row['sigil_signed_speedup']:.1f}x faster" if "sigil_signed_speedup" in row else "")
        print(f"{n:70} {median[n]:9.4f} {extra}")
result = {
    "command": "~/.cache/sigil-bench-venv/bin/python Benchmarks/scripts/document-label.py " + " ".join(sys.argv[1:]),
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": platform.node(), "cpus": os.cpu_count(),
    "load_average_per_round": loads, "copies": args.copies, "rounds": args.rounds, "outputs_checked": checked,
    "sizes_bytes": {k: os.path.getsize(v) for k, v in large.items()} | {f"folder {k}": os.path.getsize(os.path.join(docs, sources[k])) * args.copies for k in sources},
    "anchors": {"python-docx": docx.__version__ if hasattr(docx, "__version__") else "1.2.0", "python-pptx": pptx.__version__,
                "openpyxl": openpyxl.__version__, "pikepdf": pikepdf.__version__, "PyYAML": yaml.__version__,
                "exiftool": subprocess.run(["exiftool", "-ver"], capture_output=True, text=True).stdout.strip()},
    "notes": "pikepdf rewrites the whole file (qpdf has no incremental save); exiftool writes PDF Info as an incremental update; "
             "python-docx/python-pptx/openpyxl re-zip every part; Sigil copies every other ZIP entry's compressed bytes and appends a PDF update.",
    "rows": rows,
}
os.makedirs(os.path.dirname(args.out), exist_ok=True)
with open(args.out, "w") as f:
    json.dump(result, f, indent=1)
print(f"wrote {args.out} ({checked} outputs checked)")
