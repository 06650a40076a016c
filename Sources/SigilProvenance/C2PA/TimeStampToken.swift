import Foundation
import SwiftASN1

/// The parts of an RFC 3161 TimeStampToken (CMS SignedData over a TSTInfo) that C2PA validation needs: the time
/// the TSA vouches for and the message imprint it covers. Sigil does not verify the TSA's own signature or chain
/// (the validator reports `timeStamp.untrusted` for that); it uses the time to judge the signer certificate's
/// validity, as the C2PA specification does when a timestamp is present.
public struct TimeStampToken: Sendable, Hashable {
    /// `genTime`.
    public var time: Date
    /// The hash algorithm of the message imprint (`sha256`, `sha384`, `sha512`, `sha1`), nil when unknown.
    public var imprintAlgorithm: String?
    /// The hashed message.
    public var imprint: [UInt8]

    static let oidSignedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
    static let oidTSTInfo: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 1, 4]

    /// Parses a DER (or BER) TimeStampToken.
    ///
    /// - Throws: ``C2PAFailure`` `timeStamp.malformed` naming what is missing.
    public init(der: [UInt8]) throws(C2PAFailure) {
        func malformed(_ why: String) -> C2PAFailure { C2PAFailure(.timeStampMalformed, "the time-stamp token \(why)") }
        func children(_ node: ASN1Node) -> [ASN1Node] {
            if case .constructed(let nodes) = node.content { return Array(nodes) }
            return []
        }
        do {
            var contentInfo = try BER.parse(der)
            // A TimeStampResp (status, token) is accepted as well as a bare token.
            if let first = children(contentInfo).first, first.identifier == .sequence, children(contentInfo).count >= 2 {
                contentInfo = children(contentInfo)[1]
            }
            let ci = children(contentInfo)
            guard ci.count >= 2, try ASN1ObjectIdentifier(derEncoded: ci[0]) == Self.oidSignedData else { throw malformed("is not CMS SignedData") }
            guard let signedData = children(ci[1]).first else { throw malformed("has an empty SignedData wrapper") }
            let sd = children(signedData)
            guard sd.count >= 3 else { throw malformed("has a short SignedData") }
            let encap = children(sd[2])
            guard encap.count >= 2, try ASN1ObjectIdentifier(derEncoded: encap[0]) == Self.oidTSTInfo else {
                throw malformed("does not hold a TSTInfo")
            }
            // eContent [0] EXPLICIT OCTET STRING (BER may split it into constructed chunks).
            var content: [UInt8] = []
            func collect(_ node: ASN1Node) {
                switch node.content {
                case .primitive(let bytes): content += bytes
                case .constructed(let nodes): for n in nodes { collect(n) }
                }
            }
            guard let octets = children(encap[1]).first else { throw malformed("has no eContent") }
            collect(octets)
            let tst = children(try BER.parse(content))
            guard tst.count >= 5 else { throw malformed("has a short TSTInfo") }
            let imprint = children(tst[2])
            guard imprint.count == 2, let algorithm = children(imprint[0]).first else { throw malformed("has no message imprint") }
            let oid = try ASN1ObjectIdentifier(derEncoded: algorithm).description
            imprintAlgorithm =
                [
                    "2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512",
                    "1.3.14.3.2.26": "sha1",
                ][oid]
            guard case .primitive(let hashed) = imprint[1].content else { throw malformed("has a constructed imprint") }
            self.imprint = Array(hashed)
            let generalized = try GeneralizedTime(derEncoded: tst[4])
            var components = DateComponents()
            components.year = generalized.year
            components.month = generalized.month
            components.day = generalized.day
            components.hour = generalized.hours
            components.minute = generalized.minutes
            components.second = generalized.seconds
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            guard let date = calendar.date(from: components) else { throw malformed("has an impossible genTime") }
            time = date
        } catch let failure as C2PAFailure {
            throw failure
        } catch {
            throw malformed("does not decode: \(error)")
        }
    }

    /// The tokens in a COSE header's `sigTst2` (v2) or `sigTst` (v1): `{"tstTokens": [{"val": bstr}]}`.
    static func tokens(in header: CBOR) -> (version: Int, tokens: [[UInt8]])? {
        for (key, version) in [("sigTst2", 2), ("sigTst", 1)] {
            guard let container = header[key] else { continue }
            let list = container["tstTokens"]?.arrayValue ?? []
            return (version, list.compactMap { $0["val"]?.bytesValue })
        }
        return nil
    }
}
