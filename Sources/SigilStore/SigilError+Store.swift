extension SigilError.Code {
    /// The database refused an operation or could not be reached.
    public static let store = SigilError.Code("store")
    /// The database's schema is newer than this build, or a migration failed.
    public static let schema = SigilError.Code("schema")
    /// A log entry, checkpoint or record that does not exist.
    public static let notFound = SigilError.Code("not-found")
    /// A log entry past its retention period: its leaf hash stays in the tree, its bytes are no longer served.
    public static let expired = SigilError.Code("expired")
    /// A generation record (or an import line) breaks the record format.
    public static let invalidRecord = SigilError.Code("invalid-record")
}
