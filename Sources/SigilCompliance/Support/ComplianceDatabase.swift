import Foundation
import SQLKit
import SigilStore

/// The shared database with the two shapes every compliance store uses: a write transaction and a read, each
/// turning driver failures into ``SigilError`` `.store` naming the operation.
struct ComplianceDatabase: Sendable {
    let database: any LogDatabase

    var dialect: StoreDialect { database.dialect }

    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let location = database.location
        return try await database.withTransaction { db in try await Self.wrap(operation, location) { try await body(db) } }
    }

    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let location = database.location
        return try await database.withConnection { db in try await Self.wrap(operation, location) { try await body(db) } }
    }

    /// ``StoreFailure/wrap(_:_:_:)``, letting a ``FieldError`` through as itself.
    static func wrap<T>(_ operation: String, _ location: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as FieldError {
            throw error
        } catch {
            return try await StoreFailure.wrap(operation, location) { throw error }
        }
    }
}

/// Random identifiers with a type prefix (`acc_`, `con_`, `gen_`, `rep_`, `ref_`, `hit_`): 16 random bytes, hex.
enum Identifier {
    static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + "_" + LowerHex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Whether `text` is an identifier with `prefix`.
    static func isValid(_ text: String, prefix: String) -> Bool {
        let hex = text.dropFirst(prefix.count + 1)
        return text.hasPrefix(prefix + "_") && hex.count == 32 && hex.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Checks on free-text request fields.
enum TextField {
    /// `text` trimmed, non-empty, at most `limit` characters, without control characters.
    static func check(_ text: String?, field: String, limit: Int, required: Bool = true) throws -> String? {
        guard let text else {
            if required { throw FieldError(field, "is required") }
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            if required { throw FieldError(field, "is empty") }
            return nil
        }
        guard trimmed.count <= limit else { throw FieldError(field, "is over \(limit) characters") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) else {
            throw FieldError(field, "contains control characters")
        }
        return trimmed
    }

    static func require(_ text: String?, field: String, limit: Int) throws -> String {
        try check(text, field: field, limit: limit, required: true)!
    }

    /// A reviewer's note: optional on approval; a rejection needs one, because it is shown to the person refused.
    static func reviewNote(_ note: String?, approve: Bool) throws -> String? {
        if !approve, (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw FieldError("note", "a rejection needs a note saying why (it is shown to the user)")
        }
        return try check(note, field: "note", limit: 2000, required: false)
    }
}

extension RecordTime {
    /// Parses an RFC 3339 / ISO 8601 date-time, or a plain `YYYY-MM-DD` (midnight UTC).
    public static func parse(_ text: String, field: String) throws -> RecordTime {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard let date = formatter.date(from: text) ?? plain.date(from: text) ?? day.date(from: text) else {
            throw FieldError(field, "\"\(text.prefix(40))\" is not a date-time (RFC 3339, e.g. 2027-01-31T00:00:00Z) or a date (2027-01-31)")
        }
        return RecordTime(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }
}
