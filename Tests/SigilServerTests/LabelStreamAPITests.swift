import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Sigil
import SigilAudio
import SigilContainers
import SigilServer
import SigilTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `POST /v1/label/stream` on a real server on loopback, driven by a raw HTTP/1.1 client that sends the upload in
/// chunks and reads the answer between them, as a TTS gateway would.
@Suite struct LabelStreamAPITests {
    /// 16-bit mono PCM at 24 kHz: a warbling tone, `seconds` long.
    static func speechLike(seconds: Double, rate: Int = 24000) -> [UInt8] {
        let samples = (0..<Int(seconds * Double(rate))).map { n -> Float in
            let t = Double(n) / Double(rate)
            return Float(0.3 * sin(2 * Double.pi * (220 + 40 * sin(2 * Double.pi * 3 * t)) * t) * (0.6 + 0.4 * sin(2 * Double.pi * 1.5 * t)))
        }
        return PCMCodec(.signed(bits: 16)).encode(samples)
    }

    static func streamedWAVHeader(rate: Int = 24000) throws -> [UInt8] {
        var header = try WAVStreamHeader(encoding: .signed(bits: 16), channels: 1, sampleRate: rate).labeled(
            LabelAssignment(json: "{}", wrappedJSON: "{}"))
        // The generator's own header carries no label: drop the AIGC chunk the helper wrote.
        let structure = Array(header[12...])
        var kept: [UInt8] = []
        var i = 0
        while i + 8 <= structure.count {
            let id = String(decoding: structure[i..<(i + 4)], as: UTF8.self)
            let size = Int(structure[i + 4]) | Int(structure[i + 5]) << 8 | Int(structure[i + 6]) << 16 | Int(structure[i + 7]) << 24
            let end = id == "data" ? i + 8 : i + 8 + size + (size & 1)
            if id != "AIGC" { kept += structure[i..<end] }
            i = end
        }
        header = Array(header[0..<12]) + kept
        return header
    }

