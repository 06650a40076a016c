import Foundation
import Sigil
import SigilTestSupport
import Testing

/// The façade opens database URLs only through the drivers its caller hands in (it does not link PostgreSQL).
struct RecordKeeperTests {
    @Test func aDatabaseURLNeedsADriver() async throws {
        let dir = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "postgres://sigil:secret@db.example:5432/sigil"
        let bare = RecordKeeper.Location(data: dir.path, database: url)
        let refusal = await #expect(throws: SigilError.self) { try await RecordKeeper.openDatabase(bare) }
        #expect(refusal?.code == .usage && refusal?.message.contains("opens no database URLs") == true)
        #expect(refusal?.message.contains("secret") == false)

        // Any driver will do: this one opens a SQLite file for the URL's scheme.
        let sqlite = dir.appendingPathComponent("by-driver.sqlite").path
        let driver = LogDatabaseDriver(schemes: ["postgres"]) { _ in try await SQLiteLogDatabase.open(path: sqlite) }
        let database = try await RecordKeeper.openDatabase(RecordKeeper.Location(data: dir.path, database: url, drivers: [driver]))
        #expect(database.location == sqlite)
        try await database.close()
        #expect(bare.description == "postgres://sigil:***@db.example:5432/sigil")
    }
}
