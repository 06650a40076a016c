import Crypto
import Foundation
import SigilContainers
import Testing
import SigilTestSupport
@testable import SigilProvenance

@Suite struct SignedLabelTests {
    static let producer = "001191110102MACQD9K64010000"

    /// A labeled PNG whose ReservedCode1 is signed with `algorithm`.
    static func signedImage(_ algorithm: LabelSigner.Algorithm, image name: String = "gray.png", produceID: String = "signed-0001") throws -> (
        bytes: [UInt8], label: AIGCLabel
    ) {
        let image = try ProvenanceTestSupport.example(name)
        var label = try AIGCLabel.firstWrite(producer: producer, produceID: produceID)
        label.reservedCode1 = try LabelSigner(keys: ProvenanceTestSupport.keys, algorithm: algorithm).sign(label, role: .producer, image: image)
        try label.validateForWriting()
        return (try LabelWriter.write(json: label.json, wrappedJSON: label.wrappedJSON, extra: [], into: image), label)
    }

    static func readLabel(_ bytes: [UInt8]) throws -> AIGCLabel {
        let scan = try LabelScanner.scan(bytes)
        for carrier in scan.carriers {
            if let label = carrier.parsedPayload.label { return label }
        }
        throw SigilError(.malformed, "no label")
    }

    @Test(arguments: LabelSigner.Algorithm.allCases)
    func signedLabelVerifiesAndStaysInTheAnnexECharset(algorithm: LabelSigner.Algorithm) throws {
        let (bytes, label) = try Self.signedImage(algorithm)
        #expect(AnnexECharset.firstViolation(in: label.reservedCode1) == nil)
        #expect(label.reservedCode1.hasPrefix("{\"SecurityData\":{\"Version\":\"sigil/2\""))
        #expect(label.reservedCode1.contains("\"CntSel\":\"sigil:essence:image\""))
        let read = try Self.readLabel(bytes)
        #expect(read == label)
        let known = LabelVerifier(knownKeys: LabelVerifier.knownKeys(of: ProvenanceTestSupport.keys))
        let result = known.verify(read, in: bytes)
        #expect(result.state == .valid, "\(result.reason)")
        #expect(result.keyKnown)
        #expect(result.boundToContent)
        #expect(result.algorithm == algorithm.rawValue)
        // Without the keystore the embedded key still proves integrity, but is not known.
        let stranger = LabelVerifier().verify(read, in: bytes)
        #expect(stranger.state == .valid)
        #expect(!stranger.keyKnown)
    }

    @Test(arguments: AIGCLabel.Key.allCases.filter { LabelSigner.Role.producer.fields.contains($0) })
    func editingASignedFieldIsInvalid(key: AIGCLabel.Key) throws {
        let (bytes, label) = try Self.signedImage(.sm2)
        var edited = label
        switch key {
        case .label: edited.label = .possiblyAIGenerated
        case .contentProducer: edited.contentProducer = "001191110108MA01234567890000"
        default: edited.produceID = "forged-0001"
        }
        let result = LabelVerifier().verify(edited, in: bytes)
        #expect(result.state == .invalid)
        #expect(result.reason.contains("does not verify"))
    }

    @Test func propagationFieldsMayChangeWithoutBreakingTheProducerSignature() throws {
        let (bytes, label) = try Self.signedImage(.sm2)
        var propagated = label
        propagated.contentPropagator = "001191110108MA01234567890000"
        propagated.propagateID = "platform-42"
        propagated.reservedCode2 = try LabelSigner(keys: ProvenanceTestSupport.keys).sign(propagated, role: .propagator, image: bytes)
        #expect(LabelVerifier().verify(propagated, in: bytes).state == .valid)
        #expect(LabelVerifier().verify(propagated, field: .reservedCode2, in: bytes).state == .valid)
        // The propagator's signature covers the producer's signature too.
        var stripped = propagated
        stripped.reservedCode1 = ""
        #expect(LabelVerifier().verify(stripped, field: .reservedCode2, in: bytes).state == .invalid)
    }

    @Test func aLabelCopiedOntoAnotherImageIsInvalid() throws {
        let (_, label) = try Self.signedImage(.sm2)
        let other = try ProvenanceTestSupport.example("alpha.png")
        let forged = try LabelWriter.write(json: label.json, wrappedJSON: label.wrappedJSON, extra: [], into: other)
        let result = LabelVerifier().verify(try Self.readLabel(forged), in: forged)
        #expect(result.state == .invalid)
        #expect(result.reason.contains("content binding"))
    }

