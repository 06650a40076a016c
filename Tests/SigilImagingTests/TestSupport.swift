import Foundation
@testable import SigilImaging

/// Paths, synthetic images and measurements shared by the imaging tests.
enum TestSupport {
    /// `/work/shared/media/images` relative to this file: Tests/SigilImagingTests/X.swift → ../../../shared/media/images.
    static let mediaDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/media/images")
    static let fixturesDirectory: URL =
        mediaDirectory
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures")

    static var samplePNGs: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: mediaDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".png") }.sorted().map { mediaDirectory.appendingPathComponent($0) }
    }

    static var hasSamplePNGs: Bool { !samplePNGs.isEmpty }

    static let webpNone = fixturesDirectory.appendingPathComponent("aigc-peers/webp/s3__webp-none.webp")
    static var hasWebPFixture: Bool { FileManager.default.fileExists(atPath: webpNone.path) }

    static var fontPath: String? { try? FontLocator.locate(explicit: nil) }
    static var hasFont: Bool { fontPath != nil }
    static let dejaVu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    static func read(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    /// A smooth colour image with a few edges (JPEG-friendly, deterministic).
    static func smoothImage(width: Int, height: Int, layout: PixelBuffer.Layout = .rgb) -> PixelBuffer {
        var bytes = [UInt8](repeating: 0, count: width * height * layout.channels)
        for y in 0..<height {
            for x in 0..<width {
                let fx = Double(x) / Double(width)
                let fy = Double(y) / Double(height)
                let r = 128 + 100 * sin(fx * 6.3 + fy * 2)
                let g = 128 + 90 * cos(fy * 5.1 - fx)
                let b = (x / 32 + y / 32) % 2 == 0 ? 60.0 : 190.0
                let values = [r, g, b]
                let offset = (y * width + x) * layout.channels
                switch layout {
                case .gray: bytes[offset] = UInt8(max(0, min(255, (r + g) / 2)))
                case .grayAlpha:
                    bytes[offset] = UInt8(max(0, min(255, (r + g) / 2)))
                    bytes[offset + 1] = UInt8((x * 255) / max(width - 1, 1))
                case .rgb, .rgba:
                    for c in 0..<3 { bytes[offset + c] = UInt8(max(0, min(255, values[c]))) }
                    if layout == .rgba { bytes[offset + 3] = UInt8((y * 255) / max(height - 1, 1)) }
                }
            }
        }
        return PixelBuffer(width: width, height: height, layout: layout, bytes: bytes)
    }

    /// Uniform noise (deterministic LCG).
    static func noiseImage(width: Int, height: Int, layout: PixelBuffer.Layout = .rgb, seed: UInt64 = 42) -> PixelBuffer {
        var state = seed
        let bytes = (0..<width * height * layout.channels).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        return PixelBuffer(width: width, height: height, layout: layout, bytes: bytes)
    }

    /// Peak signal-to-noise ratio over all channels, in dB.
    static func psnr(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
        precondition(a.bytes.count == b.bytes.count)
        var sum = 0.0
        for index in 0..<a.bytes.count {
            let d = Double(a.bytes[index]) - Double(b.bytes[index])
            sum += d * d
        }
        let mse = sum / Double(a.bytes.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// Relative luminance (WCAG) computed here, independently of the library's table.
    static func luminance(_ buffer: PixelBuffer, x: Int, y: Int) -> Double {
        func lin(_ v: UInt8) -> Double {
            let c = Double(v) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        let o = (y * buffer.width + x) * buffer.channels
        if buffer.layout.hasColor {
            return 0.2126 * lin(buffer.bytes[o]) + 0.7152 * lin(buffer.bytes[o + 1]) + 0.0722 * lin(buffer.bytes[o + 2])
        }
        return lin(buffer.bytes[o])
    }

    static func contrast(_ a: Double, _ b: Double) -> Double { (max(a, b) + 0.05) / (min(a, b) + 0.05) }
}

/// Builds PNG files by hand (stored deflate blocks, own CRC-32 and Adler-32) to cover what libpng's simplified
/// writer cannot produce: 1/4/16-bit, palettes with tRNS, Adam7 interlacing, absurd headers.
enum PNGBuilder {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    static func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return be32(UInt32(data.count)) + typeBytes + data + be32(crc32(typeBytes + data))
    }

    /// A zlib stream of stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        return out + be32(adler32(data))
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func ihdr(width: UInt32, height: UInt32, bitDepth: UInt8, colorType: UInt8, interlace: UInt8) -> [UInt8] {
        chunk("IHDR", be32(width) + be32(height) + [bitDepth, colorType, 0, 0, interlace])
    }

    /// A PNG whose samples come from `sample(x, y, channel)` (already at `bitDepth`).
    static func build(
        width: Int, height: Int, bitDepth: Int, colorType: UInt8, interlaced: Bool = false,
        palette: [UInt8]? = nil, transparency: [UInt8]? = nil, sample: (Int, Int, Int) -> Int
    ) -> [UInt8] {
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(colorType)]!
        func scanlines(_ xs: [Int], _ ys: [Int]) -> [UInt8] {
            guard !xs.isEmpty, !ys.isEmpty else { return [] }
            var out: [UInt8] = []
            for y in ys {
                out.append(0) // filter: none
                var bits: [Int] = []
                for x in xs {
                    for c in 0..<channels {
                        let v = sample(x, y, c)
                        if bitDepth == 16 {
                            out += [UInt8(v >> 8), UInt8(v & 0xFF)]
                        } else if bitDepth == 8 {
                            out.append(UInt8(v))
                        } else {
                            bits.append(v)
                        }
                    }
                }
                if bitDepth < 8 {
                    let perByte = 8 / bitDepth
                    var index = 0
                    while index < bits.count {
                        var byte = 0
                        for slot in 0..<perByte {
                            let v = index + slot < bits.count ? bits[index + slot] : 0
                            byte |= v << (8 - bitDepth * (slot + 1))
                        }
                        out.append(UInt8(byte))
                        index += perByte
                    }
                }
            }
            return out
        }
        var raw: [UInt8] = []
        if interlaced {
            let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            for (x0, y0, dx, dy) in passes {
                raw += scanlines(Array(stride(from: x0, to: width, by: dx)), Array(stride(from: y0, to: height, by: dy)))
            }
        } else {
            raw = scanlines(Array(0..<width), Array(0..<height))
        }
        var file =
            signature
            + ihdr(
                width: UInt32(width), height: UInt32(height), bitDepth: UInt8(bitDepth),
                colorType: colorType, interlace: interlaced ? 1 : 0)
        if let palette { file += chunk("PLTE", palette) }
        if let transparency { file += chunk("tRNS", transparency) }
        file += chunk("IDAT", zlibStored(raw)) + chunk("IEND", [])
        return file
    }
}
