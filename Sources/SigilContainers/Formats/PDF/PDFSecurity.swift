import Crypto
import _CryptoExtras

/// The PDF standard security handler (ISO 32000-2 §7.6.4) opened with the **empty user password**: what a viewer
/// does when a file is encrypted only to restrict permissions (an owner password alone). Revisions 2–4 (RC4 40–128
/// bits, AES-128) and 5–6 (AES-256) are read; strings and streams of an object are decrypted with the object's key,
/// and ``encrypt(_:object:generation:stream:)`` encrypts what an incremental update adds, so the update stays
/// readable by every viewer that opens the original (decision 0028).
///
/// A file that needs a user password, or uses another security handler (certificates), is a ``SigilError`` saying
/// so: Sigil never guesses passwords.
struct PDFSecurity: Sendable {
    /// How one class of data (strings or streams) is encrypted.
    enum Method: Sendable, Equatable {
        /// Not encrypted (the `Identity` crypt filter).
        case identity
        case rc4
        case aes128
        case aes256
    }

    /// The file encryption key.
    let key: [UInt8]
    /// The method for strings (`/StrF`) and for streams (`/StmF`).
    let strings: Method
    let streams: Method
    /// Whether the XMP metadata stream is encrypted (`/EncryptMetadata`, default true).
    let encryptsMetadata: Bool
    /// The object number of the `/Encrypt` dictionary when it is indirect: its strings are never encrypted.
    let dictionaryObject: Int?

    /// The 32-byte padding string of Algorithm 2.
    static let padding: [UInt8] = [
        0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
        0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
    ]

    /// The handler of `document`, or nil when its trailer has no `/Encrypt`.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` when the file needs a user password or another handler, and
    ///   `.malformed` for an encryption dictionary that is not one.
    static func open(_ document: PDFDocument) throws -> PDFSecurity? {
        guard let entry = document.trailer["Encrypt"] else { return nil }
        let at = document.lastXRefOffset
        guard let dictionary = try document.resolve(entry, decrypting: false), dictionary.entries != nil else {
            throw SigilError.malformed("the PDF /Encrypt", at: at, "is not a dictionary")
        }
        let filter = dictionary["Filter"]?.nameValue ?? ""
        guard filter == "Standard" else {
            throw SigilError(
                .unsupportedFormat,
                "the PDF is encrypted with the /\(filter) security handler (certificates); Sigil opens only the standard handler with an empty user password",
                offset: at)
        }
        guard let v = dictionary["V"]?.integer, let r = dictionary["R"]?.integer,
            case .string(let owner)? = dictionary["O"], case .string(let user)? = dictionary["U"], let p = dictionary["P"]?.integer
        else {
            throw SigilError.malformed("the PDF /Encrypt", at: at, "lacks /V, /R, /O, /U or /P")
        }
        let encryptsMetadata: Bool
        if case .bool(let flag)? = dictionary["EncryptMetadata"] { encryptsMetadata = flag } else { encryptsMetadata = true }
        let (strings, streams) = try methods(dictionary, v: v, at: at)
        // AESV3 keys are the 32-byte file key of revisions 5 and 6; revisions 2–4 derive at most 16 bytes.
        if r < 5, strings == .aes256 || streams == .aes256 {
            throw SigilError.malformed("the PDF /Encrypt", at: at, "uses the AESV3 crypt filter with revision \(r) (AESV3 needs revision 5 or 6)")
        }
        let key: [UInt8]?
        switch r {
        case 2, 3, 4:
            guard owner.count >= 32, user.count >= 32 || (r >= 3 && user.count >= 16) else {
                throw SigilError.malformed("the PDF /Encrypt", at: at, "has /O or /U shorter than 32 bytes")
            }
            let length = v == 1 ? 40 : (dictionary["Length"]?.integer ?? defaultKeyLength(dictionary, v: v))
            guard length % 8 == 0, (40...128).contains(length) else {
                throw SigilError.malformed("the PDF /Encrypt", at: at, "has /Length \(length) (40–128 in steps of 8)")
            }
            let candidate = legacyKey(
                revision: r, length: r == 2 ? 5 : length / 8, owner: owner, permissions: p, id: firstID(document),
                encryptsMetadata: encryptsMetadata)
            key = legacyUserCheck(revision: r, key: candidate, id: firstID(document)) == Array(user.prefix(r == 2 ? 32 : 16)) ? candidate : nil
        case 5, 6:
            guard user.count >= 48, case .string(let userKey)? = dictionary["UE"], userKey.count >= 32 else {
                throw SigilError.malformed("the PDF /Encrypt", at: at, "has /U shorter than 48 bytes or no 32-byte /UE")
            }
            let check = hash(revision: r, password: [], salt: Array(user[32..<40]))
            if check == Array(user[0..<32]) {
                let intermediate = hash(revision: r, password: [], salt: Array(user[40..<48]))
                key = try aesNoPadding(decrypting: Array(userKey.prefix(32)), key: intermediate, iv: [UInt8](repeating: 0, count: 16))
            } else {
                key = nil
            }
        default:
            throw SigilError(
                .unsupportedFormat, "the PDF is encrypted with standard security handler revision \(r); Sigil reads revisions 2–6", offset: at)
        }
        guard let key else {
            throw SigilError(
                .unsupportedFormat, "the PDF is encrypted with a user password; Sigil opens only PDFs whose user password is empty", offset: at)
        }
        return PDFSecurity(
            key: key, strings: strings, streams: streams, encryptsMetadata: encryptsMetadata, dictionaryObject: entry.reference?.number)
    }

