import CFreeType
import SigilCore

/// Renders one line of text with FreeType into an 8-bit anti-aliased ``GlyphMask``.
public enum TextRenderer {
    /// Renders `text` at FreeType pixel size `pixelSize` (the em height in pixels).
    ///
    /// Glyphs are laid out left to right on one baseline by their advances (no shaping or kerning, which CJK and
    /// Latin label text does not need); the mask is cropped to the union of the glyph bitmaps.
    /// - Throws: ``SigilError`` `.font` when the font lacks a glyph or FreeType fails;
    ///   `.invalidExplicitLabel` when the text renders no ink.
    public static func render(_ text: String, font: Font, pixelSize: Int) throws -> GlyphMask {
        try font.withFace { face in try render(text, face: face, pixelSize: pixelSize, fontName: font.path) }
    }

    static func render(_ text: String, face: FT_Face, pixelSize: Int, fontName: String) throws -> GlyphMask {
        guard pixelSize > 0, pixelSize <= 16_384 else {
            throw SigilError(.usage, "pixel size \(pixelSize) is outside 1...16384")
        }
        guard FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixelSize)) == 0 else {
            throw SigilError(.font, "font \(fontName) cannot be scaled to \(pixelSize) px")
        }

        struct Piece {
            var x: Int, y: Int, width: Int, height: Int
            var coverage: [UInt8]
        }
        var pieces: [Piece] = []
        var pen = 0 // 26.6 fixed point
        let flags = cfreetype_load_render() | cfreetype_load_no_bitmap() | cfreetype_load_target_normal()
        for scalar in text.unicodeScalars {
            let code = FT_ULong(scalar.value)
            if FT_Get_Char_Index(face, code) == 0 {
                if scalar.properties.isWhitespace {
                    pen += pixelSize * 64 / 3
                    continue
                }
                let hex = String(scalar.value, radix: 16, uppercase: true)
                throw SigilError(.font, "font \(fontName) has no glyph for '\(Character(scalar))' (U+\(hex))")
            }
            guard FT_Load_Char(face, code, flags) == 0, let slot = face.pointee.glyph else {
                throw SigilError(.font, "font \(fontName) cannot render '\(Character(scalar))' at \(pixelSize) px")
            }
            let bitmap = slot.pointee.bitmap
            let rows = Int(bitmap.rows)
            let columns = Int(bitmap.width)
            if rows > 0, columns > 0, let buffer = bitmap.buffer {
                let pitch = Int(bitmap.pitch)
                let mono = bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_MONO.rawValue)
                guard mono || bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_GRAY.rawValue) else {
                    throw SigilError(.font, "font \(fontName) renders '\(Character(scalar))' as a colour or LCD bitmap; use an outline font")
                }
                // With a negative pitch the rows run bottom-up and `buffer` holds the bottom row.
                let topRow = pitch < 0 ? buffer + (rows - 1) * -pitch : buffer
                let maxGray = max(Int(bitmap.num_grays) - 1, 1)
                var coverage = [UInt8](repeating: 0, count: rows * columns)
                coverage.withUnsafeMutableBufferPointer { target in
                    for row in 0..<rows {
                        let line = topRow + row * pitch
                        let out = target.baseAddress! + row * columns
                        if !mono && maxGray == 255 {
                            out.update(from: line, count: columns)
                            continue
                        }
                        for column in 0..<columns {
                            let value: Int
                            if mono {
                                value = (Int(line[column >> 3]) >> (7 - (column & 7))) & 1 == 1 ? 255 : 0
                            } else {
                                value = Int(line[column]) * 255 / maxGray
                            }
                            out[column] = UInt8(value)
                        }
                    }
                }
                pieces.append(
                    Piece(
                        x: (pen + 32) >> 6 + Int(slot.pointee.bitmap_left),
                        y: -Int(slot.pointee.bitmap_top),
                        width: columns, height: rows, coverage: coverage))
            }
            pen += Int(slot.pointee.advance.x)
        }
        guard let first = pieces.first else {
            throw SigilError(.invalidExplicitLabel, "label text \"\(text)\" renders no visible glyphs")
        }
        var minX = first.x
        var minY = first.y
        var maxX = first.x + first.width
        var maxY = first.y + first.height
        for piece in pieces.dropFirst() {
            minX = min(minX, piece.x)
            minY = min(minY, piece.y)
            maxX = max(maxX, piece.x + piece.width)
            maxY = max(maxY, piece.y + piece.height)
        }
        let width = maxX - minX
        let height = maxY - minY
        var coverage = [UInt8](repeating: 0, count: width * height)
        coverage.withUnsafeMutableBufferPointer { mask in
            for piece in pieces {
                let left = piece.x - minX
                let top = piece.y - minY
                for row in 0..<piece.height {
                    let target = (top + row) * width + left
                    let source = row * piece.width
                    for column in 0..<piece.width {
                        let value = piece.coverage[source + column]
                        if value > mask[target + column] { mask[target + column] = value }
                    }
                }
            }
        }
        return GlyphMask(width: width, height: height, coverage: coverage, baseline: -minY)
    }
}
