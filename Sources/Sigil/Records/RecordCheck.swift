import Crypto
import Foundation

/// What `sigil verify` found about a file's generation record and its transparency-log proof.
///
/// The proof is checked offline: the checkpoint's signature against a trusted verifier key, the inclusion path
/// from the entry's leaf hash to the signed root, and the entry against the file (same ProduceID or same bytes).
public struct RecordCheck: Sendable {
    /// The outcome of the proof check.
    public enum ProofStatus: Sendable, Hashable {
        /// The entry is in a checkpoint signed by a trusted key, and it describes this file.
        case valid
        /// Something does not verify; the reason names it.
        case invalid(String)
        /// No proof was given, attached or found.
        case absent
        /// A proof exists but no trusted key is available to check it.
        case unverifiable(String)

        /// The status as `sigil verify --json` writes it.
        public var name: String {
            switch self {
            case .valid: "valid"
            case .invalid: "invalid"
            case .absent: "absent"
            case .unverifiable: "unverifiable"
            }
        }
    }

    /// Whether a record lookup was asked for (a store was given).
    public var lookedUp = false
    /// The record found for the file's ProduceID.
    public var record: (index: UInt64, record: GenerationRecord)?
    /// Whether the record's content SHA-256 is this file's.
    public var sha256Matches: Bool?
    /// Hamming distance between the record's perceptual hash and this file's.
    public var perceptualDistance: Int?
    /// Hamming distance between the record's text fingerprint and this file's (decision 0605).
    public var textDistance: Int?
    /// Whether the record was found by the file's text fingerprint (no ProduceID, or none recorded under it).
    public var foundByTextFingerprint = false
    /// How the file's frames compared with the record's (decision 0309), when both were at hand.
    public var videoMatch: VideoFingerprint.Match?
    /// Whether the record was found by the video's frames.
    public var foundByVideoFingerprint = false
    /// Where and how closely the file's sound matches the record's Chromaprint (decision 0033), when both have one.
    public var audioMatch: AudioFingerprint.Match?
    /// Whether the record was found by the file's sound (no ProduceID, or none recorded under it).
    public var foundByAudioFingerprint = false
    /// A lookup error (store unreachable, …).
    public var lookupError: String?

    /// The proof check's outcome.
    public var proofStatus: ProofStatus = .absent
    /// Where the proof came from: `given` (`--proof`), `attached` (`FILE.tlog-proof`) or `store`.
    public var proofSource: String?
    /// The leaf index the proof is for.
    public var proofIndex: UInt64?
    /// The checkpoint the proof verified against.
    public var checkpoint: Checkpoint?

    public init() {}

    /// Whether the check found a problem: a proof that does not verify. (A record that is not found is reported
    /// but is no problem of the file's: it may come from another provider's log.)
    public var hasProblems: Bool {
        if case .invalid = proofStatus { return true }
        return false
    }

    /// The `record` and `proof` members of `sigil verify --json`.
    public var jsonMembers: [JSONValue.Member] {
        var recordJSON: JSONValue = .null
        if lookedUp {
            var members: [JSONValue.Member] = [.init("found", .bool(record != nil))]
            if let record {
                members.append(.init("index", .number(String(record.index))))
                members.append(.init("fields", record.record.json))
                members.append(.init("sha256Matches", sha256Matches.map { .bool($0) } ?? .null))
                members.append(.init("perceptualDistance", perceptualDistance.map { .int($0) } ?? .null))
                members.append(.init("textDistance", textDistance.map { .int($0) } ?? .null))
                if let audioMatch {
                    members.append(.init("audioBitErrorRate", .double(audioMatch.bitErrorRate, digits: 4)))
                    members.append(.init("audioOffsetSeconds", .double(audioMatch.seconds, digits: 2)))
                }
                if let videoMatch {
                    members.append(.init("videoDistance", .int(videoMatch.distance)))
                    members.append(.init("videoFramesCompared", .int(videoMatch.compared)))
                }
                let foundBy =
                    foundByTextFingerprint
                    ? "text-fingerprint" : foundByAudioFingerprint ? "audio-fingerprint" : foundByVideoFingerprint ? "video-fingerprint" : "produceID"
                members.append(.init("foundBy", .string(foundBy)))
            }
            if let lookupError { members.append(.init("error", .string(lookupError))) }
            recordJSON = .object(members)
        }
        var proof: [JSONValue.Member] = [.init("status", .string(proofStatus.name))]
        switch proofStatus {
        case .invalid(let reason), .unverifiable(let reason): proof.append(.init("reason", .string(reason)))
        default: break
        }
        if let proofSource { proof.append(.init("source", .string(proofSource))) }
        if let proofIndex { proof.append(.init("index", .number(String(proofIndex)))) }
        if let checkpoint {
            proof.append(.init("origin", .string(checkpoint.origin)))
            proof.append(.init("treeSize", .number(String(checkpoint.size))))
            proof.append(.init("root", .string(checkpoint.root.base64)))
        }
        return [.init("record", recordJSON), .init("proof", .object(proof))]
    }