    /// The key length in bits when the dictionary has no top-level `/Length`: 40 for /V 1–2 (ISO 32000-1, Table 20);
    /// for /V 4 the crypt filter's `/Length` (in bytes when below 40, as some writers put it), else 128 — an AESV2 key
    /// is always 128 bits.
    private static func defaultKeyLength(_ dictionary: PDFObject, v: Int) -> Int {
        guard v == 4 else { return 40 }
        let name = [dictionary["StmF"]?.nameValue, dictionary["StrF"]?.nameValue].compactMap { $0 }.first { $0 != "Identity" }
        guard let name, let length = dictionary["CF"]?[name]?["Length"]?.integer else { return 128 }
        return length < 40 ? length * 8 : length
    }

    /// The string and stream methods: V 1–2 RC4, V 4–5 the crypt filters `/StrF` and `/StmF` name.
    private static func methods(_ dictionary: PDFObject, v: Int, at: Int) throws -> (Method, Method) {
        switch v {
        case 1, 2: return (.rc4, .rc4)
        case 4, 5:
            func method(_ name: String?) throws -> Method {
                guard let name, name != "Identity" else { return .identity }
                guard let filter = dictionary["CF"]?[name] else {
                    throw SigilError.malformed("the PDF /Encrypt", at: at, "names the crypt filter /\(name), which /CF does not define")
                }
                switch filter["CFM"]?.nameValue ?? "None" {
                case "None": return .identity
                case "V2": return .rc4
                case "AESV2": return .aes128
                case "AESV3": return .aes256
                case let other: throw SigilError(.unsupportedFormat, "the PDF crypt filter /\(name) uses /CFM /\(other)", offset: at)
                }
            }
            return (try method(dictionary["StrF"]?.nameValue), try method(dictionary["StmF"]?.nameValue))
        default:
            throw SigilError(.unsupportedFormat, "the PDF is encrypted with algorithm /V \(v); Sigil reads /V 1, 2, 4 and 5", offset: at)
        }
    }

    private static func firstID(_ document: PDFDocument) -> [UInt8] {
        if case .string(let id)? = document.trailer["ID"]?.array?.first { return id }
        return []
    }

    /// Algorithm 2: the file key of revisions 2–4 for the empty password.
    static func legacyKey(revision: Int, length: Int, owner: [UInt8], permissions: Int, id: [UInt8], encryptsMetadata: Bool) -> [UInt8] {
        let p = UInt32(truncatingIfNeeded: permissions)
        var input = padding + owner.prefix(32) + (0..<4).map { UInt8(truncatingIfNeeded: p >> (8 * $0)) } + id
        if revision >= 4, !encryptsMetadata { input += [0xFF, 0xFF, 0xFF, 0xFF] }
        var digest = Array(Insecure.MD5.hash(data: input))
        if revision >= 3 {
            for _ in 0..<50 { digest = Array(Insecure.MD5.hash(data: digest.prefix(length))) }
        }
        return Array(digest.prefix(length))
    }

    /// Algorithms 4 and 5: the `/U` value the empty password gives (32 bytes for revision 2, the 16 compared after).
    static func legacyUserCheck(revision: Int, key: [UInt8], id: [UInt8]) -> [UInt8] {
        if revision == 2 { return RC4.apply(key: key, to: padding) }
        var x = RC4.apply(key: key, to: Array(Insecure.MD5.hash(data: padding + id)))
        for i in 1...19 { x = RC4.apply(key: key.map { $0 ^ UInt8(i) }, to: x) }
        return x
    }

    /// Algorithm 2.A's hash: SHA-256 for revision 5, Algorithm 2.B for revision 6 (the user's case: no `/U` input).
    static func hash(revision: Int, password: [UInt8], salt: [UInt8]) -> [UInt8] {
        var k = Array(SHA256.hash(data: password + salt))
        guard revision == 6 else { return k }
        var round = 0
        while true {
            let block = password + k
            var k1: [UInt8] = []
            k1.reserveCapacity(block.count * 64)
            for _ in 0..<64 { k1 += block }
            // Cannot fail: a 16-byte key and IV, input a multiple of 16 bytes (64 copies).
            let e = (try? aesNoPadding(encrypting: k1, key: Array(k[0..<16]), iv: Array(k[16..<32]))) ?? []
            let selector = e.prefix(16).reduce(0) { $0 + Int($1) } % 3
            switch selector {
            case 0: k = Array(SHA256.hash(data: e))
            case 1: k = Array(SHA384.hash(data: e))
            default: k = Array(SHA512.hash(data: e))
            }
            round += 1
            if round >= 64, let last = e.last, Int(last) <= round - 32 { break }
        }
        return Array(k.prefix(32))
    }

