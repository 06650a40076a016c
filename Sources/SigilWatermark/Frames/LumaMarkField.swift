/// The image mark for frames that share one size — a video's: the keyed tile rendered once into a per-pixel
/// field, then added to each frame's 8-bit luma under that frame's own perceptual mask.
///
/// The field is the image embedder's (same tile, pitch and bilinear interpolation between cell centres), so a
/// single frame of the result reads as a marked picture, and the pattern does not move from frame to frame: the
/// amplitude follows each frame's texture, the signs never change, so there is no temporal flicker and a detector
/// may average frames (``LumaMarkAccumulator``). Unlike a picture, no informed (host-cancelling) amplitudes: they
/// would change per frame, and averaging frames already removes most host interference.
package struct LumaMarkField: Sendable {
    /// Frame width and height in pixels.
    package let width: Int
    package let height: Int
    /// Per-pixel ±1-scaled field (bilinear between the chips of neighbouring cells), row-major.
    let field: [Float]
    let blockSize: Int

    /// Renders `payload`'s field for `width`×`height` frames.
    ///
    /// - Throws: ``SigilError`` `.usage` when a side is under 64 pixels.
    package init(watermarker: Watermarker, payload: UInt64, width: Int, height: Int) throws {
        guard min(width, height) >= WatermarkGeometry.minimumSide else {
            throw SigilError(
                .capacity, "the frames are \(width)×\(height); the watermark needs at least \(WatermarkGeometry.minimumSide) pixels on each side")
        }
        self.width = width
        self.height = height
        let chips = watermarker.layout.chips(codedBits: watermarker.codec.encode(payload: payload))
        let pitch = WatermarkGeometry.pitch(width: width, height: height)
        blockSize = max(8, Int(pitch.rounded()))
        let k = TileLayout.side
        let columns = TileColumns(width: width, pitch: pitch)
        var values = [Float](repeating: 0, count: width * height)
        var rowChips = [Float](repeating: 0, count: k)
        for y in 0..<height {
            TileColumns.interpolateRow(chips, y: y, pitch: pitch, into: &rowChips)
            let row = y * width
            for x in 0..<width {
                values[row + x] = columns.value(rowChips, x)
            }
        }
        field = values
    }

    /// Adds the field to one frame's luma, in place, scaled by the frame's perceptual mask so the mark's RMS is
    /// `targetRMS` levels (≈ 20·log₁₀(255 / targetRMS) dB PSNR before rounding and clipping).
    ///
    /// - Parameters:
    ///   - luma: `height` rows of `width` bytes, `stride` bytes apart.
    ///   - range: the nominal luma levels (16…235 for limited-range video): pixels near either end take less of the
    ///     mark. Results are clamped to 0…255 only, so a pixel the mark does not move keeps its value.
    package func apply(to luma: UnsafeMutablePointer<UInt8>, stride: Int, targetRMS: Float, range: ClosedRange<Int> = 16...235) {
        let low = Float(range.lowerBound)
        let high = Float(range.upperBound)
        let mask = PerceptualMask(
            width: width, height: height, blockSize: blockSize, targetRMS: targetRMS, fieldPower: WatermarkEmbedder.fieldPower, rowStep: 2
        ) { y, line, room in
            let row = luma + y * stride
            for x in 0..<width {
                let v = Float(row[x])
                line[x] = v
                room[x] = max(0, min(v - low, high - v))
            }
        }
        let columns = mask.columns(width: width)
        var amplitude = [Float](repeating: 0, count: width)
        var scratch = [Float](repeating: 0, count: mask.columns)
        field.withUnsafeBufferPointer { field in
            for y in 0..<height {
                mask.fillRow(&amplitude, y: y, columns: columns, scratch: &scratch)
                let row = luma + y * stride
                let base = y * width
                amplitude.withUnsafeBufferPointer { amplitude in
                    for x in 0..<width {
                        // Clamped, then rounded half up (the same as rounding, then clamping, for 0…255).
                        let value = max(0, min(255, Float(row[x]) + field[base + x] * amplitude[x]))
                        row[x] = UInt8(value + 0.5)
                    }
                }
            }
        }
    }
}
