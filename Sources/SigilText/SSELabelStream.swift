import SigilCore

/// Labels a streamed chat completion (server-sent events, `data: {chunk}` per event, `data: [DONE]` last): the
/// label goes out as a chunk of its own, the first content of the answer or its last before the finishing chunk.
/// Every upstream event is passed on byte for byte; nothing is buffered beyond the event being read.
///
/// Feed it bytes as they arrive (``feed(_:)``) and send on what it returns; call ``finish()`` at the end of the
/// upstream stream.
public struct SSELabelStream: Sendable {
    public let labeler: ChatCompletionLabeler
    /// The longest line accepted (a line is one `data:` field of one chunk).
    public let maximumLineLength: Int
    /// The most assistant text collected for ``content`` (the rest is still passed on).
    public let maximumContent: Int

    /// The assistant text streamed so far, the label included: what a record digests.
    public private(set) var content = ""
    /// Whether `data: [DONE]` went by.
    public private(set) var sawDone = false
    /// How many bytes have been read.
    public private(set) var bytesRead = 0

    private var pending: [UInt8] = []
    private var event: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var template: [JSONValue.Member] = []
    private var startSent = false
    private var endSent = false

    public init(labeler: ChatCompletionLabeler, maximumLineLength: Int = 1 << 20, maximumContent: Int = 16 << 20) {
        self.labeler = labeler
        self.maximumLineLength = maximumLineLength
        self.maximumContent = maximumContent
    }

    /// The labeled bytes to send for `bytes` read from upstream.
    ///
    /// - Throws: ``SigilError`` `.tooLarge` naming the offset when a line runs past ``maximumLineLength``.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws -> [UInt8] {
        var out: [UInt8] = []
        for b in bytes {
            bytesRead += 1
            guard b == 0x0A else {
                pending.append(b)
                if pending.count > maximumLineLength {
                    throw SigilError(
                        .tooLarge, "an event-stream line runs past \(maximumLineLength) bytes at offset \(bytesRead - pending.count)",
                        offset: bytesRead - pending.count)
                }
                continue
            }
            pending.append(b)
            line(&out)
        }
        return out
    }

    /// What is left to send at the end of the upstream stream: an unfinished event, and the end label when the
    /// stream never sent a finishing chunk or `[DONE]`.
    public mutating func finish() -> [UInt8] {
        var out: [UInt8] = []
        if !pending.isEmpty {
            pending.append(0x0A)
            line(&out)
        }
        if !event.isEmpty { dispatch(&out) }
        if labeler.position.includesEnd && !endSent { emitEnd(&out) }
        return out
    }

    private mutating func line(_ out: inout [UInt8]) {
        let raw = pending
        pending.removeAll(keepingCapacity: true)
        var text = raw.dropLast()
        if text.last == 0x0D { text = text.dropLast() }
        event += raw
        if text.isEmpty {
            dispatch(&out)
            return
        }
        if text.starts(with: Array("data:".utf8)) {
            var value = text.dropFirst(5)
            if value.first == 0x20 { value = value.dropFirst() }
            if hasData { data.append(0x0A) }
            data += value
            hasData = true
        }
    }

    /// One whole event: the label around it as the position asks, the event itself unchanged.
    private mutating func dispatch(_ out: inout [UInt8]) {
        defer {
            event.removeAll(keepingCapacity: true)
            data.removeAll(keepingCapacity: true)
            hasData = false
        }
        guard hasData else {
            out += event
            return
        }
        if data == Array("[DONE]".utf8) {
            sawDone = true
            if labeler.position.includesEnd && !endSent { emitEnd(&out) }
            out += event
            return
        }
        guard case .object(let chunk)? = try? JSONValue.parse(String(decoding: data, as: UTF8.self)) else {
            out += event
            return
        }
        if template.isEmpty {
            template = chunk.filter { ["id", "object", "created", "model", "system_fingerprint"].contains($0.key) }
        }
        let delta = Self.firstChoice(chunk)?["delta"]
        let text = delta?["content"]?.stringValue ?? ""
        let finishing = Self.firstChoice(chunk).map { choice in choice["finish_reason"].map { $0 != .null } ?? false } ?? false
        if labeler.position.includesStart && !startSent {
            if text.isEmpty && !finishing {
                // The opening chunk carries the role: the label follows it as the first content.
                out += event
                emitStart(&out)
                return
            }
            emitStart(&out)
        }
        if finishing && labeler.position.includesEnd && !endSent {
            collect(text)
            if !text.isEmpty {
                out += event
                emitEnd(&out)
                return
            }
            emitEnd(&out)
            out += event
            return
        }
        collect(text)
        out += event
    }

    private static func firstChoice(_ chunk: [JSONValue.Member]) -> JSONValue? {
        guard case .array(let choices)? = chunk.first(where: { $0.key == "choices" })?.value else { return nil }
        return choices.first
    }

    private mutating func collect(_ text: String) {
        guard content.utf8.count < maximumContent else { return }
        content += text
    }

    private mutating func emitStart(_ out: inout [UInt8]) {
        startSent = true
        collect(labeler.startChunkText)
        out += chunk(labeler.startChunkText, role: true)
    }

    private mutating func emitEnd(_ out: inout [UInt8]) {
        endSent = true
        collect(labeler.endChunkText)
        out += chunk(labeler.endChunkText, role: false)
    }

    /// One `chat.completion.chunk` event carrying `text`, with the stream's id, model and creation time.
    private func chunk(_ text: String, role: Bool) -> [UInt8] {
        var members = template.filter { $0.key != "object" }
        members.insert(JSONValue.Member("object", "chat.completion.chunk"), at: min(1, members.count))
        var delta: [JSONValue.Member] = []
        if role { delta.append(.init("role", "assistant")) }
        delta.append(.init("content", .string(text)))
        members.append(
            .init(
                "choices",
                .array([.object([.init("index", .int(0)), .init("delta", .object(delta)), .init("finish_reason", .null)])])))
        return Array(("data: " + JSONValue.object(members).serialized + "\n\n").utf8)
    }
}
