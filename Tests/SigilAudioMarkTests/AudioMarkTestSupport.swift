import Foundation
@testable import SigilAudioMark

/// Keys, test signals and simple attacks (speed, tempo) for the audio mark's tests.
enum AudioMarkTestSupport {
    static let key = try! WatermarkKey(bytes: (0..<32).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) })
    static let otherKey = try! WatermarkKey(bytes: (0..<32).map { UInt8(truncatingIfNeeded: $0 * 11 + 5) })
}

/// A small deterministic generator for test signals.
struct LCG {
    var s: UInt64
    mutating func next() -> Float {
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return Float(Double(s >> 11) / Double(1 << 53))
    }
    mutating func gauss() -> Float {
        let u = max(1e-7, next())
        let v = next()
        return Float((-2 * log(Double(u))).squareRoot() * cos(2 * Double.pi * Double(v)))
    }
}

/// Noise + a few tones with slow amplitude changes (interleaved).
func synthetic(seconds: Double, rate: Int, channels: Int, seed: UInt64 = 1) -> [Float] {
    var g = LCG(s: seed)
    let n = Int(seconds * Double(rate))
    var out = [Float](repeating: 0, count: n * channels)
    let tones: [Double] = [220, 440, 660, 1250, 2500]
    for i in 0..<n {
        let t = Double(i) / Double(rate)
        var v = 0.05 * g.gauss()
        for (k, f) in tones.enumerated() { v += Float(0.08 * (0.6 + 0.4 * sin(2 * .pi * (0.3 + 0.1 * Double(k)) * t)) * sin(2 * .pi * f * t)) }
        for c in 0..<channels { out[i * channels + c] = v * (c == 0 ? 1 : 0.8) }
    }
    return out
}

func embed(_ x: [Float], rate: Int, channels: Int, payload: UInt64, chunk: Int = 0) throws -> [Float] {
    var e = try AudioMarkEmbedder(key: AudioMarkTestSupport.key, payload: payload, sampleRate: rate, channels: channels)
    var out = [Float]()
    if chunk > 0 {
        var i = 0
        while i < x.count {
            let j = min(x.count, i + chunk * channels)
            out += try e.process(Array(x[i..<j]))
            i = j
        }
    } else {
        out = try e.process(x)
    }
    return out + e.finish()
}

/// Linear-interpolation resampling of a mono signal by `factor` (factor > 1 = faster, shorter).
func speedChange(_ x: [Float], factor: Double) -> [Float] {
    let n = Int(Double(x.count) / factor)
    return (0..<n).map { i in
        let p = Double(i) * factor
        let k = Int(p)
        let f = Float(p - Double(k))
        return k + 1 < x.count ? x[k] * (1 - f) + x[k + 1] * f : x[x.count - 1]
    }
}

/// Crude overlap-add time stretch (pitch kept): analysis hop = synthesis hop × factor.
func tempoChange(_ x: [Float], factor: Double) -> [Float] {
    let n = 2048
    let hs = 512
    let w = (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))) }
    let frames = Int(Double(x.count - n) / (Double(hs) * factor))
    var y = [Float](repeating: 0, count: frames * hs + n)
    var norm = y
    for f in 0..<frames {
        let a = Int(Double(f * hs) * factor)
        for j in 0..<n {
            y[f * hs + j] += x[a + j] * w[j]
            norm[f * hs + j] += w[j]
        }
    }
    return zip(y, norm).map { $1 > 1e-3 ? $0 / $1 : 0 }
}
