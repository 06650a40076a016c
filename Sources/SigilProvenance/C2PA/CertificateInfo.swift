import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// The fields of an X.509 certificate that C2PA validation reads, parsed leniently with SwiftASN1 so that
/// certificates swift-certificates declines (RSASSA-PSS keys, unusual curves) can still be judged and reported
/// the way c2pa-rs reports them.
public struct CertificateInfo: Sendable, Hashable {
    /// The whole certificate.
    public var der: [UInt8]
    /// The encoded TBSCertificate (what the issuer signed).
    public var tbs: [UInt8]
    /// 0 for v1, 2 for v3.
    public var version: Int
    public var serialNumber: [UInt8]
    /// The outer signature algorithm OID and its parameters (encoded).
    public var signatureAlgorithm: String
    public var signatureParameters: [UInt8]?
    public var signature: [UInt8]
    /// The encoded issuer and subject names (compared byte for byte when chaining).
    public var issuer: [UInt8]
    public var subject: [UInt8]
    public var issuerAttributes: [(oid: String, value: String)]
    public var subjectAttributes: [(oid: String, value: String)]
    public var notBefore: Date
    public var notAfter: Date
    /// The encoded SubjectPublicKeyInfo.
    public var subjectPublicKeyInfo: [UInt8]
    /// The key algorithm OID and, for EC keys, the curve OID.
    public var keyAlgorithm: String
    public var keyCurve: String?
    /// The subject public key bits.
    public var keyBits: [UInt8]
    /// Extensions by OID: criticality and the extnValue contents.
    public var extensions: [String: (critical: Bool, value: [UInt8])]

