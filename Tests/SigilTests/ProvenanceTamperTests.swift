import Foundation
import Testing
import Sigil
import SigilTestSupport

/// The tamper matrix of issue 4: every way to forge or break provenance is detected and named by `Verifier`.
@Suite struct ProvenanceTamperTests {
    static let development = try! DevelopmentChain.generate(organization: "Sigil Tamper Test")
    static let keys = try! ProvenanceKeys(c2pa: development.identity, sm2: try SM2.PrivateKey.generate())
    static let anchors = TrustAnchors(certificates: [development.root])

    static func labeled(_ name: String = "gray.png", produceID: String = "tamper-0001", marks: Set<Mark> = [.implicit, .c2pa]) throws -> LabelOutcome
    {
        var policy = try TestSupport.policy(marks, produceID: produceID)
        policy.provenanceKeys = keys
        return try Labeler(policy: policy).label(try TestSupport.read(TestSupport.examples.appendingPathComponent(name)))
    }

    static func verify(_ bytes: [UInt8]) throws -> VerificationReport {
        var options = Verifier.Options()
        options.decodePixels = false
        options.trustAnchors = anchors
        options.labelKeys = LabelVerifier.knownKeys(of: keys)
        return try Verifier(options: options).verify(bytes)
    }

    @Test(arguments: ["gray.png", "landscape.jpg", "meadow.webp"])
    func untouchedFilesVerify(name: String) throws {
        let outcome = try Self.labeled(name)
        let report = try Self.verify(outcome.bytes)
        #expect(report.c2pa?.state == .valid, "\(report.c2pa?.failure ?? [])")
        #expect(report.c2pa?.aigcLabel == outcome.label)
        #expect(report.integrity?.state == .valid, "\(report.integrity?.reason ?? "")")
        #expect(report.integrity?.keyKnown == true)
        #expect(!report.hasProblems)
    }

