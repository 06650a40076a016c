import Foundation
import Sigil
import Testing

#if canImport(Glibc)
    import Glibc
    import SigilTestSupport
#endif

/// `sigil label` records, `sigil log …`, and `sigil verify` with records and offline proofs — through the binary.
@Suite(.enabled(if: TestSupport.sigilBinary != nil, "the sigil executable is not built"))
struct LogCommandTests {
    let sigil = TestSupport.sigilBinary!
    let producer = TestSupport.producer.rawValue

    func sample(_ name: String) -> String { TestSupport.examples.appendingPathComponent(name).path }

    func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    @Test func labelRecordsProveAndVerifyOffline() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let first = dir.appendingPathComponent("first.png").path
        let second = dir.appendingPathComponent("second.jpg").path

        // Two labels, two records: indices 0 and 1, each integrated into a signed checkpoint.
        let label1 = try TestSupport.run(
            sigil,
            [
                "label", sample("gray.png"), "-o", first, "--producer", producer, "--data", data, "--json",
                "--service-category", "face", "--model", "test-model-1", "--account", "user-7", "--marks", "explicit,implicit",
            ])
        #expect(label1.status == 0, "\(label1.stderr)")
        let record1 = json(label1.stdout)?["record"] as? [String: Any]
        #expect(record1?["index"] as? Int == 0)
        #expect(label1.stderr.contains("log/ed25519.key"))
        // An opt-out cites a published agreement version (Labeling Measures Art. 9): refused before, accepted after.
        let optOutArguments = [
            "label", sample("landscape.jpg"), "-o", second, "--producer", producer, "--data", data, "--json",
            "--marks", "implicit", "--opt-out-agreement", "tos-2025-09", "--recipient", "user-9", "--write-proof",
        ]
        let unpublished = try TestSupport.run(sigil, optOutArguments)
        #expect(unpublished.status == 2 && unpublished.stderr.contains("tos-2025-09 is not a published agreement version"), "\(unpublished.stderr)")
        #expect(!FileManager.default.fileExists(atPath: second))
        let terms = dir.appendingPathComponent("terms.txt")
        try Data("用户协议 2025-09".utf8).write(to: terms)
        let publish = try TestSupport.run(sigil, ["agreement", "publish", "tos-2025-09", terms.path, "--data", data])
        #expect(publish.status == 0, "\(publish.stderr)")
        let listed = ((json(publish.stdout)?["agreements"] as? [[String: Any]])?.first)
        #expect(listed?["version"] as? String == "tos-2025-09")
        #expect(listed?["sha256"] as? String == LowerHex.encode(RecordKeeper.contentSHA256(Array("用户协议 2025-09".utf8))))
        let label2 = try TestSupport.run(sigil, optOutArguments)
        #expect(label2.status == 0, "\(label2.stderr)")
        let record2 = json(label2.stdout)?["record"] as? [String: Any]
        #expect(record2?["index"] as? Int == 1)
        #expect(record2?["checkpointSize"] as? Int == 2)
        #expect(FileManager.default.fileExists(atPath: second + ".tlog-proof"))

