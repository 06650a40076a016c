/// What a provider keeps about one piece of generated content (DSP Art. 10 and 16; Labeling Measures Art. 9):
/// what was generated, by which service and model, for which account, when, what it hashes to, and which labels
/// it carries — or, for an explicit-label opt-out, under which agreement and for which recipient.
///
/// The log stores the record's ``entry``: canonical JSON, one byte form per record (see `docs/RECORDS.md`).
/// Accounts and recipients appear only as pseudonymous tags (``Pseudonymizer``), never as raw personal data.
public struct GenerationRecord: Sendable, Hashable {
    /// The entry format version written in the `v` member of new records. Version 2 replaced version 1's
    /// image-only `contentPHash` with a typed `contentFingerprint`; version 1 entries are still read, and re-encode
    /// byte for byte (decision 0308).
    public static let formatVersion = 2
    /// Every version this build reads.
    public static let readableVersions = [1, 2]
    /// Longest model name, agreement version or mark name accepted.
    public static let maximumFieldLength = 256

    /// An explicit-label opt-out (Measures Art. 9): the user asked for content without the visible label.
    public struct ExplicitLabelOptOut: Sendable, Hashable {
        /// The version of the user agreement that states the user's labeling obligations.
        public var agreementVersion: String
        /// The pseudonymous tag of the account that received the unlabeled content.
        public var recipient: String

        public init(agreementVersion: String, recipient: String) {
            self.agreementVersion = agreementVersion
            self.recipient = recipient
        }
    }

    /// The content's `ProduceID` (GB 45438 Annex E e), as written in its implicit label.
    public var produceID: String
    /// `ContentProducer`: the provider's code.
    public var producer: String
    /// The DSP Art. 17 service category.
    public var serviceCategory: ServiceCategory
    /// The model (name and version) that generated the content, when known.
    public var model: String?
    /// The pseudonymous tag of the account the content was generated for.
    public var account: String?
    /// When the content was generated (UTC).
    public var time: RecordTime
    /// SHA-256 of the delivered file's bytes.
    public var contentSHA256: [UInt8]
    /// A perceptual fingerprint of the content, typed by kind (an image's 64-bit DCT hash, …), when Sigil
    /// computes one for it.
    public var fingerprint: ContentFingerprint?
    /// The entry format this record is encoded in (``formatVersion`` for new records; 1 for records read from
    /// version 1 entries, so they re-encode to the same bytes).
    public var version: Int = GenerationRecord.formatVersion

    /// 64-bit DCT perceptual hash of the decoded image: ``fingerprint`` when it is of that type.
    public var perceptualHash: UInt64? {
        get { fingerprint?.imageHash }
        set { fingerprint = newValue.map(ContentFingerprint.image) }
    }
    /// The watermark payload embedded in the content, when a watermark was applied.
    public var watermarkPayload: [UInt8]?
    /// The marks applied (`explicit`, `implicit`, …), sorted.
    public var marks: [String]
    /// Set when the content was delivered without the explicit label at the user's request.
    public var explicitLabelOptOut: ExplicitLabelOptOut?
    /// SHA-256 of the C2PA manifest embedded in the content, when there is one.
    public var c2paManifestSHA256: [UInt8]?

    /// A record; call ``validate()`` (or read ``entry``, which validates) before logging it.
    public init(
        produceID: String, producer: String, serviceCategory: ServiceCategory = .other, model: String? = nil, account: String? = nil,
        time: RecordTime, contentSHA256: [UInt8], perceptualHash: UInt64? = nil, fingerprint: ContentFingerprint? = nil,
        watermarkPayload: [UInt8]? = nil, marks: [String], explicitLabelOptOut: ExplicitLabelOptOut? = nil, c2paManifestSHA256: [UInt8]? = nil
    ) {
        self.produceID = produceID
        self.producer = producer
        self.serviceCategory = serviceCategory
        self.model = model
        self.account = account
        self.time = time
        self.contentSHA256 = contentSHA256
        self.fingerprint = fingerprint ?? perceptualHash.map(ContentFingerprint.image)
        self.watermarkPayload = watermarkPayload
        self.marks = marks.sorted()
        self.explicitLabelOptOut = explicitLabelOptOut
        self.c2paManifestSHA256 = c2paManifestSHA256
    }

