/// Where a PCM WAV keeps its samples and how they are encoded: the `fmt ` chunk read (PCM, IEEE float, or
/// WAVE_FORMAT_EXTENSIBLE with either subformat) and the `data` chunk located, in RIFF or RF64/BW64. It lets a
/// sample-exact edit (the audio rhythm label) splice whole frames into the `data` chunk as an ``EditPlan``: the
/// original samples stay spans, only the size fields change.
public struct WAVPCMLayout: Sendable, Hashable {
    /// How one sample is stored.
    public enum SampleEncoding: Sendable, Hashable {
        /// 8-bit unsigned, 128 = silence.
        case unsigned8
        /// Signed little-endian integers of 16, 24 or 32 bits.
        case signed(bits: Int)
        /// IEEE float of 32 or 64 bits.
        case float(bits: Int)

        /// Bytes per sample.
        public var bytes: Int {
            switch self {
            case .unsigned8: 1
            case .signed(let bits), .float(let bits): bits / 8
            }
        }
    }

    public let encoding: SampleEncoding
    public let channels: Int
    public let sampleRate: Int
    /// Bytes per frame (one sample per channel).
    public let blockAlign: Int
    /// The `data` chunk's payload.
    public let data: Range<Int>
    /// Whether the sizes live in a `ds64` chunk (RF64/BW64).
    public let isRF64: Bool

    let dataChunkOffset: Int
    let dataChunkEnd: Int
    let riffDeclaredSize: Int
    let dataSizeInDS64: Bool
    /// The `fact` chunk's payload, when present.
    let fact: Range<Int>?

    /// Frames in the `data` chunk.
    public var frameCount: Int { data.count / blockAlign }

    /// Reads the layout of the WAV that `source` reads.
    ///
    /// - Throws: ``SigilError`` `.unsupportedFormat` for a WAV that is not PCM or IEEE float (compressed codecs,
    ///   unusual sample sizes); `.malformed`/`.truncated` naming the chunk for damage.
    public init(_ source: any ByteSource) throws {
        let structure = try RIFFStructure(source, form: "WAVE", name: "WAV")
        if let damage = structure.damage.first { throw damage }
        guard let fmt = structure.first("fmt ") else { throw SigilError.malformed("WAV file", at: 12, "has no fmt chunk") }
        guard let data = structure.first("data") else { throw SigilError.malformed("WAV file", at: 12, "has no data chunk") }
        guard fmt.data.count >= 16 else { throw SigilError.malformed("WAV fmt chunk", at: fmt.offset, "is \(fmt.data.count) bytes, fewer than 16") }
        let f = try source.require(min(fmt.data.count, 40), at: fmt.data.lowerBound, for: "WAV fmt chunk")
        let (encoding, channels, rate, align) = try Self.sampleFormat(f, chunkOffset: fmt.offset)
        self.encoding = encoding
        self.channels = channels
        self.sampleRate = rate
        self.blockAlign = align
        self.data = data.data
        self.isRF64 = structure.ds64 != nil
        self.dataChunkOffset = data.offset
        self.dataChunkEnd = data.end
        self.riffDeclaredSize = structure.declaredSize
        let header = try source.require(8, at: data.offset, for: "WAV data chunk header")
        self.dataSizeInDS64 = structure.ds64 != nil && header.u32le(4) == 0xFFFF_FFFF
        self.fact = structure.first("fact").flatMap { $0.data.count >= 4 ? $0.data : nil }
    }

