// sigil-c2pa-bench: C2PA sign+embed and validate of a 12 MP JPEG, beside c2pa-python (c2pa-rs) in the same run
// on the same file with the same certificate chain, and beside SHA-256 of the file (the floor: both must hash it).
//
//   swift run -c release --package-path Benchmarks sigil-c2pa-bench
//
// Environment: SIGIL_BENCH_ROUNDS (default 10); BENCH_PY (default ~/.cache/sigil-bench-venv/bin/python) for
// c2pa-python; without it only Sigil's figures and the SHA-256 ratio are printed.
import Foundation
import SigilImaging
import SigilProvenance

let environment = ProcessInfo.processInfo.environment
let rounds = max(3, Int(environment["SIGIL_BENCH_ROUNDS"] ?? "") ?? 10)
let work = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-c2pa-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// The median wall time of `rounds` runs of `body`, in milliseconds.
func median(_ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        try body()
        times.append(seconds(ContinuousClock.now - start) * 1000)
    }
    return times.sorted()[times.count / 2]
}

// 1. A 12 MP JPEG with texture (so it compresses like a photo).
var pixels = PixelBuffer(width: 4000, height: 3000, layout: .rgb, filling: [0, 0, 0])
var state: UInt32 = 12345
for i in 0..<pixels.bytes.count {
    state = state &* 1_103_515_245 &+ 12345
    pixels.bytes[i] = UInt8(truncatingIfNeeded: (i / 3 % 4000) / 16 + Int(state >> 27))
}
let jpeg = try JPEGCodec.encode(pixels, quality: 90, subsampling: JPEGCodec.Subsampling.s420)
let source = work.appendingPathComponent("source.jpg")
try Data(jpeg).write(to: source)

// 2. One development chain for both signers.
let (identity, root) = try DevelopmentChain.generate(organization: "Sigil Bench")
let chainPEM = identity.chain.map { PEM.encode($0.derBytes, label: "CERTIFICATE") }.joined()
try chainPEM.write(to: work.appendingPathComponent("chain.pem"), atomically: true, encoding: .utf8)
try identity.privateKey.pemRepresentation.write(to: work.appendingPathComponent("signer.key"), atomically: true, encoding: .utf8)
try PEM.encode(root.derBytes, label: "CERTIFICATE").write(to: work.appendingPathComponent("root.pem"), atomically: true, encoding: .utf8)

// 3. Sigil.
let signer = C2PASigner(identity: identity)
let label = try AIGCLabel.firstWrite(producer: "001191110102MACQD9K64010000", produceID: "bench-0001")
var signed: [UInt8] = []
let sha = median { _ = DataHash.compute(jpeg, excluding: [], alg: "sha256") }
let sign = try median { signed = try signer.sign(jpeg, format: .jpeg, content: .init(label: label)).bytes }
let validator = C2PAValidator(options: .init(trustAnchors: TrustAnchors(certificates: [root])))
var state2 = C2PAReport.State.absent
let validate = median { state2 = validator.validate(signed).state }
guard state2 == .valid else { fatalError("Sigil's own manifest does not validate: \(state2)") }
try Data(signed).write(to: work.appendingPathComponent("sigil.jpg"))

print(String(format: "12 MP JPEG, %.1f MB, median of %d rounds", Double(jpeg.count) / 1e6, rounds))
print(String(format: "  SHA-256 of the file              %8.2f ms", sha))
print(String(format: "  Sigil sign + embed               %8.2f ms  (%.2f× SHA-256)", sign, sign / sha))
print(String(format: "  Sigil validate (trusted)         %8.2f ms  (%.2f× SHA-256)", validate, validate / sha))

// 4. c2pa-python in the same run, same file, same chain, doing the same work (no thumbnail, no time stamp, no
//    verify-after-sign): Builder.sign, and Reader (validation on read, trust anchors set).
let python = environment["BENCH_PY"] ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/sigil-bench-venv/bin/python"
guard FileManager.default.isExecutableFile(atPath: python) else {
    print("  c2pa-python: not installed (run ../shared/bench/setup.sh); ratios against it skipped")
    exit(0)
}
let script = """
    import json, sys, time, io, c2pa
    d, rounds = sys.argv[1], int(sys.argv[2])
    src = open(d + '/source.jpg', 'rb').read()
    info = c2pa.C2paSignerInfo(b'es256', open(d + '/chain.pem', 'rb').read(), open(d + '/signer.key', 'rb').read(), None)
    manifest = json.dumps({"claim_generator_info": [{"name": "bench", "version": "1"}], "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}]}, "created": True}]})
    ctx = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}, "trust": {"trust_anchors": open(d + '/root.pem').read()}})
    # Like Sigil: no thumbnail, no time stamp (ta_url None), verify_after_sign off.
    sign_ctx = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}, "verify": {"verify_after_sign": False}})
    def med(f):
        t = []
        for _ in range(rounds):
            s = time.perf_counter(); f(); t.append((time.perf_counter() - s) * 1000)
        return sorted(t)[len(t) // 2]
    out = {}
    def sign():
        signer = c2pa.Signer.from_info(info)
        builder = c2pa.Builder(manifest, context=sign_ctx)
        dst = io.BytesIO()
        builder.sign(signer, 'image/jpeg', io.BytesIO(src), dst)
        out['bytes'] = dst.getvalue()
    def read(data):
        return lambda: c2pa.Reader('image/jpeg', io.BytesIO(data), context=ctx).json()
    s = med(sign)
    r = med(read(out['bytes']))
    ours = open(d + '/sigil.jpg', 'rb').read()
    state = json.loads(c2pa.Reader('image/jpeg', io.BytesIO(ours), context=ctx).json()).get('validation_state')
    print(json.dumps({"sign": s, "read": r, "sigil_state": state}))
    """
let scriptURL = work.appendingPathComponent("c2pa_bench.py")
try script.write(to: scriptURL, atomically: true, encoding: .utf8)
let process = Process()
process.executableURL = URL(fileURLWithPath: python)
process.arguments = [scriptURL.path, work.path, String(rounds)]
let pipe = Pipe()
process.standardOutput = pipe
try process.run()
let output = pipe.fileHandleForReading.readDataToEndOfFile()
process.waitUntilExit()
guard process.terminationStatus == 0, let json = try? JSONValue.parse(String(decoding: output, as: UTF8.self)),
    let theirSign = json["sign"].flatMap({ Double($0.numberText ?? "") }), let theirRead = json["read"].flatMap({ Double($0.numberText ?? "") })
else {
    print("  c2pa-python failed (exit \(process.terminationStatus))")
    exit(1)
}
print(String(format: "  c2pa-python Builder.sign         %8.2f ms", theirSign))
print(String(format: "  c2pa-python Reader (trusted)     %8.2f ms", theirRead))
print(String(format: "  ratio sign      Sigil / c2pa-python = %.2f (goal ≤ 1.0)", sign / theirSign))
print(String(format: "  ratio validate  Sigil / c2pa-python = %.2f (goal ≤ 1.0)", validate / theirRead))
print("  c2pa-rs reads Sigil's manifest as: \(json["sigil_state"]?.stringValue ?? "?")")

extension JSONValue {
    var numberText: String? {
        if case .number(let n) = self { return n }
        return nil
    }
}