    public static func == (a: CertificateInfo, b: CertificateInfo) -> Bool { a.der == b.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    /// Parses a DER certificate.
    ///
    /// - Throws: ``SigilError`` `.keys` naming what does not decode.
    public init(der: [UInt8]) throws {
        do {
            let root = try DER.parse(der)
            let top = Self.children(root)
            guard top.count == 3 else { throw SigilError(.keys, "a certificate is a SEQUENCE of three items") }
            self.der = der
            tbs = Array(top[0].encodedBytes)
            (signatureAlgorithm, signatureParameters) = try Self.algorithm(top[1])
            signature = try Self.bitString(top[2])
            var fields = Self.children(top[0])
            version = 0
            if let first = fields.first, first.identifier.tagClass == .contextSpecific, first.identifier.tagNumber == 0 {
                version = try Int(derEncoded: Self.children(first).first ?? first)
                fields.removeFirst()
            }
            guard fields.count >= 6 else { throw SigilError(.keys, "the TBSCertificate is short") }
            if case .primitive(let bytes) = fields[0].content { serialNumber = Array(bytes) } else { serialNumber = [] }
            issuer = Array(fields[2].encodedBytes)
            subject = Array(fields[4].encodedBytes)
            issuerAttributes = Self.attributes(fields[2])
            subjectAttributes = Self.attributes(fields[4])
            let validity = Self.children(fields[3])
            guard validity.count == 2 else { throw SigilError(.keys, "the validity is not two times") }
            notBefore = try Self.time(validity[0])
            notAfter = try Self.time(validity[1])
            subjectPublicKeyInfo = Array(fields[5].encodedBytes)
            let spki = Self.children(fields[5])
            guard spki.count == 2 else { throw SigilError(.keys, "the SubjectPublicKeyInfo is not two items") }
            let keyAlg = Self.children(spki[0])
            guard let oid = keyAlg.first else { throw SigilError(.keys, "the key algorithm is empty") }
            keyAlgorithm = try ASN1ObjectIdentifier(derEncoded: oid).description
            keyCurve = keyAlg.count > 1 ? (try? ASN1ObjectIdentifier(derEncoded: keyAlg[1]))?.description : nil
            keyBits = try Self.bitString(spki[1])
            extensions = [:]
            for field in fields.dropFirst(6) where field.identifier.tagClass == .contextSpecific && field.identifier.tagNumber == 3 {
                guard let list = Self.children(field).first else { continue }
                for ext in Self.children(list) {
                    let parts = Self.children(ext)
                    guard parts.count >= 2, let id = try? ASN1ObjectIdentifier(derEncoded: parts[0]).description else { continue }
                    var critical = false
                    if parts.count == 3, let flag = try? Bool(derEncoded: parts[1]) { critical = flag }
                    guard case .primitive(let value) = parts[parts.count - 1].content else { continue }
                    extensions[id] = (critical, Array(value))
                }
            }
        } catch let error as SigilError {
            throw error
        } catch {
            throw SigilError(.keys, "the certificate does not decode: \(error)")
        }
    }

    // MARK: Derived fields

    /// The value of the first subject attribute with `oid` (2.5.4.3 CN, 2.5.4.10 O).
    public func subjectAttribute(_ oid: String) -> String? { subjectAttributes.first { $0.oid == oid }?.value }
    public func issuerAttribute(_ oid: String) -> String? { issuerAttributes.first { $0.oid == oid }?.value }
    public var commonName: String? { subjectAttribute("2.5.4.3") }
    public var organization: String? { subjectAttribute("2.5.4.10") }
    public var isSelfIssued: Bool { issuer == subject }

    /// The serial number as colon-separated hex.
    public var serialHex: String { serialNumber.drop { $0 == 0 }.map { String(format: "%02x", $0) }.joined(separator: ":") }

    /// Key usage bits (bit 0 = digitalSignature … bit 8 = decipherOnly), nil without the extension.
    public var keyUsage: Set<Int>? {
        guard let ext = extensions["2.5.29.15"], let node = try? DER.parse(ext.value), case .primitive(let bytes) = node.content, !bytes.isEmpty
        else { return nil }
        var bits: Set<Int> = []
        for (index, byte) in bytes.dropFirst().enumerated() {
            for bit in 0..<8 where byte & (0x80 >> bit) != 0 { bits.insert(index * 8 + bit) }
        }
        return bits
    }

    /// Extended key usage OIDs, nil without the extension.
    public var extendedKeyUsage: [String]? {
        guard let ext = extensions["2.5.29.37"], let node = try? DER.parse(ext.value) else { return nil }
        return Self.children(node).compactMap { try? ASN1ObjectIdentifier(derEncoded: $0).description }
    }

    /// Whether basicConstraints says cA=true.
    public var isCA: Bool {
        guard let ext = extensions["2.5.29.19"], let node = try? DER.parse(ext.value), let first = Self.children(node).first,
            first.identifier == .boolean, let value = try? Bool(derEncoded: first)
        else { return false }
        return value
    }

    public var hasAuthorityKeyIdentifier: Bool { extensions["2.5.29.35"] != nil }

    /// The key for verifying signatures, nil for key types Sigil does not verify (secp256k1, DSA, …).
    public var verificationKey: VerificationKey? {
        switch keyAlgorithm {
        case "1.2.840.10045.2.1":
            switch keyCurve {
            case "1.2.840.10045.3.1.7": return (try? P256.Signing.PublicKey(x963Representation: keyBits)).map(VerificationKey.p256)
            case "1.3.132.0.34": return (try? P384.Signing.PublicKey(x963Representation: keyBits)).map(VerificationKey.p384)
            case "1.3.132.0.35": return (try? P521.Signing.PublicKey(x963Representation: keyBits)).map(VerificationKey.p521)
            default: return nil
            }
        case "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10":
            guard let node = try? DER.parse(keyBits), case let parts = Self.children(node), parts.count == 2,
                case .primitive(let n) = parts[0].content, case .primitive(let e) = parts[1].content,
                let key = try? _RSA.Signing.PublicKey(n: Array(n.drop { $0 == 0 }), e: Array(e))
            else { return nil }
            return .rsa(key)
        case "1.3.101.112":
            return (try? Curve25519.Signing.PublicKey(rawRepresentation: keyBits)).map(VerificationKey.ed25519)
        default:
            return nil
        }
    }

    /// A short description of the key: `P-256`, `RSA-2048`, `Ed25519`, or the OIDs.
    public var keyDescription: String {
        switch verificationKey {
        case .p256: "P-256"
        case .p384: "P-384"
        case .p521: "P-521"
        case .rsa(let key): "RSA-\(key.keySizeInBits)"
        case .ed25519: "Ed25519"
        case nil: "\(keyAlgorithm)\(keyCurve.map { "/" + $0 } ?? "")"
        }
    }

    /// Whether `issuer` signed this certificate.
    public func isSigned(by issuer: CertificateInfo) -> Bool {
        guard self.issuer == issuer.subject, let key = issuer.verificationKey else { return false }
        return key.verifyCertificateSignature(signature, over: tbs, algorithm: signatureAlgorithm, parameters: signatureParameters)
    }

    // MARK: ASN.1 helpers

    static func children(_ node: ASN1Node) -> [ASN1Node] {
        if case .constructed(let nodes) = node.content { return Array(nodes) }
        return []
    }

    static func algorithm(_ node: ASN1Node) throws -> (String, [UInt8]?) {
        let parts = children(node)
        guard let oid = parts.first else { throw SigilError(.keys, "an AlgorithmIdentifier is empty") }
        return (try ASN1ObjectIdentifier(derEncoded: oid).description, parts.count > 1 ? Array(parts[1].encodedBytes) : nil)
    }

    static func bitString(_ node: ASN1Node) throws -> [UInt8] {
        guard case .primitive(let bytes) = node.content, !bytes.isEmpty else { throw SigilError(.keys, "a BIT STRING is empty") }
        return Array(bytes.dropFirst())
    }

    static func time(_ node: ASN1Node) throws -> Date {
        var components = DateComponents()
        if node.identifier == .utcTime {
            let t = try UTCTime(derEncoded: node)
            (components.year, components.month, components.day, components.hour, components.minute, components.second) = (
                t.year, t.month, t.day, t.hours, t.minutes, t.seconds
            )
        } else {
            let t = try GeneralizedTime(derEncoded: node)
            (components.year, components.month, components.day, components.hour, components.minute, components.second) = (
                t.year, t.month, t.day, t.hours, t.minutes, t.seconds
            )
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { throw SigilError(.keys, "a certificate time is impossible") }
        return date
    }

    static func attributes(_ name: ASN1Node) -> [(oid: String, value: String)] {
        var out: [(String, String)] = []
        for rdn in children(name) {
            for attribute in children(rdn) {
                let parts = children(attribute)
                guard parts.count == 2, let oid = try? ASN1ObjectIdentifier(derEncoded: parts[0]).description,
                    case .primitive(let bytes) = parts[1].content
                else { continue }
                if parts[1].identifier.tagNumber == 30 { // BMPString: UTF-16BE
                    let units = stride(from: bytes.startIndex, to: bytes.endIndex - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
                    out.append((oid, String(decoding: units, as: UTF16.self)))
                } else {
                    out.append((oid, String(decoding: bytes, as: UTF8.self)))
                }
            }
        }
        return out
    }
}

/// A public key Sigil verifies signatures with.
public enum VerificationKey: Sendable {
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)
    case p521(P521.Signing.PublicKey)
    case rsa(_RSA.Signing.PublicKey)
    case ed25519(Curve25519.Signing.PublicKey)

    /// Verifies an X.509 certificate signature (DER ECDSA, PKCS#1 v1.5, RSASSA-PSS, Ed25519).
    func verifyCertificateSignature(_ signature: [UInt8], over tbs: [UInt8], algorithm: String, parameters: [UInt8]?) -> Bool {
        switch (self, algorithm) {
        case (.p256(let k), "1.2.840.10045.4.3.2"), (.p256(let k), "1.2.840.10045.4.3.3"), (.p256(let k), "1.2.840.10045.4.3.4"):
            guard let s = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return k.isValidSignature(s, for: Self.digest(tbs, ecdsa: algorithm))
        case (.p384(let k), "1.2.840.10045.4.3.2"), (.p384(let k), "1.2.840.10045.4.3.3"), (.p384(let k), "1.2.840.10045.4.3.4"):
            guard let s = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return k.isValidSignature(s, for: Self.digest(tbs, ecdsa: algorithm))
        case (.p521(let k), "1.2.840.10045.4.3.2"), (.p521(let k), "1.2.840.10045.4.3.3"), (.p521(let k), "1.2.840.10045.4.3.4"):
            guard let s = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return k.isValidSignature(s, for: Self.digest(tbs, ecdsa: algorithm))
        case (.rsa(let k), "1.2.840.113549.1.1.11"):
            return k.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: tbs), padding: .insecurePKCS1v1_5)
        case (.rsa(let k), "1.2.840.113549.1.1.12"):
            return k.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA384.hash(data: tbs), padding: .insecurePKCS1v1_5)
        case (.rsa(let k), "1.2.840.113549.1.1.13"):
            return k.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA512.hash(data: tbs), padding: .insecurePKCS1v1_5)
        case (.rsa(let k), "1.2.840.113549.1.1.10"):
            let s = _RSA.Signing.RSASignature(rawRepresentation: signature)
            // The PSS hash is in the parameters; try the three C2PA allows.
            return k.isValidSignature(s, for: SHA256.hash(data: tbs), padding: .PSS)
                || k.isValidSignature(s, for: SHA384.hash(data: tbs), padding: .PSS)
                || k.isValidSignature(s, for: SHA512.hash(data: tbs), padding: .PSS)
        case (.ed25519(let k), "1.3.101.112"):
            return k.isValidSignature(signature, for: tbs)
        default:
            return false
        }
    }

    static func digest(_ data: [UInt8], ecdsa algorithm: String) -> any Digest {
        switch algorithm {
        case "1.2.840.10045.4.3.3": SHA384.hash(data: data)
        case "1.2.840.10045.4.3.4": SHA512.hash(data: data)
        default: SHA256.hash(data: data)
        }
    }
}
