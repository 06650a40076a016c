import Foundation

/// TOML front matter (`+++`), read and edited as lines: enough TOML for the label's three shapes, a top-level
/// `AIGC = { Label = "1", … }` inline table, an `[AIGC]` table of string keys, or `AIGC = '{…json…}'`. Sigil
/// writes the inline table as the first line, where a key is always top-level, and removes any other `AIGC`.
struct TOMLFrontMatter {
    /// One `AIGC` site: the lines it spans and its value as a label payload text.
    struct Site {
        var lines: Range<Int>
        var text: String
    }

    let content: [UInt8]
    let offset: Int
    /// Line starts with `content.count` appended.
    let lineStarts: [Int]
    let sites: [Site]

    /// Reads `content` (the bytes between the fences, at `offset` in the file).
    ///
    /// - Throws: ``SigilError`` `.malformed` for bytes that are not UTF-8.
    init(_ content: [UInt8], offset: Int) throws {
        guard String(validating: content, as: UTF8.self) != nil else {
            throw SigilError.malformed("the TOML front matter", at: offset, "is not UTF-8")
        }
        self.content = content
        self.offset = offset
        var starts = [0]
        for (i, b) in content.enumerated() where b == 0x0A && i + 1 < content.count { starts.append(i + 1) }
        starts.append(content.count)
        lineStarts = starts
        let lines = (0..<(starts.count - 1)).map { String(decoding: content[starts[$0]..<starts[$0 + 1]], as: UTF8.self) }
        var sites: [Site] = []
        var table: String?
        var inMultiline = false
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmingBlanks
            if line.components(separatedBy: "\"\"\"").count % 2 == 0 || line.components(separatedBy: "'''").count % 2 == 0 { inMultiline.toggle() }
            if inMultiline || line.isEmpty || line.hasPrefix("#") {
                index += 1
                continue
            }
            if line.hasPrefix("[") {
                table = line.trimmingCharacters(in: ["[", "]", " "])
                if table == "AIGC" {
                    var members: [(key: String, value: String?)] = []
                    var end = index + 1
                    while end < lines.count, !lines[end].trimmingBlanks.hasPrefix("[") {
                        if let (key, value) = Self.keyValue(lines[end].trimmingBlanks) { members.append((key, Self.string(value))) }
                        end += 1
                    }
                    sites.append(Site(lines: index..<end, text: AnnexEFields.json(members)))
                    index = end
                    continue
                }
            } else if table == nil, let (key, value) = Self.keyValue(line), key == "AIGC" {
                let text: String
                if value.hasPrefix("{") {
                    let inner = value.dropFirst().prefix { $0 != "}" }
                    let members = Self.splitMembers(String(inner)).compactMap(Self.keyValue).map { ($0.key, Self.string($0.value)) }
                    text = AnnexEFields.json(members)
                } else {
                    text = Self.string(value) ?? value
                }
                sites.append(Site(lines: index..<(index + 1), text: text))
            }
            index += 1
        }
        self.sites = sites
    }

    /// `key = value` with the key unquoted.
    static func keyValue(_ line: String) -> (key: String, value: String)? {
        guard let equals = line.firstIndex(of: "=") else { return nil }
        let key = line[..<equals].trimmingBlanks.trimmingCharacters(in: ["\"", "'"])
        return (key, line[line.index(after: equals)...].trimmingBlanks)
    }

    /// Splits `a = "x", b = 'y'` at the commas outside strings.
    static func splitMembers(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        for c in text {
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
                current.append(c)
            } else if c == "\"" || c == "'" {
                quote = c
                current.append(c)
            } else if c == "," {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.trimmingBlanks.isEmpty { parts.append(current) }
        return parts.map(\.trimmingBlanks)
    }

    /// The string a TOML basic (`"…"`, escapes resolved) or literal (`'…'`) string value holds, or nil for
    /// another value (a number, a boolean), which the payload checks report as not a string.
    static func string(_ value: String) -> String? {
        if value.hasPrefix("'") {
            let body = value.dropFirst()
            guard let end = body.firstIndex(of: "'") else { return nil }
            return String(body[..<end])
        }
        guard value.hasPrefix("\"") else { return nil }
        var out = ""
        var escaped = false
        for c in value.dropFirst() {
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                return out
            } else {
                out.append(c)
            }
        }
        return nil
    }

    /// The carrier for one site.
    func carrier(_ site: Site) -> LabelCarrier {
        let bytes = lineStarts[site.lines.lowerBound]..<lineStarts[site.lines.upperBound]
        return LabelCarrier(
            kind: .frontMatter, location: "Markdown TOML front matter AIGC (line \(site.lines.lowerBound + 2))", offset: offset + bytes.lowerBound,
            length: bytes.count, keyed: true, standard: false, payload: .text(site.text))
    }

    /// `AIGC = { Label = "1", … }` with the file's line break.
    static func line(_ fields: [(key: String, value: String)], lineBreak: [UInt8]) -> [UInt8] {
        let members = fields.map { "\($0.key) = \(JSONValue.quote($0.value))" }.joined(separator: ", ")
        return Array("AIGC = { \(members) }".utf8) + lineBreak
    }

    /// The content with the label as its first line and no other `AIGC` site.
    func labeled(with fields: [(key: String, value: String)], lineBreak: [UInt8]) throws -> [UInt8] {
        var plan = EditPlan(sourceLength: content.count)
        let line = Self.line(fields, lineBreak: lineBreak)
        var placed = false
        for site in sites {
            let range = lineStarts[site.lines.lowerBound]..<lineStarts[site.lines.upperBound]
            if range.lowerBound == 0 {
                plan.replace(range, with: line)
                placed = true
            } else {
                plan.remove(range)
            }
        }
        if !placed { plan.insert(line, at: 0) }
        return plan.apply(to: content)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingBlanks: String { trimmingCharacters(in: [" ", "\t", "\r", "\n"]) }
}
