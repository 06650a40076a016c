import COpenSSL

/// SM2 signatures with SM3 (GB/T 32918, GB/T 32905; "SM3withSM2", OID 1.2.156.10197.1.501), through OpenSSL 3's
/// libcrypto, which is the only thing Sigil uses libcrypto for besides PKCS#8 key encryption.
public enum SM2 {
    /// The default SM2 user ID (GB/T 35276): `1234567812345678`.
    public static let defaultUserID = Array("1234567812345678".utf8)

    /// An SM2 private key, kept as unencrypted PKCS#8 DER together with libcrypto's parsed form of it.
    ///
    /// The parsed key is made once, when the value is, so that signing many labels does not parse PKCS#8 for each
    /// one (that parse cost more than the signature itself: issue 24). Two keys are equal when their DER is.
    public struct PrivateKey: Sendable, Hashable {
        /// The PKCS#8 DER of the key.
        public let pkcs8DER: [UInt8]
        /// libcrypto's handle for the same key, only ever read (libcrypto allows concurrent use of an unmodified key).
        private let handle: OpenSSLKey

        /// A fresh random key.
        public static func generate() throws -> PrivateKey {
            let key = try OpenSSLKey.generate("SM2")
            return PrivateKey(pkcs8DER: try key.pkcs8DER(), handle: key)
        }

        /// Reads a PKCS#8 PEM key (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with `passphrase`).
        ///
        /// - Throws: ``SigilError`` `.passphrase` when the key is encrypted and the passphrase is absent or wrong,
        ///   `.keys` when it is not an SM2 key.
        public init(pem: String, passphrase: String? = nil) throws {
            let key = try OpenSSLKey.privateKey(pem: pem, passphrase: passphrase)
            guard key.isSM2 else { throw SigilError(.keys, "the key is not an SM2 key (an SM2 key uses the curve SM2, OID 1.2.156.10197.1.301)") }
            pkcs8DER = try key.pkcs8DER()
            handle = key
        }

        private init(pkcs8DER: [UInt8], handle: OpenSSLKey) {
            self.pkcs8DER = pkcs8DER
            self.handle = handle
        }

        public static func == (lhs: PrivateKey, rhs: PrivateKey) -> Bool { lhs.pkcs8DER == rhs.pkcs8DER }

        public func hash(into hasher: inout Hasher) { hasher.combine(pkcs8DER) }

        /// The key as PKCS#8 PEM, encrypted (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) when `passphrase` is set.
        public func pemRepresentation(passphrase: String? = nil) throws -> String {
            try handle.pkcs8PEM(passphrase: passphrase)
        }

        /// The public half.
        public var publicKey: PublicKey {
            get throws {
                PublicKey(spkiDER: try handle.spkiDER(), point: try handle.publicPoint())
            }
        }

        /// Signs `message` with SM3withSM2 and returns the DER `SEQUENCE { r, s }`.
        public func signature(for message: [UInt8], userID: [UInt8] = SM2.defaultUserID) throws -> [UInt8] {
            let key = handle
            guard let mctx = EVP_MD_CTX_new() else { throw OpenSSLKey.failure("allocating a digest context") }
            guard let pctx = EVP_PKEY_CTX_new(key.pointer, nil) else {
                EVP_MD_CTX_free(mctx)
                throw OpenSSLKey.failure("allocating an SM2 context")
            }
            // EVP_MD_CTX_set_pkey_ctx does not transfer ownership: free the digest context first, then pctx.
            defer {
                EVP_MD_CTX_free(mctx)
                EVP_PKEY_CTX_free(pctx)
            }
            guard userID.withUnsafeBytes({ EVP_PKEY_CTX_set1_id(pctx, $0.baseAddress, Int32($0.count)) }) == 1 else {
                throw OpenSSLKey.failure("setting the SM2 user ID")
            }
            EVP_MD_CTX_set_pkey_ctx(mctx, pctx)
            guard EVP_DigestSignInit(mctx, nil, EVP_sm3(), nil, key.pointer) == 1 else { throw OpenSSLKey.failure("starting an SM2 signature") }
            var length = 0
            guard message.withUnsafeBufferPointer({ EVP_DigestSign(mctx, nil, &length, $0.baseAddress, $0.count) }) == 1 else {
                throw OpenSSLKey.failure("sizing an SM2 signature")
            }
            var out = [UInt8](repeating: 0, count: length)
            guard
                message.withUnsafeBufferPointer({ m in
                    out.withUnsafeMutableBufferPointer { EVP_DigestSign(mctx, $0.baseAddress, &length, m.baseAddress, m.count) }
                }) == 1
            else {
                throw OpenSSLKey.failure("making an SM2 signature")
            }
            return Array(out.prefix(length))
        }
    }

    /// An SM2 public key.
    public struct PublicKey: Sendable, Hashable {
        /// The SubjectPublicKeyInfo DER.
        public let spkiDER: [UInt8]
        /// The uncompressed point `04 || x || y` (65 bytes).
        public let point: [UInt8]

        init(spkiDER: [UInt8], point: [UInt8]) {
            self.spkiDER = spkiDER
            self.point = point
        }

