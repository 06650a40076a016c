import SQLKit

extension Migration {
    /// Version 1: the log's tables.
    ///
    /// - `log_config` — one row: origin, retention period, creation time.
    /// - `log_sequence` — one row: the next index to assign (appends lock it, so indices never repeat or skip).
    /// - `log_entries` — index → entry bytes, with the ProduceID and account tag as lookup keys.
    /// - `log_head` — one row: the integrated tree size and root.
    /// - `log_tiles` — tlog-tiles hash tiles, (level, index) → up to 256 hashes (partial tiles grow in place).
    /// - `log_checkpoints` — every signed checkpoint, by size.
    static let createLog = Migration(version: 1, name: "create log tables") { db, _ in
        try await db.create(table: "log_config")
            .column("id", type: .int, .primaryKey(autoIncrement: false), .notNull)
            .column("origin", type: .text, .notNull)
            .column("retention_days", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await db.create(table: "log_sequence")
            .column("id", type: .int, .primaryKey(autoIncrement: false), .notNull)
            .column("next_index", type: .bigint, .notNull)
            .run()
        try await db.create(table: "log_entries")
            .column("idx", type: .bigint, .primaryKey(autoIncrement: false), .notNull)
            .column("produce_id", type: .text, .notNull)
            .column("account", type: .text)
            .column("logged_at", type: .bigint, .notNull)
            .column("entry", type: .blob, .notNull)
            .run()
        try await db.create(index: "log_entries_produce_id").on("log_entries").column("produce_id").run()
        try await db.create(index: "log_entries_account").on("log_entries").column("account").run()
        try await db.create(table: "log_head")
            .column("id", type: .int, .primaryKey(autoIncrement: false), .notNull)
            .column("size", type: .bigint, .notNull)
            .column("root", type: .blob, .notNull)
            .run()
        try await db.create(table: "log_tiles")
            .column("level", type: .int, .notNull)
            .column("idx", type: .bigint, .notNull)
            .column("hashes", type: .blob, .notNull)
            .primaryKey("level", "idx")
            .run()
        try await db.create(table: "log_checkpoints")
            .column("size", type: .bigint, .primaryKey(autoIncrement: false), .notNull)
            .column("root", type: .blob, .notNull)
            .column("note", type: .text, .notNull)
            .column("signed_at", type: .bigint, .notNull)
            .run()
        try await db.insert(into: "log_sequence").columns("id", "next_index").values(SQLBind(1), SQLBind(Int64(0))).run()
    }
}
