import Crypto
import Testing
import SigilTestSupport
@testable import SigilProvenance

@Suite struct JUMBFTests {
    @Test func buildsAndParsesNestedSuperboxes() throws {
        let assertion = JUMBFBuilder.cborAssertion(label: "c2pa.actions.v2", .map([.init("actions", .array([]))]))
        let store = JUMBFBuilder.superbox(
            type: JUMBFType.uuid("c2pa"), label: "c2pa",
            children: [
                JUMBFBuilder.superbox(
                    type: JUMBFType.uuid("c2ma"), label: "urn:c2pa:test",
                    children: [
                        JUMBFBuilder.superbox(type: JUMBFType.uuid("c2as"), label: "c2pa.assertions", children: [assertion])
                    ])
            ])
        let root = try JUMBFSuperbox.parse(store)
        #expect(root.typeCode == "c2pa")
        #expect(root.label == "c2pa")
        #expect(root.toggles == 0x03)
        let manifest = try #require(root.superboxes.first)
        #expect(manifest.label == "urn:c2pa:test")
        let assertions = try #require(manifest.child(labeled: "c2pa.assertions"))
        let box = try #require(assertions.child(labeled: "c2pa.actions.v2"))
        #expect(box.typeCode == "cbor")
        #expect(box.contentBoxes.first?.type == "cbor")
        // The hashed-URI range is the superbox without its 8-byte header.
        #expect(box.contentRange.count == box.box.range.count - 8)
    }

    @Test func parsesSaltedDescriptions() throws {
        let salted = JUMBFBuilder.box(
            "jumb",
            JUMBFBuilder.description(type: JUMBFType.uuid("cbor"), label: "x", salt: [UInt8](repeating: 7, count: 16))
                + JUMBFBuilder.box("cbor", [0xA0]))
        let box = try JUMBFSuperbox.parse(salted)
        #expect(box.toggles == 0x13)
        #expect(box.privateBox?.type == "c2sh")
        #expect(box.contentBoxes.count == 1)
    }

    /// Lengths that lie, missing descriptions, unterminated labels, deep nesting: errors, never traps.
    @Test func hostileBoxesThrow() {
        let good = JUMBFBuilder.superbox(type: JUMBFType.uuid("c2pa"), label: "c2pa", children: [JUMBFBuilder.box("cbor", [0xA0])])
        var cases: [[UInt8]] = [[], [0, 0, 0, 8], Array(good.prefix(20))]
        var lying = good
        lying[3] = 0xFF
        cases.append(lying)
        var tiny = good
        tiny[0...3] = [0, 0, 0, 4]
        cases.append(tiny)
        cases.append(JUMBFBuilder.box("jumb", JUMBFBuilder.box("cbor", [0])))
        cases.append(JUMBFBuilder.box("jumb", JUMBFBuilder.box("jumd", JUMBFType.uuid("c2pa") + [0x03] + Array("no-nul".utf8))))
        var deep = JUMBFBuilder.box("cbor", [0])
        for _ in 0..<40 { deep = JUMBFBuilder.superbox(type: JUMBFType.uuid("c2pa"), label: "d", children: [deep]) }
        cases.append(deep)
        for bytes in cases {
            #expect(throws: SigilError.self) { try JUMBFSuperbox.parse(bytes) }
        }
    }

    @Test func randomMutationsNeverCrash() {
        let good = JUMBFBuilder.superbox(
            type: JUMBFType.uuid("c2pa"), label: "c2pa",
            children: [
                JUMBFBuilder.superbox(type: JUMBFType.uuid("c2ma"), label: "m", children: [JUMBFBuilder.box("cbor", [0xA1, 0x61, 0x61, 0x01])])
            ])
        var generator = SplitMix64(seed: 42)
        for _ in 0..<3000 {
            var bytes = good
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            _ = try? JUMBFSuperbox.parse(bytes)
            _ = try? ManifestStore(bytes: bytes)
        }
    }
}

@Suite struct COSETests {
    @Test func signedStructureRoundTripsAndVerifies() throws {
        let key = P256.Signing.PrivateKey()
        let protectedBytes = CBOR.map([.init(.int(1), .int(-7))]).encoded()
        let payload: [UInt8] = Array("claim".utf8)
        let tbs = COSESign1.toBeSigned(protectedBytes: protectedBytes, payload: payload)
        #expect(tbs.prefix(1) == [0x84])
        let signature = Array(try key.signature(for: tbs).rawRepresentation)
        let message = COSESign1(
            protectedBytes: protectedBytes, protected: try CBOR.decode(protectedBytes), unprotected: .map([]), payload: nil, signature: signature)
        let parsed = try COSESign1.parse(message.encoded())
        #expect(parsed.algorithmIdentifier == -7)
        #expect(parsed.payload == nil)
        #expect(parsed.signature.count == 64)
        let raw = try P256.Signing.ECDSASignature(rawRepresentation: parsed.signature)
        #expect(key.publicKey.isValidSignature(raw, for: tbs))
    }

    @Test func untaggedOrMalformedIsRefused() {
        let body = CBOR.array([.bytes([0xA0]), .map([]), .null, .bytes([1])])
        #expect(throws: SigilError.self) { try COSESign1.parse(body.encoded()) }
        #expect(throws: SigilError.self) { try COSESign1.parse(CBOR.tagged(18, .array([.int(1)])).encoded()) }
        #expect(throws: SigilError.self) { try COSESign1.parse(CBOR.tagged(98, body).encoded()) }
    }
}
