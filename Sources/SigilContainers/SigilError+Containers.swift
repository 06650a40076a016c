// Error constructors the container parsers share: every message names the structure and the offset.

extension SigilError.Code {
    /// A C2PA manifest store cannot be built, embedded or placed in its container.
    public static let c2pa = SigilError.Code("c2pa")
}

extension SigilError {
    /// `structure` at `offset` needs `needed` bytes but fewer remain.
    static func truncated(_ structure: String, at offset: Int, needs needed: Int, remaining: Int) -> SigilError {
        SigilError(.truncated, "\(structure) at offset \(offset) declares \(needed) bytes but only \(max(remaining, 0)) remain", offset: offset)
    }

    /// `structure` at `offset` is malformed for `reason`.
    static func malformed(_ structure: String, at offset: Int, _ reason: String) -> SigilError {
        SigilError(.malformed, "\(structure) at offset \(offset) \(reason)", offset: offset)
    }
}

extension Finding {
    /// A structural finding (`structure-truncated` or `structure-malformed`, severity error) for a parse error.
    static func structural(_ error: SigilError, site: String) -> Finding {
        let code: Finding.Code = error.code == .truncated ? .structureTruncated : .structureMalformed
        return Finding(code, .error, error.message, location: site, offset: error.offset)
    }
}
