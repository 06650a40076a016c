/// The keyed tile the mark repeats over the image: `side × side` cells, each a ±1 chip. A keyed subset of
/// cells carries a fixed pseudo-noise *sync* pattern (used to find the tile's position and orientation);
/// the rest carry the coded message, each coded bit spread over cells by a keyed interleaver and
/// multiplied by its own pseudo-noise sign.
struct TileLayout: Sendable {
    /// Cells per tile side.
    static let side = 16
    static let cellCount = side * side
    static let syncCellCount = 64

    /// Per cell: −1 for sync, else the index of the coded bit it carries.
    let bitOfCell: [Int]
    /// Per cell pseudo-noise sign.
    let sign: [Float]

    init(key: WatermarkKey) {
        var rng = key.generator("tile")
        var order = Array(0..<Self.cellCount)
        order.shuffle(using: &rng)
        var bitOfCell = [Int](repeating: -1, count: Self.cellCount)
        let coded = MessageCodec.codedBits
        for (rank, cell) in order.enumerated() where rank >= Self.syncCellCount {
            bitOfCell[cell] = (rank - Self.syncCellCount) % coded
        }
        self.bitOfCell = bitOfCell
        sign = (0..<Self.cellCount).map { _ in Bool.random(using: &rng) ? 1 : -1 }
    }

    /// Chip values of the tile for coded `bits` (row-major cells).
    func chips(codedBits bits: [UInt8]) -> [Float] {
        (0..<Self.cellCount).map { cell in
            let bit = bitOfCell[cell]
            return bit < 0 ? sign[cell] : sign[cell] * (bits[bit] == 1 ? 1 : -1)
        }
    }

    /// Sync-only chips (data cells zero).
    var syncChips: [Float] {
        (0..<Self.cellCount).map { bitOfCell[$0] < 0 ? sign[$0] : 0 }
    }

    /// Soft coded-bit values from per-cell soft chip readings (despread and summed per bit).
    func softBits(cellValues: [Float]) -> [Float] {
        var soft = [Float](repeating: 0, count: MessageCodec.codedBits)
        for cell in 0..<Self.cellCount where bitOfCell[cell] >= 0 {
            soft[bitOfCell[cell]] += sign[cell] * cellValues[cell]
        }
        return soft
    }
}
