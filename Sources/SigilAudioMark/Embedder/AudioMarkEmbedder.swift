import Foundation
import SigilCore
import SigilWatermarkCore

/// Streaming watermark embedder.
///
/// Feed interleaved Float chunks to `process(_:)`; each call returns the marked samples that are
/// complete so far (the embedder holds back at most one STFT frame). Call `finish()` once at the end
/// to flush; the total output length equals the total input length.
///
/// Method: STFT of the mono downmix (sqrt-Hann, hop = frame/2). Each (time slot, 1/12-octave band)
/// cell gets a relative magnitude change `α·c`, c = ±1 (sync chip, or chip × coded bit). The change
/// is synthesised once (`ISTFT(α·c·X_mono)`) and added to every channel, so all channels carry the
/// same mark and the mono downmix carries exactly the designed modulation.
public struct AudioMarkEmbedder: Sendable {
    /// Sample rate (Hz) and channel count of the stream.
    public let sampleRate: Int, channels: Int
    /// STFT frame size in samples.
    public let frameSize: Int
    let hop: Int
    let params: AudioMarkParameters
    let signs: [Float] // slots*bands cell signs
    let fft: RealFFT
    let window: [Float] // sqrt-Hann
    let binLo: [Int32], binHi: [Int32], binW: [Float], inBand: [Bool]
    let maxBin: Int
    let kappa: Float

    var buf: RealFFT.Buffers
    var frame: [Float], specRe: [Float], specIm: [Float], outFrame: [Float]
    var mono: [Float] // mono samples from absolute index monoBase
    var monoBase: Int
    var inter: [Float] // interleaved input from absolute frame outPos
    var wm: [Float] // watermark from absolute outPos
    var outPos: Int
    var received: Int
    var nextFrame: Int
    var finished = false
    var bandE: [Float], bandAlpha: [Float]

