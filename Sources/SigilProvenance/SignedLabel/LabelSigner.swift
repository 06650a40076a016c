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

    /// The digest that binds the content (`BType`): it is named in the signed message, so a verifier knows which
    /// to compute (decision 0206).
    public enum BindingDigest: String, Sendable, Hashable, CaseIterable {
        /// SHA-256, hardware-accelerated where the CPU has SHA extensions: the default, at the speed of a copy.
        case sha256 = "SHA256"
        /// SM3 (GB/T 32905), as `sigil/2` labels written before decision 0206 bound their content.
        case sm3 = "SM3"
    }

    public var algorithm: Algorithm
    /// The content binding's digest.
    public var bindingDigest: BindingDigest
    public let keys: ProvenanceKeys

    public init(keys: ProvenanceKeys, algorithm: Algorithm = .sm2, bindingDigest: BindingDigest = .sha256) {
        self.keys = keys
        self.algorithm = algorithm
        self.bindingDigest = bindingDigest
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
        let (format, digest) = try EssenceDigest.digest(of: content, type: bindingDigest.rawValue, registry: registry)
        return try sign(label, role: role, kind: format.kind, digest: digest)
    }

    /// The `ReservedCode1`/`ReservedCode2` value for `label` bound to content of `kind` whose essence has the
    /// ``bindingDigest`` `digest` (from ``EssenceDigest``).
    ///
    /// Every value for one label, role, kind and signer has the same length (an SM2 signature whose DER is shorter
    /// than 70 bytes, about one in a hundred, is made again), so ``placeholder(for:role:kind:)`` can lay a file out
    /// before the digest is known.
    public func sign(_ label: AIGCLabel, role: Role, kind: MediaKind, digest: [UInt8]) throws -> String {
        let binding = Binding(type: bindingDigest.rawValue, selection: Self.contentSelection(for: kind), digest: Self.hex(digest))
        let message = Array(Self.message(label: label, fields: role.fields.map(\.rawValue), bindings: [binding]).utf8)
        switch algorithm {
        case .sm2:
            var signature = try keys.sm2.signature(for: message)
            var attempts = 1
            while !Self.sm2SignatureLengths.contains(signature.count) {
                guard attempts < 64 else { throw SigilError(.crypto, "SM2 signatures of an unexpected length (\(signature.count) bytes)") }
                signature = try keys.sm2.signature(for: message)
                attempts += 1
            }
            return value(role: role, binding: binding, signature: signature, keyValue: keys.sm2Public.point)
        case .es256:
            let signer = try keys.c2paSigner().privateKey
            let signature = Array(try signer.signature(for: message).rawRepresentation)
            return value(role: role, binding: binding, signature: signature, keyValue: Array(signer.publicKey.x963Representation))
        }
    }

    /// A stand-in for the value ``sign(_:role:kind:digest:)`` will return, of exactly its length: a zero digest and
    /// signature. A writer lays out a file with it while the content is still being digested.
    public func placeholder(for label: AIGCLabel, role: Role, kind: MediaKind) throws -> String {
        // SHA-256 and SM3 digests are both 32 bytes.
        let binding = Binding(
            type: bindingDigest.rawValue, selection: Self.contentSelection(for: kind), digest: Self.hex([UInt8](repeating: 0, count: 32)))
        switch algorithm {
        case .sm2:
            return value(
                role: role, binding: binding, signature: [UInt8](repeating: 0, count: Self.sm2SignatureLengths.upperBound),
                keyValue: keys.sm2Public.point)
        case .es256:
            return value(
                role: role, binding: binding, signature: [UInt8](repeating: 0, count: 64),
                keyValue: Array(try keys.c2paSigner().privateKey.publicKey.x963Representation))
        }
    }

    /// The DER lengths of the SM2 signatures Sigil keeps: all that encode to 96 base64 characters.
    static let sm2SignatureLengths = 70...72

    /// The `SecurityData` JSON for one signature.
    private func value(role: Role, binding: Binding, signature: [UInt8], keyValue: [UInt8]) -> String {
        let object: JSONValue = .object([
            .init(
                "SecurityData",
                .object([
                    .init("Version", .string(Self.version)),
                    .init("TBSData", .object([.init("Type", "Md"), .init("Fields", .array(role.fields.map { .string($0.rawValue) }))])),
                    .init("Bindings", .array([binding.json])),
                    .init("SignAlg", .string(algorithm.rawValue)),
                    .init("KeyValue", .string(Data(keyValue).base64EncodedString())),
                    .init("Signature", .string(Data(signature).base64EncodedString())),
                ]))
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
