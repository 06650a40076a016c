/// A tolerant XML scanner for XMP packets: no XML library, no DTDs, no exceptions on bad input.
///
/// It records every element with the byte ranges of its start tag, attributes and content, so readers can
/// pull values out and the writer can splice new values in place. Problems (unterminated tags, stray end
/// tags, unclosed elements) are collected in ``problems`` rather than thrown: real packets in the wild are
/// often slightly broken (Doubao writes `<?xpacket begin="" id="…"??>`) and must still be read.
struct XMPDocument {
    static let rdfNamespace = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

    struct Attribute {
        var name: String
        var prefix: String?
        var local: String
        /// The value between the quotes (raw, entities not resolved).
        var valueRange: Range<Int>
        var quote: UInt8
    }

    struct Element {
        var name: String
        var prefix: String?
        var local: String
        /// Offset of the `<` that opens the start tag.
        var tagStart: Int
        /// Offset of the `/` or `>` that closes the start tag (where attributes can be inserted).
        var attributesEnd: Int
        /// Offset just past the start tag's `>`.
        var startTagEnd: Int
        var selfClosing: Bool
        /// Offset of the `<` of the end tag, once seen.
        var contentEnd: Int?
        /// Offset just past the end tag.
        var end: Int?
        var attributes: [Attribute]
        /// `xmlns` declarations on this element; a nil prefix is the default namespace.
        var namespaces: [(prefix: String?, uri: String)]
        var parent: Int?
        /// Direct children, in document order.
        var children: [Int] = []
    }

    /// Deepest element nesting accepted; XMP needs a handful of levels, hostile input could need millions.
    static let maximumDepth = 256

