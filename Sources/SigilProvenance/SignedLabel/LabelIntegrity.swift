import Crypto
import Foundation
import SigilContainers

/// The verdict on the signature in one reserved field of a GB 45438 label (`ReservedCode1` or `ReservedCode2`).
public struct LabelIntegrity: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// The signature verifies over the label fields (and the content binding, when there is one).
        case valid
        /// A signature is there but does not verify: a field or the content changed, or the label was copied.
        case invalid
        /// Something is there but Sigil has no key to check it with (or cannot interpret it).
        case unknownKey = "unknown-key"
        /// The field is empty.
        case absent
    }

    /// Where the public key came from.
    public enum KeySource: String, Sendable, Hashable {
        /// Carried in the label itself (`KeyValue`): proves integrity, and authenticity only if the key is known.
        case embedded
        /// A key the verifier was given (its keystore, or the C2PA signer of the same file).
        case known
    }

    public var state: State
    /// `ReservedCode1` or `ReservedCode2`.
    public var field: String
    /// Why, for anything but `valid`/`absent`; what was checked, for `valid`.
    public var reason: String
    /// `SM3withSM2`, `ES256`, or nil when unknown.
    public var algorithm: String?
    /// The value's form: `sigil/1` (Sigil's SecurityData), `SecurityData` (another producer's), `opaque`.
    public var form: String?
    public var keySource: KeySource?
    /// Whether the key is one the verifier knows (its keystore's, or the trusted C2PA signer of the same file).
    public var keyKnown = false
    /// Whether the signature binds the label to the content (a copied label fails).
    public var boundToContent = false

    /// The report as JSON (the `integrity` member of `sigil verify --json`).
    public var json: JSONValue {
        .object([
            .init("state", .string(state.rawValue)),
            .init("field", .string(field)),
            .init("reason", .string(reason)),
            .init("algorithm", .optional(algorithm)),
            .init("form", .optional(form)),
            .init("keySource", .optional(keySource?.rawValue)),
            .init("keyKnown", .bool(keyKnown)),
            .init("boundToContent", .bool(boundToContent)),
        ])
    }
}

/// Verifies signed AIGC labels: Sigil's own `sigil/1` SecurityData (SM3withSM2 or ES256, bound to the compressed image
/// data) and, heuristically, SecurityData of other producers (MiniMax-style SM2 signatures with the public key
/// present: hex or base64, DER or raw `r||s`, spellings that differ from the guide).
public struct LabelVerifier: Sendable {
    /// Public keys the verifier trusts: SM2 points (65 bytes) and P-256 x9.63 points (65 bytes) or SPKI DER.
    public var knownKeys: [[UInt8]]
    /// The formats whose essence a content binding is checked against.
    public var registry: MediaRegistry

    public init(knownKeys: [[UInt8]] = [], registry: MediaRegistry = .standard) {
        self.knownKeys = knownKeys
        self.registry = registry
    }

    /// The keys of a keystore: its SM2 public point and its C2PA signer's public key (when loaded).
    public static func knownKeys(of keys: ProvenanceKeys) -> [[UInt8]] {
        [keys.sm2Public.point] + (keys.c2pa.map { [Array($0.privateKey.publicKey.x963Representation)] } ?? [])
    }

    /// Verifies the reserved field `key` of `label` found in `file`.
    public func verify(_ label: AIGCLabel, field key: AIGCLabel.Key = .reservedCode1, in file: [UInt8]) -> LabelIntegrity {
        let field = key.rawValue
        let value = label[key]
        guard !value.isEmpty else {
            return LabelIntegrity(state: .absent, field: field, reason: "\(field) is empty: the label is not signed")
        }
        guard let json = try? JSONValue.parse(value), json.members != nil else {
            return LabelIntegrity(
                state: .unknownKey, field: field,
                reason: "\(field) holds an opaque value (\(value.count) characters) that is not a SecurityData object; it cannot be verified",
                form: "opaque")
        }
        let security = json["SecurityData"] ?? Self.find(json, key: "securitydata") ?? json
        if let version = security["Version"]?.stringValue, LabelSigner.versions.contains(version) {
            return verifySigil(label, security: security, field: field, file: file)
        }
        return verifyForeign(label, security: security, field: field, file: file)
    }

    // MARK: Sigil's own format