        /// A key from SubjectPublicKeyInfo DER, or from a raw point (65 bytes `04 || x || y`, or 64 bytes `x || y`).
        ///
        /// - Throws: ``SigilError`` `.keys` when the bytes are neither or the key is not on the SM2 curve.
        public init(bytes: [UInt8]) throws {
            var der = bytes
            if bytes.count == 64 { der = Self.spki(point: [0x04] + bytes) }
            if bytes.count == 65, bytes.first == 0x04 { der = Self.spki(point: bytes) }
            let key = try OpenSSLKey.publicKey(spki: der)
            guard key.isSM2 else { throw SigilError(.keys, "the public key is not on the SM2 curve") }
            spkiDER = try key.spkiDER()
            point = try key.publicPoint()
        }

        /// A key from PEM (`PUBLIC KEY`).
        public init(pem: String) throws {
            guard let der = PEM.decode(pem, label: "PUBLIC KEY").first else {
                throw SigilError(.keys, "no PUBLIC KEY block in the PEM text")
            }
            try self.init(bytes: der)
        }

        /// The key as PEM (`PUBLIC KEY`).
        public var pemRepresentation: String { PEM.encode(spkiDER, label: "PUBLIC KEY") }

        /// Whether `signature` (DER `SEQUENCE { r, s }`, or raw 64-byte `r || s`) is a valid SM3withSM2 signature
        /// of `message` under this key.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8], userID: [UInt8] = SM2.defaultUserID) -> Bool {
            var der = signature
            if signature.count == 64 { der = Self.derSignature(r: Array(signature[0..<32]), s: Array(signature[32..<64])) }
            guard let key = try? OpenSSLKey.publicKey(spki: spkiDER), let mctx = EVP_MD_CTX_new() else { return false }
            guard let pctx = EVP_PKEY_CTX_new(key.pointer, nil) else {
                EVP_MD_CTX_free(mctx)
                return false
            }
            defer {
                EVP_MD_CTX_free(mctx)
                EVP_PKEY_CTX_free(pctx)
            }
            guard userID.withUnsafeBytes({ EVP_PKEY_CTX_set1_id(pctx, $0.baseAddress, Int32($0.count)) }) == 1 else { return false }
            EVP_MD_CTX_set_pkey_ctx(mctx, pctx)
            guard EVP_DigestVerifyInit(mctx, nil, EVP_sm3(), nil, key.pointer) == 1 else { return false }
            let ok = der.withUnsafeBufferPointer { s in
                message.withUnsafeBufferPointer { m in EVP_DigestVerify(mctx, s.baseAddress, s.count, m.baseAddress, m.count) }
            }
            ERR_clear_error()
            return ok == 1
        }

        /// SubjectPublicKeyInfo for an SM2 point: id-ecPublicKey with the SM2 curve OID.
        static func spki(point: [UInt8]) -> [UInt8] {
            let algorithm: [UInt8] = [
                0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x82, 0x2D,
            ]
            let bitString = DERBuilder.tlv(0x03, [0x00] + point)
            return DERBuilder.tlv(0x30, algorithm + bitString)
        }

        static func derSignature(r: [UInt8], s: [UInt8]) -> [UInt8] {
            DERBuilder.tlv(0x30, DERBuilder.integer(r) + DERBuilder.integer(s))
        }
    }
}

/// SM3 (GB/T 32905), through libcrypto.
public enum SM3 {
    /// The 32-byte SM3 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { EVP_Digest($0.baseAddress, $0.count, &out, &length, EVP_sm3(), nil) }
        precondition(ok == 1 && length == 32, "libcrypto has no SM3")
        return out
    }

    /// An incremental SM3 digest, for content read in chunks (memory stays flat in the content's length).
    public final class Hasher {
        private let context: OpaquePointer

        public init() {
            context = EVP_MD_CTX_new()
            precondition(EVP_DigestInit_ex(context, EVP_sm3(), nil) == 1, "libcrypto has no SM3")
        }

        deinit { EVP_MD_CTX_free(context) }

        public func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }

        /// The digest; the hasher is spent afterwards.
        public func finalize() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: 32)
            var length: UInt32 = 0
            precondition(EVP_DigestFinal_ex(context, &out, &length) == 1 && length == 32, "SM3 failed")
            return out
        }
    }
}

/// The few DER encodings Sigil builds by hand.
enum DERBuilder {
    static func length(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        var bytes: [UInt8] = []
        var v = n
        while v > 0 {
            bytes.insert(UInt8(v & 0xFF), at: 0)
            v >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    static func tlv(_ tag: UInt8, _ value: [UInt8]) -> [UInt8] { [tag] + length(value.count) + value }

    /// An INTEGER from unsigned big-endian bytes.
    static func integer(_ magnitude: [UInt8]) -> [UInt8] {
        var v = Array(magnitude.drop { $0 == 0 })
        if v.isEmpty { v = [0] }
        if v[0] & 0x80 != 0 { v.insert(0, at: 0) }
        return tlv(0x02, v)
    }
}
