import Foundation
import SigilCore

#if canImport(Glibc)
    import Glibc
#endif

/// The sampler behind a pipe, speaking `twbench-lp/1` (the logits-processor protocol of the shared text-watermark
/// benchmark, so any generator that can write logits to a pipe can sample marked text without linking Swift):
///
/// ```text
/// → {"protocol":"twbench-lp/1","vocab":V,...}\n          ← {"ok":true}\n
/// → {"rows":B,"context":[[ids…],…]}\n + B·V float32 LE    ← {"type":"tokens","tokens":[B ids]}\n
/// ```
/// The session ends when the input closes.
public struct LogitsProcessorSession: Sendable {
    /// The sampler that chooses each token.
    public let sampler: TextMarkSampler
    /// Sampling temperature applied to the raw logits.
    public let temperature: Double
    /// Seed for the sampling randomness; nil draws it from the system's generator.
    public let seed: UInt64?

    /// Statistics of a finished session.
    public struct Summary: Sendable {
        /// Decoding steps served.
        public var steps = 0
        /// Tokens chosen (rows summed over steps).
        public var tokens = 0
        /// Of those, tokens sampled with the mark (the rest had a repeated context).
        public var markedTokens = 0
        /// Seconds spent choosing tokens (excluding waiting for the generator).
        public var samplingSeconds = 0.0
    }

    /// A session choosing tokens with `sampler` at `temperature`.
    public init(sampler: TextMarkSampler, temperature: Double = 1, seed: UInt64? = nil) {
        self.sampler = sampler
        self.temperature = temperature
        self.seed = seed
    }

    /// Serves requests from `input` until it closes, answering on `output`.
    ///
    /// - Throws: ``SigilError`` `.malformed` when a message is not the protocol's (naming the byte offset in the
    ///   input stream), `.io` when a pipe fails.
    public func serve(input: Int32, output: Int32) async throws -> Summary {
        var reader = DescriptorReader(descriptor: input)
        guard let helloLine = try reader.line() else { return Summary() }
        let hello = try Self.object(helloLine, at: 0)
        guard (hello["protocol"] as? String) == "twbench-lp/1", let vocabulary = hello["vocab"] as? Int, vocabulary > 0,
            vocabulary <= 1 << 24
        else {
            throw SigilError(.malformed, "the first line is not a twbench-lp/1 hello with a vocabulary size", offset: 0)
        }
        try Self.write(Array("{\"ok\":true}\n".utf8), to: output)
        var summary = Summary()
        var seeds = SplitMix64(seed: seed ?? UInt64.random(in: .min ... .max))
        while true {
            let offset = reader.offset
            guard let line = try reader.line() else { return summary }
            let request = try Self.object(line, at: offset)
            guard let rows = request["rows"] as? Int, rows > 0, rows <= 4096, let contexts = request["context"] as? [[Int]],
                contexts.count == rows
            else {
                throw SigilError(.malformed, "a step request needs \"rows\" and that many \"context\" lists", offset: offset)
            }
            guard rows <= (1 << 28) / vocabulary else {
                throw SigilError(.tooLarge, "\(rows) rows of \(vocabulary) logits is over 1 GiB in one step", offset: offset)
            }
            var logits = [Float](repeating: 0, count: rows * vocabulary)
            try logits.withUnsafeMutableBytes { try reader.read(into: $0) }
            let started = DispatchTime.now().uptimeNanoseconds
            let rowSeeds = (0..<rows).map { _ in seeds.next() }
            let step = Step(
                contexts: contexts.map { $0.map { Int32(truncatingIfNeeded: $0) } }, logits: logits, vocabulary: vocabulary,
                seeds: rowSeeds)
            let tokens = await choose(step)
            summary.markedTokens += step.contexts.filter(sampler.marks(after:)).count
            summary.samplingSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            summary.steps += 1
            summary.tokens += rows
            let answer = "{\"type\":\"tokens\",\"tokens\":[" + tokens.map(String.init).joined(separator: ",") + "]}\n"
            try Self.write(Array(answer.utf8), to: output)
        }
    }

