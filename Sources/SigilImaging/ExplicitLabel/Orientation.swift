/// An EXIF orientation (1...8): how a viewer turns the stored raster before showing it.
///
/// The painter works in *display* coordinates (what a viewer shows after applying the orientation) and uses
/// ``storedPoint(displayX:displayY:storedWidth:storedHeight:)`` to find the stored pixel behind each display pixel.
public struct Orientation: Sendable, Hashable {
    /// The EXIF value, 1...8.
    public let exifValue: Int

    /// The orientation for an EXIF value; values outside 1...8 are treated as 1 (EXIF: ignore unknown values).
    public init(exif value: Int) {
        exifValue = (1...8).contains(value) ? value : 1
    }

    /// The identity (EXIF 1).
    public static let up = Orientation(exif: 1)

    /// Whether display width and height are the stored height and width (EXIF 5...8).
    public var swapsAxes: Bool { exifValue >= 5 }

    /// Size as displayed for a stored raster of `width` × `height`.
    public func displaySize(storedWidth width: Int, storedHeight height: Int) -> (width: Int, height: Int) {
        swapsAxes ? (height, width) : (width, height)
    }

    /// The stored pixel shown at display pixel (`dx`, `dy`).
    public func storedPoint(displayX dx: Int, displayY dy: Int, storedWidth width: Int, storedHeight height: Int) -> (x: Int, y: Int) {
        let map = AffineMap(self, storedWidth: width, storedHeight: height)
        return (map.xx * dx + map.xy * dy + map.x0, map.yx * dx + map.yy * dy + map.y0)
    }

    /// The display pixel that shows stored pixel (`sx`, `sy`).
    public func displayPoint(storedX sx: Int, storedY sy: Int, storedWidth width: Int, storedHeight height: Int) -> (x: Int, y: Int) {
        switch exifValue {
        case 2: (width - 1 - sx, sy)
        case 3: (width - 1 - sx, height - 1 - sy)
        case 4: (sx, height - 1 - sy)
        case 5: (sy, sx)
        case 6: (height - 1 - sy, sx)
        case 7: (height - 1 - sy, width - 1 - sx)
        case 8: (sy, width - 1 - sx)
        default: (sx, sy)
        }
    }

    /// Stored coordinates as an affine function of display coordinates:
    /// `sx = xx·dx + xy·dy + x0`, `sy = yx·dx + yy·dy + y0`.
    struct AffineMap {
        var xx = 1, xy = 0, x0 = 0
        var yx = 0, yy = 1, y0 = 0

        init(_ orientation: Orientation, storedWidth width: Int, storedHeight height: Int) {
            switch orientation.exifValue {
            case 2: (xx, x0) = (-1, width - 1)
            case 3: (xx, x0, yy, y0) = (-1, width - 1, -1, height - 1)
            case 4: (yy, y0) = (-1, height - 1)
            case 5: (xx, xy, yx, yy) = (0, 1, 1, 0)
            case 6: (xx, xy, yx, yy, y0) = (0, 1, -1, 0, height - 1)
            case 7: (xx, xy, x0, yx, yy, y0) = (0, -1, width - 1, -1, 0, height - 1)
            case 8: (xx, xy, x0, yx, yy) = (0, -1, width - 1, 1, 0)
            default: break
            }
        }

        /// Byte offset steps in a stored buffer of `width` pixels × `channels` for one display step in x and y.
        func steps(storedWidth width: Int, channels: Int) -> (origin: Int, perX: Int, perY: Int) {
            ((y0 * width + x0) * channels, (yx * width + xx) * channels, (yy * width + xy) * channels)
        }
    }
}