    /// The c2pa-rs oracle (`../shared/bench/c2pa_check.py` in the bench venv), when installed.
    static var oracle: (python: String, script: String)? {
        let python = ProcessInfo.processInfo.environment["BENCH_PY"] ?? NSHomeDirectory() + "/.cache/sigil-bench-venv/bin/python"
        let script = TestSupport.shared.appendingPathComponent("bench/c2pa_check.py").path
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script),
            (try? TestSupport.run(python, ["-c", "import c2pa"]).status) == 0
        else { return nil }
        return (python, script)
    }

    /// Files labeled with every mark (explicit, implicit, watermark, c2pa) pass c2pa-rs: untrusted without anchors,
    /// `valid` with the development root as anchor.
    @Test(.enabled(if: oracle != nil), arguments: ["landscape.jpg", "gray.png", "meadow.webp"])
    func c2paRSAcceptsLabelerOutput(name: String) throws {
        var policy = try TestSupport.policy(produceID: "oracle-\(name)")
        policy.provenanceKeys = Self.keys
        let outcome = try Labeler(policy: policy).label(try TestSupport.read(TestSupport.examples.appendingPathComponent(name)))
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name)
        let anchor = dir.appendingPathComponent("anchor.pem")
        try Data(outcome.bytes).write(to: file)
        try PEM.encode(Self.development.root.derBytes, label: "CERTIFICATE").write(to: anchor, atomically: true, encoding: .utf8)
        let (python, script) = try #require(Self.oracle)
        let untrusted = try TestSupport.run(python, [script, file.path])
        #expect(
            untrusted.stdout.contains("\"verdict\": \"valid-untrusted-signer\"")
                || untrusted.stdout.contains("\"verdict\":\"valid-untrusted-signer\""), "\(untrusted.stdout)")
        let trusted = try TestSupport.run(python, [script, file.path, "--trust-anchors", anchor.path])
        #expect(trusted.stdout.contains("\"verdict\":\"valid\""), "\(trusted.stdout)")
    }

    @Test func changingOnePixelIsDetected() throws {
        let outcome = try Self.labeled()
        var decoded = try PNGCodec.decode(outcome.bytes, maxPixels: 1 << 24)
        decoded.pixels.bytes[0] ^= 0x01
        let edited = try MetadataTransplant.transplant(from: outcome.bytes, into: try PNGCodec.encode(decoded.pixels), format: .png)
        let report = try Self.verify(edited)
        #expect(report.c2pa?.failureCodes.contains("assertion.dataHash.mismatch") == true)
        #expect(report.integrity?.state == .invalid)
        #expect(report.integrity?.reason.contains("content binding") == true)
        #expect(report.hasProblems)
    }

    @Test func editingOneAIGCFieldIsDetected() throws {
        let outcome = try Self.labeled()
        var forged = outcome.label
        forged.produceID = "forged-9999"
        let edited = try LabelWriter.write(json: forged.json, wrappedJSON: forged.wrappedJSON, extra: [], into: outcome.bytes)
        let report = try Self.verify(edited)
        #expect(report.label?.produceID == "forged-9999")
        #expect(report.integrity?.state == .invalid)
        #expect(report.integrity?.reason.contains("does not verify") == true)
        #expect(report.c2pa?.failureCodes.contains("assertion.dataHash.mismatch") == true)
        #expect(report.c2pa?.failureCodes.contains("sigil.aigcLabel.mismatch") == true)
    }

    @Test func movingTheManifestToAnotherFileIsDetected() throws {
        let source = try Self.labeled("gray.png")
        let target = try Self.labeled("alpha.png", produceID: "tamper-0002", marks: [.implicit])
        let store = try #require(try ManifestCarrier.find(in: source.bytes, format: .png).first)
        let moved = try ManifestCarrier.embed(store.bytes, into: target.bytes, format: .png).bytes
        let report = try Self.verify(moved)
        #expect(report.c2pa?.failureCodes.contains("assertion.dataHash.mismatch") == true)
        #expect(report.c2pa?.failureCodes.contains("sigil.aigcLabel.mismatch") == true)
        #expect(report.integrity?.state == .valid, "the target's own label is untouched")
    }

    @Test func movingTheLabelToAnotherFileIsDetected() throws {
        let source = try Self.labeled("gray.png")
        let target = try TestSupport.read(TestSupport.examples.appendingPathComponent("alpha.png"))
        let moved = try LabelWriter.write(json: source.label.json, wrappedJSON: source.label.wrappedJSON, extra: [], into: target)
        let report = try Self.verify(moved)
        #expect(report.integrity?.state == .invalid)
        #expect(report.integrity?.reason.contains("copied from other content") == true)
        #expect(report.c2pa?.state == .absent)
    }

    @Test func truncatingTheManifestOrTheFileIsDetected() throws {
        let outcome = try Self.labeled("landscape.jpg")
        let store = try #require(try ManifestCarrier.find(in: outcome.bytes, format: .jpeg).first)
        let base = try ManifestCarrier.remove(from: outcome.bytes, format: .jpeg)
        let cut = try ManifestCarrier.embed(Array(store.bytes.dropLast(200)), into: base, format: .jpeg).bytes
        let report = try Self.verify(cut)
        #expect(report.c2pa?.state == .invalid)
        #expect(report.c2pa?.error?.contains("malformed") == true)
        let short = try Self.verify(Array(outcome.bytes.dropLast(100)))
        #expect(short.c2pa?.failureCodes.contains("assertion.dataHash.mismatch") == true)
    }

    @Test func swappingTheCertificateChainIsDetected() throws {
        let outcome = try Self.labeled()
        let other = try DevelopmentChain.generate(organization: "Mallory")
        let swapped = try Self.replacingSignature(in: outcome.bytes) { cose in
            var protected = cose.protected
            protected = .map(
                (protected.mapValue ?? []).map { pair in
                    pair.key == .int(33) ? .init(pair.key, .array(other.identity.chainDER.map { .bytes($0) })) : pair
                })
            cose.protectedBytes = protected.encoded()
            cose.protected = protected
        }
        let report = try Self.verify(swapped)
        #expect(report.c2pa?.failureCodes.contains("claimSignature.mismatch") == true)
        #expect(report.c2pa?.failureCodes.contains("signingCredential.untrusted") == true)
        #expect(report.c2pa?.signer?.organization == "Mallory")
    }

    @Test func aWrongKeyIsDetected() throws {
        let outcome = try Self.labeled()
        let forged = try Self.replacingSignature(in: outcome.bytes) { cose in
            let tbs = COSESign1.toBeSigned(protectedBytes: cose.protectedBytes, payload: [])
            cose.signature = try DevelopmentChain.generate().identity.sign(tbs)
        }
        #expect(try Self.verify(forged).c2pa?.failureCodes.contains("claimSignature.mismatch") == true)
    }

    @Test func replayingAnOldManifestIsDetected() throws {
        // The same picture labeled twice: the first manifest put back on the second file.
        let old = try Self.labeled(produceID: "generation-1")
        let new = try Self.labeled(produceID: "generation-2")
        let oldStore = try #require(try ManifestCarrier.find(in: old.bytes, format: .png).first)
        let base = try ManifestCarrier.remove(from: new.bytes, format: .png)
        let replayed = try ManifestCarrier.embed(oldStore.bytes, into: base, format: .png).bytes
        let report = try Self.verify(replayed)
        #expect(report.c2pa?.failureCodes.contains("assertion.dataHash.mismatch") == true)
        #expect(report.c2pa?.failureCodes.contains("sigil.aigcLabel.mismatch") == true)
    }

    @Test func anExpiredCertificateIsDetected() throws {
        let expired = try DevelopmentChain.generate(
            organization: "Sigil Expired", now: Date(timeIntervalSinceNow: -400 * 86_400), signerValidity: 30 * 86_400)
        var policy = try TestSupport.policy([.implicit, .c2pa], produceID: "expired-0001")
        policy.provenanceKeys = try ProvenanceKeys(c2pa: expired.identity, sm2: Self.keys.sm2)
        let outcome = try Labeler(policy: policy).label(try TestSupport.read(TestSupport.examples.appendingPathComponent("gray.png")))
        let report = try Self.verify(outcome.bytes)
        #expect(report.c2pa?.failureCodes.contains("signingCredential.expired") == true)
        #expect(report.c2pa?.state == .invalid)
    }

    /// The file with its claim-signature COSE changed by `edit` (the store re-embedded).
    static func replacingSignature(in bytes: [UInt8], _ edit: (inout COSESign1) throws -> Void) throws -> [UInt8] {
        let format = try #require(MediaRegistry.standard.format(of: bytes))
        let embedded = try #require(try ManifestCarrier.find(in: bytes, format: format).first)
        let store = try ManifestStore(bytes: embedded.bytes)
        let manifest = try #require(store.activeManifest)
        let box = try #require(manifest.signatureBox)
        var cose = try COSESign1.parse(try #require(store.cborPayload(of: box)))
        try edit(&cose)
        let signatureBox = JUMBFBuilder.superbox(
            type: JUMBFType.uuid("c2cs"), label: "c2pa.signature", children: [JUMBFBuilder.box("cbor", cose.encoded())])
        let children = manifest.box.children.map { child -> [UInt8] in
            switch child {
            case .superbox(let s) where s.typeCode == "c2cs": return signatureBox
            case .superbox(let s): return Array(embedded.bytes[s.box.range])
            case .content(let c): return Array(embedded.bytes[c.range])
            }
        }
        let newManifest = JUMBFBuilder.superbox(type: JUMBFType.uuid("c2ma"), label: manifest.label, children: children)
        let newStore = JUMBFBuilder.superbox(type: JUMBFType.uuid("c2pa"), label: "c2pa", children: [newManifest])
        return try ManifestCarrier.embed(newStore, into: try ManifestCarrier.remove(from: bytes, format: format), format: format).bytes
    }
}
