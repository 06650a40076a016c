extension XMPDocument {
    /// `packet` with every `AIGC` property (an element or an attribute, in any namespace) overwritten by spaces, so
    /// the packet keeps its length and nothing around it moves; nil when it has none. Used where
    /// XMP is not the format's label site and a second label must go (GB 45438 6.1 c).
    static func blankingLabels(_ packet: [UInt8]) -> [UInt8]? {
        // A slightly broken packet is still blanked: only the ranges the scanner matched are overwritten, with spaces.
        let doc = XMPDocument(packet)
        var out = packet
        var changed = false
        for element in doc.elements {
            if element.local.uppercased() == "AIGC", let end = element.end ?? (element.selfClosing ? element.startTagEnd : nil) {
                out.replaceSubrange(element.tagStart..<end, with: [UInt8](repeating: 0x20, count: end - element.tagStart))
                changed = true
                continue
            }
            for attribute in element.attributes where attribute.local.uppercased() == "AIGC" {
                let name = Array(attribute.name.utf8)
                let start = attribute.valueRange.lowerBound - 2 - name.count
                let end = attribute.valueRange.upperBound + 1
                guard start > element.tagStart, end <= packet.count, packet.matches(name, at: start) else { continue }
                out.replaceSubrange(start..<end, with: [UInt8](repeating: 0x20, count: end - start))
                changed = true
            }
        }
        return changed ? out : nil
    }
}
