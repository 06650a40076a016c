import Foundation

/// Whitened log band energies of a mono signal for every candidate frequency shift.
///
/// One Hann-windowed STFT (hop = frame/2); per frame, a cumulative power spectrum gives the energy
/// of any band (fractional bin edges, linear interpolation) in O(1). For each shift `d` the band
/// edges are scaled by 2^(d/stepsPerOctave). Log energies are whitened: minus the mean over bands
/// (removes loudness), minus a moving average over ±`whitenSeconds` (removes slow spectral shape),
/// divided by each band's RMS, clipped to ±3.
struct LogSpectrogram: Sendable {
    /// Frames, bands, shifts.
    let frames: Int, bands: Int, shifts: Int
    /// Frame hop in seconds (centre of frame i is at i·hopSeconds).
    let hopSeconds: Double
    /// values[(shift*frames + frame)*bands + band]
    let values: [Float]
    /// Frame is non-silent.
    let active: [Bool]

    /// Analyses `mono` at `sampleRate`.
    init(mono: [Float], sampleRate: Int, parameters p: AudioMarkParameters) {
        let n = AudioMarkParameters.frameSize(sampleRate: sampleRate)
        let hop = n / 2
        let nf = max(0, (mono.count - hop) / hop) // frame i centred at i*hop, i = 1..nf-1 usable
        frames = nf
        bands = p.bandCount
        shifts = 2 * p.shiftSteps + 1
        hopSeconds = Double(hop) / Double(sampleRate)
        let nb = bands
        let ns = shifts
        // band edges in fractional bins for every shift
        var edges = [Float](repeating: 0, count: ns * (nb + 1))
        let binHz = Double(sampleRate) / Double(n)
        var maxBin = 0
        for s in 0..<ns {
            let r = pow(2, Double(s - p.shiftSteps) / p.shiftStepsPerOctave)
            for e in 0...nb {
                let pos = min(Double(n / 2) - 0.01, p.edgeHz(e) * r / binHz + 0.5)
                edges[s * (nb + 1) + e] = Float(pos)
                maxBin = max(maxBin, Int(pos) + 2)
            }
        }
        maxBin = min(maxBin, n / 2 + 1)
        let fft = RealFFT(size: n)
        var buf = RealFFT.Buffers(size: n)
        let win = (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))) }
        var frame = [Float](repeating: 0, count: n)
        var re = [Float](repeating: 0, count: n / 2 + 1)
        var im = re
        var cum = [Float](repeating: 0, count: maxBin + 1)
        var logE = [Float](repeating: 0, count: ns * nf * nb)
        var act = [Bool](repeating: false, count: nf)
        let floorE = Float(n) * 1e-9
        mono.withUnsafeBufferPointer { x in
            for i in 1..<max(1, nf) {
                let st = i * hop - hop
                var ms: Float = 0
                for j in 0..<n {
                    let v = x[st + j]
                    frame[j] = v * win[j]
                    ms += v * v
                }
                act[i] = ms / Float(n) > 1e-9
                frame.withUnsafeBufferPointer { f in
                    re.withUnsafeMutableBufferPointer { r in
                        im.withUnsafeMutableBufferPointer { m in
                            fft.forward(f.baseAddress!, outRe: r.baseAddress!, outIm: m.baseAddress!, buffers: &buf)
                        }
                    }
                }
                var acc: Float = 0
                for f in 0..<maxBin {
                    cum[f] = acc
                    acc += re[f] * re[f] + im[f] * im[f]
                }
                cum[maxBin] = acc
                @inline(__always) func c(_ pos: Float) -> Float {
                    let k = Int(pos)
                    let fr = pos - Float(k)
                    return cum[k] + fr * (cum[k + 1] - cum[k])
                }
                for s in 0..<ns {
                    let eb = s * (nb + 1)
                    var prev = c(edges[eb])
                    let o = (s * nf + i) * nb
                    for b in 0..<nb {
                        let cur = c(edges[eb + b + 1])
                        logE[o + b] = log(max(0, cur - prev) + floorE)
                        prev = cur
                    }
                }
            }
        }
        if nf > 0 { act[0] = false }
        // whitening
        let fw = p.freqWhitenBands
        let w = max(1, Int((p.whitenSeconds / hopSeconds).rounded()))
        var ps = [Float](repeating: 0, count: nf + 1)
        var pc = [Float](repeating: 0, count: nf + 1)
        for s in 0..<ns {
            for i in 0..<nf where act[i] {
                let o = (s * nf + i) * nb
                if fw <= 0 || fw >= nb {
                    var m: Float = 0
                    for b in 0..<nb { m += logE[o + b] }
                    m /= Float(nb)
                    for b in 0..<nb { logE[o + b] -= m }
                } else {
                    // subtract a local mean over ±fw bands
                    var pre = [Float](repeating: 0, count: nb + 1)
                    for b in 0..<nb { pre[b + 1] = pre[b] + logE[o + b] }
                    for b in 0..<nb {
                        let lo = max(0, b - fw)
                        let hi = min(nb, b + fw + 1)
                        logE[o + b] -= (pre[hi] - pre[lo]) / Float(hi - lo)
                    }
                }
            }
            for b in 0..<nb {
                for i in 0..<nf {
                    let a = act[i]
                    ps[i + 1] = ps[i] + (a ? logE[(s * nf + i) * nb + b] : 0)
                    pc[i + 1] = pc[i] + (a ? 1 : 0)
                }
                var tmp = [Float](repeating: 0, count: nf)
                var ss: Float = 0
                var cnt: Float = 0
                for i in 0..<nf where act[i] {
                    let lo = max(0, i - w)
                    let hi = min(nf, i + w + 1)
                    let mean = (ps[hi] - ps[lo]) / max(1, pc[hi] - pc[lo])
                    let v = logE[(s * nf + i) * nb + b] - mean
                    tmp[i] = v
                    ss += v * v
                    cnt += 1
                }
                let rms = cnt > 0 ? (ss / cnt).squareRoot() : 1
                let inv = rms > 1e-6 ? 1 / rms : 0
                for i in 0..<nf {
                    let v: Float = act[i] ? min(3, max(-3, tmp[i] * inv)) : 0
                    logE[(s * nf + i) * nb + b] = v
                }
            }
        }
        values = logE
        active = act
    }
}
