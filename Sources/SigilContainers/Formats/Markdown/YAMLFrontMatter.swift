import Foundation
import Yams

/// YAML front matter read with Yams and edited as text: the `AIGC:` entry is found through the parsed tree (its
/// key's line) and replaced or added as a block of lines, so every other key keeps its bytes and formatting.
///
/// Limits: the front matter is at most ``FrontMatter/maximumLength`` bytes and its tree, with aliases expanded,
/// at most ``maximumNodes`` nodes, so a "billion laughs" document is refused rather than expanded.
struct YAMLFrontMatter {
    /// The most nodes a front matter may expand to (aliases counted at every use).
    static let maximumNodes = 100_000

    /// One top-level entry: its key, value and the lines it spans (0-based, the key's line first).
    struct Entry {
        var key: String
        var value: Node
        var lines: Range<Int>
    }

    /// The front matter's bytes.
    let content: [UInt8]
    /// Where the content starts in the file, for offsets in messages.
    let offset: Int
    /// The start of each line in ``content``, as libyaml counts lines, and ``content``'s end.
    let lineStarts: [Int]
    /// The top-level entries, in order.
    let entries: [Entry]
    /// Whether the top level is a block mapping (or empty), so entries can be spliced line by line.
    let isBlockMapping: Bool

    /// Parses `content` (the bytes between the fences, found at `offset` in the file).
    ///
    /// - Throws: ``SigilError`` `.malformed` for bytes that are not UTF-8 or not YAML or a top level that is not a
    ///   mapping; `.tooLarge` for a document that expands past ``maximumNodes``.
    init(_ content: [UInt8], offset: Int) throws {
        self.content = content
        self.offset = offset
        lineStarts = Self.lineStarts(content)
        guard let text = String(validating: content, as: UTF8.self) else {
            throw SigilError.malformed("the YAML front matter", at: offset, "is not UTF-8")
        }
        if let depth = Self.nestingBeyondLimit(content) {
            throw SigilError(
                .tooLarge, "the YAML front matter at offset \(offset) nests deeper than \(depth) levels; Sigil refuses it", offset: offset)
        }
        let root: Node?
        do {
            // No constructor (no Swift values are built from the nodes) and no tag resolution: the label's keys and
            // fields are read as the scalars' text, which `Resolver.basic` gives as the default resolver does; that
            // one compiles seven regular expressions at first use, a tenth of a metadata-only label (decision 0030).
            root = try Yams.compose(yaml: text, .basic, Constructor([:], [:], [:]), .utf8)
        } catch {
            throw SigilError.malformed(
                "the YAML front matter", at: offset, "does not parse: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let root else {
            (entries, isBlockMapping) = ([], true)
            return
        }
        var budget = Self.maximumNodes
        guard Self.count(root, budget: &budget) else {
            throw SigilError(
                .tooLarge,
                "the YAML front matter at offset \(offset) expands to more than \(Self.maximumNodes) nodes through its aliases (a \"billion laughs\" document); Sigil refuses it",
                offset: offset)
        }
        guard let mapping = root.mapping else {
            throw SigilError.malformed("the YAML front matter", at: offset, "is not a mapping of keys to values")
        }
        isBlockMapping = mapping.style != .flow
        let lineCount = lineStarts.count - 1
        let keyLines = mapping.map { ($0.key.mark?.line ?? 1) - 1 }
        entries = mapping.enumerated().map { index, pair in
            let first = keyLines[index]
            let next = index + 1 < keyLines.count ? keyLines[index + 1] : lineCount
            return Entry(key: pair.key.string ?? "", value: pair.value, lines: first..<max(first + 1, next))
        }
    }

    /// The deepest nesting Sigil parses: Yams composes recursively, so "[[[[…" must not reach it.
    static let maximumDepth = 256

    /// ``maximumDepth`` when `content` nests flow collections or indents deeper than it (counted without regard to
    /// quotes, so a strange but harmless file may be refused; never a deep one accepted), else nil.
    static func nestingBeyondLimit(_ content: [UInt8]) -> Int? {
        var depth = 0
        var indent = 0
        var atLineStart = true
        for b in content {
            switch b {
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
            if b == 0x0A || b == 0x0D {
                (atLineStart, indent) = (true, 0)
            } else if atLineStart, b == 0x20 {
                indent += 1
            } else {
                atLineStart = false
            }
            if depth > maximumDepth || indent > 4 * maximumDepth { return maximumDepth }
        }
        return nil
    }

    /// Counts `node` and its descendants against `budget`; false once it runs out.
    private static func count(_ node: Node, budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .mapping(let mapping):
            for pair in mapping {
                guard count(pair.key, budget: &budget), count(pair.value, budget: &budget) else { return false }
            }
        case .sequence(let sequence):
            for item in sequence {
                guard count(item, budget: &budget) else { return false }
            }
        case .scalar, .alias:
            break
        }
        return true
    }

    /// Line starts as libyaml counts lines (LF, CR LF, a lone CR, NEL, LS, PS), with `content.count` appended.
    static func lineStarts(_ content: [UInt8]) -> [Int] {
        var starts = [0]
        var i = 0
        while i < content.count {
            let b = content[i]
            var breakLength = 0
            if b == 0x0A {
                breakLength = 1
            } else if b == 0x0D {
                breakLength = i + 1 < content.count && content[i + 1] == 0x0A ? 2 : 1
            } else if b == 0xC2, i + 1 < content.count, content[i + 1] == 0x85 {
                breakLength = 2
            } else if b == 0xE2, i + 2 < content.count, content[i + 1] == 0x80, content[i + 2] == 0xA8 || content[i + 2] == 0xA9 {
                breakLength = 3
            }
            if breakLength > 0 {
                i += breakLength
                if i < content.count { starts.append(i) }
            } else {
                i += 1
            }
        }
        starts.append(content.count)
        return starts
    }

    /// The byte range of `lines` in ``content``.
    func range(of lines: Range<Int>) -> Range<Int> {
        lineStarts[min(lines.lowerBound, lineStarts.count - 1)]..<lineStarts[min(lines.upperBound, lineStarts.count - 1)]
    }

    /// The lines an entry's edit replaces: its own, without the blank and comment lines at the end (they may
    /// introduce the next key).
    func editableLines(of entry: Entry) -> Range<Int> {
        var upper = entry.lines.upperBound
        while upper > entry.lines.lowerBound + 1 {
            let line = content[range(of: (upper - 1)..<upper)]
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 }
            guard trimmed.isEmpty || trimmed.first == 0x0A || trimmed.first == 0x0D || line.first == 0x23 else { break }
            upper -= 1
        }
        return entry.lines.lowerBound..<upper
    }

