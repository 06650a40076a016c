/// The mono downmix (the mean of the channels) of the first `frames` frames of interleaved samples: what the
/// embedder marks and the detector reads, so every channel layout carries and yields the same mark.
func monoDownmix(_ samples: UnsafeBufferPointer<Float>, channels: Int, frames: Int) -> [Float] {
    if channels == 1 { return Array(samples.prefix(frames)) }
    let scale = 1 / Float(channels)
    return [Float](unsafeUninitializedCapacity: frames) { mono, count in
        for i in 0..<frames {
            var sum: Float = 0
            for c in 0..<channels { sum += samples[i * channels + c] }
            mono[i] = sum * scale
        }
        count = frames
    }
}