    @Test func emptyOpaqueAndKeylessFields() throws {
        let image = try ProvenanceTestSupport.example("gray.png")
        var label = try AIGCLabel.firstWrite(producer: Self.producer, produceID: "x")
        #expect(LabelVerifier().verify(label, in: image).state == .absent)
        label.reservedCode1 = "e862483430d978cbf828b8b24296ef9328d843a0"
        #expect(LabelVerifier().verify(label, in: image).state == .unknownKey)
        label.reservedCode1 = try LabelSigner(keys: ProvenanceTestSupport.keys).sign(label, role: .producer, image: image)
            .replacingOccurrences(of: #""KeyValue":"[^"]*","#, with: "", options: .regularExpression)
        #expect(LabelVerifier().verify(label, in: image).state == .unknownKey)
    }

    /// A MiniMax-style value: SecurityData with a hex DER SM2 signature over the PG-202511A A.1 label message and
    /// the public key as hex, with the guide's names spelled differently.
    @Test func verifiesMiniMaxStyleSM2Signatures() throws {
        let image = try ProvenanceTestSupport.example("gray.png")
        let key = try SM2.PrivateKey.generate()
        var label = try AIGCLabel.firstWrite(producer: Self.producer, produceID: "minimax-0001")
        let message = "\"Label\":\"1\",\"ContentProducer\":\"\(Self.producer)\",\"ProduceID\":\"minimax-0001\""
        let signature = try key.signature(for: Array(message.utf8))
        func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02X", $0) }.joined() }
        label.reservedCode1 =
            "{\"SecurityData\":{\"TBSData\":{\"Type\":\"Md\"},\"SignatureValue\":\"\(hex(signature))\",\"PublicKey\":\"\(hex(try key.publicKey.point))\",\"SignAlg\":\"SM3withSM2\"}}"
        #expect(AnnexECharset.firstViolation(in: label.reservedCode1) == nil)
        let result = LabelVerifier().verify(label, in: image)
        #expect(result.state == .valid, "\(result.reason)")
        #expect(!result.boundToContent)
        var edited = label
        edited.produceID = "minimax-0002"
        #expect(LabelVerifier().verify(edited, in: image).state == .invalid)
        // With a known key and no KeyValue, the known key is used.
        var keyless = label
        keyless.reservedCode1 = "{\"SecurityData\":{\"Signature\":\"\(hex(signature))\"}}"
        #expect(LabelVerifier().verify(keyless, in: image).state == .unknownKey)
        #expect(LabelVerifier(knownKeys: [try key.publicKey.point]).verify(keyless, in: image).state == .valid)
    }
}

/// Labels signed by the previous release (`sigil/1`, `sigil:image-data`) and labels on audio.
@Suite struct SignedLabelVersionTests {
    static let producer = SignedLabelTests.producer

    /// The `sigil/1` value exactly as the previous release built it: the same message and binding, named as it
    /// named them.
    static func legacyValue(_ label: AIGCLabel, image: [UInt8]) throws -> String {
        let keys = ProvenanceTestSupport.keys
        let digest = SM3.hash(try CompressedImageData.bytes(of: image))
        let binding = LabelSigner.Binding(type: "SM3", selection: "sigil:image-data", digest: LabelSigner.hex(digest))
        let message = Array(LabelSigner.message(label: label, fields: ["Label", "ContentProducer", "ProduceID"], bindings: [binding]).utf8)
        let signature = try keys.sm2.signature(for: message)
        return
            #"{"SecurityData":{"Version":"sigil/1","TBSData":{"Type":"Md","Fields":["Label","ContentProducer","ProduceID"]},"Bindings":[{"BType":"SM3","CntSel":"sigil:image-data","Bnd":""#
            + binding.digest + #""}],"SignAlg":"SM3withSM2","KeyValue":""# + Data(keys.sm2Public.point).base64EncodedString()
            + #"","Signature":""# + Data(signature).base64EncodedString() + #""}}"#
    }

    @Test func versionOneLabelsStillVerify() throws {
        let image = try ProvenanceTestSupport.example("gray.png")
        var label = try AIGCLabel.firstWrite(producer: Self.producer, produceID: "legacy-0001")
        label.reservedCode1 = try Self.legacyValue(label, image: image)
        let bytes = try LabelWriter.write(LabelAssignment(label), into: image)
        let result = LabelVerifier(knownKeys: LabelVerifier.knownKeys(of: ProvenanceTestSupport.keys)).verify(label, in: bytes)
        #expect(result.state == .valid, "\(result.reason)")
        #expect(result.boundToContent)
        #expect(result.form == "sigil/1")
    }

    static func wav(samples: Int = 4000, seed: UInt8 = 1) -> [UInt8] {
        let fmt: [UInt8] = [1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0]
        let data = (0..<samples).map { UInt8(truncatingIfNeeded: $0 &* Int(seed) &+ 7) }
        let body =
            Array("WAVEfmt ".utf8) + UInt32(fmt.count).littleEndianArray + fmt + Array("data".utf8) + UInt32(data.count).littleEndianArray + data
        return Array("RIFF".utf8) + UInt32(body.count).littleEndianArray + body
    }