    /// The `AIGC` entries.
    var labelEntries: [Entry] { entries.filter { $0.key == "AIGC" } }

    /// The carrier for one `AIGC` entry: a mapping becomes its JSON object, a string its text (the JSON inside).
    func carrier(_ entry: Entry) -> LabelCarrier {
        let text: String
        switch entry.value {
        case .mapping(let mapping):
            text = AnnexEFields.json(mapping.map { pair in (pair.key.string ?? "", pair.value.scalar?.string) })
        case .scalar(let scalar):
            text = scalar.string
        case .sequence, .alias:
            text = String(decoding: content[range(of: entry.lines)], as: UTF8.self)
        }
        let bytes = range(of: entry.lines)
        return LabelCarrier(
            kind: .frontMatter, location: "Markdown YAML front matter AIGC (line \(entry.lines.lowerBound + 2))", offset: offset + bytes.lowerBound,
            length: bytes.count, keyed: true, standard: true, payload: .text(text))
    }

    /// The block `AIGC:` with one single-quoted member per line, indented two spaces.
    static func block(_ fields: [(key: String, value: String)], lineBreak: [UInt8]) -> [UInt8] {
        var out = Array("AIGC:".utf8) + lineBreak
        for field in fields {
            out += Array("  \(field.key): '\(field.value.replacingOccurrences(of: "'", with: "''"))'".utf8) + lineBreak
        }
        return out
    }

    /// The content with exactly one `AIGC` entry holding `fields`: the first existing entry replaced in place, the
    /// others removed, or a new entry appended. Checked by parsing it again: the other keys must be unchanged.
    ///
    /// - Throws: ``SigilError`` when the top level is a flow mapping or the edit would change another key.
    func labeled(with fields: [(key: String, value: String)], lineBreak: [UInt8]) throws -> [UInt8] {
        guard isBlockMapping else {
            throw SigilError(
                .unsupportedFormat, "the YAML front matter at offset \(offset) is one flow mapping ({…}); Sigil edits block mappings only")
        }
        let block = Self.block(fields, lineBreak: lineBreak)
        var plan = EditPlan(sourceLength: content.count)
        let existing = labelEntries
        if existing.isEmpty {
            let needsBreak = content.last.map { $0 != 0x0A && $0 != 0x0D } ?? false
            plan.insert((needsBreak ? lineBreak : []) + block, at: content.count)
        } else {
            for (index, entry) in existing.enumerated() {
                plan.replace(range(of: editableLines(of: entry)), with: index == 0 ? block : [])
            }
        }
        let edited = plan.apply(to: content)
        let check = try YAMLFrontMatter(edited, offset: offset)
        let others = { (entries: [Entry]) in entries.filter { $0.key != "AIGC" }.map { ($0.key, $0.value) } }
        let labels = check.labelEntries
        guard labels.count == 1, others(check.entries).elementsEqual(others(entries), by: { $0.0 == $1.0 && $0.1 == $1.1 }),
            case .mapping(let written) = labels[0].value,
            written.map({ $0.value.string ?? "" }) == fields.map(\.value)
        else {
            throw SigilError.malformed("the YAML front matter", at: offset, "cannot take the AIGC entry without changing its other keys")
        }
        return edited
    }
}
