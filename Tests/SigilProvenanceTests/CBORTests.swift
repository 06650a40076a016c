import Testing
import SigilTestSupport
@testable import SigilProvenance

@Suite struct CBORTests {
    /// RFC 8949 Appendix A examples: encoding is deterministic, decoding gives the value back.
    @Test(arguments: [
        (CBOR.int(0), "00"), (.int(23), "17"), (.int(24), "1818"), (.int(1000), "1903e8"), (.int(1_000_000), "1a000f4240"),
        (.unsigned(18_446_744_073_709_551_615), "1bffffffffffffffff"), (.int(-1), "20"), (.int(-1000), "3903e7"),
        (.bytes([1, 2, 3, 4]), "4401020304"), (.text("IETF"), "6449455446"), (.text("\u{00fc}"), "62c3bc"),
        (.array([.int(1), .array([.int(2), .int(3)])]), "8201820203"), (.map([.init(.int(1), .int(2)), .init(.int(3), .int(4))]), "a201020304"),
        (.tagged(0, .text("2013-03-21T20:04:00Z")), "c074323031332d30332d32315432303a30343a30305a"),
        (.bool(false), "f4"), (.bool(true), "f5"), (.null, "f6"), (.undefined, "f7"),
    ])
    func appendixA(value: CBOR, hex: String) throws {
        #expect(value.encoded() == Self.bytes(hex))
        #expect(try CBOR.decode(Self.bytes(hex)) == value)
    }

    @Test func decodesIndefiniteLengthsAndFloats() throws {
        #expect(try CBOR.decode(Self.bytes("9f018202039f0405ffff")) == .array([.int(1), .array([.int(2), .int(3)]), .array([.int(4), .int(5)])]))
        #expect(try CBOR.decode(Self.bytes("5f42010243030405ff")) == .bytes([1, 2, 3, 4, 5]))
        #expect(try CBOR.decode(Self.bytes("bf6346756ef563416d7421ff"))["Fun"] == .bool(true))
        #expect(try CBOR.decode(Self.bytes("f93c00")) == .float(1.0))
        #expect(try CBOR.decode(Self.bytes("fa47c35000")) == .float(100_000.0))
        #expect(try CBOR.decode(Self.bytes("fb3ff199999999999a")) == .float(1.1))
    }

    @Test func mapsKeepTheirOrder() throws {
        let value: CBOR = .map([.init("z", 1), .init("a", 2)])
        let back = try CBOR.decode(value.encoded())
        #expect(back.mapValue?.map(\.key) == [.text("z"), .text("a")])
    }

    /// Hostile input ends in a `.cbor` error naming the offset — never a trap, a huge allocation or a hang.
    @Test(arguments: [
        "", "18", "19ff", "5a7fffffff", "7a7fffffff00", "9b7fffffffffffffff", "bb7fffffffffffffff", "9f", "5f", "5f01ff",
        "c0", "ff", "1c", "62c3", "62ffff", "f818", "a1", "0001",
    ])
    func hostileInputThrows(hex: String) {
        #expect(throws: SigilError.self) { try CBOR.decode(Self.bytes(hex)) }
    }

    @Test func nestingIsBounded() {
        let deep = [UInt8](repeating: 0x81, count: 10_000) + [0x00]
        #expect(throws: SigilError.self) { try CBOR.decode(deep) }
        let tags = [UInt8](repeating: 0xC6, count: 10_000) + [0x00]
        #expect(throws: SigilError.self) { try CBOR.decode(tags) }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 0xC0FFEE)
        for length in 0..<2000 {
            let bytes = (0..<(length % 64)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? CBOR.decode(bytes)
        }
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }
}
