import SQLKit

extension Migration {
    /// Version 2: triggers that refuse UPDATE and DELETE on entries and checkpoints, so no code path of Sigil —
    /// or a careless query — can rewrite history. (Someone who drops the triggers still cannot do it unnoticed:
    /// `sigil log audit` recomputes every root and checks every signature.)
    static let appendOnlyGuards = Migration(version: 2, name: "append-only guards") { db, dialect in
        if dialect == .postgres {
            try await db.raw("""
                CREATE FUNCTION sigil_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
                """).run()
        }
        try await appendOnly(["log_entries", "log_checkpoints"], db: db, dialect: dialect)
    }
}