    /// The sample format a `fmt ` chunk's payload (its first 16–40 bytes) declares: PCM or IEEE float, plain or
    /// WAVE_FORMAT_EXTENSIBLE.
    ///
    /// - Throws: ``SigilError`` `.malformed` naming the chunk at `chunkOffset`; `.unsupportedFormat` for other codecs.
    static func sampleFormat(_ f: [UInt8], chunkOffset: Int) throws -> (encoding: SampleEncoding, channels: Int, rate: Int, align: Int) {
        guard f.count >= 16 else { throw SigilError.malformed("WAV fmt chunk", at: chunkOffset, "is \(f.count) bytes, fewer than 16") }
        var tag = f.u16le(0)
        if tag == 0xFFFE {
            guard f.count >= 40, f.u16le(16) >= 22 else {
                throw SigilError.malformed("WAV fmt chunk", at: chunkOffset, "is WAVE_FORMAT_EXTENSIBLE but too short for its subformat")
            }
            tag = f.u16le(24)
        }
        let channels = f.u16le(2)
        let rate = f.u32le(4)
        let align = f.u16le(12)
        let bits = f.u16le(14)
        guard channels >= 1, rate >= 1, align >= 1 else {
            throw SigilError.malformed("WAV fmt chunk", at: chunkOffset, "declares \(channels) channels, \(rate) Hz, \(align)-byte frames")
        }
        let encoding: SampleEncoding
        switch (tag, bits) {
        case (1, 8): encoding = .unsigned8
        case (1, 16), (1, 24), (1, 32): encoding = .signed(bits: bits)
        case (3, 32), (3, 64): encoding = .float(bits: bits)
        default:
            throw SigilError(.unsupportedFormat, "WAV format tag \(tag) with \(bits)-bit samples is not PCM or IEEE float", offset: chunkOffset)
        }
        guard align == channels * encoding.bytes else {
            throw SigilError.malformed("WAV fmt chunk", at: chunkOffset, "declares \(align)-byte frames for \(channels) channels of \(bits) bits")
        }
        return (encoding, channels, rate, align)
    }

    /// The edits that insert whole frames into the `data` chunk: each `(frame, bytes)` puts `bytes` (a whole
    /// number of frames in this file's encoding) before original frame `frame` (``frameCount`` appends). The
    /// `data`, RIFF (or `ds64`) and `fact` sizes are updated and the pad byte after `data` kept right.
    ///
    /// - Throws: ``SigilError`` `.usage` for a frame outside the file or bytes that are not whole frames;
    ///   `.capacity` when a RIFF file would pass 4 GiB.
    public func insertions(_ inserts: [(frame: Int, bytes: [UInt8])], sourceLength: Int) throws -> EditPlan {
        var plan = EditPlan(sourceLength: sourceLength)
        var added = 0
        // One insertion per offset (two labels at one frame go one after the other), so their order is never left
        // to the plan's sort.
        var byOffset: [Int: [UInt8]] = [:]
        for (frame, bytes) in inserts {
            guard (0...frameCount).contains(frame) else {
                throw SigilError(.usage, "frame \(frame) is outside the \(frameCount) frames of the WAV data")
            }
            guard bytes.count % blockAlign == 0 else { throw SigilError(.usage, "\(bytes.count) bytes are not whole \(blockAlign)-byte frames") }
            byOffset[data.lowerBound + frame * blockAlign, default: []] += bytes
            added += bytes.count
        }
        let newDataSize = data.count + added
        // The pad byte after an odd-sized data chunk: drop it when the size turns even, add one when it turns odd.
        let hadPad = dataChunkEnd > data.upperBound
        var padChange = 0
        if newDataSize % 2 == 0, hadPad {
            plan.remove(data.upperBound..<dataChunkEnd)
            padChange = -1
        } else if newDataSize % 2 == 1, !hadPad {
            byOffset[data.upperBound, default: []] += [0] // after a label appended at the end
            padChange = 1
        }
        for (offset, bytes) in byOffset { plan.insert(bytes, at: offset) }
        let newRIFFSize = riffDeclaredSize + added + padChange
        if isRF64 {
            plan.replace(RIFFStructure.DS64.riffSizeField, with: UInt64(newRIFFSize).littleEndianBytes(8))
        }
        if isRF64 { plan.replace(28..<36, with: UInt64(newDataSize).littleEndianBytes(8)) }
        if !dataSizeInDS64 {
            guard newDataSize < Int(UInt32.max), isRF64 || newRIFFSize <= Int(UInt32.max) else {
                throw SigilError(.capacity, "the WAV file would exceed the 4 GiB RIFF limit")
            }
            plan.replace((dataChunkOffset + 4)..<(dataChunkOffset + 8), with: UInt32(newDataSize).littleEndianBytes(4))
        }
        if !isRF64 { plan.replace(4..<8, with: UInt32(newRIFFSize).littleEndianBytes(4)) }
        if let fact, encoding == .float(bits: 32) || encoding == .float(bits: 64), newDataSize / blockAlign <= Int(UInt32.max) {
            plan.replace(fact.lowerBound..<(fact.lowerBound + 4), with: UInt32(newDataSize / blockAlign).littleEndianBytes(4))
        }
        return plan
    }
}
