import SQLKit

extension Migration {
    /// Version 2: triggers that refuse UPDATE and DELETE on entries and checkpoints, so no code path of Sigil —
    /// or a careless query — can rewrite history. (Someone who drops the triggers still cannot do it unnoticed:
    /// `sigil log audit` recomputes every root and checks every signature.)
    static let appendOnlyGuards = Migration(version: 2, name: "append-only guards") { db, dialect in
        try await appendOnly(["log_entries", "log_checkpoints"], db: db, dialect: dialect)
    }

    /// Triggers refusing UPDATE and DELETE (and TRUNCATE on PostgreSQL) on `tables`; any track's step may use it.
    public static func appendOnly(_ tables: [String], db: any SQLDatabase, dialect: StoreDialect) async throws {
        if dialect == .postgres {
            try await db.raw(
                """
                CREATE OR REPLACE FUNCTION sigil_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
                """
            ).run()
        }
        for table in tables {
            switch dialect {
            case .sqlite:
                for operation in ["UPDATE", "DELETE"] {
                    try await db.raw(
                        """
                        CREATE TRIGGER \(ident: "\(table)_no_\(operation.lowercased())") BEFORE \(unsafeRaw: operation) ON \(ident: table)
                        BEGIN SELECT RAISE(ABORT, \(unsafeRaw: "'\(table) is append-only'")); END
                        """
                    ).run()
                }
            case .postgres:
                try await db.raw(
                    """
                    CREATE TRIGGER \(ident: "\(table)_append_only") BEFORE UPDATE OR DELETE ON \(ident: table)
                    FOR EACH ROW EXECUTE FUNCTION sigil_append_only()
                    """
                ).run()
                try await db.raw(
                    """
                    CREATE TRIGGER \(ident: "\(table)_no_truncate") BEFORE TRUNCATE ON \(ident: table)
                    FOR EACH STATEMENT EXECUTE FUNCTION sigil_append_only()
                    """
                ).run()
            }
        }
    }
}
