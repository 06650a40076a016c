import Foundation
@testable import SigilContainers

extension Fixtures {
    /// The shared video clips (`../shared/media/video`).
    static let videoFolder = shared.appendingPathComponent("media/video")

    /// The shared clips whose names end with one of `suffixes`, sorted.
    /// Whether the shared video clips are here (`../shared/media/video`); tests that need them are skipped, visibly,
    /// without them.
    static var videoAvailable: Bool { FileManager.default.fileExists(atPath: videoFolder.appendingPathComponent("SOURCES.md").path) }

    static func videoFiles(_ suffixes: String...) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: videoFolder.path)) ?? []).filter { name in suffixes.contains { name.hasSuffix($0) } }
            .sorted()
    }

    static func video(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: videoFolder.appendingPathComponent(name)))
    }
}

extension Build {
    /// An ISO BMFF video file with major brand `brand` (`isom`, `qt  `): the M4A builder's layout under another brand.
    static func bmffVideo(brand: String = "isom", udta: [[UInt8]]? = nil, moovLast: Bool = false, free: Int? = nil, co64: Bool = false) -> [UInt8] {
        var bytes = m4a(udta: udta, moovLast: moovLast, free: free, co64: co64)
        bytes.replaceSubrange(8..<12, with: Array(brand.utf8))
        return bytes
    }
}

extension Build {
    /// The frames of the AVI builder's `movi` list.
    static let aviFrames: [[UInt8]] = (0..<3).map { frame in (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ frame) } }

    /// An AVI: `hdrl` (with an `indx` in its stream list when `openDML`), the `chunks`, `LIST movi` of three frames
    /// and an `idx1` whose offsets are relative to `movi` (absolute with `absoluteIndex`).
    static func avi(_ chunks: [[UInt8]] = [], openDML: Bool = false, absoluteIndex: Bool = false) -> [UInt8] {
        let strl = riffChunk(
            "LIST", Array("strl".utf8) + riffChunk("strh", [UInt8](repeating: 0, count: 56)) + (openDML ? riffChunk("indx", [0, 0, 0, 0]) : []))
        let hdrl = riffChunk("LIST", Array("hdrl".utf8) + riffChunk("avih", [UInt8](repeating: 0, count: 56)) + strl)
        let head = hdrl + chunks.flatMap { $0 }
        let moviStart = 12 + head.count
        var offsets: [Int] = []
        var frames: [UInt8] = []
        for frame in aviFrames {
            offsets.append(4 + frames.count)
            frames += riffChunk("00dc", frame)
        }
        let movi = riffChunk("LIST", Array("movi".utf8) + frames)
        let idx1 = riffChunk(
            "idx1",
            offsets.flatMap { offset in
                Array("00dc".utf8) + UInt32(16).littleEndianBytes(4) + UInt32(absoluteIndex ? moviStart + 8 + offset : offset).littleEndianBytes(4)
                    + UInt32(40).littleEndianBytes(4)
            })
        let body = Array("AVI ".utf8) + head + movi + idx1
        return Array("RIFF".utf8) + UInt32(body.count).littleEndianBytes(4) + body
    }
}