    /// One decoding step's rows.
    private struct Step: Sendable {
        let contexts: [[Int32]]
        let logits: [Float]
        let vocabulary: Int
        let seeds: [UInt64]
    }

    /// The step's tokens, its rows spread over the cores in contiguous chunks.
    private func choose(_ step: Step) async -> [Int32] {
        let rows = step.contexts.count
        let chunks = min(rows, max(1, ProcessInfo.processInfo.activeProcessorCount))
        let sampler = sampler
        let temperature = temperature
        return await withTaskGroup(of: (Int, [Int32]).self) { group in
            for chunk in 0..<chunks {
                let range = (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks)
                group.addTask {
                    let tokens = range.map { row in
                        var generator = SplitMix64(seed: step.seeds[row])
                        return step.logits.withUnsafeBufferPointer { all in
                            let logits = UnsafeBufferPointer(rebasing: all[(row * step.vocabulary)..<((row + 1) * step.vocabulary)])
                            return sampler.nextToken(context: step.contexts[row], logits: logits, temperature: temperature, using: &generator)
                                ?? 0
                        }
                    }
                    return (chunk, tokens)
                }
            }
            var parts = [[Int32]](repeating: [], count: chunks)
            for await (chunk, tokens) in group { parts[chunk] = tokens }
            return parts.flatMap { $0 }
        }
    }

    private static func object(_ line: [UInt8], at offset: Int) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw SigilError(.malformed, "a protocol line is not a JSON object", offset: offset)
        }
        return object
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) throws {
        var done = 0
        while done < bytes.count {
            let count = bytes[done...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw SigilError(.io, "writing the answer failed: \(String(cString: strerror(errno)))") }
            done += count
        }
    }
}

/// Buffered reads from a file descriptor: lines and exact byte counts, with the stream offset for error messages.
struct DescriptorReader {
    let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    /// Bytes consumed so far.
    private(set) var offset = 0

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Longest accepted line: a step's contexts are a few tokens per row, far below this.
    static let maximumLine = 64 << 20

    private mutating func fill() throws -> Bool {
        if start == end {
            start = 0
            end = 0
        }
        if end == buffer.count {
            if start > 0 {
                buffer.replaceSubrange(0..<(end - start), with: buffer[start..<end])
                end -= start
                start = 0
            } else {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
        }
        while true {
            let count = buffer[end...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw SigilError(.io, "reading the request failed: \(String(cString: strerror(errno)))") }
            end += count
            return count > 0
        }
    }

    /// The next line without its newline; nil at the end of the stream.
    mutating func line() throws -> [UInt8]? {
        // Bytes after `start` already searched for a newline (relative, because `fill` may move the buffer).
        var searched = 0
        while true {
            if let newline = buffer[(start + searched)..<end].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[start..<newline])
                offset += newline + 1 - start
                start = newline + 1
                return line
            }
            searched = end - start
            guard searched < Self.maximumLine else {
                throw SigilError(.malformed, "a protocol line is longer than \(Self.maximumLine) bytes", offset: offset)
            }
            guard try fill() else {
                if end > start { throw SigilError(.truncated, "the stream ends inside a line", offset: offset) }
                return nil
            }
        }
    }

    /// Fills `destination` exactly.
    mutating func read(into destination: UnsafeMutableRawBufferPointer) throws {
        var filled = 0
        while filled < destination.count {
            if start == end {
                guard try fill() else {
                    throw SigilError(.truncated, "the stream ends \(destination.count - filled) bytes short of a logits row", offset: offset)
                }
            }
            let take = min(end - start, destination.count - filled)
            buffer.withUnsafeBytes { source in
                destination.baseAddress!.advanced(by: filled).copyMemory(from: source.baseAddress!.advanced(by: start), byteCount: take)
            }
            filled += take
            start += take
            offset += take
        }
    }
}
