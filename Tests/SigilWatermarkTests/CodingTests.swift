import Foundation
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

    /// The correlation metric the Viterbi decoders maximise.
    static func metric(_ bits: [UInt8], _ soft: [Float]) -> Float {
        zip(ConvolutionalCode.encode(bits), soft).reduce(0) { $0 + ($1.0 == 1 ? $1.1 : -$1.1) }
    }

    @Test("list Viterbi returns exactly the best sequences, in order (checked by exhaustive search)")
    func listMatchesExhaustiveSearch() {
        var rng = KeyedGenerator(seed: 3)
        let infoBits = 10
        for _ in 0..<5 {
            let soft = (0..<ConvolutionalCode.codedLength(infoBits: infoBits)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 1000 }
            let all = (0..<(1 << infoBits)).map { value in (0..<infoBits).map { UInt8((value >> $0) & 1) } }
            let ranked = all.map { ($0, Self.metric($0, soft)) }.sorted { $0.1 > $1.1 }
            let list = ConvolutionalCode.decodeList(soft, infoBits: infoBits, listSize: 8)
            #expect(list.count == 8)
            #expect(Set(list).count == 8)
            // The single-path decoder finds a path of the same (best) metric.
            #expect(abs(Self.metric(ConvolutionalCode.decode(soft, infoBits: infoBits), soft) - ranked[0].1) < 1e-3)
            for (rank, bits) in list.enumerated() {
                #expect(abs(Self.metric(bits, soft) - ranked[rank].1) < 1e-3, "rank \(rank)")
            }
        }
    }

    @Test("checking a list against the tag recovers messages the single best path gets wrong")
    func listRescuesNoisyMessages() {
        let codec = MessageCodec(tagKey: WatermarkTestSupport.key.derive("tag"))
        var rng = KeyedGenerator(seed: 11)
        func gaussian() -> Float {
            let u = Double(rng.next() >> 11 | 1) / Double(1 << 53)
            let v = Double(rng.next() >> 11) / Double(1 << 53)
            return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
        }
        var single = 0
        var listed = 0
        var wrong = 0
        for trial in 0..<150 {
            let payload = UInt64(trial) &* 0x9E37_79B9_7F4A_7C15
            let soft = codec.encode(payload: payload).map { Float($0 == 1 ? 1 : -1) + 0.95 * gaussian() }
            let one = codec.decode(soft: soft)
            let many = codec.decode(soft: soft, listSize: 16)
            if one.tagValid && one.payload == payload { single += 1 }
            if many.tagValid && many.payload == payload { listed += 1 }
            if many.tagValid && many.payload != payload { wrong += 1 }
        }
        #expect(listed > single)
        #expect(wrong == 0)
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
            if codec.decode(soft: noise, listSize: 16).tagValid { accepted += 1 }
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