    @Test func theLabelArrivesBeforeTheUploadEndsAndTheSavedFileVerifies() async throws {
        let harness = try await ServerHarness.start()
        let pcm = Self.speechLike(seconds: 3)
        let head = try Self.streamedWAVHeader()
        let token = harness.labelToken
        try await harness.run { client in
            let port = try #require(client.port)
            let exchange = try await RawHTTP.onThread {
                let connection = try RawHTTP(port: port)
                defer { connection.close() }
                try connection.send(
                    "POST /v1/label/stream?position=both HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                        + "Content-Type: audio/wav\r\nTransfer-Encoding: chunked\r\n\r\n")
                // The header and the first 100 ms of sound; the rest is not sent until the label has come back.
                try connection.sendChunk(head + pcm.prefix(4800))
                let early = try connection.readResponse(untilBodyBytes: 2000, timeout: 60)
                for at in stride(from: 4800, to: pcm.count, by: 9601) {
                    try connection.sendChunk(Array(pcm[at..<min(pcm.count, at + 9601)]))
                }
                try connection.send("0\r\n\r\n")
                let all = try connection.readResponse(untilBodyBytes: nil, timeout: 60)
                return (early, all)
            }
            let (early, all) = exchange
            #expect(early.status == 200)
            #expect(early.headers["content-type"] == "audio/wav")
            let produceID = try #require(early.headers["sigil-produce-id"])
            // Before the upload ended: the streamed header with its label and the opening rhythm label.
            let header = try #require(try WAVStreamHeader.parse(early.body), "the WAV header came back before the upload ended")
            #expect(early.body.count >= header.length + 2 * 24000, "at least a second of the label came back before the upload ended")
            let labels = try LabelScanner.scan(Array(early.body.prefix(header.length))).carriers.compactMap(\.parsedPayload.label)
            #expect(labels.map(\.produceID) == [produceID])
            // The whole answer: the content unchanged between the two labels, the record in the trailers.
            let body = all.body
            let index = try #require(all.trailers["sigil-log-index"].flatMap(Int.init), "trailers: \(all.trailers)")
            let samples = Array(body[header.length...])
            var detector = RhythmDetector(sampleRate: 24000)
            detector.add(PCMCodec(.signed(bits: 16)).decode(samples), channels: 1)
            #expect(detector.detections().filter(\.isMorseAI).count == 2)
            let synthesized = try RhythmSynthesizer(RhythmLabel(), sampleRate: 24000, channels: 1).frameCount * 2
            #expect(samples.count == pcm.count + 2 * synthesized)
            #expect(Array(samples[synthesized..<(synthesized + pcm.count)]) == pcm, "the content passed through byte for byte")

            // The saved stream verifies: label, record (same SHA-256), rhythm.
            let verified = try await client.post("/v1/verify", body, type: "audio/wav").json()
            let record = try #require(verified["record"] as? [String: Any])
            #expect(record["found"] as? Bool == true)
            #expect(record["sha256Matches"] as? Bool == true)
            #expect((record["index"] as? NSNumber)?.intValue == index)
            let implicit = try #require((verified["implicit"] as? [[String: Any]])?.first)
            #expect("\(implicit)".contains(produceID), "the implicit label names the ProduceID: \(implicit)")
            #expect((verified["rhythm"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func rawL16IsLabeledAndAnsweredAsWAV() async throws {
        let harness = try await ServerHarness.start()
        let le = Self.speechLike(seconds: 1, rate: 16000)
        var swapped = le
        for i in stride(from: 0, to: swapped.count - 1, by: 2) { swapped.swapAt(i, i + 1) }
        let be = swapped
        try await harness.run { client in
            let response = try await client.execute(
                uri: "/v1/label/stream?position=end", method: .post,
                headers: [.authorization: "Bearer \(harness.labelToken)", .contentType: "audio/L16;rate=16000;channels=1"],
                body: ByteBuffer(bytes: be))
            #expect(response.status == .ok)
            let body = Array(response.body.readableBytesView)
            let header = try #require(try WAVStreamHeader.parse(body))
            #expect(header.sampleRate == 16000 && header.channels == 1 && header.encoding == .signed(bits: 16))
            #expect(Array(body[header.length..<(header.length + le.count)]) == le, "big-endian in, little-endian WAV out, unchanged")
            #expect(response.trailerHeaders?[HTTPField.Name("Sigil-Log-Index")!] != nil)
        }
    }

    @Test func badStreamsGetAClearErrorBeforeAnyAudio() async throws {
        let harness = try await ServerHarness.start()
        try await harness.run { client in
            func post(_ body: [UInt8], type: String, query: String = "") async throws -> (HTTPResponse.Status, String?) {
                let response = try await client.execute(
                    uri: "/v1/label/stream\(query)", method: .post, headers: [.authorization: "Bearer \(harness.labelToken)", .contentType: type],
                    body: ByteBuffer(bytes: body))
                let json = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                return (response.status, (json?["error"] as? [String: Any])?["message"] as? String)
            }
            let (mp3, mp3Message) = try await post(Array("ID3\u{4}".utf8), type: "audio/mpeg")
            #expect(mp3 == .unsupportedMediaType && mp3Message?.contains("audio/L16") == true)
            let (notWAV, notWAVMessage) = try await post(Array("OggS....WAVE".utf8), type: "audio/wav")
            #expect(notWAV.code >= 400 && notWAV.code < 500 && notWAVMessage?.contains("WAV") == true)
            let (cut, cutMessage) = try await post(Array("RIFF".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WAVEfmt ".utf8), type: "audio/wav")
            #expect(cut == .badRequest && cutMessage?.contains("before its data chunk") == true)
            let (noRate, _) = try await post([0, 0], type: "audio/L16")
            #expect(noRate == .badRequest)
            let (badPosition, _) = try await post([0, 0], type: "audio/L16;rate=8000", query: "?position=middle")
            #expect(badPosition.code >= 400 && badPosition.code < 500)
            let unauthorised = try await client.execute(
                uri: "/v1/label/stream", method: .post, headers: [.contentType: "audio/L16;rate=8000"], body: ByteBuffer(bytes: [0, 0]))
            #expect(unauthorised.status == .unauthorized)
        }
    }
}

/// A blocking HTTP/1.1 client over a POSIX socket, for the one thing the test clients cannot do: read the answer
/// while the request body is still being sent. Every read waits at most its timeout.
final class RawHTTP {
    struct Response: Sendable {
        var status = 0
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        var trailers: [String: String] = [:]
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var response = Response()
    private var headerDone = false
    private var finished = false

    /// Runs `body` on a thread of its own, so its blocking reads never hold a cooperative thread the server needs.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to port \(port) failed") }
    }

    func close() { _ = Glibc.close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var at = 0
        while at < bytes.count {
            let n = bytes[at...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw HarnessError("send failed after \(at) bytes") }
            at += n
        }
    }

    func sendChunk(_ bytes: [UInt8]) throws {
        try send(String(bytes.count, radix: 16) + "\r\n")
        try send(bytes)
        try send("\r\n")
    }

    /// Reads until the status, headers and at least `bodyBytes` of the decoded body are in (nil: to the end of a
    /// chunked body and its trailers).
    func readResponse(untilBodyBytes bodyBytes: Int?, timeout: Double) throws -> Response {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            try decode()
            if headerDone, let bodyBytes, response.body.count >= bodyBytes { return response }
            if finished { return response }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw HarnessError("timed out with \(response.body.count) body bytes read") }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(left * 1000)) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw HarnessError("the server closed the connection (\(n)) after \(response.body.count) body bytes") }
            buffer += chunk[0..<n]
        }
    }

    private func line() -> String? {
        guard let end = (0..<max(0, buffer.count - 1)).first(where: { buffer[$0] == 13 && buffer[$0 + 1] == 10 }) else { return nil }
        let text = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(end + 2)
        return text
    }

    /// Moves what has arrived from `buffer` into `response`: the head once, then chunks of the body.
    private func decode() throws {
        if !headerDone {
            guard let marker = (0..<max(0, buffer.count - 3)).first(where: { Array(buffer[$0..<($0 + 4)]) == [13, 10, 13, 10] }) else { return }
            let head = String(decoding: buffer[0..<marker], as: UTF8.self).components(separatedBy: "\r\n")
            buffer.removeFirst(marker + 4)
            response.status = Int(head[0].split(separator: " ")[1]) ?? 0
            for field in head.dropFirst() {
                let parts = field.split(separator: ":", maxSplits: 1)
                if parts.count == 2 { response.headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
            headerDone = true
        }
        guard response.headers["transfer-encoding"]?.lowercased() == "chunked" else {
            if let length = response.headers["content-length"].flatMap(Int.init), buffer.count >= length {
                response.body += buffer.prefix(length)
                buffer.removeFirst(length)
                finished = true
            }
            return
        }
        while !finished {
            let saved = buffer
            guard let sizeLine = line() else { return }
            guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw HarnessError("bad chunk size line \(sizeLine)") }
            if size == 0 {
                var trailers: [String: String] = [:]
                while true {
                    guard let field = line() else {
                        buffer = saved
                        return
                    }
                    if field.isEmpty { break }
                    let parts = field.split(separator: ":", maxSplits: 1)
                    if parts.count == 2 { trailers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
                }
                response.trailers = trailers
                finished = true
                return
            }
            guard buffer.count >= size + 2 else {
                buffer = saved
                return
            }
            response.body += buffer[0..<size]
            buffer.removeFirst(size + 2)
        }
    }
}
