import SigilCore

/// Labels an OpenAI-compatible chat completion: the explicit text label added to each choice's assistant message
/// (at the start, the end or both), every other member kept in its order.
public struct ChatCompletionLabeler: Sendable, Hashable {
    public var label: TextLabel
    public var position: TextLabel.Position

    public init(label: TextLabel = TextLabel(), position: TextLabel.Position = .start) {
        self.label = label
        self.position = position
    }

    /// What ``label(_:)`` made.
    public struct Outcome: Sendable {
        /// The completion with labeled messages.
        public var completion: JSONValue
        /// The assistant text of every labeled choice, joined by blank lines: what a record digests.
        public var content: String
        /// How many choices were labeled (a choice with only tool calls has no text to label).
        public var labeledChoices: Int
    }

    /// `completion` (a `chat.completion` object) with the label in each choice's `message.content`.
    ///
    /// - Throws: ``SigilError`` `.malformed` when the value is not an object with a `choices` array, or no choice
    ///   carries text to label.
    public func label(_ completion: JSONValue) throws -> Outcome {
        guard case .object(var members) = completion,
            let at = members.firstIndex(where: { $0.key == "choices" }), case .array(var choices) = members[at].value
        else {
            throw SigilError(.malformed, "a chat completion is a JSON object with a \"choices\" array", offset: 0)
        }
        var count = 0
        var contents: [String] = []
        for k in choices.indices {
            guard case .object(var choice) = choices[k],
                let m = choice.firstIndex(where: { $0.key == "message" }), case .object(var message) = choice[m].value,
                let c = message.firstIndex(where: { $0.key == "content" }), case .string(let text) = message[c].value
            else { continue }
            let new = labeled(text)
            message[c].value = .string(new)
            choice[m].value = .object(message)
            choices[k] = .object(choice)
            contents.append(new)
            count += 1
        }
        guard count > 0 else {
            throw SigilError(.malformed, "no choice of the chat completion has a text message.content to label", offset: 0)
        }
        members[at].value = .array(choices)
        return Outcome(completion: .object(members), content: contents.joined(separator: "\n\n"), labeledChoices: count)
    }

    /// `text` with the label at the position asked for, a blank line between.
    public func labeled(_ text: String) -> String {
        var out = text
        if position.includesStart { out = label.text + (text.isEmpty ? "" : "\n\n") + out }
        if position.includesEnd && !(position == .both && text.isEmpty) { out += (text.isEmpty ? "" : "\n\n") + label.text }
        return out
    }

    /// The content of the chunk that opens a labeled stream.
    var startChunkText: String { label.text + "\n\n" }
    /// The content of the chunk that closes a labeled stream.
    var endChunkText: String { "\n\n" + label.text }
}