    /// Checks every field against the record format.
    ///
    /// - Throws: ``SigilError`` `.invalidRecord` naming the field.
    public func validate() throws {
        do {
            try ProduceID.validate(produceID)
        } catch let error as SigilError {
            throw SigilError(.invalidRecord, "produceID: \(error.message)")
        }
        try Self.checkText(producer, field: "producer", allowEmpty: false)
        if let model { try Self.checkText(model, field: "model", allowEmpty: false) }
        if let account { try Pseudonymizer.checkTag(account, field: "account") }
        guard time.milliseconds >= 0, time.milliseconds < 253_402_300_800_000 else {
            throw SigilError(.invalidRecord, "time: \(time.milliseconds) ms is outside 1970…9999")
        }
        guard contentSHA256.count == 32 else {
            throw SigilError(.invalidRecord, "contentSHA256: a SHA-256 is 32 bytes, not \(contentSHA256.count)")
        }
        if let watermarkPayload, watermarkPayload.isEmpty || watermarkPayload.count > 1024 {
            throw SigilError(.invalidRecord, "watermark: the payload is \(watermarkPayload.count) bytes; 1…1024 are accepted")
        }
        guard marks.count <= 16 else { throw SigilError(.invalidRecord, "marks: \(marks.count) marks, at most 16") }
        for mark in marks {
            guard !mark.isEmpty, mark.utf8.count <= 32,
                mark.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D })
            else {
                throw SigilError(.invalidRecord, "marks: \"\(mark.prefix(40))\" is not a mark name (a–z, 0–9, '-')")
            }
        }
        guard marks == marks.sorted(), Set(marks).count == marks.count else {
            throw SigilError(.invalidRecord, "marks: not sorted and unique")
        }
        if let optOut = explicitLabelOptOut {
            try Self.checkText(optOut.agreementVersion, field: "explicitLabelOptOut.agreement", allowEmpty: false)
            try Pseudonymizer.checkTag(optOut.recipient, field: "explicitLabelOptOut.recipient")
            guard !marks.contains("explicit") else {
                throw SigilError(.invalidRecord, "explicitLabelOptOut: the content carries the explicit label, so there is nothing to opt out of")
            }
        }
        guard Self.readableVersions.contains(version) else { throw SigilError(.invalidRecord, "v: format \(version) is not one this build writes") }
        if let fingerprint {
            guard version >= 2 || fingerprint.imageHash != nil else {
                throw SigilError(.invalidRecord, "contentFingerprint: a format 1 record holds only an image's 64-bit perceptual hash")
            }
            try fingerprint.validate()
        }
        if let c2paManifestSHA256, c2paManifestSHA256.count != 32 {
            throw SigilError(.invalidRecord, "c2paManifestSHA256: a SHA-256 is 32 bytes, not \(c2paManifestSHA256.count)")
        }
    }

    static func checkText(_ text: String, field: String, allowEmpty: Bool) throws {
        guard allowEmpty || !text.isEmpty else { throw SigilError(.invalidRecord, "\(field): empty") }
        guard text.unicodeScalars.count <= maximumFieldLength else {
            throw SigilError(.invalidRecord, "\(field): \(text.unicodeScalars.count) characters, at most \(maximumFieldLength)")
        }
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) {
            throw SigilError(.invalidRecord, "\(field): contains the control character U+\(String(bad.value, radix: 16, uppercase: true))")
        }
    }

    // MARK: - Entry encoding

    /// The record as the JSON value written to the log, members in the fixed order of format version 1.
    public var json: JSONValue {
        var members: [JSONValue.Member] = [
            .init("v", .int(version)),
            .init("produceID", .string(produceID)),
            .init("producer", .string(producer)),
            .init("serviceCategory", .string(serviceCategory.rawValue)),
            .init("model", .optional(model)),
            .init("account", .optional(account)),
            .init("time", .string(time.description)),
            .init("contentSHA256", .string(LowerHex.encode(contentSHA256))),
            version == 1 ? .init("contentPHash", .optional(perceptualHash.map(Self.hex64))) : .init("contentFingerprint", fingerprint?.json ?? .null),
            .init("watermark", .optional(watermarkPayload.map { LowerHex.encode($0) })),
            .init("marks", .array(marks.map { .string($0) })),
        ]
        members.append(
            .init(
                "explicitLabelOptOut",
                explicitLabelOptOut.map { optOut in
                    .object([.init("agreement", .string(optOut.agreementVersion)), .init("recipient", .string(optOut.recipient))])
                } ?? .null))
        members.append(.init("c2paManifestSHA256", .optional(c2paManifestSHA256.map { LowerHex.encode($0) })))
        return .object(members)
    }

    /// The log entry: the canonical JSON text of ``json`` (no white space, fixed member order, only the escapes
    /// JSON requires), UTF-8. Its leaf hash is SHA-256(0x00 || entry).
    ///
    /// - Throws: ``SigilError`` `.invalidRecord` when a field is invalid.
    public func entry() throws -> [UInt8] {
        try validate()
        let bytes = canonicalBytes()
        guard bytes.count <= EntryBundle.maximumEntrySize else {
            throw SigilError(.invalidRecord, "the record's entry is \(bytes.count) bytes, over the 65,535 a tlog-tiles entry can hold")
        }
        return bytes
    }

    /// The record's leaf hash in the log.
    public func leafHash() throws -> MerkleHash { Merkle.leafHash(try entry()) }

    /// Parses a log entry, accepting only the canonical form.
    ///
    /// - Throws: ``SigilError`` `.invalidRecord` naming the member or the difference from the canonical form.
    public init(entry: [UInt8]) throws {
        guard entry.count <= EntryBundle.maximumEntrySize else {
            throw SigilError(.invalidRecord, "the entry is \(entry.count) bytes, over 65,535")
        }
        guard let text = String(validating: entry, as: UTF8.self) else {
            throw SigilError(.invalidRecord, "the entry is not UTF-8")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            throw SigilError(.invalidRecord, "the entry is not JSON: \(error)")
        }
        guard let members = value.members else { throw SigilError(.invalidRecord, "the entry is not a JSON object") }
        guard case .number(let digits)? = value["v"], let version = Int(digits), Self.readableVersions.contains(version), value["v"] == .int(version)
        else {
            throw SigilError(
                .invalidRecord,
                "the entry's format version is \(value["v"]?.serialized ?? "missing"); this build reads \(Self.readableVersions.map(String.init).joined(separator: " and "))"
            )
        }
        let expected = Self.members(version: version)
        guard members.map(\.key) == expected else {
            throw SigilError(
                .invalidRecord,
                "the entry's members are \(members.map(\.key).joined(separator: ",")); format \(version) has exactly \(expected.joined(separator: ",")) in that order"
            )
        }
        let record = try Self(fields: value, requireTags: true)
        guard try record.entry() == entry else {
            throw SigilError(.invalidRecord, "the entry is not in canonical form (white space, escapes or number form differ)")
        }
        self = record
    }

    /// Builds a record from JSON members (an entry or an import line). Missing optional members are nil.
    init(fields value: JSONValue, requireTags: Bool, pseudonymizer: Pseudonymizer? = nil, defaultTime: RecordTime? = nil) throws {
        func string(_ key: String, required: Bool = true) throws -> String? {
            switch value[key] {
            case .string(let s)?: return s
            case .null?, nil:
                if required { throw SigilError(.invalidRecord, "\(key): missing") }
                return nil
            case let other?: throw SigilError(.invalidRecord, "\(key): expected a string, found \(other.serialized.prefix(40))")
            }
        }
        func hex(_ key: String, bytes count: Int? = nil) throws -> [UInt8]? {
            guard let text = try string(key, required: false) else { return nil }
            guard let bytes = LowerHex.decode(text), text == LowerHex.encode(bytes), count == nil || bytes.count == count else {
                throw SigilError(.invalidRecord, "\(key): \"\(text.prefix(70))\" is not \(count.map { "\($0 * 2) " } ?? "")lower-case hex digits")
            }
            return bytes
        }
        func tag(_ raw: String?, field: String) throws -> String? {
            guard let raw else { return nil }
            if requireTags { return raw }
            guard let pseudonymizer else { throw SigilError(.invalidRecord, "\(field): no pseudonymization key to turn the reference into a tag") }
            return try pseudonymizer.tag(raw, field: field)
        }
        let category = try string("serviceCategory", required: requireTags) ?? ServiceCategory.other.rawValue
        guard let serviceCategory = ServiceCategory(rawValue: category) else {
            throw SigilError(
                .invalidRecord, "serviceCategory: \"\(category)\" is none of \(ServiceCategory.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let time: RecordTime
        if let text = try string("time", required: requireTags || defaultTime == nil) {
            time = try RecordTime(parsing: text)
        } else {
            time = defaultTime!
        }
        var fingerprint: ContentFingerprint?
        if let bytes = try hex("contentPHash", bytes: 8) {
            fingerprint = .image(bytes.reduce(0) { $0 << 8 | UInt64($1) })
        }
        if let member = value["contentFingerprint"], member != .null {
            fingerprint = try ContentFingerprint(json: member)
        }
        var marks: [String] = []
        switch value["marks"] {
        case .array(let items)?:
            marks = try items.map {
                guard case .string(let s) = $0 else { throw SigilError(.invalidRecord, "marks: every mark is a string") }
                return s
            }
        case nil where !requireTags: break
        default: throw SigilError(.invalidRecord, "marks: expected an array of strings")
        }
        var optOut: ExplicitLabelOptOut?
        switch value["explicitLabelOptOut"] {
        case .object(let members)?:
            guard members.map(\.key) == ["agreement", "recipient"] else {
                throw SigilError(.invalidRecord, "explicitLabelOptOut: expected exactly the members agreement, recipient")
            }
            guard case .string(let agreement)? = value["explicitLabelOptOut"]?["agreement"],
                case .string(let recipient)? = value["explicitLabelOptOut"]?["recipient"]
            else {
                throw SigilError(.invalidRecord, "explicitLabelOptOut: agreement and recipient are strings")
            }
            optOut = ExplicitLabelOptOut(agreementVersion: agreement, recipient: try tag(recipient, field: "explicitLabelOptOut.recipient")!)
        case .null?, nil: break
        case let other?: throw SigilError(.invalidRecord, "explicitLabelOptOut: expected an object or null, found \(other.serialized.prefix(40))")
        }
        guard let sha = try hex("contentSHA256", bytes: 32) else { throw SigilError(.invalidRecord, "contentSHA256: missing") }
        if !requireTags, marks != marks.sorted() { marks.sort() }
        self.init(
            produceID: try string("produceID")!, producer: try string("producer")!, serviceCategory: serviceCategory,
            model: try string("model", required: false), account: try tag(try string("account", required: false), field: "account"),
            time: time, contentSHA256: sha, fingerprint: fingerprint, watermarkPayload: try hex("watermark"),
            marks: marks, explicitLabelOptOut: optOut, c2paManifestSHA256: try hex("c2paManifestSHA256", bytes: 32)
        )
        if case .number(let digits)? = value["v"], let v = Int(digits) { version = v } else if value["contentPHash"] != nil { version = 1 }
        if requireTags {
            // Entries were validated when written; a stored entry that breaks the rules is reported, not trusted.
            try validate()
        }
    }

    /// Parses one line of a bulk import (`sigil log append`): the entry's members, where `account` and
    /// `explicitLabelOptOut.recipient` hold the provider's own references (turned into tags with `pseudonymizer`),
    /// `v`, `serviceCategory`, `time` and `marks` may be omitted (format 1, `other`, `now`, none).
    ///
    /// - Throws: ``SigilError`` `.invalidRecord` naming the member.
    public init(importLine line: String, pseudonymizer: Pseudonymizer, now: RecordTime) throws {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            throw SigilError(.invalidRecord, "not JSON: \(error)")
        }
        guard let members = value.members else { throw SigilError(.invalidRecord, "not a JSON object") }
        let known = Set(Self.members(version: 1) + Self.members(version: 2))
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw SigilError(.invalidRecord, "unknown member \"\(unknown.key)\"")
        }
        guard Set(members.map(\.key)).count == members.count else { throw SigilError(.invalidRecord, "a member appears twice") }
        if let v = value["v"], !Self.readableVersions.map({ JSONValue.int($0) }).contains(v) {
            throw SigilError(
                .invalidRecord, "v: format \(v.serialized) is not one of \(Self.readableVersions.map(String.init).joined(separator: ", "))")
        }
        if value["contentPHash"] != nil && value["contentFingerprint"] != nil {
            throw SigilError(.invalidRecord, "contentPHash (format 1) and contentFingerprint (format 2) cannot both be given")
        }
        try self.init(fields: value, requireTags: false, pseudonymizer: pseudonymizer, defaultTime: now)
        try validate()
    }

    /// The members of an entry of format `version`, in order.
    static func members(version: Int) -> [String] {
        [
            "v", "produceID", "producer", "serviceCategory", "model", "account", "time", "contentSHA256",
            version == 1 ? "contentPHash" : "contentFingerprint",
            "watermark", "marks", "explicitLabelOptOut", "c2paManifestSHA256",
        ]
    }

    static func hex64(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