    /// The key for one object's strings or streams (Algorithm 1; revision 5–6 use the file key as it is).
    func objectKey(_ number: Int, _ generation: Int, method: Method) -> [UInt8] {
        if method == .aes256 { return key }
        var input = key
        input += [UInt8(truncatingIfNeeded: number), UInt8(truncatingIfNeeded: number >> 8), UInt8(truncatingIfNeeded: number >> 16)]
        input += [UInt8(truncatingIfNeeded: generation), UInt8(truncatingIfNeeded: generation >> 8)]
        if method == .aes128 { input += Array("sAlT".utf8) }
        return Array(Insecure.MD5.hash(data: input).prefix(min(key.count + 5, 16)))
    }

    /// `data` decrypted with object `number`'s key.
    ///
    /// - Throws: ``SigilError`` `.malformed` for AES data that is not whole blocks or whose padding is wrong.
    func decrypt(_ data: [UInt8], object number: Int, generation: Int, stream: Bool, offset: Int) throws -> [UInt8] {
        let method = stream ? streams : strings
        switch method {
        case .identity: return data
        case .rc4: return RC4.apply(key: objectKey(number, generation, method: method), to: data)
        case .aes128, .aes256:
            guard data.count >= 32, data.count % 16 == 0 else {
                if data.isEmpty { return [] }
                throw SigilError.malformed(
                    "the PDF's encrypted \(stream ? "stream" : "string") in object \(number)", at: offset,
                    "is \(data.count) bytes, not an IV and whole AES blocks")
            }
            do {
                let plain = try AES._CBC.decrypt(
                    data.dropFirst(16), using: SymmetricKey(data: objectKey(number, generation, method: method)),
                    iv: AES._CBC.IV(ivBytes: data.prefix(16)))
                return Array(plain)
            } catch {
                throw SigilError.malformed(
                    "the PDF's encrypted \(stream ? "stream" : "string") in object \(number)", at: offset, "does not decrypt (wrong AES padding)")
            }
        }
    }

    /// `data` encrypted with object `number`'s key. AES takes an IV derived from the key and the data, so an update
    /// is the same bytes every time it is written (any IV is valid; the standard asks only that readers take it from
    /// the first block).
    func encrypt(_ data: [UInt8], object number: Int, generation: Int, stream: Bool) -> [UInt8] {
        let method = stream ? streams : strings
        switch method {
        case .identity: return data
        case .rc4: return RC4.apply(key: objectKey(number, generation, method: method), to: data)
        case .aes128, .aes256:
            let key = objectKey(number, generation, method: method)
            let iv = Array(SHA256.hash(data: key + data).prefix(16))
            // Cannot fail: the key is 16 or 32 bytes (`open` refuses AESV3 below revision 5) and the IV 16.
            let sealed = (try? AES._CBC.encrypt(data, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv))).map { Array($0) } ?? []
            return iv + sealed
        }
    }

    private static func aesNoPadding(encrypting data: [UInt8], key: [UInt8], iv: [UInt8]) throws -> [UInt8] {
        Array(try AES._CBC.encrypt(data, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
    }

    private static func aesNoPadding(decrypting data: [UInt8], key: [UInt8], iv: [UInt8]) throws -> [UInt8] {
        Array(try AES._CBC.decrypt(data, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
    }

    /// Every string in `object` decrypted (strings inside arrays and dictionaries too; the raw bytes of a
    /// dictionary's values are left as they were).
    func decryptStrings(in object: PDFObject, number: Int, generation: Int, offset: Int) throws -> PDFObject {
        switch object {
        case .string(let bytes): return .string(try decrypt(bytes, object: number, generation: generation, stream: false, offset: offset))
        case .array(let items): return .array(try items.map { try decryptStrings(in: $0, number: number, generation: generation, offset: offset) })
        case .dictionary(let entries):
            return .dictionary(
                try entries.map {
                    .init(key: $0.key, value: try decryptStrings(in: $0.value, number: number, generation: generation, offset: offset), raw: $0.raw)
                })
        default: return object
        }
    }
}

/// RC4 (ARCFOUR), which PDF revisions 2–4 use; OpenSSL 3 keeps it in its legacy provider, so it is written here.
enum RC4 {
    static func apply(key: [UInt8], to data: [UInt8]) -> [UInt8] {
        guard !key.isEmpty else { return data }
        var s = [UInt8](0...255)
        var j = 0
        for i in 0..<256 {
            j = (j + Int(s[i]) + Int(key[i % key.count])) & 0xFF
            s.swapAt(i, j)
        }
        var out = data
        var (i, k) = (0, 0)
        for n in out.indices {
            i = (i + 1) & 0xFF
            k = (k + Int(s[i])) & 0xFF
            s.swapAt(i, k)
            out[n] ^= s[(Int(s[i]) + Int(s[k])) & 0xFF]
        }
        return out
    }
}
