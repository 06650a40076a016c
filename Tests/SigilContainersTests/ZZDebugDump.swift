import Foundation
import Testing
@testable import SigilContainers

@Suite struct ZZDebugDump {
    @Test func dump() throws {
        let dirs = ["jpeg", "png", "webp", "gif", "tiff", "bin"]
        for d in dirs {
            let url = Fixtures.peers.appendingPathComponent(d)
            for f in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() {
                let bytes = try Fixtures.peer("\(d)/\(f)")
                let scan = try LabelScanner.scan(bytes)
                print("== \(d)/\(f)")
                if let h = try? ImageHeader.read(bytes) { print("   header \(h)") } else { print("   header error: \((try? { () throws -> String in do { _ = try ImageHeader.read(bytes); return "" } catch { return "\(error)" } }()) ?? "")") }
                for c in scan.carriers {
                    let p = c.parsedPayload
                    print("   carrier \(c.kind) @\(c.offset)+\(c.length) keyed=\(c.keyed) std=\(c.standard) ns=\(c.namespaceURI ?? "-") loc=\(c.location) form=\(p.form) fields=\(p.fields.map { "\($0.key)=\($0.value ?? "nil")" }.joined(separator: ","))")
                }
                for f in scan.findings { print("   finding \(f.code) \(f.severity) \(f.message)") }
            }
        }
    }
}

@Suite struct ZZDebugWrite {
    @Test func writeOut() throws {
        let label = try AIGCLabel.firstWrite(producer: ProviderCode.development.rawValue, produceID: "x1")
        for f in ["jpeg/s3__jpg-none.jpg", "jpeg/s3__jpg-aigc.jpg", "png/s3__png-none.png", "webp/s3__webp-none.webp", "webp/s3__webp-aigc.webp", "png/aml__aigc.png"] {
            let out = try LabelWriter.write(json: label.json, wrappedJSON: label.wrappedJSON, extra: [XMPProperty(namespaceURI: "https://sigil.example/ns/", prefix: "sigil", name: "Job", value: "j&1")], into: try Fixtures.peer(f))
            try Data(out).write(to: URL(fileURLWithPath: "/tmp/sigil-out-" + (f as NSString).lastPathComponent))
        }
    }
}