    let bytes: [UInt8]
    private(set) var elements: [Element] = []
    /// What is wrong with the packet, each message naming the offset within the packet.
    private(set) var problems: [String] = []
    /// The first binding of each prefix anywhere in the packet, for prefixes used outside their scope.
    private(set) var globalNamespaces: [String: String] = [:]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        parse()
        if elements.isEmpty && problems.isEmpty { problems.append("the packet contains no XML element") }
    }

    var isMalformed: Bool { !problems.isEmpty }

    // MARK: Queries

    /// The namespace URI bound to `prefix` in scope at `element` (falling back to any binding in the packet).
    func namespaceURI(for prefix: String?, at element: Int) -> String? {
        var current: Int? = element
        var guardCount = 0
        while let index = current, guardCount <= elements.count {
            for ns in elements[index].namespaces where ns.prefix == prefix { return ns.uri }
            current = elements[index].parent
            guardCount += 1
        }
        if prefix == "xml" { return "http://www.w3.org/XML/1998/namespace" }
        guard let prefix else { return nil }
        return globalNamespaces[prefix]
    }

    /// The namespace URI of an element's own name.
    func namespaceURI(ofElement index: Int) -> String? { namespaceURI(for: elements[index].prefix, at: index) }

    /// The namespace URI of an attribute (un-prefixed attributes have none).
    func namespaceURI(ofAttribute attribute: Attribute, on index: Int) -> String? {
        guard let prefix = attribute.prefix else { return nil }
        return namespaceURI(for: prefix, at: index)
    }

    /// Whether `index` is an `rdf:` element named `local`.
    func isRDF(_ index: Int, _ local: String) -> Bool {
        let e = elements[index]
        guard e.local == local else { return false }
        if let uri = namespaceURI(ofElement: index) { return uri == Self.rdfNamespace }
        return e.prefix == "rdf"
    }

    /// The raw content range of an element (between its tags), when it has one.
    func contentRange(of index: Int) -> Range<Int>? {
        let e = elements[index]
        guard !e.selfClosing, let end = e.contentEnd, end >= e.startTagEnd else { return nil }
        return e.startTagEnd..<end
    }

    /// The text content of an element with entities resolved and CDATA unwrapped; nested tags are dropped.
    func text(of index: Int) -> String? {
        guard let range = contentRange(of: index) else { return elements[index].selfClosing ? "" : nil }
        return Self.text(in: bytes, range: range)
    }

    /// Decoded text of `bytes[range]`, skipping tags, comments and PIs, unwrapping CDATA.
    static func text(in bytes: [UInt8], range: Range<Int>) -> String {
        if bytes.firstIndex(of: [UInt8(ascii: "<")], in: range) == nil { return XMLText.decode(bytes[range]) }
        var out = ""
        var i = range.lowerBound
        var runStart = i
        while i < range.upperBound {
            guard bytes[i] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            out += XMLText.decode(bytes[runStart..<i])
            if bytes.matches(ascii: "<![CDATA[", at: i) {
                let close = bytes.firstIndex(of: Array("]]>".utf8), in: (i + 9)..<range.upperBound) ?? range.upperBound
                out += String(decoding: bytes[(i + 9)..<close], as: UTF8.self)
                i = min(close + 3, range.upperBound)
            } else {
                let close = bytes.firstIndex(of: [UInt8(ascii: ">")], in: i..<range.upperBound) ?? (range.upperBound - 1)
                i = close + 1
            }
            runStart = i
        }
        if runStart < range.upperBound { out += XMLText.decode(bytes[runStart..<range.upperBound]) }
        return out
    }

    /// The decoded value of an attribute.
    func value(of attribute: Attribute) -> String { XMLText.decode(bytes[attribute.valueRange]) }

    /// Direct children of `index`, in document order.
    func children(of index: Int) -> [Int] { elements[index].children }

    // MARK: Parsing

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private static func isNameEnd(_ b: UInt8) -> Bool {
        isSpace(b) || b == UInt8(ascii: "/") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=") || b == UInt8(ascii: "<")
            || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'")
    }

    private static func split(_ name: String) -> (String?, String) {
        if let colon = name.firstIndex(of: ":") {
            return (String(name[..<colon]), String(name[name.index(after: colon)...]))
        }
        return (nil, name)
    }

    private mutating func parse() {
        var stack: [Int] = []
        var i = 0
        let n = bytes.count
        // Every iteration advances `i` by at least one byte.
        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else {
                if let next = bytes.firstIndex(of: [UInt8(ascii: "<")], in: i..<n) { i = next } else { break }
                continue
            }
            if bytes.matches(ascii: "<?", at: i) {
                guard let close = bytes.firstIndex(of: Array("?>".utf8), in: (i + 2)..<n) else {
                    problems.append("processing instruction at offset \(i) is never closed")
                    break
                }
                i = close + 2
            } else if bytes.matches(ascii: "<!--", at: i) {
                guard let close = bytes.firstIndex(of: Array("-->".utf8), in: (i + 4)..<n) else {
                    problems.append("comment at offset \(i) is never closed")
                    break
                }
                i = close + 3
            } else if bytes.matches(ascii: "<![CDATA[", at: i) {
                guard let close = bytes.firstIndex(of: Array("]]>".utf8), in: (i + 9)..<n) else {
                    problems.append("CDATA section at offset \(i) is never closed")
                    break
                }
                i = close + 3
            } else if bytes.matches(ascii: "<!", at: i) {
                guard let close = bytes.firstIndex(of: [UInt8(ascii: ">")], in: (i + 2)..<n) else {
                    problems.append("declaration at offset \(i) is never closed")
                    break
                }
                i = close + 1
            } else if bytes.matches(ascii: "</", at: i) {
                i = parseEndTag(at: i, stack: &stack)
            } else {
                guard stack.count < Self.maximumDepth else {
                    problems.append("elements nest deeper than \(Self.maximumDepth) levels at offset \(i)")
                    break
                }
                i = parseStartTag(at: i, stack: &stack)
            }
        }
        for index in stack.reversed() {
            problems.append("element <\(elements[index].name)> at offset \(elements[index].tagStart) is never closed")
        }
    }

    private func readName(from start: Int) -> (String, Int) {
        var j = start
        while j < bytes.count && !Self.isNameEnd(bytes[j]) { j += 1 }
        return (String(decoding: bytes[start..<j], as: UTF8.self), j)
    }

    private func skipSpace(_ start: Int) -> Int {
        var j = start
        while j < bytes.count && Self.isSpace(bytes[j]) { j += 1 }
        return j
    }

    private mutating func parseEndTag(at start: Int, stack: inout [Int]) -> Int {
        let (name, afterName) = readName(from: start + 2)
        let j = skipSpace(afterName)
        var next = j + 1
        if j >= bytes.count || bytes[j] != UInt8(ascii: ">") {
            problems.append("end tag </\(name)> at offset \(start) is not closed by '>'")
            next = max(j, start + 2)
        }
        guard let depth = stack.lastIndex(where: { elements[$0].name == name }) else {
            problems.append("end tag </\(name)> at offset \(start) has no matching start tag")
            return next
        }
        if depth != stack.count - 1 {
            for index in stack[(depth + 1)...] {
                problems.append("element <\(elements[index].name)> at offset \(elements[index].tagStart) is closed by </\(name)> at offset \(start)")
            }
        }
        let index = stack[depth]
        elements[index].contentEnd = start
        elements[index].end = min(next, bytes.count)
        stack.removeSubrange(depth...)
        return next
    }

    private mutating func parseStartTag(at start: Int, stack: inout [Int]) -> Int {
        let (name, afterName) = readName(from: start + 1)
        guard !name.isEmpty else {
            problems.append("'<' at offset \(start) does not start a tag")
            return start + 1
        }
        var attributes: [Attribute] = []
        var namespaces: [(prefix: String?, uri: String)] = []
        var j = afterName
        var selfClosing = false
        var closed = false
        var attributesEnd = j
        while j < bytes.count {
            j = skipSpace(j)
            guard j < bytes.count else { break }
            let b = bytes[j]
            if b == UInt8(ascii: ">") {
                attributesEnd = j
                j += 1
                closed = true
                break
            }
            if b == UInt8(ascii: "/") {
                if j + 1 < bytes.count && bytes[j + 1] == UInt8(ascii: ">") {
                    attributesEnd = j
                    j += 2
                    closed = true
                    selfClosing = true
                    break
                }
                problems.append("stray '/' in tag <\(name)> at offset \(j)")
                j += 1
                continue
            }
            if b == UInt8(ascii: "<") {
                problems.append("tag <\(name)> at offset \(start) is interrupted by '<' at offset \(j)")
                attributesEnd = j
                break
            }
            let (attrName, afterAttr) = readName(from: j)
            if attrName.isEmpty {
                problems.append("unexpected character in tag <\(name)> at offset \(j)")
                j += 1
                continue
            }
            var k = skipSpace(afterAttr)
            guard k < bytes.count, bytes[k] == UInt8(ascii: "=") else {
                problems.append("attribute \(attrName) in tag <\(name)> at offset \(j) has no value")
                j = max(k, j + 1)
                continue
            }
            k = skipSpace(k + 1)
            guard k < bytes.count else {
                j = k
                break
            }
            let quote = bytes[k]
            let valueRange: Range<Int>
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                guard let close = bytes.firstIndex(of: [quote], in: (k + 1)..<bytes.count) else {
                    problems.append("attribute \(attrName) at offset \(j) has an unterminated value")
                    j = bytes.count
                    break
                }
                valueRange = (k + 1)..<close
                j = close + 1
            } else {
                problems.append("attribute \(attrName) at offset \(j) has an unquoted value")
                var e = k
                while e < bytes.count && !Self.isSpace(bytes[e]) && bytes[e] != UInt8(ascii: ">") { e += 1 }
                valueRange = k..<e
                j = e
            }
            let (prefix, local) = Self.split(attrName)
            if attrName == "xmlns" {
                namespaces.append((nil, XMLText.decode(bytes[valueRange])))
            } else if prefix == "xmlns" {
                let uri = XMLText.decode(bytes[valueRange])
                namespaces.append((local, uri))
                if globalNamespaces[local] == nil { globalNamespaces[local] = uri }
            } else {
                attributes.append(Attribute(name: attrName, prefix: prefix, local: local, valueRange: valueRange, quote: quote))
            }
        }
        if !closed {
            if j >= bytes.count { problems.append("tag <\(name)> at offset \(start) is never closed") }
            attributesEnd = min(max(attributesEnd, afterName), bytes.count)
        }
        let (prefix, local) = Self.split(name)
        let index = elements.count
        let parent = stack.last
        elements.append(
            Element(
                name: name, prefix: prefix, local: local, tagStart: start, attributesEnd: attributesEnd,
                startTagEnd: closed ? j : attributesEnd, selfClosing: selfClosing, contentEnd: selfClosing ? nil : nil,
                end: selfClosing ? j : nil, attributes: attributes, namespaces: namespaces, parent: parent))
        if let parent { elements[parent].children.append(index) }
        if closed && !selfClosing { stack.append(index) }
        if !closed && j < bytes.count {
            // Interrupted by '<': treat the element as open so its content is still read.
            stack.append(index)
        }
        return max(j, start + 1)
    }
}
