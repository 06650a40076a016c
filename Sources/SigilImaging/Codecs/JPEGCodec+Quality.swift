extension JPEGCodec {
    /// Estimates the IJG quality (1...100) a JPEG was saved with, from its luminance quantisation table.
    ///
    /// Compares the file's table 0 against the IJG standard luminance table (ITU-T T.81 Annex K) scaled for every
    /// quality 1...100 and returns the best match. Exact for libjpeg/TurboJPEG files; an approximation for encoders
    /// with their own tables. Returns `nil` when there is no DQT table 0 before the first scan.
    public static func estimateQuality(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { estimateQuality($0) }
    }

    static func estimateQuality(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let table = luminanceTable(bytes) else { return nil }
        var bestError = Int.max
        var best: [Int] = []
        for quality in 1...100 {
            let scale = quality < 50 ? 5000 / quality : 200 - quality * 2
            var error = 0
            for index in 0..<64 {
                let expected = min(max((standardLuminance[index] * scale + 50) / 100, 1), 255)
                error += abs(expected - table[index])
            }
            if error < bestError {
                bestError = error
                best = [quality]
            } else if error == bestError {
                best.append(quality)
            }
        }
        // Several qualities can yield the same table (near 100 every entry is 1): take the middle one.
        return best.isEmpty ? nil : best[best.count / 2]
    }

    /// The quantisation table with id 0 in natural (row-major) order, from the first DQT that defines it.
    static func luminanceTable(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int]? {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var offset = 2
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF {
                offset += 1
                continue
            } // fill byte
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2
                continue
            }
            if marker == 0xD9 || marker == 0xDA { return nil } // EOI or first scan: no table 0
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { return nil }
            if marker == 0xDB {
                var cursor = offset + 4
                let end = offset + 2 + length
                while cursor < end {
                    let precision = bytes[cursor] >> 4
                    let id = bytes[cursor] & 0x0F
                    let entrySize = precision == 0 ? 1 : 2
                    guard cursor + 1 + 64 * entrySize <= end else { return nil }
                    if id == 0 {
                        var natural = [Int](repeating: 0, count: 64)
                        for index in 0..<64 {
                            let at = cursor + 1 + index * entrySize
                            let value = entrySize == 1 ? Int(bytes[at]) : Int(bytes[at]) << 8 | Int(bytes[at + 1])
                            natural[zigzag[index]] = value
                        }
                        return natural
                    }
                    cursor += 1 + 64 * entrySize
                }
            }
            offset += 2 + length
        }
        return nil
    }

    /// ITU-T T.81 Table K.1, natural order.
    private static let standardLuminance: [Int] = [
        16, 11, 10, 16, 24, 40, 51, 61,
        12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101,
        72, 92, 95, 98, 112, 100, 103, 99,
    ]

    /// Natural index of the n-th coefficient in zig-zag order.
    private static let zigzag: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ]
}