    func verifySigil(_ label: AIGCLabel, security: JSONValue, field: String, file: [UInt8]) -> LabelIntegrity {
        var result = LabelIntegrity(
            state: .invalid, field: field, reason: "", algorithm: security["SignAlg"]?.stringValue,
            form: security["Version"]?.stringValue ?? LabelSigner.version)
        func fail(_ why: String) -> LabelIntegrity {
            result.reason = why
            return result
        }
        guard let fieldsValue = security["TBSData"]?["Fields"], case .array(let list) = fieldsValue else {
            return fail("the SecurityData has no TBSData.Fields list")
        }
        let fields = list.compactMap(\.stringValue)
        guard fields.count == list.count, !fields.isEmpty, fields.allSatisfy({ AIGCLabel.Key(rawValue: $0) != nil }), !fields.contains(field) else {
            return fail("TBSData.Fields names a field that is not an Annex E key (or the signature's own field)")
        }
        guard fields.contains(AIGCLabel.Key.produceID.rawValue), fields.contains(AIGCLabel.Key.contentProducer.rawValue),
            fields.contains(AIGCLabel.Key.label.rawValue)
        else {
            return fail("the signature does not cover Label, ContentProducer and ProduceID")
        }
        var bindings: [LabelSigner.Binding] = []
        if case .array(let items)? = security["Bindings"] {
            for item in items {
                guard let type = item["BType"]?.stringValue, let selection = item["CntSel"]?.stringValue, let digest = item["Bnd"]?.stringValue else {
                    return fail("a binding lacks BType, CntSel or Bnd")
                }
                bindings.append(.init(type: type, selection: selection, digest: digest))
            }
        }
        guard let signatureText = security["Signature"]?.stringValue, let signature = Self.decode(signatureText) else {
            return fail("the SecurityData has no readable Signature")
        }
        guard let keyText = security["KeyValue"]?.stringValue, let key = Self.decode(keyText) else {
            result.state = .unknownKey
            return fail("the SecurityData carries no KeyValue and no known key matches")
        }
        let message = Array(LabelSigner.message(label: label, fields: fields, bindings: bindings).utf8)
        let ok: Bool
        switch result.algorithm {
        case LabelSigner.Algorithm.sm2.rawValue?:
            ok = (try? SM2.PublicKey(bytes: key))?.isValidSignature(signature, for: message) ?? false
        case LabelSigner.Algorithm.es256.rawValue?:
            ok = Self.verifyP256(signature, message: message, key: key)
        default:
            result.state = .unknownKey
            return fail("the signature algorithm \(result.algorithm ?? "(none)") is not one Sigil verifies")
        }
        result.keySource = .embedded
        result.keyKnown = isKnown(key)
        guard ok else {
            return fail(
                "the signature does not verify over \(fields.joined(separator: ", "))\(bindings.isEmpty ? "" : " and the content binding"): a signed field was edited, or the signature was made for another label"
            )
        }
        // The binding: the content now must digest to what was signed.
        for binding in bindings {
            let kind: MediaKind
            if binding.selection == LabelSigner.legacyContentSelection {
                kind = .image
            } else if binding.selection.hasPrefix(LabelSigner.contentSelectionPrefix),
                let named = MediaKind(rawValue: String(binding.selection.dropFirst(LabelSigner.contentSelectionPrefix.count)))
            {
                kind = named
            } else {
                return fail("the content selection \(binding.selection) is not one Sigil knows")
            }
            guard let (format, digest) = try? EssenceDigest.digest(of: MemoryByteSource(file), type: binding.type, registry: registry) else {
                return fail("the essence to check the content binding against cannot be read")
            }
            guard format.kind == kind else {
                return fail(
                    "the content binding covers \(kind) content but the file is \(format.kind) (\(format.displayName)): the label was copied from other content"
                )
            }
            guard LabelSigner.hex(digest) == binding.digest.lowercased() else {
                return fail(
                    "the content binding does not match: the \(kind == .image ? "pixels" : "content") changed after signing, or the label was copied from other content"
                )
            }
            result.boundToContent = true
        }
        result.state = .valid
        result.reason =
            "\(result.algorithm ?? "") signature over \(fields.joined(separator: ", "))\(bindings.isEmpty ? "" : " and the content's essence") verifies with the \(result.keyKnown ? "known" : "embedded (unpinned)") key"
        return result
    }

    // MARK: Other producers

