/// The rate-1/2, constraint-length-7 convolutional code (generators 171₈ and 133₈, the CCSDS / IEEE 802.11
/// pair), terminated with six zero tail bits, and its soft-decision Viterbi decoder.
///
/// Soft values are log-likelihood-like reals: positive means "bit 1 more likely", magnitude is confidence.
package enum ConvolutionalCode {
    package static let constraintLength = 7
    package static let generators: [Int] = [0o171, 0o133]
    package static let stateCount = 1 << (constraintLength - 1)

    /// Coded length for `infoBits` information bits.
    package static func codedLength(infoBits: Int) -> Int { (infoBits + constraintLength - 1) * generators.count }

    /// Encodes `bits` (0/1) and appends the tail.
    package static func encode(_ bits: [UInt8]) -> [UInt8] {
        var register = 0
        var out: [UInt8] = []
        out.reserveCapacity(codedLength(infoBits: bits.count))
        for bit in bits + [UInt8](repeating: 0, count: constraintLength - 1) {
            register = ((register << 1) | Int(bit & 1)) & ((1 << constraintLength) - 1)
            for g in generators { out.append(UInt8((register & g).nonzeroBitCount & 1)) }
        }
        return out
    }

    /// Maximum-likelihood decode of `soft` (length ``codedLength(infoBits:)``) back to `infoBits` bits: the
    /// first entry of ``decodeList(_:infoBits:listSize:)`` with a list of one.
    package static func decode(_ soft: [Float], infoBits: Int) -> [UInt8] {
        decodeList(soft, infoBits: infoBits, listSize: 1)[0]
    }

    /// The `listSize` most likely information sequences for `soft`, best first (the parallel list Viterbi
    /// algorithm of Seshadri & Sundberg, IEEE Trans. Commun. 1994): every state keeps its `listSize` best
    /// paths instead of one, so the runners-up to the maximum-likelihood path can be checked against an outer
    /// error-detecting code. The first entry is the maximum-likelihood path.
    package static func decodeList(_ soft: [Float], infoBits: Int, listSize: Int) -> [[UInt8]] {
        let steps = infoBits + constraintLength - 1
        precondition(soft.count == steps * generators.count, "soft vector has the wrong length")
        precondition(listSize >= 1, "the list needs at least one entry")
        let states = stateCount
        let list = listSize
        let high = constraintLength - 2
        // Branch sign of each output bit for (state, input): register = (state << 1 | input), state = last 6 inputs.
        var sign0 = [Float](repeating: 0, count: states * 2)
        var sign1 = sign0
        for state in 0..<states {
            for input in 0..<2 {
                let register = (state << 1) | input
                sign0[state * 2 + input] = Float(((register & generators[0]).nonzeroBitCount & 1) * 2 - 1)
                sign1[state * 2 + input] = Float(((register & generators[1]).nonzeroBitCount & 1) * 2 - 1)
            }
        }
        let negative: Float = -.greatestFiniteMagnitude
        // metric[state * list + rank], each state's ranks in descending order; unused ranks hold `negative`.
        var metric = [Float](repeating: negative, count: states * list)
        metric[0] = 0
        var next = metric
        // Per (step, state, rank): the predecessor's dropped high bit and its rank, packed as rank << 1 | bit.
        var back = [UInt16](repeating: 0, count: steps * states * list)
        metric.withUnsafeMutableBufferPointer { metricBuffer in
            next.withUnsafeMutableBufferPointer { nextBuffer in
                back.withUnsafeMutableBufferPointer { backBuffer in
                    var current = metricBuffer.baseAddress!
                    var upcoming = nextBuffer.baseAddress!
                    let back = backBuffer.baseAddress!
                    for step in 0..<steps {
                        let s0 = soft[step * 2]
                        let s1 = soft[step * 2 + 1]
                        let tail = step >= infoBits
                        for target in 0..<states {
                            let input = target & 1
                            let base = (step * states + target) * list
                            let out = upcoming + target * list
                            if tail && input == 1 {
                                out.update(repeating: negative, count: list)
                                continue
                            }
                            // The two predecessors differ in the bit the shift drops; each contributes its sorted list
                            // plus one branch metric, so the target's list is a merge of two sorted lists.
                            let p0 = target >> 1
                            let p1 = p0 | (states >> 1)
                            let b0 = sign0[p0 * 2 + input] * s0 + sign1[p0 * 2 + input] * s1
                            let b1 = sign0[p1 * 2 + input] * s0 + sign1[p1 * 2 + input] * s1
                            let from0 = current + p0 * list
                            let from1 = current + p1 * list
                            var i = 0
                            var j = 0
                            for r in 0..<list {
                                let m0 = i < list && from0[i] > negative ? from0[i] + b0 : negative
                                let m1 = j < list && from1[j] > negative ? from1[j] + b1 : negative
                                if m0 == negative && m1 == negative {
                                    out[r] = negative
                                } else if m0 >= m1 {
                                    out[r] = m0
                                    back[base + r] = UInt16(i << 1)
                                    i += 1
                                } else {
                                    out[r] = m1
                                    back[base + r] = UInt16(j << 1 | 1)
                                    j += 1
                                }
                            }
                        }
                        swap(&current, &upcoming)
                    }
                    // The final metrics are wherever the last step wrote them; `metric` holds them after this.
                    if current != metricBuffer.baseAddress! {
                        metricBuffer.baseAddress!.update(from: current, count: states * list)
                    }
                }
            }
        }
        var paths: [[UInt8]] = []
        for rank in 0..<list where metric[rank] > negative {
            var state = 0
            var k = rank
            var bits = [UInt8](repeating: 0, count: steps)
            for step in stride(from: steps - 1, through: 0, by: -1) {
                bits[step] = UInt8(state & 1)
                let entry = Int(back[(step * states + state) * list + k])
                state = (state >> 1) | ((entry & 1) << high)
                k = entry >> 1
            }
            paths.append(Array(bits.prefix(infoBits)))
        }
        return paths
    }
}
