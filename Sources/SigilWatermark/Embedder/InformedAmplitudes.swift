/// Informed embedding (the host-interference rejection of Malvar & Florêncio's Improved Spread Spectrum,
/// applied per coded bit): the embedder runs the detector's own front end on the unmarked image, measures
/// how much the picture itself already pushes each coded bit (and each sync cell) towards or away from its
/// value, and sets per-cell amplitudes so that every bit ends with the same margin, at the same total power.
/// Host interference — the largest noise a blind detector faces — is thereby cancelled where it matters.
struct InformedAmplitudes: Sendable {
    let layout: TileLayout
    let synchronizer: TileSynchronizer

    /// Amplitude multipliers are kept within this range.
    static let ceiling: Float = 2.2
    /// Refinement rounds (one already removes most host interference; more trade margin for power).
    static let rounds = 1
    static let floor: Float = 0.3

    /// Per-cell amplitude multipliers (mean square 1 over data cells and over sync cells).
    func multipliers(chips: [Float], bits: [UInt8], host: Plane, factor: Int, pitch: Double, mask: PerceptualMask) -> [Float] {
        let k = TileLayout.side
        let analysisPitch = pitch / Double(factor)
        let radii = WatermarkDetector.whiteningRadii(pitch: analysisPitch)
        let hostHighPass = host.highPassed(meanRadius: radii.mean)
        // The mark as the detector will see it: rendered at each analysis pixel's centre and high-passed; the
        // whitening gains come from host and mark together, as they will in the marked image.
        let centre = Double(factor - 1) / 2
        func markResidual(_ amplitudes: [Float]) -> Plane {
            var mark = Plane(width: host.width, height: host.height)
            for y in 0..<host.height {
                let oy = Double(y * factor) + centre
                let v = oy / pitch
                let cv = Int(v.rounded(.down))
                let fy = Float(v - Double(cv))
                for x in 0..<host.width {
                    let ox = Double(x * factor) + centre
                    let u = ox / pitch
                    let cu = Int(u.rounded(.down))
                    let fx = Float(u - Double(cu))
                    let i00 = (cv % k) * k + cu % k
                    let i10 = (cv % k) * k + (cu + 1) % k
                    let i01 = ((cv + 1) % k) * k + cu % k
                    let i11 = ((cv + 1) % k) * k + (cu + 1) % k
                    let field =
                        (amplitudes[i00] * (1 - fx) + amplitudes[i10] * fx) * (1 - fy) + (amplitudes[i01] * (1 - fx) + amplitudes[i11] * fx) * fy
                    let ix = min(Int(ox), factor * host.width - 1)
                    let iy = min(Int(oy), factor * host.height - 1)
                    mark[x, y] = field * mask.value(x: ix, y: iy)
                }
            }
            return mark.highPassed(meanRadius: radii.mean)
        }
        func gains(_ markHighPass: Plane) -> Plane {
            var energy = hostHighPass
            for i in 0..<energy.values.count {
                energy.values[i] = hostHighPass.values[i] * hostHighPass.values[i] + markHighPass.values[i] * markHighPass.values[i]
            }
            var g = energy.boxMean(radius: radii.norm)
            for i in 0..<g.values.count { g.values[i] = Plane.gain(localEnergy: g.values[i]) }
            return g
        }

        // Read planes through the identity fold at the shift the detector will find.
        let basis = LatticeBasis.axisAligned(period: analysisPitch * Double(k))
        let m = Double(TileFold.oversample)
        let n = TileFold.bins
        let shift = ((Int((-centre / pitch * m).rounded()) % n) + n) % n
        func cells(_ plane: Plane) -> [Float] {
            let fold = TileFold(plane: plane, basis: basis)
            return synchronizer.cellValues(.init(symmetry: 0, shift: (shift, shift), score: 0, fold: fold))
        }

        // Items: each coded bit (its cells together) and each sync cell. q = host push along the wanted sign.
        var items: [[Int]] = Array(repeating: [], count: bits.count)
        for cell in 0..<TileLayout.cellCount {
            if layout.bitOfCell[cell] >= 0 { items[layout.bitOfCell[cell]].append(cell) } else { items.append([cell]) }
        }
        let isSync = items.map { layout.bitOfCell[$0[0]] < 0 }
        var amplitude = [Float](repeating: 1, count: items.count)
        for _ in 0..<Self.rounds {
            var cellChips = chips
            for (i, item) in items.enumerated() { for cell in item { cellChips[cell] *= amplitude[i] } }
            var markPlane = markResidual(cellChips)
            let gain = gains(markPlane)
            var hostPlane = hostHighPass
            for i in 0..<hostPlane.values.count {
                hostPlane.values[i] = min(max(hostPlane.values[i] * gain.values[i], -8), 8)
                markPlane.values[i] *= gain.values[i]
            }
            let hostCells = cells(hostPlane)
            let markCells = cells(markPlane)
            let q = items.map { $0.reduce(Float(0)) { $0 + hostCells[$1] * chips[$1] } }
            // Effective gain of each item per unit of its amplitude, cross-talk included.
            let g = items.indices.map { i -> Float in
                let response = items[i].reduce(Float(0)) { $0 + markCells[$1] * chips[$1] }
                return amplitude[i] > 0.05 ? response / amplitude[i] : response / 0.05
            }
            for sync in [false, true] {
                let members = items.indices.filter { isSync[$0] == sync }
                let next = Self.equalise(q: members.map { q[$0] }, g: members.map { g[$0] }, weights: members.map { Float(items[$0].count) })
                for (j, i) in members.enumerated() { amplitude[i] = 0.5 * amplitude[i] + 0.5 * next[j] }
            }
        }
        var out = [Float](repeating: 1, count: TileLayout.cellCount)
        for (i, item) in items.enumerated() { for cell in item { out[cell] = amplitude[i] } }
        return out
    }

    /// Amplitudes a_i = (T − q_i) / g_i, clamped to [``floor``, ``ceiling``], that give every item the same
    /// final margin T where they can; T is found by bisection so the weighted mean of a² is 1. Items whose
    /// gain is too small to steer keep amplitude 1.
    static func equalise(q: [Float], g: [Float], weights: [Float]) -> [Float] {
        let sortedG = g.sorted()
        let typical = sortedG.isEmpty ? 0 : sortedG[sortedG.count / 2]
        guard typical > 1e-6 else { return q.map { _ in 1 } }
        func amplitudes(_ target: Float) -> [Float] {
            q.indices.map { i in
                guard g[i] > 0.25 * typical else { return 1 }
                return min(max((target - q[i]) / g[i], floor), ceiling)
            }
        }
        func meanSquare(_ a: [Float]) -> Float {
            var p: Float = 0
            var w: Float = 0
            for i in a.indices {
                p += weights[i] * a[i] * a[i]
                w += weights[i]
            }
            return p / w
        }
        var low: Float = 0
        var high = typical * ceiling * 2
        for _ in 0..<40 {
            let mid = (low + high) / 2
            if meanSquare(amplitudes(mid)) > 1 { high = mid } else { low = mid }
        }
        return amplitudes((low + high) / 2)
    }
}