    /// Human-readable lines for the text report.
    public var lines: [String] {
        var lines: [String] = []
        if lookedUp {
            if let record {
                var line = "  record       log index \(record.index), \(record.record.serviceCategory.rawValue), logged \(record.record.time)"
                if let sha256Matches { line += sha256Matches ? "; same bytes" : "; different bytes" }
                if let perceptualDistance { line += "; pHash distance \(perceptualDistance)" }
                if let textDistance { line += "; text fingerprint distance \(textDistance) bits" }
                if let audioMatch {
                    line += String(format: "; sound matches at %.1f s (bit error rate %.3f)", audioMatch.seconds, audioMatch.bitErrorRate)
                }
                if foundByTextFingerprint { line += " (found by its text fingerprint)" }
                if foundByAudioFingerprint { line += " (found by its sound)" }
                if let videoMatch {
                    line += "; frames match (median distance \(videoMatch.distance) bits over \(videoMatch.compared) frames)"
                }
                if foundByVideoFingerprint { line += " (found by its frames)" }
                lines.append(line)
            } else {
                lines.append("  record       none found in the log" + (lookupError.map { " (\($0))" } ?? ""))
            }
        }
        switch proofStatus {
        case .valid:
            lines.append(
                "  proof        valid: entry \(proofIndex ?? 0) is in \(checkpoint?.origin ?? "the log")'s checkpoint of \(checkpoint?.size ?? 0) (\(proofSource ?? "given"))"
            )
        case .invalid(let reason): lines.append("  proof        INVALID: \(reason)")
        case .unverifiable(let reason): lines.append("  proof        not checked: \(reason)")
        case .absent: if lookedUp { lines.append("  proof        none") }
        }
        return lines
    }

