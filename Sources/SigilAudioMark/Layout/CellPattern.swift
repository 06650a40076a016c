import SigilWatermarkCore

/// The keyed layout of one pattern period: which (time slot, band) cells carry sync chips, which carry which
/// coded bit, and each cell's pseudo-noise sign. Everything is drawn from the key's `audio/pattern` generator,
/// so a detector without the key cannot find the cells, and two keys' patterns are uncorrelated.
struct CellPattern: Sendable {
    /// Slots per period and bands per slot.
    let slots: Int, bands: Int
    /// Sync cells: flat cell index (slot × bands + band) and chip.
    let syncIndex: [Int32], syncChip: [Float]
    /// Data cells: flat cell index, chip, and the coded bit the cell carries.
    let dataIndex: [Int32], dataChip: [Float], dataBit: [Int32]
    /// Number of coded bits.
    let codedBits: Int

    /// The layout for `key` and `parameters`.
    init(key: WatermarkKey, parameters p: AudioMarkParameters, codedBits: Int) {
        slots = p.slotsPerPeriod
        bands = p.bandCount
        self.codedBits = codedBits
        var rng = key.generator("audio/pattern")
        // Fisher–Yates written out (not `shuffle(using:)`): the layout must not change with the standard library.
        var order = Array(0..<(slots * bands))
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        func sign() -> Float { rng.next() >> 63 == 0 ? 1 : -1 }
        var si = [Int32]()
        var sc = [Float]()
        for c in order.prefix(p.syncCells) {
            si.append(Int32(c))
            sc.append(sign())
        }
        var di = [Int32]()
        var dc = [Float]()
        var db = [Int32]()
        for (n, c) in order.dropFirst(p.syncCells).enumerated() {
            di.append(Int32(c))
            dc.append(sign())
            db.append(Int32(n % codedBits))
        }
        syncIndex = si
        syncChip = sc
        dataIndex = di
        dataChip = dc
        dataBit = db
    }

    /// Signs (±1) of every cell for a coded bit vector (0/1 per coded bit), flat slot-major.
    func cellSigns(codedBits bits: [UInt8]) -> [Float] {
        var s = [Float](repeating: 0, count: slots * bands)
        for (i, c) in syncIndex.enumerated() { s[Int(c)] = syncChip[i] }
        for i in 0..<dataIndex.count {
            s[Int(dataIndex[i])] = dataChip[i] * (bits[Int(dataBit[i])] == 1 ? 1 : -1)
        }
        return s
    }
}
