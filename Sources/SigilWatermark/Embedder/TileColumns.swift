/// The per-column lookups that spread the keyed tile's chips over a picture row by bilinear interpolation: for
/// each pixel column, the tile column of the cell it falls in, the next one (wrapping at the tile's side) and the
/// weight of that next one.
struct TileColumns: Sendable {
    /// Tile column of the cell each pixel column falls in.
    let cell: [Int]
    /// Tile column of the following cell (wrapping).
    let next: [Int]
    /// Weight of the following cell, 0 ≤ w < 1.
    let weight: [Float]

    /// Lookups for a row `width` pixels wide at this cell pitch (pixels).
    init(width: Int, pitch: Double) {
        let k = TileLayout.side
        var cell = [Int](repeating: 0, count: width)
        var next = [Int](repeating: 0, count: width)
        var weight = [Float](repeating: 0, count: width)
        for x in 0..<width {
            let u = Double(x) / pitch
            let c = Int(u.rounded(.down))
            cell[x] = c % k
            next[x] = (c + 1) % k
            weight[x] = Float(u - Double(c))
        }
        self.cell = cell
        self.next = next
        self.weight = weight
    }

    /// The field value at column `x` of a row whose interpolated chips are `rowChips`.
    @inline(__always)
    func value(_ rowChips: [Float], _ x: Int) -> Float {
        rowChips[cell[x]] * (1 - weight[x]) + rowChips[next[x]] * weight[x]
    }

    /// The tile row of chips at picture row `y`, interpolated between the two cell rows it falls between.
    static func interpolateRow(_ chips: [Float], y: Int, pitch: Double, into rowChips: inout [Float]) {
        let k = TileLayout.side
        let v = Double(y) / pitch
        let cell = Int(v.rounded(.down))
        let fy = Float(v - Double(cell))
        let r0 = (cell % k) * k
        let r1 = ((cell + 1) % k) * k
        for i in 0..<k { rowChips[i] = chips[r0 + i] * (1 - fy) + chips[r1 + i] * fy }
    }
}
