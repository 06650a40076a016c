/// A signed note (c2sp.org/signed-note@v1.0.0): UTF-8 text ending in a newline, a blank line, then one or more
/// signature lines `— <key name> <base64(key ID || signature)>`.
///
/// Checkpoints are signed notes; witnesses add cosignature lines to the same note. Parsing is strict (one text
/// form per value) and verification follows the spec: signatures by unknown keys are ignored, a failing signature
/// by a known key rejects the note, and at least one known key must verify.
public struct SignedNote: Sendable, Hashable {
    /// One signature line.
    public struct Signature: Sendable, Hashable {
        /// The key name (for a log, its origin).
        public var name: String
        /// The 4-byte key ID, big-endian, that tells keys with the same name apart.
        public var keyID: UInt32
        /// The signature bytes after the key ID (64 for Ed25519).
        public var bytes: [UInt8]

        public init(name: String, keyID: UInt32, bytes: [UInt8]) {
            self.name = name
            self.keyID = keyID
            self.bytes = bytes
        }

        /// The line without its newline: `— name base64`.
        public var line: String {
            let id: [UInt8] = [UInt8(keyID >> 24), UInt8(keyID >> 16 & 0xFF), UInt8(keyID >> 8 & 0xFF), UInt8(keyID & 0xFF)]
            return "\u{2014} " + name + " " + StrictBase64.encode(id + bytes)
        }
    }

    /// Notes with more signature lines than this are refused (the spec asks verifiers to accept at least 16).
    public static let maximumSignatures = 100
    /// Notes longer than this are refused before parsing.
    public static let maximumLength = 1 << 20

    /// The signed text, ending in a newline.
    public var text: String
    /// The signature lines, in order.
    public var signatures: [Signature]

    public init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The note as text: the signed text, a blank line, the signature lines.
    public var formatted: String {
        text + "\n" + signatures.map { $0.line + "\n" }.joined()
    }

    /// Parses a note.
    ///
    /// - Throws: ``SigilError`` `.invalidNote` naming the rule the note breaks.
    public init(parsing note: String) throws {
        let bytes = Array(note.utf8)
        guard bytes.count <= Self.maximumLength else {
            throw SigilError(.invalidNote, "the note is \(bytes.count) bytes, over the \(Self.maximumLength)-byte limit")
        }
        if let bad = bytes.firstIndex(where: { $0 < 0x20 && $0 != 0x0A || $0 == 0x7F }) {
            throw SigilError(
                .invalidNote, "the note contains the control character 0x\(LowerHex.encode([bytes[bad]])); only newlines are allowed", offset: bad)
        }
        // The text ends at the last blank line: the last "\n\n".
        var split: Int?
        var i = bytes.count - 2
        while i >= 0 {
            if bytes[i] == 0x0A && bytes[i + 1] == 0x0A {
                split = i
                break
            }
            i -= 1
        }
        guard let split else { throw SigilError(.invalidNote, "the note has no blank line between its text and its signatures") }
        let text = String(decoding: bytes[0...split], as: UTF8.self)
        let block = bytes[(split + 2)...]
        guard !block.isEmpty else { throw SigilError(.invalidNote, "the note has no signature lines") }
        guard block.last == 0x0A else { throw SigilError(.invalidNote, "the note's last signature line does not end in a newline") }
        var signatures: [Signature] = []
        for rawLine in block.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = String(decoding: rawLine, as: UTF8.self)
            guard line.hasPrefix("\u{2014} ") else {
                throw SigilError(.invalidNote, "signature line \"\(line.prefix(40))\" does not start with an em dash (U+2014) and a space")
            }
            let fields = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw SigilError(.invalidNote, "signature line \"\(line.prefix(60))\" is not \"— <name> <signature>\"")
            }
            let name = String(fields[0])
            try Self.checkKeyName(name)
            guard let decoded = StrictBase64.decode(fields[1]), decoded.count >= 5 else {
                throw SigilError(.invalidNote, "the signature by \(name) is not base64 of a 4-byte key ID and a signature")
            }
            let keyID = UInt32(decoded[0]) << 24 | UInt32(decoded[1]) << 16 | UInt32(decoded[2]) << 8 | UInt32(decoded[3])
            signatures.append(Signature(name: name, keyID: keyID, bytes: Array(decoded[4...])))
            guard signatures.count <= Self.maximumSignatures else {
                throw SigilError(.invalidNote, "the note has more than \(Self.maximumSignatures) signatures")
            }
        }
        self.init(text: text, signatures: signatures)
    }

    /// Checks the note against trusted keys and returns the ones whose signatures verified.
    ///
    /// - Throws: ``SigilError`` `.invalidSignature` when a known key's signature fails, or no known key signed.
    @discardableResult
    public func verified(by verifiers: [NoteVerifier]) throws -> [NoteVerifier] {
        var good: [NoteVerifier] = []
        for signature in signatures {
            guard let verifier = verifiers.first(where: { $0.name == signature.name && $0.keyID == signature.keyID }) else { continue }
            guard verifier.verify(text: text, signature: signature.bytes) else {
                throw SigilError(
                    .invalidSignature,
                    "the signature by \(signature.name) (key ID \(String(format8: signature.keyID))) does not verify: the note was altered or signed by another key"
                )
            }
            if !good.contains(verifier) { good.append(verifier) }
        }
        guard !good.isEmpty else {
            let names = signatures.map { "\($0.name)+\(String(format8: $0.keyID))" }.joined(separator: ", ")
            let known = verifiers.map { "\($0.name)+\(String(format8: $0.keyID))" }.joined(separator: ", ")
            throw SigilError(
                .invalidSignature,
                "no signature on the note is by a trusted key (signed by: \(names.isEmpty ? "nobody" : names); trusted: \(known.isEmpty ? "none" : known))"
            )
        }
        return good
    }

    /// Checks a key name: non-empty, no white space, no `+`.
    ///
    /// - Throws: ``SigilError`` `.invalidNote`.
    public static func checkKeyName(_ name: String) throws {
        guard !name.isEmpty else { throw SigilError(.invalidNote, "a key name is empty") }
        guard !name.unicodeScalars.contains(where: { $0 == "+" || $0.properties.isWhitespace || $0.value < 0x20 }) else {
            throw SigilError(.invalidNote, "the key name \"\(name)\" contains white space or '+'")
        }
    }
}

extension String {
    /// Eight lower-case hex digits.
    init(format8 value: UInt32) {
        let digits = String(value, radix: 16)
        self = String(repeating: "0", count: 8 - digits.count) + digits
    }
}
