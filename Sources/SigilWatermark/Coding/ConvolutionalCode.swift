/// The rate-1/2, constraint-length-7 convolutional code (generators 171₈ and 133₈, the CCSDS / IEEE 802.11
/// pair), terminated with six zero tail bits, and its soft-decision Viterbi decoder.
///
/// Soft values are log-likelihood-like reals: positive means "bit 1 more likely", magnitude is confidence.
enum ConvolutionalCode {
    static let constraintLength = 7
    static let generators: [Int] = [0o171, 0o133]
    static let stateCount = 1 << (constraintLength - 1)

    /// Coded length for `infoBits` information bits.
    static func codedLength(infoBits: Int) -> Int { (infoBits + constraintLength - 1) * generators.count }

    /// Encodes `bits` (0/1) and appends the tail.
    static func encode(_ bits: [UInt8]) -> [UInt8] {
        var register = 0
        var out: [UInt8] = []
        out.reserveCapacity(codedLength(infoBits: bits.count))
        for bit in bits + [UInt8](repeating: 0, count: constraintLength - 1) {
            register = ((register << 1) | Int(bit & 1)) & ((1 << constraintLength) - 1)
            for g in generators { out.append(UInt8((register & g).nonzeroBitCount & 1)) }
        }
        return out
    }

    /// Maximum-likelihood decode of `soft` (length ``codedLength(infoBits:)``) back to `infoBits` bits.
    static func decode(_ soft: [Float], infoBits: Int) -> [UInt8] {
        let steps = infoBits + constraintLength - 1
        precondition(soft.count == steps * generators.count, "soft vector has the wrong length")
        let states = stateCount
        // Output bits for (state, input): register = (state << 1 | input), state = last 6 inputs.
        var outputs = [[Float]](repeating: [0, 0], count: states * 2)
        for state in 0..<states {
            for input in 0..<2 {
                let register = (state << 1) | input
                outputs[state * 2 + input] = generators.map { Float(((register & $0).nonzeroBitCount & 1) * 2 - 1) }
            }
        }
        let negative: Float = -.greatestFiniteMagnitude
        var metric = [Float](repeating: negative, count: states)
        metric[0] = 0
        var survivors = [UInt8](repeating: 0, count: steps * states)   // chosen predecessor's dropped bit
        var next = [Float](repeating: negative, count: states)
        for step in 0..<steps {
            let s0 = soft[step * 2], s1 = soft[step * 2 + 1]
            for i in 0..<states { next[i] = negative }
            for state in 0..<states where metric[state] > negative {
                for input in 0..<2 {
                    if step >= infoBits && input == 1 { continue }
                    let o = outputs[state * 2 + input]
                    let m = metric[state] + o[0] * s0 + o[1] * s1
                    let target = ((state << 1) | input) & (states - 1)
                    if m > next[target] {
                        next[target] = m
                        survivors[step * states + target] = UInt8(state >> (constraintLength - 2))
                    }
                }
            }
            swap(&metric, &next)
        }
        var state = 0
        var bits = [UInt8](repeating: 0, count: steps)
        for step in stride(from: steps - 1, through: 0, by: -1) {
            bits[step] = UInt8(state & 1)
            let dropped = Int(survivors[step * states + state])
            state = (state >> 1) | (dropped << (constraintLength - 2))
        }
        return Array(bits.prefix(infoBits))
    }
}