    func verifyForeign(_ label: AIGCLabel, security: JSONValue, field: String, file: [UInt8]) -> LabelIntegrity {
        var result = LabelIntegrity(state: .unknownKey, field: field, reason: "", form: "SecurityData")
        let signatures = Self.strings(in: security, where: { k in k.contains("sign") && !k.contains("alg") && !k.contains("type") }).compactMap(
            Self.decode)
        let keys = Self.strings(in: security, where: { k in k.contains("keyvalue") || k.contains("publickey") || k.contains("pubkey") || k == "key" })
            .compactMap(Self.decode)
        let algorithm = Self.strings(in: security, where: { $0.contains("alg") }).first
        result.algorithm = algorithm ?? "SM3withSM2"
        guard !signatures.isEmpty else {
            result.reason = "the \(field) object carries no signature Sigil recognises"
            return result
        }
        let candidateKeys = keys + knownKeys
        guard !candidateKeys.isEmpty else {
            result.reason = "the \(field) signature carries no public key and no known key was given"
            return result
        }
        // PG-202511A A.1: the label message is the ASCII substring of the three producer fields.
        var messages: [String] = [LabelSigner.message(label: label, fields: LabelSigner.Role.producer.fields.map(\.rawValue), bindings: [])]
        if let tbs = security["TBSData"] ?? Self.find(security, key: "tbsdata") {
            if let text = tbs.stringValue { messages.append(text) } else { messages.append(tbs.compact) }
        }
        for message in messages {
            let bytes = Array(message.utf8)
            for key in candidateKeys {
                for signature in signatures {
                    let ok =
                        ((try? SM2.PublicKey(bytes: key))?.isValidSignature(signature, for: bytes) ?? false)
                        || Self.verifyP256(signature, message: bytes, key: key)
                    if ok {
                        result.state = .valid
                        result.keySource = keys.contains(key) ? .embedded : .known
                        result.keyKnown = isKnown(key)
                        result.reason =
                            "the signature verifies over \(message.count > 80 ? String(message.prefix(80)) + "…" : message) (not bound to the content)"
                        return result
                    }
                }
            }
        }
        result.state = keys.isEmpty ? .unknownKey : .invalid
        result.reason =
            keys.isEmpty
            ? "no known key verifies the \(field) signature"
            : "the \(field) signature does not verify with its embedded key over the label message (PG-202511A A.1) or its TBSData: a field was edited"
        return result
    }

    // MARK: Helpers

    func isKnown(_ key: [UInt8]) -> Bool {
        knownKeys.contains { known in
            known == key || (known.count > key.count && known.suffix(key.count) == key[...])
                || (key.count > known.count && key.suffix(known.count) == known[...])
        }
    }

    static func verifyP256(_ signature: [UInt8], message: [UInt8], key: [UInt8]) -> Bool {
        let publicKey = (try? P256.Signing.PublicKey(x963Representation: key)) ?? (try? P256.Signing.PublicKey(derRepresentation: key))
        guard let publicKey else { return false }
        if let raw = try? P256.Signing.ECDSASignature(rawRepresentation: signature), publicKey.isValidSignature(raw, for: message) { return true }
        if let der = try? P256.Signing.ECDSASignature(derRepresentation: signature), publicKey.isValidSignature(der, for: message) { return true }
        return false
    }

    /// Hex (even length) or base64 text as bytes.
    static func decode(_ text: String) -> [UInt8]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.count % 2 == 0, !trimmed.isEmpty, trimmed.allSatisfy(\.isHexDigit) {
            var out: [UInt8] = []
            var index = trimmed.startIndex
            while index < trimmed.endIndex {
                let next = trimmed.index(index, offsetBy: 2)
                guard let byte = UInt8(trimmed[index..<next], radix: 16) else { return nil }
                out.append(byte)
                index = next
            }
            return out
        }
        return Data(base64Encoded: trimmed).map { [UInt8]($0) }
    }

    /// String values whose lowercased key satisfies `predicate`, searched depth first (bounded).
    static func strings(in value: JSONValue, depth: Int = 0, where predicate: (String) -> Bool) -> [String] {
        guard depth < 6 else { return [] }
        switch value {
        case .object(let members):
            return members.flatMap { member -> [String] in
                if let s = member.value.stringValue, predicate(member.key.lowercased()) { return [s] }
                return strings(in: member.value, depth: depth + 1, where: predicate)
            }
        case .array(let items):
            return items.flatMap { strings(in: $0, depth: depth + 1, where: predicate) }
        default:
            return []
        }
    }

    /// The first member named `key` (case-insensitive), searched depth first (bounded).
    static func find(_ value: JSONValue, key: String, depth: Int = 0) -> JSONValue? {
        guard depth < 6, let members = value.members else { return nil }
        if let hit = members.first(where: { $0.key.lowercased() == key }) { return hit.value }
        for member in members {
            if let hit = find(member.value, key: key, depth: depth + 1) { return hit }
        }
        return nil
    }
}
