/// Edits XMP packets for ``LabelWriter``: replaces property values in place, or adds properties to the first
/// `rdf:Description`, or builds a new packet. Everything else in the packet is kept byte for byte.
enum XMPEditor {
    /// One property to set.
    struct Assignment {
        var namespaceURI: String
        var preferredPrefix: String
        var name: String
        var value: String
        /// Match an existing property by local name alone, whatever its namespace (used for `AIGC`).
        var matchAnyNamespace: Bool
        /// Add the property when the packet lacks it (false: only update an existing value).
        var addIfMissing = true
    }

    /// Sets `assignments` in `packet` and returns the new packet.
    ///
    /// - Throws: `.malformed` when the packet does not parse, or has neither an AIGC property nor an `rdf:RDF` to
    ///   add one to.
    static func apply(_ assignments: [Assignment], to packet: [UInt8], site: String, offset: Int) throws -> [UInt8] {
        let doc = XMPDocument(packet)
        // Splicing needs a trustworthy map of the packet; a broken one could swallow the value.
        if doc.isMalformed {
            throw SigilError(
                .malformed,
                "the XMP packet in \(site) at offset \(offset) does not parse (\(doc.problems.prefix(2).joined(separator: "; "))); Sigil does not edit a broken packet",
                offset: offset)
        }
        var edits: [(range: Range<Int>, bytes: [UInt8])] = []
        var missing: [Assignment] = []

        for assignment in assignments {
            var found = false
            for index in doc.elements.indices {
                let element = doc.elements[index]
                if element.local == assignment.name,
                    assignment.matchAnyNamespace || doc.namespaceURI(ofElement: index) == assignment.namespaceURI,
                    let target = try valueElement(of: index, doc, site: site, offset: offset)
                {
                    let escaped = Array(XMLText.escapeContent(assignment.value).utf8)
                    if let range = doc.contentRange(of: target) {
                        edits.append((range, escaped))
                        found = true
                    } else if doc.elements[target].selfClosing {
                        // <p:AIGC/> → <p:AIGC>value</p:AIGC>
                        let leaf = doc.elements[target]
                        edits.append((leaf.attributesEnd..<leaf.startTagEnd, Array(">".utf8) + escaped + Array("</\(leaf.name)>".utf8)))
                        found = true
                    }
                }
                for attribute in element.attributes where attribute.local == assignment.name {
                    let uri = doc.namespaceURI(ofAttribute: attribute, on: index)
                    guard assignment.matchAnyNamespace || uri == assignment.namespaceURI else { continue }
                    edits.append((attribute.valueRange, Array(XMLText.escapeAttribute(assignment.value, quote: attribute.quote).utf8)))
                    found = true
                }
            }
            if !found && assignment.addIfMissing { missing.append(assignment) }
        }

        if !missing.isEmpty {
            if let description = doc.elements.indices.first(where: { doc.isRDF($0, "Description") }) {
                edits.append(insertion(of: missing, into: description, doc))
            } else if let rdf = doc.elements.indices.first(where: { doc.isRDF($0, "RDF") }), !doc.elements[rdf].selfClosing {
                let prefixes = choosePrefixes(for: missing, at: rdf, doc)
                var text = "<rdf:Description rdf:about=\"\""
                for (assignment, prefix) in zip(missing, prefixes) where prefix.declare {
                    text += " xmlns:\(prefix.name)=\"\(XMLText.escapeAttribute(assignment.namespaceURI))\""
                }
                text += ">"
                for (assignment, prefix) in zip(missing, prefixes) {
                    text += "<\(prefix.name):\(assignment.name)>\(XMLText.escapeContent(assignment.value))</\(prefix.name):\(assignment.name)>"
                }
                text += "</rdf:Description>"
                let at = doc.elements[rdf].startTagEnd
                edits.append((at..<at, Array(text.utf8)))
            } else {
                throw SigilError(
                    .malformed, "the XMP packet in \(site) at offset \(offset) has no rdf:RDF element to add the label to", offset: offset)
            }
        }
        return absorbIntoPadding(applyEdits(edits, to: packet), originalCount: packet.count)
    }

    /// A new packet holding `assignments`.
    static func newPacket(_ assignments: [Assignment]) -> [UInt8] {
        var declared: [String: String] = [:]
        var decls = ""
        var body = ""
        for assignment in assignments {
            var prefix = assignment.preferredPrefix
            var n = 1
            while let bound = declared[prefix], bound != assignment.namespaceURI, n < 100 {
                prefix = assignment.preferredPrefix + String(n)
                n += 1
            }
            if declared[prefix] == nil {
                declared[prefix] = assignment.namespaceURI
                decls += "\n    xmlns:\(prefix)=\"\(XMLText.escapeAttribute(assignment.namespaceURI))\""
            }
            body += "\n   <\(prefix):\(assignment.name)>\(XMLText.escapeContent(assignment.value))</\(prefix):\(assignment.name)>"
        }
        let text = """
            <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
             <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
              <rdf:Description rdf:about=""\(decls)>\(body)
              </rdf:Description>
             </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """
        return Array(text.utf8)
    }

    // MARK: Helpers

