import Foundation
import SQLKit

extension LogStore {
    /// How many entries one page of a fingerprint scan reads.
    static let fingerprintPage = 2000

    /// Every entry (within retention) whose content fingerprint is of `type` and for which `isMatch` holds, oldest
    /// first: the lookup of content that lost its labels (decision 0605).
    ///
    /// The entries are read in pages of ``fingerprintPage`` by log index and filtered here (no index on
    /// fingerprints yet): the cost grows with the log, and only entries whose bytes name `type` are decoded.
    public func records(
        fingerprintType type: String, now: RecordTime = .now(), where isMatch: (ContentFingerprint) -> Bool
    ) async throws -> [(index: UInt64, record: GenerationRecord)] {
        let location = database.location
        let retention = Int64(retentionDays) * 86_400_000
        let needle = Array("\"type\":\"\(type)\"".utf8)
        var found: [(index: UInt64, record: GenerationRecord)] = []
        var position: Int64 = 0
        while true {
            let from = position
            let rows = try await database.withConnection { db in
                try await StoreFailure.wrap("scan fingerprints from entry \(from)", location) {
                    try await db.raw(
                        "SELECT idx, entry, logged_at FROM log_entries WHERE idx >= \(bind: from) ORDER BY idx LIMIT \(unsafeRaw: String(Self.fingerprintPage))"
                    ).all().map {
                        (
                            try $0.decode(column: "idx", as: Int64.self), [UInt8](try $0.decode(column: "entry", as: Data.self)),
                            try $0.decode(column: "logged_at", as: Int64.self)
                        )
                    }
                }
            }
            for (index, entry, loggedAt) in rows where now.milliseconds - loggedAt <= retention && Self.contains(entry, needle) {
                let record = try GenerationRecord(entry: entry)
                if let fingerprint = record.fingerprint, fingerprint.type == type, isMatch(fingerprint) { found.append((UInt64(index), record)) }
            }
            guard let last = rows.last, rows.count == Self.fingerprintPage else { return found }
            position = last.0 + 1
        }
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var i = 0
        while i <= bytes.count - needle.count {
            if bytes[i] == first, bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
