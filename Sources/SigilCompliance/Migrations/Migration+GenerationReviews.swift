import SQLKit
import SigilStore

extension Migration {
    /// Compliance version 2 (log version 5 before the split): a prompt that hits a screening `review` rule holds its generation until a reviewer decides. The
    /// generation keeps the decision, when it was made, by whom and the reviewer's note.
    static let generationReviews = Migration(version: 2, name: "generation reviews") { db, _ in
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for (column, type) in [("reviewed_at", SQLDataType.bigint), ("reviewed_by", .text), ("review_note", .text)] {
            try await db.alter(table: "generations").column(column, type: type).run()
        }
    }
}