    /// The element whose text is the property's value: the property itself, or for a language alternative
    /// (`<p:AIGC><rdf:Alt><rdf:li>…`) its first leaf. Nil for a structure of Annex E fields, which has no single value.
    ///
    /// - Throws: `.malformed` when the property holds other elements (an `rdf:Description` inside its text, say): a
    ///   value written there would not be the one a reader finds, so Sigil refuses rather than write a label that
    ///   does not read back.
    private static func valueElement(of index: Int, _ doc: XMPDocument, site: String, offset: Int) throws -> Int? {
        var target = index
        var depth = 0
        while let first = doc.children(of: target).first, depth < 4 {
            if doc.children(of: target).contains(where: { XMPLabelReader.annexEKeys.contains(doc.elements[$0].local) }) { return nil }
            // A structure written as <p:AIGC><rdf:Description><p:Label>…: its fields, no single value.
            if doc.isRDF(first, "Description"),
                doc.children(of: first).contains(where: { XMPLabelReader.annexEKeys.contains(doc.elements[$0].local) })
            {
                return nil
            }
            guard ["Alt", "Bag", "Seq", "li"].contains(where: { doc.isRDF(first, $0) }) else {
                throw SigilError(
                    .malformed,
                    "the XMP packet in \(site) at offset \(offset) has an \(doc.elements[index].name) property holding a <\(doc.elements[first].name)> element, not a value; Sigil does not replace a label it cannot read",
                    offset: offset)
            }
            target = first
            depth += 1
        }
        return doc.children(of: target).isEmpty ? target : nil
    }

    private struct PrefixChoice {
        var name: String
        var declare: Bool
    }

    private static func choosePrefixes(for assignments: [Assignment], at index: Int, _ doc: XMPDocument) -> [PrefixChoice] {
        var chosen: [String: String] = [:]
        var result: [PrefixChoice] = []
        for assignment in assignments {
            // An existing binding to the same URI in scope is reused.
            if let existing = boundPrefix(for: assignment.namespaceURI, at: index, doc) {
                result.append(PrefixChoice(name: existing, declare: false))
                continue
            }
            if let same = chosen.first(where: { $0.value == assignment.namespaceURI }) {
                result.append(PrefixChoice(name: same.key, declare: false))
                continue
            }
            var prefix = assignment.preferredPrefix
            var n = 1
            while n < 100, chosen[prefix] != nil || doc.namespaceURI(for: prefix, at: index) != nil {
                prefix = assignment.preferredPrefix + String(n)
                n += 1
            }
            chosen[prefix] = assignment.namespaceURI
            result.append(PrefixChoice(name: prefix, declare: true))
        }
        return result
    }

    private static func boundPrefix(for uri: String, at index: Int, _ doc: XMPDocument) -> String? {
        var current: Int? = index
        var steps = 0
        while let i = current, steps <= doc.elements.count {
            for ns in doc.elements[i].namespaces where ns.uri == uri {
                if let prefix = ns.prefix, doc.namespaceURI(for: prefix, at: index) == uri { return prefix }
            }
            current = doc.elements[i].parent
            steps += 1
        }
        return nil
    }

    private static func insertion(of assignments: [Assignment], into description: Int, _ doc: XMPDocument) -> (range: Range<Int>, bytes: [UInt8]) {
        let element = doc.elements[description]
        let prefixes = choosePrefixes(for: assignments, at: description, doc)
        var text = ""
        for (assignment, prefix) in zip(assignments, prefixes) where prefix.declare {
            text += " xmlns:\(prefix.name)=\"\(XMLText.escapeAttribute(assignment.namespaceURI))\""
        }
        text += ">"
        for (assignment, prefix) in zip(assignments, prefixes) {
            text += "<\(prefix.name):\(assignment.name)>\(XMLText.escapeContent(assignment.value))</\(prefix.name):\(assignment.name)>"
        }
        if element.selfClosing { text += "</\(element.name)>" }
        // Replace the start tag's closing "/>" or ">" (from attributesEnd to startTagEnd).
        return (element.attributesEnd..<element.startTagEnd, Array(text.utf8))
    }

    private static func applyEdits(_ edits: [(range: Range<Int>, bytes: [UInt8])], to packet: [UInt8]) -> [UInt8] {
        // Apply from the end so earlier ranges stay valid; drop any edit overlapping a later one.
        let sorted = edits.sorted { $0.range.lowerBound > $1.range.lowerBound }
        var out = packet
        var floor = Int.max
        for edit in sorted where edit.range.upperBound <= floor {
            out.replaceSubrange(edit.range, with: edit.bytes)
            floor = edit.range.lowerBound
        }
        return out
    }

    /// Keeps the packet's size when it has white-space padding before `<?xpacket end`, as XMP writers intend.
    private static func absorbIntoPadding(_ packet: [UInt8], originalCount: Int) -> [UInt8] {
        let delta = packet.count - originalCount
        guard delta != 0, let trailer = packet.firstIndex(of: Array("<?xpacket end".utf8)) else { return packet }
        var start = trailer
        while start > 0, packet[start - 1] == 0x20 || packet[start - 1] == 0x0A || packet[start - 1] == 0x0D || packet[start - 1] == 0x09 {
            start -= 1
        }
        let padding = trailer - start
        var out = packet
        if delta > 0 {
            // Keep at least one byte of white space, and only use real padding (not a single newline).
            guard padding > delta + 1 else { return packet }
            // Remove spaces, not line breaks, where possible.
            var toRemove = delta
            var i = trailer - 1
            while toRemove > 0 && i >= start {
                if out[i] == 0x20 {
                    out.remove(at: i)
                    toRemove -= 1
                }
                i -= 1
            }
            if toRemove > 0 { return packet }
            return out
        } else {
            guard padding >= 100 else { return packet }
            out.insert(contentsOf: [UInt8](repeating: 0x20, count: -delta), at: trailer - 1 >= start ? trailer - 1 : trailer)
            return out
        }
    }
}