    @Test(arguments: LabelSigner.Algorithm.allCases)
    func audioLabelsBindToTheAudioFrames(algorithm: LabelSigner.Algorithm) throws {
        let wav = Self.wav()
        var label = try AIGCLabel.firstWrite(producer: Self.producer, produceID: "audio-0001")
        label.reservedCode1 = try LabelSigner(keys: ProvenanceTestSupport.keys, algorithm: algorithm).sign(label, role: .producer, image: wav)
        #expect(label.reservedCode1.contains(#""CntSel":"sigil:essence:audio""#))
        let bytes = try LabelWriter.write(LabelAssignment(label), into: wav)
        let verifier = LabelVerifier(knownKeys: LabelVerifier.knownKeys(of: ProvenanceTestSupport.keys))
        let result = verifier.verify(label, in: bytes)
        #expect(result.state == .valid, "\(result.reason)")
        #expect(result.boundToContent)
        // Other samples: the binding fails.
        let other = try LabelWriter.write(LabelAssignment(label), into: Self.wav(seed: 3))
        #expect(verifier.verify(label, in: other).state == .invalid)
        // The same label copied onto an image names the wrong kind.
        let image = try LabelWriter.write(LabelAssignment(label), into: try ProvenanceTestSupport.example("gray.png"))
        let copied = verifier.verify(label, in: image)
        #expect(copied.state == .invalid)
        #expect(copied.reason.contains("audio content but the file is image"))
    }

    @Test func essenceDigestsStreamInChunks() throws {
        let wav = Self.wav(samples: 3_000_001)
        let (format, digest) = try EssenceDigest.digest(of: MemoryByteSource(wav), type: "SM3")
        #expect(format == .wav)
        let dataStart = wav.count - 3_000_001
        #expect(digest == SM3.hash(Array(wav[dataStart...])), "chunked SM3 equals one-shot SM3 over the data chunk")
    }

    /// JPEG and PNG find their essence by reading the whole file (PDF no longer does, decision 0029); the digest then
    /// hashes those bytes instead of reading the file again. The result must equal hashing the located ranges chunk by chunk from the file.
    @Test(arguments: ["gray.png", "landscape.jpg"])
    func wholeFileWalksHashTheSameBytesOnce(example: String) throws {
        let bytes = try ProvenanceTestSupport.example(example)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("essence-\(UUID().uuidString)-\(example)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let file = FileByteSource(descriptor: fd, count: bytes.count, path: path)
        let identified = try #require(MediaRegistry.standard.identify(bytes))
        let locator = try #require(identified.handler as? any EssenceLocating)
        #expect(locator.locatingReadsWholeFile)
        var hasher = SHA256()
        for range in try locator.essenceRanges(in: file) { try file.forEachChunk(of: range, chunkSize: 4096) { hasher.update(data: $0) } }
        let chunked = Array(hasher.finalize())
        #expect(try EssenceDigest.digest(of: file, type: "SHA256").digest == chunked)
        #expect(try EssenceDigest.digest(of: MemoryByteSource(bytes), type: "SHA256").digest == chunked)
    }

    @Test(arguments: LabelSigner.BindingDigest.allCases)
    func bothBindingDigestsVerifyAndNameThemselves(digest: LabelSigner.BindingDigest) throws {
        let image = try ProvenanceTestSupport.example("gray.png")
        var label = try AIGCLabel.firstWrite(producer: Self.producer, produceID: "binding-0001")
        let signer = LabelSigner(keys: ProvenanceTestSupport.keys, algorithm: .sm2, bindingDigest: digest)
        label.reservedCode1 = try signer.sign(label, role: .producer, content: MemoryByteSource(image))
        #expect(label.reservedCode1.contains(#""BType":"\#(digest.rawValue)""#))
        let bytes = try LabelWriter.write(LabelAssignment(label), into: image)
        let result = LabelVerifier(knownKeys: LabelVerifier.knownKeys(of: ProvenanceTestSupport.keys)).verify(label, in: bytes)
        #expect(result.state == .valid, "\(result.reason)")
        #expect(result.boundToContent)
    }

    @Test func sha256IsTheDefaultBinding() {
        #expect(LabelSigner(keys: ProvenanceTestSupport.keys).bindingDigest == .sha256)
    }

    /// A writer lays a file out with the placeholder before the digest is known, so every real value must have
    /// exactly its length: 200 SM2 signatures meet a short DER (about one in a hundred) with near certainty.
    @Test(arguments: LabelSigner.Algorithm.allCases)
    func placeholdersHaveTheSignedValuesLength(algorithm: LabelSigner.Algorithm) throws {
        let label = try AIGCLabel.firstWrite(producer: Self.producer, produceID: "layout-0001")
        let signer = LabelSigner(keys: ProvenanceTestSupport.keys, algorithm: algorithm)
        for kind in [MediaKind.image, .audio, .document] {
            let placeholder = try signer.placeholder(for: label, role: .producer, kind: kind)
            for round in 0..<(kind == .image ? 200 : 5) {
                let digest = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ round) }
                let value = try signer.sign(label, role: .producer, kind: kind, digest: digest)
                #expect(value.utf8.count == placeholder.utf8.count, "\(kind) round \(round)")
            }
        }
    }
}
