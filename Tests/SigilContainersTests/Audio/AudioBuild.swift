import Foundation
import Testing
@testable import SigilContainers

extension Fixtures {
    /// The shared audio-format corpus (`media/audio-formats`).
    static let audioFormats = shared.appendingPathComponent("media/audio-formats")
    static var audioFormatsAvailable: Bool { FileManager.default.fileExists(atPath: audioFormats.appendingPathComponent("MANIFEST.json").path) }

    /// The corpus files whose names end with `suffix`.
    static func audioFiles(_ suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: audioFormats.path)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
    }

    static func audio(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: audioFormats.appendingPathComponent(name)))
    }
}

extension Build {
    // MARK: FLAC

    /// A FLAC metadata block.
    static func flacBlock(_ type: UInt8, _ data: [UInt8], last: Bool = false) -> [UInt8] {
        [type | (last ? 0x80 : 0)] + UInt32(data.count).bigEndianBytes(3) + data
    }

    /// A Vorbis comment list.
    static func vorbisComment(vendor: String = "test", _ comments: [String]) -> [UInt8] {
        var out = UInt32(vendor.utf8.count).littleEndianBytes(4) + Array(vendor.utf8) + UInt32(comments.count).littleEndianBytes(4)
        for c in comments { out += UInt32(c.utf8.count).littleEndianBytes(4) + Array(c.utf8) }
        return out
    }

    /// Fake FLAC frames: a frame sync code and some bytes.
    static let flacFrames: [UInt8] = [0xFF, 0xF8, 0x69, 0x08] + (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 29) }

    /// A FLAC file: STREAMINFO, then `blocks` (type, data), then fake frames.
    static func flac(_ blocks: [(UInt8, [UInt8])], frames: [UInt8] = flacFrames) -> [UInt8] {
        var out = Array("fLaC".utf8) + flacBlock(0, [UInt8](repeating: 0x11, count: 34), last: blocks.isEmpty)
        for (index, block) in blocks.enumerated() { out += flacBlock(block.0, block.1, last: index == blocks.count - 1) }
        return out + frames
    }
}

