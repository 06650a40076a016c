/// The header of a WAV that is written or read as a stream, before its length is known: what a TTS service sends
/// while it is still synthesising, and what Sigil's stream labeler sends back.
///
/// A streamed WAV leaves its sizes unset (the RIFF size and the `data` size are 0xFFFFFFFF, as ffmpeg and
/// libsndfile write when they cannot seek back); readers take the `data` chunk to run to the end of the file
/// (``WAVPCMLayout`` and the label scanner do). ``parse(_:maxLength:)`` reads such a header, or a finished one,
/// from the first bytes of a stream; ``labeled(_:)`` builds the header to send, with the GB 45438 implicit label in
/// an `AIGC` chunk before `data`, where a reader that stops at the essence still sees it.
public struct WAVStreamHeader: Sendable, Hashable {
    public let encoding: WAVPCMLayout.SampleEncoding
    public let channels: Int
    public let sampleRate: Int
    /// Bytes per frame.
    public let blockAlign: Int
    /// How many bytes of the incoming stream the header took: the offset of its first sample.
    public let length: Int
    /// The chunks before `data`, whole and in order (`fmt ` first; `ds64` dropped).
    let chunks: [[UInt8]]

    /// A header for raw PCM in `encoding` (for a stream that arrives without one, such as `audio/L16`).
    ///
    /// - Throws: ``SigilError`` `.usage` for a channel count or rate a WAV cannot hold.
    public init(encoding: WAVPCMLayout.SampleEncoding, channels: Int, sampleRate: Int) throws {
        guard (1...64).contains(channels), (1...768_000).contains(sampleRate) else {
            throw SigilError(.usage, "a WAV stream of \(channels) channels at \(sampleRate) Hz is out of range")
        }
        let align = channels * encoding.bytes
        let tag: Int
        let bits: Int
        switch encoding {
        case .unsigned8: (tag, bits) = (1, 8)
        case .signed(let b): (tag, bits) = (1, b)
        case .float(let b): (tag, bits) = (3, b)
        }
        let fmt =
            tag.littleEndianBytes(2) + channels.littleEndianBytes(2) + sampleRate.littleEndianBytes(4)
            + (sampleRate * align).littleEndianBytes(4) + align.littleEndianBytes(2) + bits.littleEndianBytes(2)
        self.encoding = encoding
        self.channels = channels
        self.sampleRate = sampleRate
        self.blockAlign = align
        self.length = 0
        self.chunks = [RIFFChunk.make("fmt ", fmt)]
    }

    init(encoding: WAVPCMLayout.SampleEncoding, channels: Int, sampleRate: Int, blockAlign: Int, length: Int, chunks: [[UInt8]]) {
        self.encoding = encoding
        self.channels = channels
        self.sampleRate = sampleRate
        self.blockAlign = blockAlign
        self.length = length
        self.chunks = chunks
    }

    /// Reads the header at the start of `prefix`, the first bytes of a WAV stream: RIFF or RF64/BW64, sizes set or
    /// unset, PCM or IEEE float.
    ///
    /// - Returns: the header, or nil when `prefix` ends before the `data` chunk's header (read more and call again).
    /// - Throws: ``SigilError`` `.unsupportedFormat` for a stream that is not a PCM WAV; `.malformed` naming the
    ///   offset for a broken chunk, no `fmt ` chunk before `data`, or a header longer than `maxLength`.
    public static func parse(_ prefix: [UInt8], maxLength: Int = 1 << 20) throws -> WAVStreamHeader? {
        var reader = Reader(maxLength: maxLength)
        return try reader.append(prefix)
    }

    /// Reads a WAV stream's header as its bytes arrive: each ``append(_:)`` scans only from the first chunk not yet
    /// complete, so a header sent a byte at a time costs no more than one sent whole.
    public struct Reader: Sendable {
        /// The bytes received so far.
        public private(set) var prefix: [UInt8] = []
        let maxLength: Int
        /// Where the next chunk starts, and what the complete chunks so far said.
        var next = 12
        var chunks: [[UInt8]] = []
        var format: (encoding: WAVPCMLayout.SampleEncoding, channels: Int, rate: Int, align: Int)?

