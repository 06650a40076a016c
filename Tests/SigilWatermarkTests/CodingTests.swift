import Testing
@testable import SigilWatermark

@Suite("Coding: convolutional code and keyed message")
struct CodingTests {
    @Test("encode then decode clean soft values round-trips")
    func roundTrip() {
        var rng = KeyedGenerator(seed: 42)
        let bits = (0..<88).map { _ in UInt8(rng.next() & 1) }
        let coded = ConvolutionalCode.encode(bits)
        #expect(coded.count == ConvolutionalCode.codedLength(infoBits: 88))
        let soft = coded.map { Float($0 == 1 ? 1 : -1) }
        #expect(ConvolutionalCode.decode(soft, infoBits: 88) == bits)
    }

    @Test("Viterbi corrects scattered hard errors")
    func correctsErrors() {
        var rng = KeyedGenerator(seed: 7)
        let bits = (0..<88).map { _ in UInt8(rng.next() & 1) }
        var soft = ConvolutionalCode.encode(bits).map { Float($0 == 1 ? 1 : -1) }
        // Flip one coded bit in every 12 (≈ 8 % errors, spread out).
        for i in stride(from: 5, to: soft.count, by: 12) { soft[i] = -soft[i] }
        #expect(ConvolutionalCode.decode(soft, infoBits: 88) == bits)
    }

    @Test("message tag rejects another key and random soft values")
    func tagRejects() {
        let codec = MessageCodec(tagKey: WatermarkTestSupport.key.derive("tag"))
        let other = MessageCodec(tagKey: WatermarkTestSupport.otherKey.derive("tag"))
        let payload: UInt64 = 0xDEAD_BEEF_0123_4567
        let soft = codec.encode(payload: payload).map { Float($0 == 1 ? 1 : -1) }
        let good = codec.decode(soft: soft)
        #expect(good.tagValid && good.payload == payload)
        #expect(!other.decode(soft: soft).tagValid)
        var rng = KeyedGenerator(seed: 99)
        var accepted = 0
        for _ in 0..<200 {
            let noise = (0..<MessageCodec.codedBits).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 }
            if codec.decode(soft: noise).tagValid { accepted += 1 }
        }
        #expect(accepted == 0)
    }

    @Test("payload hex parsing and ProduceID derivation")
    func payloadHelpers() throws {
        #expect(try Watermarker.parseHex("0x00ff") == 255)
        #expect(Watermarker.hex(255) == "00000000000000ff")
        #expect(throws: SigilError.self) { try Watermarker.parseHex("xyz") }
        #expect(throws: SigilError.self) { try Watermarker.parseHex("11112222333344445") }
        let key = WatermarkTestSupport.key
        #expect(key.payload(forProduceID: "a") == key.payload(forProduceID: "a"))
        #expect(key.payload(forProduceID: "a") != key.payload(forProduceID: "b"))
        #expect(key.payload(forProduceID: "a") != WatermarkTestSupport.otherKey.payload(forProduceID: "a"))
        #expect(throws: SigilError.self) { try WatermarkKey(bytes: [1, 2, 3]) }
    }
}
