import Foundation

/// One synchronisation hypothesis: time scale, frequency shift, and pattern phase.
struct SyncHypothesis: Sendable {
    /// Embedded time per received time (1.05 = played 5 % faster).
    var scale: Double
    /// Index into the spectrogram's shifts.
    var shift: Int
    /// Offset in phase bins.
    var offset: Int
    /// Normalised sync correlation (≈ N(0,1) for an unmarked clip at a fixed hypothesis).
    var z: Float
}

/// Cheap 3-D sync search: time scale × frequency shift × time offset.
///
/// For each (scale, shift) the whitened band sequence is folded modulo the pattern period into
/// `slots × phaseBinsPerSlot` phase bins (one pass over the frames), box-summed over a slot, and
/// circularly correlated with the keyed sync pattern at every phase offset.
struct Synchronizer: Sendable {
    let spec: LogSpectrogram
    let pattern: CellPattern
    let params: AudioMarkParameters
    let q: Int, r: Int

    init(spectrogram: LogSpectrogram, pattern: CellPattern, parameters: AudioMarkParameters) {
        spec = spectrogram
        self.pattern = pattern
        params = parameters
        r = parameters.phaseBinsPerSlot
        q = parameters.slotsPerPeriod * r
    }

    /// Folded, slot-box-summed cell values: result[phase*bands + band].
    func folded(scale: Double, shift: Int) -> [Float] {
        let nb = spec.bands
        let nf = spec.frames
        var a = [Float](repeating: 0, count: q * nb)
        let k = scale * spec.hopSeconds / params.periodSeconds * Double(q)
        spec.values.withUnsafeBufferPointer { v in
            a.withUnsafeMutableBufferPointer { ab in
                for i in 0..<nf where spec.active[i] {
                    let ph = Double(i) * k
                    var b = Int((ph - floor(ph / Double(q)) * Double(q)) + 0.5)
                    if b >= q { b -= q }
                    let o = (shift * nf + i) * nb
                    let d = b * nb
                    for j in 0..<nb { ab[d + j] += v[o + j] }
                }
            }
        }
        var bx = [Float](repeating: 0, count: q * nb)
        for p in 0..<q {
            for rho in 0..<r {
                let s = ((p + rho) % q) * nb
                for j in 0..<nb { bx[p * nb + j] += a[s + j] }
            }
        }
        return bx
    }

    /// Where cell `cell` (slot × bands + band) of the pattern lands in the folded values at phase `offset`.
    @inline(__always) func foldedIndex(cell: Int32, offset: Int) -> Int {
        let nb = spec.bands
        let slot = Int(cell) / nb
        var p = slot * r + offset
        if p >= q { p -= q }
        return p * nb + (Int(cell) - slot * nb)
    }

    /// Best offset and its score for one (scale, shift), given the folded cells.
    ///
    /// Every offset is ranked by the normalised sync correlation z_s; the best `offsetCandidates`
    /// offsets are then re-scored with the data-cell energy statistic z_e (coded-bit soft values are
    /// coherent sums over their cells, so Σ soft² exceeds its null expectation Σ v² when aligned):
    /// score = (z_s + w·z_e) / √(1 + w²), both terms ≈ N(0,1) on unmarked audio.
    func bestOffset(_ bx: [Float]) -> (offset: Int, z: Float) {
        let si = pattern.syncIndex
        let sc = pattern.syncChip
        let m = max(1, min(q, params.offsetCandidates))
        var topZ = [Float](repeating: -.infinity, count: m)
        var topO = [Int](repeating: 0, count: m)
        bx.withUnsafeBufferPointer { b in
            for o in 0..<q {
                var c: Float = 0
                var e: Float = 0
                for i in 0..<si.count {
                    let v = b[foldedIndex(cell: si[i], offset: o)]
                    c += sc[i] * v
                    e += v * v
                }
                let z = e > 0 ? c / e.squareRoot() : 0
                if z > topZ[m - 1] {
                    var k = m - 1
                    while k > 0 && topZ[k - 1] < z {
                        topZ[k] = topZ[k - 1]
                        topO[k] = topO[k - 1]
                        k -= 1
                    }
                    topZ[k] = z
                    topO[k] = o
                }
            }
        }
        let w = Float(params.dataEnergyWeight)
        if w <= 0 { return (topO[0], topZ[0]) }
        let norm = 1 / (1 + w * w).squareRoot()
        var best: Float = -.infinity
        var bo = topO[0]
        for k in 0..<m where topZ[k] > -.infinity {
            let s = (topZ[k] + w * dataEnergyZ(bx, offset: topO[k])) * norm
            if s > best {
                best = s
                bo = topO[k]
            }
        }
        return (bo, best)
    }

    /// Data-cell energy statistic at one offset: (Σ_j soft_j² / Σ_cells v² − 1) / √(2 / bits).
    func dataEnergyZ(_ bx: [Float], offset: Int) -> Float {
        var soft = [Float](repeating: 0, count: pattern.codedBits)
        var e: Float = 0
        let di = pattern.dataIndex
        let dc = pattern.dataChip
        let db = pattern.dataBit
        bx.withUnsafeBufferPointer { b in
            soft.withUnsafeMutableBufferPointer { sb in
                for i in 0..<di.count {
                    let v = b[foldedIndex(cell: di[i], offset: offset)]
                    sb[Int(db[i])] += dc[i] * v
                    e += v * v
                }
            }
        }
        guard e > 0 else { return 0 }
        var s2: Float = 0
        for v in soft { s2 += v * v }
        return (s2 / e - 1) / (2 / Float(pattern.codedBits)).squareRoot()
    }

    /// Scales in the coarse grid.
    var scales: [Double] {
        let n = Int((params.scaleRange / params.scaleStep).rounded())
        return (-n...n).map { 1 + Double($0) * params.scaleStep }
    }

    /// Full search; returns the best hypothesis for every (scale, shift), best first.
    func search() -> [SyncHypothesis] {
        var out = [SyncHypothesis]()
        for s in scales {
            for d in 0..<spec.shifts {
                let (o, z) = bestOffset(folded(scale: s, shift: d))
                out.append(SyncHypothesis(scale: s, shift: d, offset: o, z: z))
            }
        }
        out.sort { $0.z > $1.z }
        return out
    }

    /// Local refinement of the scale around a hypothesis (finer steps).
    func refine(_ h: SyncHypothesis) -> SyncHypothesis {
        var best = h
        for k in -4...4 where k != 0 {
            let s = h.scale + Double(k) * params.scaleStep / 8
            let (o, z) = bestOffset(folded(scale: s, shift: h.shift))
            if z > best.z { best = SyncHypothesis(scale: s, shift: h.shift, offset: o, z: z) }
        }
        return best
    }

    /// Soft value per coded bit for a hypothesis.
    func softBits(_ h: SyncHypothesis) -> [Float] {
        let bx = folded(scale: h.scale, shift: h.shift)
        var soft = [Float](repeating: 0, count: pattern.codedBits)
        for i in 0..<pattern.dataIndex.count {
            soft[Int(pattern.dataBit[i])] += pattern.dataChip[i] * bx[foldedIndex(cell: pattern.dataIndex[i], offset: h.offset)]
        }
        return soft
    }
}
