import SigilCore

/// Labels a streamed chat completion (server-sent events, `data: {chunk}` per event, `data: [DONE]` last): the
/// label goes out as a chunk of its own, the first content of the answer or its last before the finishing chunk, for
/// each choice of a stream with several (`n > 1`; the label chunk carries the choice's index). Every upstream event is
/// passed on byte for byte; nothing is buffered beyond the event being read.
///
/// Feed it bytes as they arrive (``feed(_:)``) and send on what it returns; call ``finish()`` at the end of the
/// upstream stream, or ``abandon()`` when it broke off.
public struct SSELabelStream: Sendable {
    public let labeler: ChatCompletionLabeler
    /// The longest line accepted (a line is one `data:` field of one chunk).
    public let maximumLineLength: Int
    /// The most assistant text collected for ``content`` (the rest is still passed on).
    public let maximumContent: Int

    /// The assistant text streamed so far, the label included: what a record digests. With several choices
    /// (`n > 1`) each choice's text, in index order, joined by blank lines (as ``ChatCompletionLabeler`` joins them).
    public var content: String { contents.sorted { $0.key < $1.key }.map(\.value).joined(separator: "\n\n") }
    /// Whether `data: [DONE]` went by.
    public private(set) var sawDone = false
    /// How many bytes have been read.
    public private(set) var bytesRead = 0

    private var pending: [UInt8] = []
    private var event: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var template: [JSONValue.Member] = []
    /// The choice indexes seen, and those whose start or end label went out: each choice of a stream with `n > 1`
    /// is labeled on its own, its label chunks carrying its index.
    private var seen: Set<Int> = []
    private var started: Set<Int> = []
    private var ended: Set<Int> = []
    private var contents: [Int: String] = [:]
    private var contentBytes = 0
    /// The upstream's text since the last ``takeFresh()``, per choice (labels not included).
    private var fresh: [(index: Int, text: String)] = []
    /// A choice index out of range, reported by the next ``feed(_:)``.
    private var badIndex: (index: String, offset: Int)?
    /// Where an event that grew past ``maximumEventLength`` began (many `data:` lines without a blank line).
    private var overlongEvent: Int?

    /// The most bytes one event may hold: two of the longest lines. An event is held until its blank line arrives,
    /// so this, not the line bound alone, is what a stream holds at once.
    public var maximumEventLength: Int { 2 * maximumLineLength }
    /// The highest choice index labeled (OpenAI takes `n` up to 128): a bound on the labels one stream can make.
    public static let maximumChoiceIndex = 127

    public init(labeler: ChatCompletionLabeler, maximumLineLength: Int = 1 << 20, maximumContent: Int = 16 << 20) {
        self.labeler = labeler
        self.maximumLineLength = maximumLineLength
        self.maximumContent = maximumContent
    }

