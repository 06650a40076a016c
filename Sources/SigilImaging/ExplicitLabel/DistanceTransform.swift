/// Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher's lower-envelope method), used to
/// dilate glyph masks into outlines in linear time whatever the outline width.
enum DistanceTransform {
    /// For every cell of a `width` × `height` grid, the squared distance to the nearest cell where `isSeed` holds
    /// (`Float.infinity` when there is none).
    static func squaredDistances(width: Int, height: Int, isSeed: (Int) -> Bool) -> [Float] {
        let far = Float.infinity
        var grid = [Float](unsafeUninitializedCapacity: width * height) { buffer, initialized in
            for index in 0..<width * height { buffer[index] = isSeed(index) ? 0 : far }
            initialized = width * height
        }
        let longest = max(width, height)
        var line = [Float](repeating: 0, count: longest)
        var output = [Float](repeating: 0, count: longest)
        var vertices = [Int](repeating: 0, count: longest)
        var bounds = [Float](repeating: 0, count: longest + 1)

        grid.withUnsafeMutableBufferPointer { cells in
            for column in 0..<width {
                for row in 0..<height { line[row] = cells[row * width + column] }
                transform1D(&line, count: height, into: &output, vertices: &vertices, bounds: &bounds)
                for row in 0..<height { cells[row * width + column] = output[row] }
            }
            for row in 0..<height {
                for column in 0..<width { line[column] = cells[row * width + column] }
                transform1D(&line, count: width, into: &output, vertices: &vertices, bounds: &bounds)
                for column in 0..<width { cells[row * width + column] = output[column] }
            }
        }
        return grid
    }

    private static func transform1D(
        _ f: inout [Float], count n: Int, into d: inout [Float], vertices v: inout [Int], bounds z: inout [Float]
    ) {
        // Skip leading infinite samples: parabolas rooted at infinity never form the envelope.
        guard let first = (0..<n).first(where: { f[$0].isFinite }) else {
            for q in 0..<n { d[q] = .infinity }
            return
        }
        var k = 0
        v[0] = first
        z[0] = -.infinity
        z[1] = .infinity
        if first + 1 < n {
            for q in (first + 1)..<n where f[q].isFinite {
                var s: Float
                repeat {
                    let p = v[k]
                    s = ((f[q] + Float(q * q)) - (f[p] + Float(p * p))) / Float(2 * q - 2 * p)
                    if s <= z[k] { k -= 1 } else { break }
                } while k >= 0
                k += 1
                v[k] = q
                z[k] = s
                z[k + 1] = .infinity
            }
        }
        k = 0
        for q in 0..<n {
            while z[k + 1] < Float(q) { k += 1 }
            let delta = Float(q - v[k])
            d[q] = delta * delta + f[v[k]]
        }
    }
}
