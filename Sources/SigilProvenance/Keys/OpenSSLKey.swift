import COpenSSL

/// A libcrypto `EVP_PKEY`, owned by this handle. Sigil keeps key material as bytes in `Sendable` values and builds this
/// handle when libcrypto has to act on it (SM2, SM3, PKCS#8 encryption); ``SM2/PrivateKey`` keeps one for its life.
///
/// Unchecked `Sendable`: after construction the key is only read, and OpenSSL 3 allows an unmodified `EVP_PKEY` to be
/// used from several threads at once (each operation makes its own `EVP_PKEY_CTX`).
final class OpenSSLKey: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_PKEY_free(pointer) }

    /// The last libcrypto error as text (and the queue cleared).
    static func lastError() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no libcrypto error recorded" : messages.joined(separator: "; ")
    }

    static func failure(_ what: String) -> SigilError {
        SigilError(.crypto, "\(what) failed in libcrypto: \(lastError())")
    }

    /// A fresh key of the libcrypto algorithm `name` (e.g. "SM2").
    static func generate(_ name: String) throws -> OpenSSLKey {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, name, nil) else { throw failure("creating a \(name) key context") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_generate(ctx, &key) == 1, let key else { throw failure("generating a \(name) key") }
        return OpenSSLKey(key)
    }

    /// A private key from PEM (`PRIVATE KEY` or `ENCRYPTED PRIVATE KEY`, PKCS#8) with an optional passphrase.
    static func privateKey(pem: String, passphrase: String?) throws -> OpenSSLKey {
        let encrypted = pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED")
        if encrypted && (passphrase ?? "").isEmpty {
            throw SigilError(.passphrase, "the private key is passphrase-encrypted; give the passphrase (SIGIL_KEY_PASSPHRASE or --passphrase-file)")
        }
        let bytes = Array(pem.utf8)
        let key: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            // With no callback, libcrypto takes the last argument as the NUL-terminated passphrase.
            let phrase = passphrase ?? ""
            return phrase.withCString { p in
                PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: p))
            }
        }
        guard let key else {
            let reason = lastError()
            if encrypted { throw SigilError(.passphrase, "the private key could not be decrypted: wrong passphrase? (\(reason))") }
            throw SigilError(.keys, "the private key is not a PEM PKCS#8 key libcrypto reads: \(reason)")
        }
        return OpenSSLKey(key)
    }

    /// A private key from unencrypted PKCS#8 DER.
    static func privateKey(pkcs8 der: [UInt8]) throws -> OpenSSLKey {
        var key: OpaquePointer?
        der.withUnsafeBufferPointer { buffer in
            var p: UnsafePointer<UInt8>? = buffer.baseAddress
            key = d2i_AutoPrivateKey(nil, &p, buffer.count)
        }
        guard let key else { throw SigilError(.keys, "the private key is not PKCS#8 DER libcrypto reads: \(lastError())") }
        return OpenSSLKey(key)
    }

    /// A public key from SubjectPublicKeyInfo DER.
    static func publicKey(spki der: [UInt8]) throws -> OpenSSLKey {
        var key: OpaquePointer?
        der.withUnsafeBufferPointer { buffer in
            var p: UnsafePointer<UInt8>? = buffer.baseAddress
            key = d2i_PUBKEY(nil, &p, buffer.count)
        }
        guard let key else { throw SigilError(.keys, "the public key is not SubjectPublicKeyInfo DER libcrypto reads: \(lastError())") }
        return OpenSSLKey(key)
    }

    /// The key as PKCS#8 PEM, encrypted with AES-256-CBC under PBES2/PBKDF2 when `passphrase` is set.
    func pkcs8PEM(passphrase: String?) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw Self.failure("allocating a memory BIO") }
        defer { BIO_free(bio) }
        let ok: Int32
        if let passphrase, !passphrase.isEmpty {
            var phrase = Array(passphrase.utf8CString)
            ok = phrase.withUnsafeMutableBufferPointer { p in
                PEM_write_bio_PKCS8PrivateKey(bio, pointer, EVP_aes_256_cbc(), p.baseAddress, Int32(p.count - 1), nil, nil)
            }
        } else {
            ok = PEM_write_bio_PKCS8PrivateKey(bio, pointer, nil, nil, 0, nil, nil)
        }
        guard ok == 1 else { throw Self.failure("writing a PKCS#8 private key") }
        return String(decoding: Self.drain(bio), as: UTF8.self)
    }

    /// The unencrypted PKCS#8 DER.
    func pkcs8DER() throws -> [UInt8] {
        guard let info = EVP_PKEY2PKCS8(pointer) else { throw Self.failure("encoding a PKCS#8 private key") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        let length = i2d_PKCS8_PRIV_KEY_INFO(info, nil)
        guard length > 0 else { throw Self.failure("encoding a PKCS#8 private key") }
        var out = [UInt8](repeating: 0, count: Int(length))
        out.withUnsafeMutableBufferPointer { buffer in
            var p: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_PKCS8_PRIV_KEY_INFO(info, &p)
        }
        return out
    }

    /// The SubjectPublicKeyInfo DER of the public half.
    func spkiDER() throws -> [UInt8] {
        let length = i2d_PUBKEY(pointer, nil)
        guard length > 0 else { throw Self.failure("encoding a public key") }
        var out = [UInt8](repeating: 0, count: Int(length))
        out.withUnsafeMutableBufferPointer { buffer in
            var p: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_PUBKEY(pointer, &p)
        }
        return out
    }

    /// The uncompressed public point `04 || x || y` of an elliptic-curve key.
    func publicPoint() throws -> [UInt8] {
        var length = 0
        guard EVP_PKEY_get_octet_string_param(pointer, "encoded-pub-key", nil, 0, &length) == 1, length > 0 else {
            throw Self.failure("reading the public point")
        }
        var out = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_octet_string_param(pointer, "encoded-pub-key", &out, length, &length) == 1 else {
            throw Self.failure("reading the public point")
        }
        return Array(out.prefix(length))
    }

    /// Whether the key is an SM2 key.
    var isSM2: Bool { EVP_PKEY_is_a(pointer, "SM2") == 1 }

    static func drain(_ bio: OpaquePointer) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = BIO_read(bio, &buffer, Int32(buffer.count))
            if n <= 0 { break }
            out += buffer.prefix(Int(n))
        }
        return out
    }
}