    /// Checks a file's record and proof.
    ///
    /// - Parameters:
    ///   - bytes: the file.
    ///   - produceID: the ProduceID of the file's implicit label, when it has one.
    ///   - proof: a proof given or attached, with its source.
    ///   - keeper: the open store, when `--data`/`--database` asked for a lookup.
    ///   - verifiers: trusted log keys (`--log-key`); empty uses the local keystore's log key.
    ///   - keystore: the keystore to find the local log key in.
    ///   - perceptualHash: the file's perceptual hash when the caller already has it
    ///     (``VerificationReport/perceptualHash``); computed from `bytes` otherwise.
    ///   - decode: false in metadata-only mode: the perceptual hash is never computed from the pixels.
    ///   - fileExtension: the file's extension, which refines text without magic (`.md`) for its text fingerprint.
    ///   - audioFingerprint: the sound's Chromaprint (``VerificationReport/audioFingerprint``), by which a sound
    ///     without a ProduceID, or whose ProduceID has no record, is looked up (decision 0033).
    ///   - videoFingerprint: the video's frames (``VerificationReport/videoFingerprint``), by which a video without a
    ///     ProduceID, or whose ProduceID has no record, is looked up (decision 0309).
    ///
    /// A text (plain text, Markdown, DOCX, PDF through `pdftotext`) without a ProduceID, or whose ProduceID has no
    /// record, is looked up by its text fingerprint: the nearest record within ``TextFingerprint/matchDistance``.
    public static func check(
        bytes: [UInt8], produceID: String?, proof given: (proof: TlogProof, source: String)?, keeper: RecordKeeper?,
        verifiers: [NoteVerifier], keystore: Keystore?, perceptualHash: UInt64? = nil, decode: Bool = true, fileExtension: String? = nil,
        audioFingerprint: AudioFingerprint? = nil, videoFingerprint: VideoFingerprint? = nil
    ) async -> RecordCheck {
        var check = RecordCheck()
        let sha = Array(SHA256.hash(data: bytes))
        var proof = given
        /// Takes the record at `index`, found by a fingerprint, as the file's, with its proof from the store.
        func adopt(_ index: UInt64, _ record: GenerationRecord, from keeper: RecordKeeper) async throws {
            check.record = (index, record)
            check.sha256Matches = record.contentSHA256 == sha
            if proof == nil { proof = (try await keeper.store.tlogProof(index: index), "store") }
        }
        /// Runs a lookup; what it throws becomes the check's lookup error.
        func recordingLookupErrors(_ body: () async throws -> Void) async {
            do {
                try await body()
            } catch let error as SigilError {
                check.lookupError = error.message
            } catch {
                check.lookupError = "\(error)"
            }
        }
        let textHash = keeper == nil && given == nil ? nil : textFingerprint(of: bytes, fileExtension: fileExtension)
        if let keeper {
            check.lookedUp = true
            if let produceID {
                do {
                    let found = try await keeper.store.records(produceID: produceID)
                    if let match = found.last(where: { $0.record.contentSHA256 == sha }) ?? found.last {
                        check.record = (match.index, match.record)
                        check.sha256Matches = match.record.contentSHA256 == sha
                        if let recorded = match.record.perceptualHash,
                            let current = perceptualHash ?? (decode ? PerceptualHash.hash(imageBytes: bytes) : nil)
                        {
                            check.perceptualDistance = PerceptualHash.distance(recorded, current)
                        }
                        if let recorded = match.record.fingerprint?.textHash, let textHash {
                            check.textDistance = TextFingerprint.distance(recorded, textHash)
                        }
                        if let recorded = match.record.fingerprint?.audioValues, let audioFingerprint {
                            check.audioMatch = audioFingerprint.match(in: AudioFingerprint(values: recorded))
                        }
                        if proof == nil {
                            proof = (try await keeper.store.tlogProof(index: match.index), "store")
                        }
                    }
                } catch let error as SigilError {
                    check.lookupError = error.message
                } catch {
                    check.lookupError = "\(error)"
                }
            } else if textHash == nil, audioFingerprint == nil, videoFingerprint == nil {
                check.lookupError = "the file has no implicit label, so no ProduceID to look up"
            } else if textHash == nil, let audioFingerprint, audioFingerprint.values.count < AudioFingerprint.minimumOverlap {
                check.lookupError =
                    "the file has no implicit label, and the sound is too short (under about 5 s) to look up by its fingerprint"
            }
            if check.record == nil, check.lookupError == nil, let textHash {
                await recordingLookupErrors {
                    // The index answers every record within the radius (decision 0606); the nearest wins, the latest of
                    // equally near ones.
                    let near = try await keeper.store.records(nearTextHash: textHash, within: TextFingerprint.matchDistance)
                    if let nearest = near.map(\.distance).min(), let best = near.last(where: { $0.distance == nearest }) {
                        try await adopt(best.index, best.record, from: keeper)
                        check.textDistance = nearest
                        check.foundByTextFingerprint = true
                    }
                }
            }
        }
        if let keeper, check.record == nil, check.lookupError == nil, let audioFingerprint,
            audioFingerprint.values.count >= AudioFingerprint.minimumOverlap
        {
            await recordingLookupErrors {
                // Every recorded sound is compared (a scan of the log's audio fingerprints); the closest match wins,
                // the latest of equally close ones.
                let found = try await keeper.store.records(fingerprintType: ContentFingerprint.audioChromaprint) { recorded in
                    recorded.audioValues.map { audioFingerprint.match(in: AudioFingerprint(values: $0)) != nil } ?? false
                }
                let scored = found.compactMap { entry in
                    entry.record.fingerprint?.audioValues.flatMap { audioFingerprint.match(in: AudioFingerprint(values: $0)) }.map { (entry, $0) }
                }
                if let lowest = scored.map(\.1.bitErrorRate).min(), let (best, match) = scored.last(where: { $0.1.bitErrorRate == lowest }) {
                    try await adopt(best.index, best.record, from: keeper)
                    check.audioMatch = match
                    check.foundByAudioFingerprint = true
                }
            }
        }
        if let keeper, check.record == nil, check.lookupError == nil, let videoFingerprint, !videoFingerprint.frames.isEmpty {
            await recordingLookupErrors {
                // Every recorded video is compared (a scan of the log's video fingerprints); the lowest median distance
                // wins, the latest of equally close ones.
                let found = try await keeper.store.records(fingerprintType: ContentFingerprint.videoFrames) { recorded in
                    VideoFingerprint(recorded).map { videoFingerprint.match(recorded: $0) != nil } ?? false
                }
                let scored = found.compactMap { entry in
                    entry.record.fingerprint.flatMap(VideoFingerprint.init).flatMap { videoFingerprint.match(recorded: $0) }.map { (entry, $0) }
                }
                if let lowest = scored.map(\.1.distance).min(), let (best, match) = scored.last(where: { $0.1.distance == lowest }) {
                    try await adopt(best.index, best.record, from: keeper)
                    check.videoMatch = match
                    check.foundByVideoFingerprint = true
                }
            }
        }
        guard let (tlogProof, source) = proof else { return check }
        check.proofSource = source
        check.proofIndex = tlogProof.index
        check.proofStatus = verify(
            tlogProof, sha: sha, produceID: produceID, textHash: textHash, audioFingerprint: audioFingerprint,
            videoFingerprint: videoFingerprint, keeper: keeper, verifiers: verifiers,
            keystore: keystore, into: &check)
        return check
    }

