import Foundation
import Testing
@testable import SigilContainers

@Suite struct ZZDebugCrash {
    @Test func crashes() throws {
        let dir = "/work/main/Fuzz/crashes"
        for f in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/" + f)))
            print("== \(f) \(bytes.count)")
            let before = try? LabelScanner.scan(bytes)
            print("before:", before?.carriers.map { "\($0.kind) \($0.location) \($0.text ?? "")" } ?? [], before?.findings.map(\.message) ?? [])
            do {
                let out = try LabelWriter.write(json: Build.sampleJSON, wrappedJSON: Build.sampleWrapped, extra: [], into: bytes)
                let after = try? LabelScanner.scan(out)
                print("after:", after?.carriers.map { "\($0.kind) \($0.location) \($0.text ?? "")" } ?? [], after?.findings.map(\.message) ?? [])
                if let p = XMPLocator.firstPacket(in: out) { print(String(decoding: p, as: UTF8.self)) }
            } catch { print("write error \(error)") }
        }
    }
}