    /// An embedder of `payload` under `key` for a stream of `channels` interleaved channels at `sampleRate`.
    ///
    /// - Throws: ``SigilError`` `.usage` for a sample rate outside 8–96 kHz or 0 / more than 32 channels.
    public init(
        key: WatermarkKey, payload: UInt64, sampleRate: Int, channels: Int, parameters: AudioMarkParameters = AudioMarkParameters()
    ) throws {
        try AudioMarkParameters.check(sampleRate: sampleRate, channels: channels)
        self.sampleRate = sampleRate
        self.channels = channels
        params = parameters
        let n = AudioMarkParameters.frameSize(sampleRate: sampleRate)
        frameSize = n
        hop = n / 2
        let codec = MessageCodec(tagKey: key.derive("audio/tag"))
        let pattern = CellPattern(key: key, parameters: parameters, codedBits: MessageCodec.codedBits)
        signs = pattern.cellSigns(codedBits: codec.encode(payload: payload))
        fft = RealFFT(size: n)
        window = (0..<n).map { Float(sqrt(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n)))) }
        var lo = [Int32]()
        var hi = [Int32]()
        var w = [Float]()
        var ib = [Bool]()
        let nb = parameters.bandCount
        let d = parameters.edgeFade
        var mb = 0
        for f in 0...(n / 2) {
            let hz = Double(f) * Double(sampleRate) / Double(n)
            let u = hz > 0 ? log2(hz / parameters.lowHz) * parameters.bandsPerOctave : -100
            var a: Int32 = -1
            var b: Int32 = -1
            var t: Float = 0
            if u > -d && u < Double(nb) + d {
                let e = (u).rounded() // nearest edge
                if abs(u - e) < d {
                    let ee = Int(e)
                    a = ee - 1 >= 0 && ee - 1 < nb ? Int32(ee - 1) : -1
                    b = ee >= 0 && ee < nb ? Int32(ee) : -1
                    t = Float((u - (e - d)) / (2 * d))
                } else {
                    let k = Int(floor(u))
                    a = Int32(k)
                    b = -1
                    t = 0
                }
                mb = f
            }
            lo.append(a)
            hi.append(b)
            w.append(t)
            ib.append(u >= 0 && u < Double(nb))
        }
        binLo = lo
        binHi = hi
        binW = w
        inBand = ib
        maxBin = mb
        kappa = Float(pow(10, -parameters.targetSNRdB / 20))
        buf = RealFFT.Buffers(size: n)
        frame = [Float](repeating: 0, count: n)
        outFrame = frame
        specRe = [Float](repeating: 0, count: n / 2 + 1)
        specIm = specRe
        mono = [Float](repeating: 0, count: hop)
        monoBase = -hop
        bandE = [Float](repeating: 0, count: parameters.bandCount)
        bandAlpha = bandE
        inter = []
        wm = []
        outPos = 0
        received = 0
        nextFrame = 0
    }

    /// Samples of delay between input and output inside the stream (output catches up in `finish`).
    public var latency: Int { frameSize }

    /// Marks one chunk of interleaved samples; returns the interleaved samples now complete.
    ///
    /// - Throws: ``SigilError`` `.usage` when the chunk is not a whole number of frames.
    public mutating func process(_ chunk: [Float]) throws -> [Float] {
        guard chunk.count % channels == 0 else {
            throw SigilError(.usage, "a chunk of \(chunk.count) samples is not a whole number of \(channels)-channel frames")
        }
        let frames = chunk.count / channels
        inter.append(contentsOf: chunk)
        mono += chunk.withUnsafeBufferPointer { monoDownmix($0, channels: channels, frames: frames) }
        received += frames
        while nextFrame * hop + hop <= received {
            processFrame(nextFrame)
            nextFrame += 1
        }
        return emit(upTo: min(received, (nextFrame - 1) * hop))
    }

    /// Flushes the remaining samples (zero-padded analysis at the end).
    public mutating func finish() -> [Float] {
        guard !finished else { return [] }
        finished = true
        let need = (nextFrame + 2) * hop + hop - (monoBase + mono.count)
        if need > 0 { mono.append(contentsOf: [Float](repeating: 0, count: need)) }
        while nextFrame * hop - hop < received {
            processFrame(nextFrame)
            nextFrame += 1
        }
        return emit(upTo: received)
    }

    mutating func emit(upTo end: Int) -> [Float] {
        let count = end - outPos
        guard count > 0 else { return [] }
        var out = [Float](repeating: 0, count: count * channels)
        let ch = channels
        out.withUnsafeMutableBufferPointer { o in
            inter.withUnsafeBufferPointer { x in
                wm.withUnsafeBufferPointer { w in
                    for i in 0..<count {
                        let wv = i < w.count ? w[i] : 0
                        for c in 0..<ch { o[i * ch + c] = x[i * ch + c] + wv }
                    }
                }
            }
        }
        inter.removeFirst(count * channels)
        wm.removeFirst(min(count, wm.count))
        outPos = end
        // drop mono samples no longer needed (frame nextFrame starts at nextFrame*hop - hop)
        let keepFrom = nextFrame * hop - hop
        if keepFrom - monoBase > 4 * frameSize {
            mono.removeFirst(keepFrom - monoBase)
            monoBase = keepFrom
        }
        return out
    }

    mutating func processFrame(_ i: Int) {
        let n = frameSize
        let start = i * hop - hop
        let t = Double(i * hop) / Double(sampleRate)
        let slot = Int(floor(t / params.slotSeconds)) % params.slotsPerPeriod
        let nb = params.bandCount
        // window
        mono.withUnsafeBufferPointer { m in
            window.withUnsafeBufferPointer { w in
                frame.withUnsafeMutableBufferPointer { f in
                    let off = start - monoBase
                    for j in 0..<n { f[j] = m[off + j] * w[j] }
                }
            }
        }
        frame.withUnsafeBufferPointer { f in
            specRe.withUnsafeMutableBufferPointer { r in
                specIm.withUnsafeMutableBufferPointer { im in
                    fft.forward(f.baseAddress!, outRe: r.baseAddress!, outIm: im.baseAddress!, buffers: &buf)
                }
            }
        }
        var eTot: Float = 0
        var eBand: Float = 0
        for k in 0..<nb { bandE[k] = 0 }
        for f in 0...(n / 2) {
            let p = specRe[f] * specRe[f] + specIm[f] * specIm[f]
            eTot += p
            if inBand[f] {
                eBand += p
                bandE[Int(binLo[f] >= 0 && binW[f] < 0.5 ? binLo[f] : max(0, binHi[f]))] += p
            }
        }
        guard eBand > 1e-20 else { return }
        let amax = Float(params.alphaMax)
        // α_k = A·(E_k/Ē)^(-γ): γ = 0 uniform, γ = 0.5 equal watermark energy per band;
        // A chosen so that Σ α_k² E_k = κ²·E_frame (frame SNR = target), then capped at alphaMax.
        let gamma = Float(params.allocationExponent)
        let mean = eBand / Float(nb)
        var denom: Float = 0
        for k in 0..<nb where bandE[k] > 1e-20 {
            let w = gamma == 0 ? 1 : pow(bandE[k] / mean, -2 * gamma)
            bandAlpha[k] = w
            denom += w * bandE[k]
        }
        let aScale = denom > 0 ? kappa * (eTot / denom).squareRoot() : 0
        for k in 0..<nb {
            bandAlpha[k] = bandE[k] > 1e-20 ? min(amax, aScale * (gamma == 0 ? 1 : bandAlpha[k].squareRoot())) : 0
        }
        let rowBase = slot * nb
        for f in 0...(n / 2) {
            var g: Float = 0
            if f <= maxBin {
                let a = Int(binLo[f])
                let b = Int(binHi[f])
                let tw = binW[f]
                if a >= 0 { g += (1 - tw) * signs[rowBase + a] * bandAlpha[a] }
                if b >= 0 { g += tw * signs[rowBase + b] * bandAlpha[b] }
            }
            specRe[f] *= g
            specIm[f] *= g
        }
        specRe.withUnsafeBufferPointer { r in
            specIm.withUnsafeBufferPointer { im in
                outFrame.withUnsafeMutableBufferPointer { o in
                    fft.inverse(re: r.baseAddress!, im: im.baseAddress!, output: o.baseAddress!, buffers: &buf)
                }
            }
        }
        let need = start + n - outPos
        if wm.count < need { wm.append(contentsOf: [Float](repeating: 0, count: need - wm.count)) }
        let off = start - outPos
        wm.withUnsafeMutableBufferPointer { w in
            outFrame.withUnsafeBufferPointer { o in
                window.withUnsafeBufferPointer { win in
                    for j in 0..<n where off + j >= 0 { w[off + j] += o[j] * win[j] }
                }
            }
        }
    }
}
