/// Joins whole MPEG Layer III frames to the start and/or the end of an MP3's audio without touching its frames: the
/// audible rhythm label encoded on its own (GB 45438 5.3) goes in this way, so the original audio is never encoded
/// again (decision 0024). The file's Xing/Info header (frame and byte counts; the LAME tag's music length, music
/// CRC and tag CRC) or VBRI header is brought up to date; ID3v2 at the start and APEv2/ID3v1 at the end stay put.
///
/// A frame's `main_data_begin` can point back into the frames before it (the bit reservoir); the first frame of a
/// stream never does, so frames joined at the start or after the last frame decode as they did alone. Joining in
/// the middle would break that, so this type does not offer it.
public enum MP3FrameSplice {
    /// What to join where.
    public struct Insertion: Sendable {
        /// Raw MPEG frames (no tags), at the source's MPEG version, sample rate and channel count.
        public var frames: [UInt8]
        public var atStart: Bool
        public var atEnd: Bool

        public init(frames: [UInt8], atStart: Bool, atEnd: Bool) {
            self.frames = frames
            self.atStart = atStart
            self.atEnd = atEnd
        }
    }

    /// `mp3` with the insertion's frames joined.
    ///
    /// - Throws: ``SigilError`` `.malformed` when `mp3` has no MPEG frame where its audio starts, or the inserted
    ///   bytes are not whole Layer III frames of the same version, rate and channel count.
    public static func insert(_ insertion: Insertion, into mp3: [UInt8]) throws -> [UInt8] {
        let structure = try MP3Structure(MemoryByteSource(mp3))
        let audio = structure.audio
        guard let first = MPEGAudioFrameHeader(mp3, at: audio.lowerBound) else {
            throw SigilError.malformed("MP3 audio", at: audio.lowerBound, "does not start with a Layer III frame header")
        }
        let added = try frameCount(insertion.frames, matching: first)
        let header = InfoHeader(mp3, frameAt: audio.lowerBound, first)
        let start = header == nil ? audio.lowerBound : audio.lowerBound + first.length
        guard start <= audio.upperBound else { throw SigilError.malformed("MP3 header frame", at: audio.lowerBound, "runs past the audio") }
        var out = Array(mp3[..<start])
        out.reserveCapacity(mp3.count + 2 * insertion.frames.count)
        if insertion.atStart { out += insertion.frames }
        out += mp3[start..<audio.upperBound]
        if insertion.atEnd { out += insertion.frames }
        let audioEnd = out.count
        out += mp3[audio.upperBound...]
        let copies = (insertion.atStart ? 1 : 0) + (insertion.atEnd ? 1 : 0)
        header?.update(&out, frameAt: audio.lowerBound, addedFrames: added * copies, addedBytes: insertion.frames.count * copies, audioEnd: audioEnd)
        return out
    }

    /// How many frames `bytes` holds, each checked against `reference`.
    static func frameCount(_ bytes: [UInt8], matching reference: MPEGAudioFrameHeader) throws -> Int {
        var at = 0
        var count = 0
        while at < bytes.count {
            guard let frame = MPEGAudioFrameHeader(bytes, at: at) else {
                throw SigilError.malformed("inserted MPEG frames", at: at, "hold no Layer III frame header here")
            }
            guard frame.version == reference.version, frame.sampleRate == reference.sampleRate, frame.channels == reference.channels else {
                throw SigilError.malformed(
                    "inserted MPEG frames", at: at,
                    "are \(frame.sampleRate) Hz, \(frame.channels) channel(s); the file is \(reference.sampleRate) Hz, \(reference.channels)")
            }
            guard at + frame.length <= bytes.count else {
                throw SigilError.truncated("inserted MPEG frame", at: at, needs: frame.length, remaining: bytes.count - at)
            }
            at += frame.length
            count += 1
        }
        return count
    }

    /// A Xing/Info or VBRI header in the first frame, and where its fields are (offsets from the frame's start).
    struct InfoHeader {
        enum Kind { case xing, vbri }
        var kind: Kind
        var frames: Int?
        var bytes: Int?
        /// The LAME tag (36 bytes after the Xing fields), when its CRC checks out as written.
        var lameTag: Int?

        init?(_ data: [UInt8], frameAt f: Int, _ header: MPEGAudioFrameHeader) {
            let xing = f + 4 + (header.protected ? 2 : 0) + header.sideInfoLength
            if xing + 8 <= data.count, data.matches(ascii: "Xing", at: xing) || data.matches(ascii: "Info", at: xing) {
                kind = .xing
                let flags = data.u32be(xing + 4)
                var at = xing + 8
                // A count is used only when it lies inside the header's own frame: rewriting one past it would
                // change the audio (or the frames joined after it).
                let frameEnd = min(f + header.length, data.count)
                if flags & 1 != 0 {
                    if at + 4 <= frameEnd { frames = at - f }
                    at += 4
                }
                if flags & 2 != 0 {
                    if at + 4 <= frameEnd { bytes = at - f }
                    at += 4
                }
                if flags & 4 != 0 { at += 100 }
                if flags & 8 != 0 { at += 4 }
                if at + 36 <= f + header.length, at + 36 <= data.count,
                    data.u16be(at + 34) == MP3FrameSplice.crc16(data[f..<(at + 34)])
                {
                    lameTag = at - f
                }
                return
            }
            let vbri = f + 36
            if vbri + 18 <= min(f + header.length, data.count), data.matches(ascii: "VBRI", at: vbri) {
                kind = .vbri
                bytes = vbri + 10 - f
                frames = vbri + 14 - f
                return
            }
            return nil
        }

        /// Adds the joined frames to the counts, and rewrites the LAME tag's music length, music CRC and tag CRC.
        func update(_ data: inout [UInt8], frameAt f: Int, addedFrames: Int, addedBytes: Int, audioEnd: Int) {
            func add(_ offset: Int?, _ amount: Int) {
                guard let offset else { return }
                data.putU32be(UInt32(truncatingIfNeeded: Int(data.u32be(f + offset)) + amount), at: f + offset)
            }
            add(frames, addedFrames)
            add(bytes, addedBytes)
            guard let lame = lameTag.map({ f + $0 }), let header = MPEGAudioFrameHeader(data, at: f) else { return }
            let musicStart = f + header.length
            if Int(data.u32be(lame + 28)) + addedBytes == audioEnd - f { add(lameTag.map { $0 + 28 }, addedBytes) }
            if musicStart <= audioEnd { data.putU16be(UInt16(MP3FrameSplice.crc16(data[musicStart..<audioEnd])), at: lame + 32) }
            data.putU16be(UInt16(MP3FrameSplice.crc16(data[f..<(lame + 34)])), at: lame + 34)
        }
    }

    /// CRC-16/ARC (polynomial 0x8005 reflected, initial value 0), as the LAME tag's CRCs use.
    static func crc16(_ bytes: ArraySlice<UInt8>) -> Int {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc >> 8) ^ crcTable[Int((crc ^ UInt16(byte)) & 0xFF)]
        }
        return Int(crc)
    }

    private static let crcTable: [UInt16] = (0..<256).map { n in
        var c = UInt16(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xA001 : c >> 1 }
        return c
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func putU16be(_ value: UInt16, at: Int) {
        self[at] = UInt8(value >> 8)
        self[at + 1] = UInt8(value & 0xFF)
    }
    fileprivate mutating func putU32be(_ value: UInt32, at: Int) {
        for i in 0..<4 { self[at + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * i)) }
    }
}