    /// The text fingerprint of a file, when it is text Sigil reads.
    static func textFingerprint(of bytes: [UInt8], fileExtension: String?) -> UInt64? {
        guard let format = MediaRegistry.standard.identify(bytes, fileExtension: fileExtension)?.format else { return nil }
        return TextFingerprint.hash(of: bytes, format: format, fileExtension: fileExtension, pdftotext: format == .pdf ? PDFText.locate() : nil)
    }

    static func verify(
        _ proof: TlogProof, sha: [UInt8], produceID: String?, textHash: UInt64? = nil, audioFingerprint: AudioFingerprint? = nil,
        videoFingerprint: VideoFingerprint? = nil, keeper: RecordKeeper?, verifiers: [NoteVerifier], keystore: Keystore?,
        into check: inout RecordCheck
    ) -> ProofStatus {
        guard let entry = proof.extra else {
            return .invalid("the proof carries no entry (extra line), so its leaf hash cannot be recomputed")
        }
        let record: GenerationRecord
        do {
            record = try GenerationRecord(entry: entry)
        } catch let error as SigilError {
            return .invalid("the proof's entry is not a generation record: \(error.message)")
        } catch {
            return .invalid("the proof's entry is not a generation record")
        }
        var trusted = verifiers
        if trusted.isEmpty {
            if let verifier = keeper?.store.verifier {
                trusted = [verifier]
            } else if let keystore, let seed = try? LogKeys.signingKey(in: keystore, create: false).seed,
                let origin = (try? SignedNote(parsing: proof.checkpointNote)).flatMap({ try? Checkpoint(text: $0.text) })?.origin,
                let signer = try? NoteSigner(name: origin, seed: seed)
            {
                trusted = [signer.verifier]
            }
        }
        guard !trusted.isEmpty else {
            return .unverifiable("no trusted log key: pass --log-key with the log's verifier key (sigil log vkey)")
        }
        do {
            check.checkpoint = try proof.verify(leafHash: Merkle.leafHash(entry), verifiers: trusted)
        } catch let error as SigilError {
            return .invalid(error.message)
        } catch {
            return .invalid("\(error)")
        }
        // The entry describes this file: the same bytes, the same ProduceID, the same text lightly edited, or the same
        // sound re-encoded or cut.
        let sameText = record.fingerprint?.textHash.flatMap { recorded in textHash.map { TextFingerprint.matches(recorded, $0) } } ?? false
        let sameSound =
            record.fingerprint?.audioValues.flatMap { recorded in audioFingerprint?.match(in: AudioFingerprint(values: recorded)) } != nil
        let sameVideo =
            record.fingerprint.flatMap(VideoFingerprint.init).flatMap { recorded in videoFingerprint?.match(recorded: recorded) } != nil
        if record.contentSHA256 != sha && record.produceID != produceID && !sameText && !sameSound && !sameVideo {
            return .invalid(
                "the proof is for another file: its record has ProduceID \(record.produceID) and SHA-256 \(LowerHex.encode(record.contentSHA256))")
        }
        return .valid
    }

    /// The proof attached to `path` (`path.tlog-proof`), when one exists.
    ///
    /// - Throws: ``SigilError`` `.invalidProof` when the attached file is not a tlog-proof.
    public static func attachedProof(for path: String) throws -> TlogProof? {
        let sidecar = path + "." + TlogProof.fileExtension
        guard FileManager.default.fileExists(atPath: sidecar) else { return nil }
        return try readProof(sidecar)
    }

    /// Reads a tlog-proof file.
    ///
    /// - Throws: ``SigilError`` `.io` or `.invalidProof` naming the file.
    public static func readProof(_ path: String) throws -> TlogProof {
        let bytes = try FileIO.read(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SigilError(.invalidProof, "is not UTF-8 text, so not a tlog-proof", path: path)
        }
        do {
            return try TlogProof(text: text)
        } catch let error as SigilError {
            throw error.at(path: path)
        }
    }
}

extension JSONValue {
    /// This object with `members` added at the end (unchanged when it is not an object).
    public func appending(_ added: [JSONValue.Member]) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members + added)
    }
}