        // The log's checkpoint, key and entries.
        let vkey = try TestSupport.run(sigil, ["log", "vkey", "--data", data]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let verifier = try NoteVerifier(vkey: vkey)
        let note = try TestSupport.run(sigil, ["log", "checkpoint", "--data", data]).stdout
        let checkpoint = try Checkpoint(note: note, verifiers: [verifier])
        #expect(checkpoint.size == 2)
        let entry = try TestSupport.run(sigil, ["log", "entry", "0", "--data", data])
        let entryBytes = try #require(StrictBase64.decode(entry.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let record = try GenerationRecord(entry: entryBytes)
        #expect(Merkle.leafHash(entryBytes).hex == record1?["leafHash"] as? String)
        #expect(record.serviceCategory == .face && record.model == "test-model-1")
        #expect(record.account?.hasPrefix("acct-") == true && !String(decoding: entryBytes, as: UTF8.self).contains("user-7"))
        #expect(record.contentSHA256 == RecordKeeper.contentSHA256(try FileIO.read(first)))
        #expect(record.perceptualHash != nil)
        let optOut = try GenerationRecord(
            entry: StrictBase64.decode(
                try TestSupport.run(sigil, ["log", "entry", "1", "--data", data]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))!)
        #expect(optOut.explicitLabelOptOut?.agreementVersion == "tos-2025-09")
        #expect(optOut.marks == ["implicit"])

        // An offline proof for entry 0 verifies with the vkey alone; the attached proof of the second file too.
        let proofPath = dir.appendingPathComponent("first.tlog-proof").path
        let proof = try TestSupport.run(sigil, ["log", "proof", "0", "--data", data])
        #expect(proof.status == 0, "\(proof.stderr)")
        try proof.stdout.write(toFile: proofPath, atomically: true, encoding: .utf8)
        let verify1 = try TestSupport.run(sigil, ["verify", first, "--proof", proofPath, "--log-key", vkey, "--json", "--no-watermark"])
        #expect((json(verify1.stdout)?["proof"] as? [String: Any])?["status"] as? String == "valid", "\(verify1.stdout)")
        #expect(verify1.status == 0, "\(verify1.stdout)\(verify1.stderr)")
        let verify2 = try TestSupport.run(sigil, ["verify", second, "--log-key", vkey, "--json", "--no-watermark"])
        let proof2 = json(verify2.stdout)?["proof"] as? [String: Any]
        #expect(proof2?["status"] as? String == "valid" && proof2?["source"] as? String == "attached", "\(verify2.stdout)")

        // The proof of one file does not vouch for another, and a tampered proof fails: exit 1 with the reason.
        let wrongFile = try TestSupport.run(sigil, ["verify", second, "--proof", proofPath, "--log-key", vkey, "--json", "--no-watermark"])
        #expect(wrongFile.status == 1)
        #expect(((json(wrongFile.stdout)?["proof"] as? [String: Any])?["reason"] as? String)?.contains("another file") == true)
        var lines = proof.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let hashLine = try #require(lines.firstIndex { $0.hasPrefix("index ") }) + 1
        lines[hashLine] = (lines[hashLine].first == "A" ? "B" : "A") + lines[hashLine].dropFirst()
        let tamperedPath = dir.appendingPathComponent("tampered.tlog-proof").path
        try lines.joined(separator: "\n").write(toFile: tamperedPath, atomically: true, encoding: .utf8)
        let tampered = try TestSupport.run(sigil, ["verify", first, "--proof", tamperedPath, "--log-key", vkey, "--json", "--no-watermark"])
        #expect(tampered.status == 1)
        #expect((json(tampered.stdout)?["proof"] as? [String: Any])?["status"] as? String == "invalid")
        let stranger = "log.example/other+00000000+" + StrictBase64.encode([1] + Array(repeating: 7, count: 32))
        let wrongKey = try TestSupport.run(sigil, ["verify", first, "--proof", proofPath, "--log-key", stranger, "--no-watermark"])
        #expect(wrongKey.status != 0)

        // Lookup by ProduceID in the local log, with the proof built from the store.
        let lookup = try TestSupport.run(sigil, ["verify", first, "--data", data, "--json", "--no-watermark"])
        let found = json(lookup.stdout)?["record"] as? [String: Any]
        #expect(found?["found"] as? Bool == true && found?["index"] as? Int == 0 && found?["sha256Matches"] as? Bool == true, "\(lookup.stdout)")
        #expect((json(lookup.stdout)?["proof"] as? [String: Any])?["status"] as? String == "valid")

        // Consistency, audit, and the errors.
        let consistency = try TestSupport.run(sigil, ["log", "consistency", "1", "--data", data])
        #expect(consistency.status == 0 && consistency.stdout.split(separator: "\n").allSatisfy { StrictBase64.decode($0)?.count == 32 })
        let audit = try TestSupport.run(sigil, ["log", "audit", "--data", data, "--json"])
        #expect(audit.status == 0, "\(audit.stdout)")
        #expect(json(audit.stdout)?["clean"] as? Bool == true)
        #expect(try TestSupport.run(sigil, ["log", "entry", "99", "--data", data]).status == 3)
        #expect(try TestSupport.run(sigil, ["log", "consistency", "5", "--data", data]).status != 0)
        #expect(try TestSupport.run(sigil, ["log", "proof", "0", "--size", "1", "--data", data]).status == 0)
        #expect(
            try TestSupport.run(
                sigil, ["label", sample("gray.png"), "-o", first, "--producer", producer, "--data", data, "--service-category", "robots"]
            ).status == 2)
    }

    @Test func piiRotateRetiresTheOldKeyAndFinishesInterruptedRotations() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        #expect(try TestSupport.run(sigil, ["account", "list", "--data", data]).status == 0) // creates the development key
        let keyPath = try #require(
            FileManager.default.enumerator(atPath: data)?.compactMap { $0 as? String }.first { $0.hasSuffix("compliance/pii.key") })
        let key = data + "/" + keyPath
        let original = try Data(contentsOf: URL(fileURLWithPath: key))

        let rotated = try TestSupport.run(sigil, ["pii", "rotate", "--data", data, "--json"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let outcome = try #require(json(rotated.stdout))
        let retired = try #require(outcome["retiredKey"] as? String)
        #expect(try Data(contentsOf: URL(fileURLWithPath: retired)) == original)
        #expect(try Data(contentsOf: URL(fileURLWithPath: key)) != original)
        #expect(outcome["resumed"] as? Bool == false && outcome["oldFingerprint"] as? String != outcome["newFingerprint"] as? String)

        // A leftover next key (a rotation cut short) stops every command that opens the vault until rotate runs again.
        try Data((String(repeating: "5a", count: 32) + "\n").utf8).write(to: URL(fileURLWithPath: key + ".next"))
        let blocked = try TestSupport.run(sigil, ["account", "list", "--data", data])
        #expect(blocked.status == 3 && blocked.stderr.contains("sigil pii rotate"), "\(blocked.stderr)")
        let finished = try TestSupport.run(sigil, ["pii", "rotate", "--data", data])
        #expect(finished.status == 0 && finished.stdout.contains("re-sealed 0 accounts"), "\(finished.stdout)\(finished.stderr)")
        #expect(!FileManager.default.fileExists(atPath: key + ".next"))
        #expect(try TestSupport.run(sigil, ["account", "list", "--data", data]).status == 0)
    }

    @Test func folderBatchRecordsEveryFile() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let out = dir.appendingPathComponent("out").path
        let run = try TestSupport.run(
            sigil, ["label", TestSupport.examples.path, "-o", out, "--producer", producer, "--data", data, "--json", "--marks", "implicit"])
        #expect(run.status == 0, "\(run.stderr)")
        let files = (json(run.stdout)?["files"] as? [[String: Any]]) ?? []
        let indices = files.compactMap { ($0["record"] as? [String: Any])?["index"] as? Int }.sorted()
        #expect(!files.isEmpty && indices == Array(0..<files.count), "\(run.stdout)")
        let audit = try TestSupport.run(sigil, ["log", "audit", "--data", data, "--json"])
        #expect(json(audit.stdout)?["integratedSize"] as? Int == files.count)
        #expect(audit.status == 0)
    }

    @Test func bulkAppendReportsMalformedLines() throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let file = dir.appendingPathComponent("records.jsonl").path
        let good = Self.importLine(0)
        try (good + "\n" + "{\"produceID\": 5}\n" + Self.importLine(2) + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = try TestSupport.run(sigil, ["log", "append", file, "--data", data])
        #expect(run.status == 3)
        #expect(run.stderr.contains("line 2"), "\(run.stderr)")
        // The line before the bad one was appended and integrated by the next command.
        let audit = try TestSupport.run(sigil, ["log", "audit", "--data", data, "--json"])
        #expect(json(audit.stdout)?["integratedSize"] as? Int == 1, "\(audit.stdout)")
    }

    /// kill -9 in the middle of a bulk import: every batch the command reported as appended is there, no entry is
    /// half-written, and the next command integrates the pending ones into a consistent, audited tree.
    @Test func killNineDuringAppendLosesNothingAcknowledged() async throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let file = dir.appendingPathComponent("records.jsonl").path
        let count = 60_000
        try (0..<count).map(Self.importLine).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let outPath = dir.appendingPathComponent("append.out").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        // Records arrive on standard input, so the import cannot finish before it is killed however fast it is:
        // a first part (more than one read buffer) until 8 batches are acknowledged, then the rest, killed mid-append.
        let input = Pipe()
        signal(SIGPIPE, SIG_IGN) // the writer thread may still be writing when the child dies: EPIPE, not a crash
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sigil)
        process.arguments = ["log", "append", "-", "--data", data, "--batch", "200"]
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        try process.run()
        let lines = (0..<count).map(Self.importLine)
        input.fileHandleForWriting.write(Data((lines[0..<12_000].joined(separator: "\n") + "\n").utf8))
        let deadline = ContinuousClock.now + .seconds(120)
        var acknowledged: [Range<Int>] = []
        while ContinuousClock.now < deadline, process.isRunning {
            acknowledged = Self.acknowledged(in: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
            if acknowledged.count >= 8 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let rest = Data((lines[12_000...].joined(separator: "\n") + "\n").utf8)
        let writer = input.fileHandleForWriting
        Thread.detachNewThread { _ = try? writer.write(contentsOf: rest) }
        try await Task.sleep(for: .milliseconds(150))
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? out.close()
        try? input.fileHandleForWriting.close()
        acknowledged = Self.acknowledged(in: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
        #expect(wasRunning, "the import ended before it could be killed")
        #expect(acknowledged.count >= 8)
        let acknowledgedEnd = acknowledged.map(\.upperBound).max() ?? 0

        // Reopen: pending entries are integrated; the audit recomputes everything and finds it consistent.
        let audit = try TestSupport.run(sigil, ["log", "audit", "--data", data, "--json"])
        let report = json(audit.stdout)
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        #expect(report?["clean"] as? Bool == true)
        let entries = report?["entries"] as? Int ?? 0
        #expect(entries >= acknowledgedEnd && entries < count && entries % 200 == 0, "entries \(entries), acknowledged \(acknowledgedEnd)")
        #expect(report?["pending"] as? Int == 0)
        #expect(report?["integratedSize"] as? Int == entries)
        // The last acknowledged record is there, byte for byte the record of its line.
        let last = try TestSupport.run(sigil, ["log", "entry", String(acknowledgedEnd - 1), "--data", data])
        let record = try GenerationRecord(entry: try #require(StrictBase64.decode(last.stdout.trimmingCharacters(in: .whitespacesAndNewlines))))
        #expect(record.produceID == Self.produceID(acknowledgedEnd - 1))
    }

    static func produceID(_ i: Int) -> String { String(format: "0199%028x", i) }

    static func importLine(_ i: Int) -> String {
        let sha = String(format: "%064x", i)
        return
            #"{"produceID":"\#(produceID(i))","producer":"001191110102MACQD9K64010000","serviceCategory":"other","model":"bulk","account":"user-\#(i % 1000)","time":"2025-10-01T00:00:00.000Z","contentSHA256":"\#(sha)","marks":["explicit","implicit"]}"#
    }

    /// The `appended A..<B` ranges a run printed.
    static func acknowledged(in output: String) -> [Range<Int>] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("appended ") else { return nil }
            let bounds = line.dropFirst(9).components(separatedBy: "..<").compactMap { Int($0) }
            return bounds.count == 2 ? bounds[0]..<bounds[1] : nil
        }
    }
}
