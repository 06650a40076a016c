import Crypto
import Foundation
import SigilContainers

/// Signs the GB 45438 implicit label for `ReservedCode1` (the producer) or `ReservedCode2` (a propagator), following
/// PG-202511A's `SecurityData` as far as it is known (decision 0200).
///
/// The value is one compact JSON object (Annex E j) safe: no space, no backslash):
///
/// ```
/// {"SecurityData":{"Version":"sigil/2","TBSData":{"Type":"Md","Fields":["Label","ContentProducer","ProduceID"]},
///  "Bindings":[{"BType":"SM3","CntSel":"sigil:essence:image","Bnd":"<hex digest>"}],
///  "SignAlg":"SM3withSM2","KeyValue":"<base64 public point>","Signature":"<base64>"}}
/// ```
///
/// The signed message is PG-202511A A.1's label message, `"Label":"1","ContentProducer":"…","ProduceID":"…"`
/// (the listed fields, each `"Key":"value"` as Annex E serialises it, joined by commas), followed by
/// `,"BType":"…","CntSel":"…","Bnd":"…"` for each binding. The binding digests the file's essence
/// (``EssenceDigest``: compressed image data, audio frames, …), which metadata edits keep and content edits change;
/// its content selection names the kind, `sigil:essence:<kind>` (decision 0205). Labels signed by version 1
/// (`sigil/1`, `sigil:image-data`, the same bytes for images) still verify.
public struct LabelSigner: Sendable {
    /// Who signs: the producer (`ReservedCode1`) or a propagator (`ReservedCode2`).
    public enum Role: String, Sendable, Hashable {
        case producer
        case propagator

        /// The label fields the role's signature covers. A propagator rewrites the propagation fields, so the
        /// producer does not sign them; a propagator signs everything but its own `ReservedCode2`.
        public var fields: [AIGCLabel.Key] {
            switch self {
            case .producer: [.label, .contentProducer, .produceID]
            case .propagator: [.label, .contentProducer, .produceID, .reservedCode1, .contentPropagator, .propagateID]
            }
        }
    }

    /// The signature algorithm.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// SM3withSM2 (GB/T 32918, default user ID), as PG-202511A names it. The default.
        case sm2 = "SM3withSM2"
        /// ECDSA P-256 with SHA-256 (the C2PA signer key), the alternative.
        case es256 = "ES256"
    }

    /// The content selection for the essence of content of `kind` (`sigil:essence:audio`).
    public static func contentSelection(for kind: MediaKind) -> String { contentSelectionPrefix + kind.rawValue }
    static let contentSelectionPrefix = "sigil:essence:"
    /// Version 1's content selection: the compressed image data, the essence of an image.
    public static let legacyContentSelection = "sigil:image-data"
    /// The `Version` Sigil writes.
    public static let version = "sigil/2"
    /// The versions Sigil verifies.
    public static let versions = ["sigil/1", version]

    public var algorithm: Algorithm
    public let keys: ProvenanceKeys

    public init(keys: ProvenanceKeys, algorithm: Algorithm = .sm2) {
        self.keys = keys
        self.algorithm = algorithm
    }

    /// The `ReservedCode1`/`ReservedCode2` value for `label` bound to `image` (the file whose compressed image data
    /// the label describes; metadata in it does not matter).
    ///
    /// - Throws: ``SigilError`` when the image data cannot be extracted or signing fails.
    public func sign(_ label: AIGCLabel, role: Role, image: [UInt8], registry: MediaRegistry = .standard) throws -> String {
        try sign(label, role: role, content: MemoryByteSource(image), registry: registry)
    }

    /// The `ReservedCode1`/`ReservedCode2` value for `label` bound to the file `content` reads: its essence is
    /// digested in chunks, so a multi-gigabyte file costs flat memory.
    ///
    /// - Throws: ``SigilError`` when the essence cannot be singled out or signing fails.
    public func sign(_ label: AIGCLabel, role: Role, content: any ByteSource, registry: MediaRegistry = .standard) throws -> String {
        let type = algorithm == .sm2 ? "SM3" : "SHA256"
        let (format, digest) = try EssenceDigest.digest(of: content, type: type, registry: registry)
        let binding = Binding(type: type, selection: Self.contentSelection(for: format.kind), digest: Self.hex(digest))
        let fields = role.fields
        let message = Array(Self.message(label: label, fields: fields.map(\.rawValue), bindings: [binding]).utf8)
        let signature: [UInt8]
        let keyValue: [UInt8]
        switch algorithm {
        case .sm2:
            signature = try keys.sm2.signature(for: message)
            keyValue = keys.sm2Public.point
        case .es256:
            signature = Array(try keys.c2pa.privateKey.signature(for: message).rawRepresentation)
            keyValue = Array(keys.c2pa.privateKey.publicKey.x963Representation)
        }
        let object: JSONValue = .object([
            .init("SecurityData", .object([
                .init("Version", .string(Self.version)),
                .init("TBSData", .object([.init("Type", "Md"), .init("Fields", .array(fields.map { .string($0.rawValue) }))])),
                .init("Bindings", .array([binding.json])),
                .init("SignAlg", .string(algorithm.rawValue)),
                .init("KeyValue", .string(Data(keyValue).base64EncodedString())),
                .init("Signature", .string(Data(signature).base64EncodedString())),
            ])),
        ])
        return object.compact
    }

    /// A content binding: digest type, content selection, digest (hex).
    struct Binding: Sendable, Hashable {
        var type: String
        var selection: String
        var digest: String

        var json: JSONValue { .object([.init("BType", .string(type)), .init("CntSel", .string(selection)), .init("Bnd", .string(digest))]) }

        static func digest(_ content: [UInt8], type: String) -> [UInt8]? {
            switch type.uppercased() {
            case "SM3": SM3.hash(content)
            case "SHA256", "SHA-256": Array(SHA256.hash(data: content))
            default: nil
            }
        }
    }

    /// The signed message: `"Key":"value"` for each field, comma-joined, then each binding's members.
    static func message(label: AIGCLabel, fields: [String], bindings: [Binding]) -> String {
        var parts: [String] = []
        for name in fields {
            let value = AIGCLabel.Key(rawValue: name).map { label[$0] } ?? ""
            parts.append(JSONValue.quote(name) + ":" + JSONValue.quote(value))
        }
        for b in bindings {
            parts.append("\"BType\":" + JSONValue.quote(b.type))
            parts.append("\"CntSel\":" + JSONValue.quote(b.selection))
            parts.append("\"Bnd\":" + JSONValue.quote(b.digest))
        }
        return parts.joined(separator: ",")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

extension JSONValue {
    /// The value as JSON without any white space.
    var compact: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return JSONValue.quote(s)
        case .array(let items): return "[" + items.map(\.compact).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { JSONValue.quote($0.key) + ":" + $0.value.compact }.joined(separator: ",") + "}"
        }
    }
}
