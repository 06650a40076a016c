/// A tile of c2sp.org/tlog-tiles: level `level`, index `index`, holding `width` hashes (256 when full).
///
/// A level-0 tile holds leaf hashes; a level-`l` tile `n` holds the hashes of the complete subtrees of `256^l`
/// leaves numbered `n*256 …`. Partial tiles (width 1…255) sit at the right edge and are never hashed into the
/// level above. The same ID with `level` = ``TileID/entriesLevel`` names an entry bundle.
public struct TileID: Sendable, Hashable, CustomStringConvertible {
    /// Hashes in a full tile (tile height 8).
    public static let fullWidth = 256
    /// Tile height: tree levels per tile level.
    public static let height = 8
    /// The pseudo-level of entry bundles (`tile/entries/…`).
    public static let entriesLevel = -1

    /// Tile level 0…63 (``entriesLevel`` for entry bundles).
    public var level: Int
    /// Tile index within its level.
    public var index: UInt64
    /// Hashes (or entries) in the tile: 256 when full.
    public var width: Int

    public init(level: Int, index: UInt64, width: Int = TileID.fullWidth) {
        precondition((-1...63).contains(level), "tile level \(level) is outside 0…63")
        precondition((1...Self.fullWidth).contains(width), "tile width \(width) is outside 1…256")
        self.level = level
        self.index = index
        self.width = width
    }

    /// Whether the tile holds 256 hashes.
    public var isFull: Bool { width == Self.fullWidth }

    /// The tile's path under the log prefix: `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`.
    public var path: String {
        var text = "tile/" + (level == Self.entriesLevel ? "entries" : String(level)) + "/" + Self.encode(index: index)
        if !isFull { text += ".p/" + String(width) }
        return text
    }

    public var description: String { path }

    /// `<N>` as tlog-tiles writes it: zero-padded groups of three digits, all but the last prefixed with `x`
    /// (1234067 → `x001/x234/067`).
    public static func encode(index: UInt64) -> String {
        var groups: [String] = []
        var n = index
        repeat {
            let group = String(n % 1000)
            groups.append(String(repeating: "0", count: 3 - group.count) + group)
            n /= 1000
        } while n > 0
        return groups.reversed().enumerated().map { i, g in i == groups.count - 1 ? g : "x" + g }.joined(separator: "/")
    }

    /// Parses a tile path (`tile/0/x001/234.p/7`, `tile/entries/005`).
    ///
    /// - Throws: ``SigilError`` `.invalidTile` naming the part that breaks the tlog-tiles path grammar.
    public init(path: String) throws {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[0] == "tile" else { throw SigilError(.invalidTile, "\"\(path)\" is not a tile path (tile/<L>/<N>)") }
        let level: Int
        if parts[1] == "entries" {
            level = Self.entriesLevel
        } else if let l = Int(parts[1]), (0...63).contains(l), String(l) == parts[1] {
            level = l
        } else {
            throw SigilError(.invalidTile, "\"\(parts[1])\" in \(path) is not a tile level 0…63")
        }
        var width = Self.fullWidth
        if parts.count >= 4, parts[parts.count - 2].hasSuffix(".p") {
            guard let w = Int(parts[parts.count - 1]), (1...255).contains(w), String(w) == parts[parts.count - 1] else {
                throw SigilError(.invalidTile, "\"\(parts[parts.count - 1])\" in \(path) is not a partial-tile width 1…255")
            }
            width = w
            parts.removeLast()
            parts[parts.count - 1].removeLast(2)
        }
        let groups = parts[2...]
        var index: UInt64 = 0
        for (i, group) in groups.enumerated() {
            var digits = Substring(group)
            if i < groups.count - 1 {
                guard digits.first == "x" else { throw SigilError(.invalidTile, "\(path): every index group but the last starts with x") }
                digits = digits.dropFirst()
            }
            guard digits.count == 3, digits.allSatisfy(\.isASCIIDigit), let value = UInt64(digits) else {
                throw SigilError(.invalidTile, "\(path): index groups are three digits")
            }
            let (scaled, o1) = index.multipliedReportingOverflow(by: 1000)
            let (sum, o2) = scaled.addingReportingOverflow(value)
            guard !o1, !o2 else { throw SigilError(.invalidTile, "\(path): the tile index overflows 64 bits") }
            index = sum
        }
        guard groups.count == 1 || groups.first != "x000" else {
            throw SigilError(.invalidTile, "\(path): the tile index has a leading zero group")
        }
        self.init(level: level, index: index, width: width)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
