/// What ``ExplicitLabelPainter`` painted, for reports, audit records and ``ExplicitLabelPainter/presence(of:fontPath:in:orientation:)``.
public struct PaintedLabel: Sendable, Hashable, Codable {
    /// A rectangle in display coordinates (after the EXIF orientation is applied).
    public struct Box: Sendable, Hashable, Codable {
        /// Left column.
        public var x: Int
        /// Top row.
        public var y: Int
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int

        /// Creates a box.
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    /// The painted text.
    public var text: String
    /// The requested position.
    public var position: LabelPosition
    /// The plate (or, for the outline style, the outlined text) box in display coordinates.
    public var box: Box
    /// Measured glyph height: rows of the rendered glyph bitmaps holding ink (coverage ≥ 50 %), in pixels.
    public var inkHeight: Int
    /// Shortest side of the displayed image.
    public var shortestSide: Int
    /// `inkHeight / shortestSide`.
    public var inkHeightFraction: Double
    /// Worst WCAG contrast between the text colour and the painted pixels directly behind it (plate or outline).
    public var contrastRatio: Double
    /// FreeType pixel size (em height) used.
    public var pixelSize: Int
    /// Plate or outline.
    public var style: LabelStyle
    /// Plate padding, or outline width plus one, around the glyph mask inside ``box`` (same on all sides).
    public var padding: Int

    /// Creates the record (the painter fills it; decoding from JSON uses `Codable`).
    public init(
        text: String, position: LabelPosition, box: Box, inkHeight: Int, shortestSide: Int, inkHeightFraction: Double,
        contrastRatio: Double, pixelSize: Int, style: LabelStyle = .plate, padding: Int = 0
    ) {
        self.text = text
        self.position = position
        self.box = box
        self.inkHeight = inkHeight
        self.shortestSide = shortestSide
        self.inkHeightFraction = inkHeightFraction
        self.contrastRatio = contrastRatio
        self.pixelSize = pixelSize
        self.style = style
        self.padding = padding
    }
}
