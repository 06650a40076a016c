import Foundation
import SQLKit

extension LogStore {
    /// How many entries one page of a fingerprint scan reads.
    static let fingerprintPage = 2000

    /// Every entry (within retention) whose content fingerprint is of `type` and for which `isMatch` holds, oldest
    /// first: the lookup of content that lost its labels (decision 0605).
    ///
    /// The entries are read in pages of ``fingerprintPage`` by log index and filtered here: the cost grows with the
    /// log, and only entries whose bytes name `type` are decoded. Text fingerprints have an index:
    /// ``records(nearTextHash:within:now:)`` answers without reading the log (decision 0606).
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

    /// The largest radius ``records(nearTextHash:within:now:)`` answers: its four 16-bit blocks are searched within
    /// `radius / 4` ≤ 3 bits.
    public static let textIndexMaximumRadius = 15

    /// Every entry (within retention) whose `text-simhash64` fingerprint is within `radius` bits of `hash`, oldest
    /// first, with its distance: the indexed lookup of a text that lost its label (decisions 0605, 0606).
    ///
    /// Exact, not approximate: the index (``TextFingerprintIndex``, multi-index hashing over four 16-bit blocks)
    /// yields every entry within the radius and some beyond it; each candidate's distance is checked on the
    /// indexed bits, then again on the fingerprint decoded from the entry, so a row of the derived index that
    /// disagrees with its entry never produces a match.
    ///
    /// - Throws: ``SigilError`` `.usage` for a radius outside 0…``textIndexMaximumRadius``, `.store`.
    public func records(
        nearTextHash hash: UInt64, within radius: Int, now: RecordTime = .now()
    ) async throws -> [(index: UInt64, record: GenerationRecord, distance: Int)] {
        guard (0...Self.textIndexMaximumRadius).contains(radius) else {
            throw SigilError(.usage, "a text-fingerprint lookup radius is 0…\(Self.textIndexMaximumRadius) bits, not \(radius)")
        }
        let location = database.location
        let retention = Int64(retentionDays) * 86_400_000
        let rows = try await database.withConnection { db in
            try await StoreFailure.wrap("look up a text fingerprint", location) {
                let candidates = try await TextFingerprintIndex.candidates(near: hash, radius: radius, db)
                var rows: [(index: Int64, entry: [UInt8], loggedAt: Int64)] = []
                var position = 0
                while position < candidates.count {
                    let chunk = candidates[position..<min(position + Self.fingerprintPage, candidates.count)]
                    let list = chunk.map { String($0.index) }.joined(separator: ",")
                    rows += try await db.raw("SELECT idx, entry, logged_at FROM log_entries WHERE idx IN (\(unsafeRaw: list))").all().map {
                        (
                            try $0.decode(column: "idx", as: Int64.self), [UInt8](try $0.decode(column: "entry", as: Data.self)),
                            try $0.decode(column: "logged_at", as: Int64.self)
                        )
                    }
                    position += chunk.count
                }
                return rows
            }
        }
        var found: [(index: UInt64, record: GenerationRecord, distance: Int)] = []
        for row in rows.sorted(by: { $0.index < $1.index }) where now.milliseconds - row.loggedAt <= retention {
            let record = try GenerationRecord(entry: row.entry)
            guard let recorded = record.fingerprint?.textHash else { continue }
            let distance = (recorded ^ hash).nonzeroBitCount
            if distance <= radius { found.append((UInt64(row.index), record, distance)) }
        }
        return found
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
