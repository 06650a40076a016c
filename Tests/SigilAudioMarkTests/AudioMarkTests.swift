import Foundation
import Testing
@testable import SigilAudioMark

@Suite("Audio mark: transforms, round trips, attacks, false positives")
struct AudioMarkTests {
    @Test("the complex and real FFTs equal the direct DFT; the real inverse restores the input") func fftMatchesNaiveDFT() {
        var g = LCG(s: 7)
        let n = 64
        var re = (0..<n).map { _ in g.gauss() }
        var im = (0..<n).map { _ in g.gauss() }
        let r0 = re
        let i0 = im
        ComplexFFT(size: n).transform(re: &re, im: &im)
        for k in 0..<n {
            var sr = 0.0
            var si = 0.0
            for t in 0..<n {
                let a = -2 * Double.pi * Double(k * t) / Double(n)
                sr += Double(r0[t]) * cos(a) - Double(i0[t]) * sin(a)
                si += Double(r0[t]) * sin(a) + Double(i0[t]) * cos(a)
            }
            #expect(abs(sr - Double(re[k])) < 1e-3 && abs(si - Double(im[k])) < 1e-3)
        }
        // real FFT of 128 and its inverse
        let m = 128
        let x = (0..<m).map { _ in g.gauss() }
        let rf = RealFFT(size: m)
        var b = RealFFT.Buffers(size: m)
        var xr = [Float](repeating: 0, count: m / 2 + 1)
        var xi = xr
        x.withUnsafeBufferPointer { p in
            xr.withUnsafeMutableBufferPointer { r in
                xi.withUnsafeMutableBufferPointer { i in
                    rf.forward(p.baseAddress!, outRe: r.baseAddress!, outIm: i.baseAddress!, buffers: &b)
                }
            }
        }
        for k in 0...(m / 2) {
            var sr = 0.0
            var si = 0.0
            for t in 0..<m {
                let a = -2 * Double.pi * Double(k * t) / Double(m)
                sr += Double(x[t]) * cos(a)
                si += Double(x[t]) * sin(a)
            }
            #expect(abs(sr - Double(xr[k])) < 1e-3 && abs(si - Double(xi[k])) < 1e-3)
        }
        var back = [Float](repeating: 0, count: m)
        xr.withUnsafeBufferPointer { r in
            xi.withUnsafeBufferPointer { i in
                back.withUnsafeMutableBufferPointer { o in
                    rf.inverse(re: r.baseAddress!, im: i.baseAddress!, output: o.baseAddress!, buffers: &b)
                }
            }
        }
        for t in 0..<m { #expect(abs(back[t] - x[t]) < 1e-4) }
    }

    @Test("at zero strength the STFT path returns the input; chunked streaming equals one call") func stftPerfectReconstructionAndStreaming() throws {
        let x = synthetic(seconds: 2, rate: 44100, channels: 2)
        var p = AudioMarkParameters()
        p.targetSNRdB = 400 // α ≈ 0: the STFT path alone
        var e = try AudioMarkEmbedder(key: AudioMarkTestSupport.key, payload: 1, sampleRate: 44100, channels: 2, parameters: p)
        let y = try e.process(x) + e.finish()
        #expect(y.count == x.count)
        var worst: Float = 0
        for i in 0..<x.count { worst = max(worst, abs(x[i] - y[i])) }
        #expect(worst < 1e-5)
        // chunked streaming gives the same output as one call, and never lags more than one frame
        let whole = try embed(x, rate: 44100, channels: 2, payload: 42)
        let chunked = try embed(x, rate: 44100, channels: 2, payload: 42, chunk: 1000)
        #expect(whole.count == chunked.count)
        var d: Float = 0
        for i in 0..<whole.count { d = max(d, abs(whole[i] - chunked[i])) }
        #expect(d < 1e-5)
        var e2 = try AudioMarkEmbedder(key: AudioMarkTestSupport.key, payload: 42, sampleRate: 44100, channels: 2)
        let part = try e2.process(Array(x[0..<(20000 * 2)]))
        #expect(part.count / 2 >= 20000 - e2.latency)
    }

    @Test("a marked clip reads back at 44.1/48/16 kHz, above 25 dB SNR, and another key reads nothing") func roundTripSynthetic() throws {
        for (rate, ch) in [(44100, 2), (48000, 1), (16000, 1)] {
            let x = synthetic(seconds: 12, rate: rate, channels: ch)
            let y = try embed(x, rate: rate, channels: ch, payload: 0xDEAD_BEEF_0123_4567)
            var es: Double = 0
            var xs: Double = 0
            for i in 0..<x.count {
                xs += Double(x[i] * x[i])
                es += Double((y[i] - x[i]) * (y[i] - x[i]))
            }
            #expect(10 * log10(xs / es) > 25)
            let d = try AudioMarkDetector(key: AudioMarkTestSupport.key).detect(samples: y, sampleRate: rate, channels: ch)
            #expect(d.payload == 0xDEAD_BEEF_0123_4567, "rate \(rate)")
            // a different key does not read it
            #expect(try AudioMarkDetector(key: AudioMarkTestSupport.otherKey).detect(samples: y, sampleRate: rate, channels: ch).payload == nil)
        }
    }

    @Test("noise, silence, unmarked tones and a two-sample clip give no detection") func noDetectionOnUnmarked() throws {
        let det = AudioMarkDetector(key: AudioMarkTestSupport.key)
        var g = LCG(s: 99)
        let noise = (0..<(44100 * 10)).map { _ in 0.1 * g.gauss() }
        #expect(try det.detect(samples: noise, sampleRate: 44100, channels: 1).payload == nil)
        #expect(try det.detect(samples: [Float](repeating: 0, count: 44100 * 5), sampleRate: 44100, channels: 1).payload == nil)
        #expect(try det.detect(samples: synthetic(seconds: 10, rate: 44100, channels: 2, seed: 5), sampleRate: 44100, channels: 2).payload == nil)
        #expect(try det.detect(samples: [0.1, 0.2], sampleRate: 44100, channels: 1).payload == nil)
    }

    @Test("speed ±3–5 % and tempo −5/+2 % keep the payload and the time scale is measured") func speedAndTempoRoundTrip() throws {
        let x = synthetic(seconds: 20, rate: 44100, channels: 1, seed: 3)
        let y = try embed(x, rate: 44100, channels: 1, payload: 0x0123_4567_89AB_CDEF)
        let det = AudioMarkDetector(key: AudioMarkTestSupport.key)
        for f in [1.03, 0.97, 1.05] {
            let d = try det.detect(samples: speedChange(y, factor: f), sampleRate: 44100, channels: 1)
            #expect(d.payload == 0x0123_4567_89AB_CDEF, "speed \(f)")
            #expect(abs(d.timeScale - f) < 0.004)
        }
        for f in [1.02, 0.95] {
            let d = try det.detect(samples: tempoChange(y, factor: f), sampleRate: 44100, channels: 1)
            #expect(d.payload == 0x0123_4567_89AB_CDEF, "tempo \(f)")
        }
    }

    @Test("bad rates, channel counts and partial frames are usage errors, never a crash") func badInputIsAUsageError() {
        #expect(throws: SigilError(.usage, "")) { try AudioMarkEmbedder(key: AudioMarkTestSupport.key, payload: 0, sampleRate: 4000, channels: 1) }
        #expect(throws: SigilError(.usage, "")) { try AudioMarkEmbedder(key: AudioMarkTestSupport.key, payload: 0, sampleRate: 44100, channels: 0) }
        #expect(throws: SigilError(.usage, "")) {
            var e = try AudioMarkEmbedder(key: AudioMarkTestSupport.key, payload: 0, sampleRate: 44100, channels: 2)
            _ = try e.process([0, 0, 0])
        }
        #expect(throws: SigilError(.usage, "")) {
            try AudioMarkDetector(key: AudioMarkTestSupport.key).detect(samples: [0, 0, 0], sampleRate: 44100, channels: 2)
        }
    }

    @Test("round trip at 8–96 kHz, mono and stereo", arguments: [(8000, 1), (16000, 2), (22050, 1), (48000, 2), (96000, 1)])
    func roundTripAtSampleRate(_ cfg: (Int, Int)) throws {
        let (rate, ch) = cfg
        let payload: UInt64 = 0x5EED_0000_0000_0000 | UInt64(rate) << 4 | UInt64(ch)
        let x = synthetic(seconds: 12, rate: rate, channels: ch, seed: UInt64(rate + ch))
        let y = try embed(x, rate: rate, channels: ch, payload: payload)
        #expect(y.count == x.count)
        let d = try AudioMarkDetector(key: AudioMarkTestSupport.key).detect(samples: y, sampleRate: rate, channels: ch)
        #expect(d.payload == payload, "rate \(rate) channels \(ch)")
    }
}
