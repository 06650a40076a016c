/// Writes the mark into pixels: the keyed tile (sync + coded payload chips) repeated over the whole image
/// at the image's cell pitch, interpolated bilinearly between cell centres, scaled by the perceptual mask
/// and added equally to R, G and B (a luma-only change), with alpha untouched.
struct WatermarkEmbedder: Sendable {
    let layout: TileLayout
    let codec: MessageCodec
    /// Target RMS of the mark in 8-bit levels (about 40.5 dB PSNR before clipping).
    var targetRMS: Float = 2.35
    /// Whether to cancel host interference per coded bit (``InformedAmplitudes``).
    var informed = true

    /// Power of the bilinearly interpolated ±1 field: (2/3)² per pixel on average.
    static let fieldPower: Float = 4.0 / 9.0

    func embed(payload: UInt64, into bytes: inout [UInt8], width: Int, height: Int, channels: Int, colorChannels: Int, skipping: [WatermarkRegion]) {
        let bits = codec.encode(payload: payload)
        var chips = layout.chips(codedBits: bits)
        let pitch = WatermarkGeometry.pitch(width: width, height: height)
        let k = TileLayout.side
        let blockSize = max(8, Int(pitch.rounded()))
        let mask = bytes.withUnsafeBufferPointer { src in
            PerceptualMask(width: width, height: height, blockSize: blockSize, targetRMS: targetRMS, fieldPower: Self.fieldPower) { y, line, room in
                let row = y * width * channels
                if colorChannels == 3 {
                    for x in 0..<width {
                        let o = row + x * channels
                        let r = src[o]
                        let g = src[o + 1]
                        let b = src[o + 2]
                        line[x] = 0.299 * Float(r) + 0.587 * Float(g) + 0.114 * Float(b)
                        room[x] = Float(min(min(r, g, b), 255 - max(r, g, b)))
                    }
                } else {
                    for x in 0..<width {
                        let v = src[row + x * channels]
                        line[x] = Float(v)
                        room[x] = Float(min(v, 255 - v))
                    }
                }
            }
        }
        if informed {
            let factor = WatermarkGeometry.analysisFactor(width: width, height: height)
            let host = bytes.withUnsafeBufferPointer {
                Watermarker.analysisLuma($0, width: width, height: height, channels: channels, color: colorChannels == 3, factor: factor)
            }
            let multipliers = InformedAmplitudes(layout: layout, synchronizer: TileSynchronizer(layout: layout))
                .multipliers(chips: chips, bits: bits, host: host, factor: factor, pitch: pitch, mask: mask)
            for i in chips.indices { chips[i] *= multipliers[i] }
        }
        let columns = TileColumns(width: width, pitch: pitch)
        var rowChips = [Float](repeating: 0, count: k)
        var amplitudeLine = [Float](repeating: 0, count: width)
        let maskColumns = mask.columns(width: width)
        var maskScratch = [Float](repeating: 0, count: mask.columns)
        bytes.withUnsafeMutableBufferPointer { dst in
            for y in 0..<height {
                TileColumns.interpolateRow(chips, y: y, pitch: pitch, into: &rowChips)
                mask.fillRow(&amplitudeLine, y: y, columns: maskColumns, scratch: &maskScratch)
                for region in skipping where y >= region.y && y < region.y + region.height {
                    for x in max(0, region.x)..<min(width, region.x + region.width) { amplitudeLine[x] = 0 }
                }
                let row = y * width * channels
                for x in 0..<width {
                    let field = columns.value(rowChips, x)
                    let delta = field * amplitudeLine[x]
                    let o = row + x * channels
                    for c in 0..<colorChannels {
                        let value = Float(dst[o + c]) + delta
                        dst[o + c] = UInt8(max(0, min(255, value.rounded())))
                    }
                }
            }
        }
    }
}
