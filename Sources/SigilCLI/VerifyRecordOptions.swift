import ArgumentParser
import Foundation
import Sigil
import SigilStorePostgres

/// `sigil verify`'s generation-record options: the record lookup and the offline transparency-log proof.
struct VerifyRecordOptions: ParsableArguments {
    @Option(
        name: .customLong("database"), help: "Look the file's record up in this PostgreSQL log (postgres://…); with --data, the SQLite log in DATA.")
    var database: String?
    @Option(
        name: .customLong("proof"), help: "A tlog-proof file (c2sp.org/tlog-proof@v1) for the file; FILE.tlog-proof beside it is used when present.")
    var proof: String?
    @Option(name: .customLong("log-key"), help: "The log's verifier key (vkey text, or a file holding it); default: the local keystore's log key.")
    var logKey: String?

    /// Opens the log for a lookup when `--data` or `--database` was given (nil otherwise, or when no log exists there).
    func openKeeper(data: String?, keys: String?) async throws -> RecordKeeper? {
        guard data != nil || database != nil else { return nil }
        return try await RecordKeeper.openExisting(RecordKeeper.Location(data: data, keys: keys, database: database, drivers: [.postgres]))
    }

    /// Checks one file's record and proof; nil when there is nothing to check (no lookup, no proof).
    func check(
        input: String, bytes: [UInt8], produceID: String?, perceptualHash: UInt64?, lookup: Bool, keeper: RecordKeeper?, data: String?, keys: String?,
        decode: Bool = true, audioFingerprint: AudioFingerprint? = nil, videoFingerprint: VideoFingerprint? = nil
    ) async throws -> RecordCheck? {
        var given: (proof: TlogProof, source: String)?
        if let proof {
            given = (try RecordCheck.readProof(proof), "given")
        } else if let attached = try RecordCheck.attachedProof(for: input) {
            given = (attached, "attached")
        }
        guard lookup || given != nil else { return nil }
        let verifiers = try logKey.map { [try VerifierKeyOption.parse($0)] } ?? []
        let keystore = RecordKeeper.Location(data: data, keys: keys).keystore
        var check = await RecordCheck.check(
            bytes: bytes, produceID: produceID, proof: given, keeper: keeper, verifiers: verifiers, keystore: keystore,
            perceptualHash: perceptualHash,
            decode: decode, fileExtension: URL(fileURLWithPath: input).pathExtension, audioFingerprint: audioFingerprint,
            videoFingerprint: videoFingerprint)
        if lookup && keeper == nil {
            check.lookedUp = true
            check.lookupError = "no log at \(RecordKeeper.Location(data: data, keys: keys, database: database).description)"
        }
        return check
    }
}
