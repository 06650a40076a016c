/// A reference to a JUMBF box with the hash of its contents (C2PA `hashed-uri-map`).
public struct HashedURI: Sendable, Hashable {
    public var url: String
    public var alg: String?
    public var hash: [UInt8]

    public init(url: String, alg: String? = nil, hash: [UInt8]) {
        self.url = url
        self.alg = alg
        self.hash = hash
    }

    init?(_ item: CBOR) {
        guard let url = item["url"]?.textValue, let hash = item["hash"]?.bytesValue else { return nil }
        self.init(url: url, alg: item["alg"]?.textValue, hash: hash)
    }

    var cbor: CBOR {
        var pairs: [CBOR.Pair] = [.init("url", .text(url))]
        if let alg { pairs.append(.init("alg", .text(alg))) }
        pairs.append(.init("hash", .bytes(hash)))
        return .map(pairs)
    }

    /// The assertion label at the end of the URL (`c2pa.hash.data` of `self#jumbf=c2pa.assertions/c2pa.hash.data`).
    public var assertionLabel: String { String(url.split(separator: "/").last ?? "") }
}

/// A C2PA claim (v1 `c2pa.claim` or v2 `c2pa.claim.v2`), decoded from the bytes that were signed.
public struct Claim: Sendable {
    /// The CBOR bytes as stored (what the signature covers).
    public var bytes: [UInt8]
    public var value: CBOR
    /// 1 or 2: v2 when the claim has `created_assertions`.
    public var version: Int
    public var instanceID: String?
    /// The claim generator, `name/version` (v2 `claim_generator_info`, v1 `claim_generator`).
    public var generator: String?
    /// The `claim_generator_info` entries.
    public var generatorInfo: [CBOR]
    /// The signature reference.
    public var signatureURI: String
    /// v2 `created_assertions`.
    public var created: [HashedURI]
    /// v2 `gathered_assertions`.
    public var gathered: [HashedURI]
    /// v1 `assertions`.
    public var v1Assertions: [HashedURI]
    /// The claim's default hash algorithm.
    public var alg: String?
    public var title: String?

    /// Every referenced assertion, created then gathered (v2), or the v1 list.
    public var assertions: [HashedURI] { version == 2 ? created + gathered : v1Assertions }

    /// Decodes a claim.
    ///
    /// - Throws: ``C2PAFailure`` `claim.cbor.invalid` when the bytes are not CBOR, `claim.malformed` when a
    ///   required field is missing or of the wrong type.
    public init(bytes: [UInt8]) throws(C2PAFailure) {
        let value: CBOR
        do {
            value = try CBOR.decode(bytes)
        } catch {
            throw C2PAFailure(.claimCBORInvalid, "the claim is not valid CBOR: \(error)")
        }
        guard value.mapValue != nil else { throw C2PAFailure(.claimMalformed, "the claim is not a CBOR map") }
        self.bytes = bytes
        self.value = value
        func uris(_ key: String) throws(C2PAFailure) -> [HashedURI] {
            guard let item = value[key] else { return [] }
            guard let array = item.arrayValue else { throw C2PAFailure(.claimMalformed, "the claim's \(key) is not an array") }
            var out: [HashedURI] = []
            for element in array {
                guard let uri = HashedURI(element) else {
                    throw C2PAFailure(.claimMalformed, "the claim's \(key) holds an entry without url and hash")
                }
                out.append(uri)
            }
            return out
        }
        created = try uris("created_assertions")
        gathered = try uris("gathered_assertions")
        v1Assertions = try uris("assertions")
        version = value["created_assertions"] != nil ? 2 : 1
        instanceID = value["instanceID"]?.textValue
        alg = value["alg"]?.textValue
        title = value["dc:title"]?.textValue
        guard let signature = value["signature"]?.textValue else { throw C2PAFailure(.claimMalformed, "the claim has no signature reference") }
        signatureURI = signature
        guard instanceID != nil else { throw C2PAFailure(.claimMalformed, "the claim has no instanceID") }
        if version == 2 {
            var infos: [CBOR] = []
            if let info = value["claim_generator_info"] {
                infos = info.arrayValue ?? [info]
            }
            guard let first = infos.first, first.mapValue != nil, let name = first["name"]?.textValue else {
                throw C2PAFailure(.claimMalformed, "claim_generator_info is missing or has no name")
            }
            generatorInfo = infos
            generator = [name, first["version"]?.textValue].compactMap { $0 }.joined(separator: "/")
        } else {
            guard let g = value["claim_generator"]?.textValue else { throw C2PAFailure(.claimMalformed, "the v1 claim has no claim_generator") }
            generator = g
            generatorInfo = value["claim_generator_info"]?.arrayValue ?? []
            guard value["assertions"] != nil else { throw C2PAFailure(.claimMalformed, "the v1 claim has no assertions list") }
        }
    }
}
