/// A `COSE_Sign1` message (RFC 9052 §4.2), the signature format of a C2PA claim: always tagged (tag 18),
/// payload detached (`nil`), the certificate chain in the protected header (label 33, `x5chain`).
public struct COSESign1: Sendable, Hashable {
    /// The protected header exactly as stored (the bstr's contents); signatures cover these bytes.
    public var protectedBytes: [UInt8]
    /// The protected header decoded (an empty map when `protectedBytes` is empty).
    public var protected: CBOR
    /// The unprotected header map.
    public var unprotected: CBOR
    /// The payload, nil when detached.
    public var payload: [UInt8]?
    /// The signature bytes (raw `r || s` for ECDSA).
    public var signature: [UInt8]

    /// COSE header labels C2PA uses.
    public enum HeaderLabel {
        public static let alg = 1
        public static let x5chain = 33
    }

    public init(protectedBytes: [UInt8], protected: CBOR, unprotected: CBOR, payload: [UInt8]?, signature: [UInt8]) {
        self.protectedBytes = protectedBytes
        self.protected = protected
        self.unprotected = unprotected
        self.payload = payload
        self.signature = signature
    }

    /// Parses a tagged `COSE_Sign1` (tag 18).
    ///
    /// - Parameter requireTag: c2pa-rs refuses an untagged structure; so does Sigil by default.
    /// - Throws: ``SigilError`` `.cose` (or `.cbor`) naming what is wrong.
    public static func parse(_ bytes: [UInt8], requireTag: Bool = true) throws -> COSESign1 {
        let item = try CBOR.decode(bytes)
        var body = item
        if case .tagged(let tag, let inner) = item {
            guard tag == 18 else { throw SigilError(.cose, "COSE structure has tag \(tag), not 18 (COSE_Sign1)", offset: 0) }
            body = inner
        } else if requireTag {
            throw SigilError(.cose, "COSE_Sign1 is not tagged 18 (COSE_Sign1_Tagged)", offset: 0)
        }
        guard let parts = body.arrayValue, parts.count == 4 else {
            throw SigilError(.cose, "COSE_Sign1 is not an array of four items", offset: 0)
        }
        guard let protectedBytes = parts[0].bytesValue else {
            throw SigilError(.cose, "COSE_Sign1 protected header is not a byte string", offset: 0)
        }
        let protected = protectedBytes.isEmpty ? CBOR.map([]) : try CBOR.decode(protectedBytes)
        guard protected.mapValue != nil else { throw SigilError(.cose, "COSE_Sign1 protected header is not a map", offset: 0) }
        guard parts[1].mapValue != nil else { throw SigilError(.cose, "COSE_Sign1 unprotected header is not a map", offset: 0) }
        var payload: [UInt8]?
        switch parts[2] {
        case .null: payload = nil
        case .bytes(let b): payload = b
        default: throw SigilError(.cose, "COSE_Sign1 payload is neither nil nor a byte string", offset: 0)
        }
        guard let signature = parts[3].bytesValue else { throw SigilError(.cose, "COSE_Sign1 signature is not a byte string", offset: 0) }
        return COSESign1(protectedBytes: protectedBytes, protected: protected, unprotected: parts[1], payload: payload, signature: signature)
    }

    /// The tagged encoding.
    public func encoded() -> [UInt8] {
        CBOR.tagged(18, .array([.bytes(protectedBytes), unprotected, payload.map { .bytes($0) } ?? .null, .bytes(signature)])).encoded()
    }

    /// The bytes signed: `Sig_structure = ["Signature1", protected, external_aad, payload]` (RFC 9052 §4.4).
    public static func toBeSigned(protectedBytes: [UInt8], externalAAD: [UInt8] = [], payload: [UInt8]) -> [UInt8] {
        CBOR.array([.text("Signature1"), .bytes(protectedBytes), .bytes(externalAAD), .bytes(payload)]).encoded()
    }

    /// The algorithm identifier from the protected header (c2pa-rs reads `alg` only from there).
    public var algorithmIdentifier: Int? { protected[intKey: HeaderLabel.alg]?.intValue }

    /// The DER certificates of `x5chain` (label 33, or the deprecated text label "x5chain"), leaf first, from the
    /// protected header, or also from the unprotected one when `allowUnprotected` (c2pa-rs reads it there only for
    /// v1 claims).
    public func certificateChain(allowUnprotected: Bool = false) -> [[UInt8]] {
        for header in allowUnprotected ? [protected, unprotected] : [protected] {
            guard let value = header[intKey: HeaderLabel.x5chain] ?? header["x5chain"] else { continue }
            if let single = value.bytesValue { return [single] }
            if let many = value.arrayValue { return many.compactMap(\.bytesValue) }
        }
        return []
    }
}