    /// The labeled bytes to send for `bytes` read from upstream.
    ///
    /// - Throws: ``SigilError`` `.tooLarge` naming the offset when a line runs past ``maximumLineLength`` or an event
    ///   past ``maximumEventLength``;
    ///   `.malformed` naming the event's offset when a chunk's choice index is not 0…``maximumChoiceIndex``.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws -> [UInt8] {
        // On a throw the output built so far is not returned, so neither is it recorded: back to where `bytes` began.
        let start = mark
        do {
            return try feedLines(bytes)
        } catch {
            rollBack(to: start)
            throw error
        }
    }

    private mutating func feedLines(_ bytes: some Collection<UInt8>) throws -> [UInt8] {
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
            if let overlongEvent {
                throw SigilError(
                    .tooLarge,
                    "an event-stream event runs past \(maximumEventLength) bytes without its closing blank line at offset \(overlongEvent)",
                    offset: overlongEvent)
            }
            if let badIndex {
                throw SigilError(
                    .malformed, "a chunk's choice index \(badIndex.index) is not 0…\(Self.maximumChoiceIndex) (event at offset \(badIndex.offset))",
                    offset: badIndex.offset)
            }
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
        endOpenChoices(&out)
        return out
    }

    /// What is left to send when the upstream stream cannot go on (it broke off, or ``feed(_:)`` threw): the end
    /// label of every open choice; the unfinished event is dropped, not sent half.
    public mutating func abandon() -> [UInt8] {
        pending.removeAll()
        event.removeAll()
        data.removeAll()
        hasData = false
        var out: [UInt8] = []
        endOpenChoices(&out)
        return out
    }

    /// The answer text the upstream sent since the last call, per choice index, in order (the labels are not in it):
    /// what a relay screens before it sends the bytes ``feed(_:)`` returned (decision 0410).
    public mutating func takeFresh() -> [(index: Int, text: String)] {
        defer { fresh.removeAll() }
        return fresh
    }

    /// Where the stream stood: taken before a ``feed(_:)`` whose output may be withheld, given back to
    /// ``rollBack(to:)`` so that ``content`` and the labels sent are those of what the client got.
    public struct Mark: Sendable {
        fileprivate var lengths: [Int: Int]
        fileprivate var contentBytes: Int
        fileprivate var seen: Set<Int>
        fileprivate var started: Set<Int>
        fileprivate var ended: Set<Int>
    }

    /// The stream's position now (cheap: one length per choice).
    public var mark: Mark {
        Mark(lengths: contents.mapValues(\.utf8.count), contentBytes: contentBytes, seen: seen, started: started, ended: ended)
    }

    /// Forgets what was read after `mark` (its output was not sent) and the unfinished event.
    public mutating func rollBack(to mark: Mark) {
        let current = contents
        contents = [:]
        for (index, length) in mark.lengths { contents[index] = String(decoding: (current[index] ?? "").utf8.prefix(length), as: UTF8.self) }
        contentBytes = mark.contentBytes
        seen = mark.seen
        started = mark.started
        ended = mark.ended
        fresh.removeAll()
    }

    /// What to send when the relay itself stops the answer (decision 0410: screening): the unfinished event is
    /// dropped; each choice gets a chunk finishing it with `finishReason` and carrying `note` as a member, then its end
    /// label (when the position asks for one), then `data: [DONE]`.
    public mutating func stop(finishReason: String, note: JSONValue.Member? = nil) -> [UInt8] {
        pending.removeAll()
        event.removeAll()
        data.removeAll()
        hasData = false
        var out: [UInt8] = []
        for index in seen.isEmpty ? [0] : seen.sorted() {
            out += chunk(nil, role: false, index: index, finishReason: finishReason, note: note)
        }
        endOpenChoices(&out)
        out += Array("data: [DONE]\n\n".utf8)
        sawDone = true
        return out
    }

    private mutating func line(_ out: inout [UInt8]) {
        let raw = pending
        pending.removeAll(keepingCapacity: true)
        var text = raw.dropLast()
        if text.last == 0x0D { text = text.dropLast() }
        event += raw
        if event.count > maximumEventLength { overlongEvent = bytesRead - event.count }
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
            endOpenChoices(&out)
            out += event
            return
        }
        guard case .object(let members)? = try? JSONValue.parse(String(decoding: data, as: UTF8.self)) else {
            out += event
            return
        }
        if template.isEmpty {
            template = members.filter { ["id", "object", "created", "model", "system_fingerprint"].contains($0.key) }
        }
        guard case .array(let choices)? = members.first(where: { $0.key == "choices" })?.value else {
            out += event
            return
        }
        // Labels that go before the event and after it: a start label follows a role-only opening chunk and precedes
        // a chunk with text; an end label precedes a bare finishing chunk and follows one that still carries text.
        var before: [UInt8] = []
        var after: [UInt8] = []
        for choice in choices {
            guard let index = Self.index(of: choice) else {
                badIndex = (choice["index"]?.serialized ?? "", bytesRead - event.count)
                break
            }
            seen.insert(index)
            let text = choice["delta"]?["content"]?.stringValue ?? ""
            if !text.isEmpty { fresh.append((index, text)) }
            let finishing = choice["finish_reason"].map { $0 != .null } ?? false
            if labeler.position.includesStart && !started.contains(index) {
                started.insert(index)
                collect(labeler.startChunkText, index)
                let label = chunk(labeler.startChunkText, role: true, index: index)
                if text.isEmpty && !finishing { after += label } else { before += label }
            }
            collect(text, index)
            if finishing && labeler.position.includesEnd && !ended.contains(index) {
                ended.insert(index)
                collect(labeler.endChunkText, index)
                let label = chunk(labeler.endChunkText, role: false, index: index)
                if text.isEmpty { before += label } else { after += label }
            }
        }
        out += before
        out += event
        out += after
    }

    /// A choice's `index` (0 when it has none); nil when it is not a whole number up to ``maximumChoiceIndex``.
    private static func index(of choice: JSONValue) -> Int? {
        guard let value = choice["index"] else { return 0 }
        guard case .number(let n) = value, let index = Int(n), (0...maximumChoiceIndex).contains(index) else { return nil }
        return index
    }

    private mutating func collect(_ text: String, _ index: Int) {
        guard !text.isEmpty, contentBytes < maximumContent else { return }
        contents[index, default: ""] += text
        contentBytes += text.utf8.count
    }

    /// The end label of every choice that has not had one (choice 0 when the stream named none), before `[DONE]` or
    /// at the end of a stream that never finished.
    private mutating func endOpenChoices(_ out: inout [UInt8]) {
        guard labeler.position.includesEnd else { return }
        for index in (seen.isEmpty ? [0] : seen.sorted()) where !ended.contains(index) {
            ended.insert(index)
            collect(labeler.endChunkText, index)
            out += chunk(labeler.endChunkText, role: false, index: index)
        }
    }

    /// One `chat.completion.chunk` event carrying `text` (or an empty delta that finishes the choice), with the
    /// stream's id, model and creation time.
    private func chunk(_ text: String?, role: Bool, index: Int, finishReason: String? = nil, note: JSONValue.Member? = nil) -> [UInt8] {
        var members = template.filter { $0.key != "object" }
        members.insert(JSONValue.Member("object", "chat.completion.chunk"), at: min(1, members.count))
        var delta: [JSONValue.Member] = []
        if role { delta.append(.init("role", "assistant")) }
        if let text { delta.append(.init("content", .string(text))) }
        members.append(
            .init(
                "choices",
                .array([
                    .object([
                        .init("index", .int(index)), .init("delta", .object(delta)),
                        .init("finish_reason", finishReason.map { JSONValue.string($0) } ?? JSONValue.null),
                    ])
                ])))
        if let note { members.append(note) }
        return Array(("data: " + JSONValue.object(members).serialized + "\n\n").utf8)
    }
}
