#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// WCAG 2 relative luminance and contrast helpers shared by the painter and its checks.
public enum Luminance {
    /// The sRGB transfer function undone: an 8-bit channel as linear light 0...1.
    public static func linear(_ value: UInt8) -> Double { table[Int(value)] }

    /// Relative luminance of an sRGB colour (WCAG 2).
    public static func relative(red: UInt8, green: UInt8, blue: UInt8) -> Double {
        0.2126 * table[Int(red)] + 0.7152 * table[Int(green)] + 0.0722 * table[Int(blue)]
    }

    /// Relative luminance of an sRGB grey.
    public static func relative(gray: UInt8) -> Double { table[Int(gray)] }

    /// WCAG contrast ratio of two relative luminances, 1...21.
    public static func contrastRatio(_ first: Double, _ second: Double) -> Double {
        (max(first, second) + 0.05) / (min(first, second) + 0.05)
    }

    private static let table: [Double] = (0...255).map { value in
        let channel = Double(value) / 255
        return channel <= 0.04045 ? channel / 12.92 : pow((channel + 0.055) / 1.055, 2.4)
    }
}
