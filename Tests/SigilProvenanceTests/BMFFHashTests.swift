import Crypto
import Foundation
import Testing

@testable import SigilContainers
@testable import SigilProvenance

/// The BMFF hash's exclusion arithmetic on values a manifest controls: offsets and lengths near `Int.max` exclude
/// nothing instead of trapping, and the digest's walk over the excluded ranges equals the plain definition (every
/// top-level box not covered whole by one range: its offset, then its bytes outside every range) for any ranges, as
/// many as the boxes.
@Suite struct BMFFHashTests {
    /// `count` top-level `free` boxes of sizes 8…`8 + spread` (deterministic), and their tree.
    static func boxes(_ count: Int, spread: Int, seed: UInt64) throws -> ([UInt8], [BMFFBox]) {
        var generator = SeededGenerator(seed: seed)
        var asset: [UInt8] = []
        for _ in 0..<count {
            let size = 8 + Int.random(in: 0...spread, using: &generator)
            asset += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)] + Array("free".utf8)
            asset += (0..<(size - 8)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        return (asset, try BMFFWalker.tree(asset))
    }

    /// The definition, written the slow way.
    static func reference(_ asset: [UInt8], _ nodes: [BMFFBox], _ excluded: [Range<Int>], withOffsets: Bool) -> [UInt8] {
        var hasher = SHA256()
        for top in nodes where top.depth == 0 {
            if excluded.contains(where: { $0.lowerBound <= top.range.lowerBound && $0.upperBound >= top.range.upperBound }) { continue }
            if withOffsets { hasher.update(data: UInt64(top.range.lowerBound).bigEndianArray) }
            let kept = top.range.filter { at in !excluded.contains { $0.contains(at) } }.map { asset[$0] }
            hasher.update(data: kept)
        }
        return Array(hasher.finalize())
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func theWalkEqualsTheDefinition(seed: Int) throws {
        let (asset, nodes) = try Self.boxes(40, spread: 60, seed: UInt64(seed))
        var generator = SeededGenerator(seed: UInt64(seed) &* 7919)
        // Ranges of every kind: inside one box, across boxes, covering boxes whole, empty, overlapping, duplicated.
        var excluded: [Range<Int>] = []
        for _ in 0..<Int.random(in: 0...60, using: &generator) {
            let start = Int.random(in: 0...asset.count, using: &generator)
            let length = [0, 1, 5, 40, 200].randomElement(using: &generator)!
            excluded.append(start..<min(asset.count, start + length))
        }
        excluded += nodes.filter { _ in Bool.random(using: &generator) && Bool.random(using: &generator) }.map(\.range)
        excluded.sort { $0.lowerBound < $1.lowerBound }
        for withOffsets in [false, true] {
            #expect(
                BMFFHash.digest(SHA256.self, asset, nodes, excluded, withOffsets) == Self.reference(asset, nodes, excluded, withOffsets: withOffsets),
                "seed \(seed), offsets \(withOffsets), \(excluded.count) ranges")
        }
    }

    @Test func offsetsAndLengthsNearIntMaxExcludeNothingAndDoNotTrap() throws {
        let (asset, nodes) = try Self.boxes(3, spread: 20, seed: 11)
        let box = try #require(nodes.last)
        let data: CBOR = .map([
            .init("xpath", "/free"), .init("data", .array([.map([.init("offset", .int(Int.max)), .init("value", .bytes([1]))])])),
        ])
        #expect(!BMFFHash.matches(data, box, in: asset))
        let subset: CBOR = .map([
            .init("xpath", "/free"),
            .init("subset", .array([.map([.init("offset", .int(Int.max)), .init("length", .int(Int.max))])])),
        ])
        let ranges = BMFFHash.excludedRanges([subset], nodes: nodes, in: asset)
        #expect(ranges.allSatisfy { $0.isEmpty }, "\(ranges)")
        let tail: CBOR = .map([
            .init("xpath", "/free"), .init("subset", .array([.map([.init("offset", .int(4)), .init("length", .int(Int.max))])])),
        ])
        #expect(BMFFHash.excludedRanges([tail], nodes: nodes, in: asset).map(\.upperBound) == nodes.map(\.range.upperBound))
    }

    /// A deterministic generator (SplitMix64), so a failing case is reproducible from its seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
