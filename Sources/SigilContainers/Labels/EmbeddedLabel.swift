/// Recognises label JSON inside free text (EXIF fields, PNG text chunks, JPEG COM/APPn payloads).
enum EmbeddedLabel {
    private static let markers = ["AIGC", "\"Label\"", "\"ContentProducer\"", "\"ProduceID\""]

    /// Whether `text` mentions the AIGC key or an Annex E key, so it is worth reporting as a carrier.
    static func looksLikeLabel(_ text: String) -> Bool {
        markers.contains { text.contains($0) }
    }

    /// Whether `text` holds a JSON object with an `"AIGC"` member (`{"AIGC":…}`), the wrapped form.
    static func containsWrappedObject(_ text: String) -> Bool {
        extractObject(text, keys: ["\"AIGC\""]) != nil
    }

    /// The JSON object in `text` that holds one of `keys` (default: `"AIGC"` or an Annex E key), as text.
    /// A text that is itself one JSON object is returned whole.
    static func extractObject(_ text: String, keys: [String] = ["\"AIGC\"", "\"Label\"", "\"ContentProducer\""]) -> String? {
        let bytes = Array(text.utf8)
        for key in keys {
            let needle = Array(key.utf8)
            var searchFrom = 0
            var attempts = 0
            while attempts < 16, let hit = bytes.firstIndex(of: needle, in: searchFrom..<bytes.count) {
                attempts += 1
                searchFrom = hit + 1
                // The '{' opening the object must precede the key with only white space between.
                var k = hit - 1
                while k >= 0, bytes[k] == 0x20 || bytes[k] == 0x0A || bytes[k] == 0x0D || bytes[k] == 0x09 { k -= 1 }
                guard k >= 0, bytes[k] == UInt8(ascii: "{") else { continue }
                // For an Annex E key the object may itself sit inside {"AIGC": …}: prefer the outer object.
                var open = k
                if key != "\"AIGC\"", let outer = enclosingAIGCObject(bytes, before: k) { open = outer }
                if let (_, used) = try? JSONValue.parsePrefixObject(bytes[open...]) {
                    return String(decoding: bytes[open..<min(open + used, bytes.count)], as: UTF8.self)
                }
            }
        }
        return nil
    }

    /// `{"AIGC":` immediately before `index` (white space allowed), returning the outer '{'.
    private static func enclosingAIGCObject(_ bytes: [UInt8], before index: Int) -> Int? {
        var k = index - 1
        while k >= 0, bytes[k] == 0x20 || bytes[k] == 0x0A || bytes[k] == 0x0D || bytes[k] == 0x09 { k -= 1 }
        guard k >= 0, bytes[k] == UInt8(ascii: ":") else { return nil }
        k -= 1
        while k >= 0, bytes[k] == 0x20 || bytes[k] == 0x0A || bytes[k] == 0x0D || bytes[k] == 0x09 { k -= 1 }
        guard k >= 5, bytes.matches(ascii: "\"AIGC\"", at: k - 5) else { return nil }
        k -= 6
        while k >= 0, bytes[k] == 0x20 || bytes[k] == 0x0A || bytes[k] == 0x0D || bytes[k] == 0x09 { k -= 1 }
        guard k >= 0, bytes[k] == UInt8(ascii: "{") else { return nil }
        return k
    }
}