        /// - Parameter maxLength: the longest header accepted before the `data` chunk.
        public init(maxLength: Int = 1 << 20) {
            self.maxLength = maxLength
        }

        /// Adds the next bytes of the stream.
        ///
        /// - Returns: the header once the `data` chunk's header has arrived (its ``WAVStreamHeader/length`` counts
        ///   from the start of ``prefix``), else nil.
        /// - Throws: as ``WAVStreamHeader/parse(_:maxLength:)``.
        public mutating func append(_ bytes: some Sequence<UInt8>) throws -> WAVStreamHeader? {
            prefix += bytes
            guard prefix.count >= 12 else {
                if !prefix.isEmpty, !Array("RIFF".utf8).starts(with: prefix.prefix(4)), !Array("RF64".utf8).starts(with: prefix.prefix(4)),
                    !Array("BW64".utf8).starts(with: prefix.prefix(4))
                {
                    throw SigilError(.unsupportedFormat, "not a WAV stream: it does not start with RIFF, RF64 or BW64", offset: 0)
                }
                return nil
            }
            guard RIFFStructure.isRIFF(prefix, form: "WAVE") || RIFFStructure.isRF64(prefix) else {
                throw SigilError(.unsupportedFormat, "not a WAV stream: the RIFF/WAVE header is missing", offset: 0)
            }
            // Each iteration moves `next` forward by at least 8 bytes or returns.
            while true {
                let i = next
                guard i + 8 <= prefix.count else {
                    if i + 8 > maxLength {
                        throw SigilError.malformed("WAV stream header", at: i, "runs past \(maxLength) bytes before the data chunk")
                    }
                    return nil
                }
                guard prefix[i..<(i + 4)].allSatisfy({ (0x20...0x7E).contains($0) }) else {
                    throw SigilError.malformed("RIFF chunk", at: i, "has a FourCC that is not printable ASCII")
                }
                let fourCC = String(decoding: prefix[i..<(i + 4)], as: UTF8.self)
                if fourCC == "data" {
                    guard let format else { throw SigilError.malformed("WAV stream", at: i, "reaches its data chunk before any fmt chunk") }
                    return WAVStreamHeader(
                        encoding: format.encoding, channels: format.channels, sampleRate: format.rate, blockAlign: format.align, length: i + 8,
                        chunks: chunks)
                }
                let size = prefix.u32le(i + 4)
                let end = i + 8 + size + (size & 1)
                guard end <= maxLength else {
                    throw SigilError.malformed(
                        "WAV stream header", at: i, "chunk \(fourCC.trimmingSpaces) of \(size) bytes runs past \(maxLength) bytes")
                }
                guard end <= prefix.count else { return nil }
                if fourCC == "fmt " {
                    format = try WAVPCMLayout.sampleFormat(Array(prefix[(i + 8)..<(i + 8 + min(size, 40))]), chunkOffset: i)
                }
                if fourCC != "ds64" { chunks.append(RIFFChunk.make(fourCC, Array(prefix[(i + 8)..<(i + 8 + size)]))) }
                next = end
            }
        }
    }

    /// The header to send ahead of the samples: `RIFF` with its size unset, the incoming chunks (any `AIGC` chunk
    /// replaced, `LIST/INFO` mirrors of it removed), the label's `AIGC` chunk, then the `data` chunk header with
    /// its size unset.
    ///
    /// - Throws: ``SigilError`` from the WAV label writer.
    public func labeled(_ label: LabelAssignment) throws -> [UInt8] {
        let body = chunks.flatMap { $0 } + Array("data".utf8) + [0, 0, 0, 0]
        let finished = Array("RIFF".utf8) + (4 + body.count).littleEndianBytes(4) + Array("WAVE".utf8) + body
        var out = try WAVFormat().writeLabel(label, into: finished)
        guard out.count >= 8, out.suffix(8).starts(with: Array("data".utf8)) else {
            throw SigilError(.malformed, "the labeled WAV stream header does not end with its data chunk header", offset: out.count)
        }
        out.replaceSubrange(4..<8, with: UInt32.max.littleEndianBytes(4))
        out.replaceSubrange((out.count - 4)..<out.count, with: UInt32.max.littleEndianBytes(4))
        return out
    }
}
