/// Finds AIGC labels in one XMP packet: the `TC260:AIGC` property in element or attribute form (any prefix),
/// and loose Annex E properties on `rdf:Description` (AigcTotal's accepted variant).
enum XMPLabelReader {
    /// The TC260 namespace of PG-20259A.
    static let tc260Namespace = "http://www.tc260.org.cn/ns/AIGC/1.0/"

    /// Annex E keys that mark loose properties as a label.
    static let coreKeys: Set<String> = ["Label", "ContentProducer", "ProduceID"]
    static let annexEKeys: Set<String> = Set(AIGCLabel.Key.allCases.map(\.rawValue))

    /// Scans `packet`, whose first byte sits at `baseOffset` in the file.
    ///
    /// - Parameters:
    ///   - site: the structure holding the packet, e.g. `JPEG APP1[0] XMP`.
    ///   - standard: whether that structure is a PG-20259A XMP site.
    static func scan(packet: [UInt8], baseOffset: Int, site: String, standard: Bool, into scan: inout ContainerScan) {
        let doc = XMPDocument(packet)
        if doc.isMalformed {
            let detail = doc.problems.prefix(3).joined(separator: "; ")
            scan.findings.append(
                Finding(
                    .xmpMalformed, .error, "the XMP packet in \(site) does not parse: \(detail)", location: site, offset: baseOffset))
        }
        for index in doc.elements.indices {
            let element = doc.elements[index]
            // Element form: <prefix:AIGC>…</prefix:AIGC>.
            if element.local == "AIGC" {
                readElementProperty(doc, index, baseOffset: baseOffset, site: site, standard: standard, into: &scan)
            }
            // Attribute form: prefix:AIGC="…" on any element.
            for attribute in element.attributes where attribute.local == "AIGC" {
                let uri = doc.namespaceURI(ofAttribute: attribute, on: index)
                let location = "\(site) \(attribute.name) (attribute)"
                let value = doc.value(of: attribute)
                checkNamespace(uri: uri, name: attribute.name, location: location, offset: baseOffset + attribute.valueRange.lowerBound, into: &scan)
                if value.allSatisfy({ $0.isWhitespace }) {
                    scan.findings.append(
                        Finding(
                            .emptyLabel, .error, "the XMP property \(attribute.name) in \(site) is empty", location: location,
                            offset: baseOffset + attribute.valueRange.lowerBound))
                    continue
                }
                scan.carriers.append(
                    LabelCarrier(
                        kind: .xmpAttribute, location: location, offset: baseOffset + attribute.valueRange.lowerBound,
                        length: attribute.valueRange.count, keyed: true, standard: standard, namespaceURI: uri, payload: .text(value)))
            }
            // Loose Annex E properties on rdf:Description.
            if doc.isRDF(index, "Description") {
                readLooseProperties(doc, index, baseOffset: baseOffset, site: site, into: &scan)
            }
        }
    }

    private static func readElementProperty(
        _ doc: XMPDocument, _ index: Int, baseOffset: Int, site: String, standard: Bool, into scan: inout ContainerScan
    ) {
        let element = doc.elements[index]
        let uri = doc.namespaceURI(ofElement: index)
        let offset = baseOffset + (doc.contentRange(of: index)?.lowerBound ?? element.tagStart)
        let length = doc.contentRange(of: index)?.count ?? 0
        // A structured value (<TC260:AIGC rdf:parseType="Resource"><TC260:Label>…) carries loose properties.
        let children = doc.children(of: index)
        if !children.isEmpty {
            var props: [LabelCarrier.Property] = []
            for child in children where annexEKeys.contains(doc.elements[child].local) {
                props.append(.init(key: doc.elements[child].local, value: doc.text(of: child) ?? ""))
            }
            if !props.isEmpty {
                let location = "\(site) \(element.name) (structure)"
                checkNamespace(uri: uri, name: element.name, location: location, offset: offset, into: &scan)
                scan.carriers.append(
                    LabelCarrier(
                        kind: .xmpProperties, location: location, offset: offset, length: length, keyed: true, standard: false,
                        namespaceURI: uri, payload: .properties(props)))
                return
            }
        }
        let location = "\(site) \(element.name) (element)"
        checkNamespace(uri: uri, name: element.name, location: location, offset: offset, into: &scan)
        guard let text = doc.text(of: index) else { return } // never closed: reported as malformed
        if text.allSatisfy({ $0.isWhitespace }) {
            scan.findings.append(
                Finding(.emptyLabel, .error, "the XMP property \(element.name) in \(site) is empty", location: location, offset: offset))
            return
        }
        scan.carriers.append(
            LabelCarrier(
                kind: .xmpElement, location: location, offset: offset, length: length, keyed: true, standard: standard,
                namespaceURI: uri, payload: .text(text)))
    }

    private static func readLooseProperties(_ doc: XMPDocument, _ index: Int, baseOffset: Int, site: String, into scan: inout ContainerScan) {
        var props: [LabelCarrier.Property] = []
        var firstOffset: Int?
        var lastEnd = 0
        func accepts(prefix: String?, uri: String?) -> Bool { prefix == nil || uri == tc260Namespace }
        for attribute in doc.elements[index].attributes where annexEKeys.contains(attribute.local) {
            guard accepts(prefix: attribute.prefix, uri: doc.namespaceURI(ofAttribute: attribute, on: index)) else { continue }
            props.append(.init(key: attribute.local, value: doc.value(of: attribute)))
            firstOffset = firstOffset ?? attribute.valueRange.lowerBound
            lastEnd = max(lastEnd, attribute.valueRange.upperBound)
        }
        for child in doc.children(of: index) where annexEKeys.contains(doc.elements[child].local) {
            let element = doc.elements[child]
            guard accepts(prefix: element.prefix, uri: doc.namespaceURI(ofElement: child)) else { continue }
            props.append(.init(key: element.local, value: doc.text(of: child) ?? ""))
            firstOffset = firstOffset ?? element.tagStart
            lastEnd = max(lastEnd, element.end ?? element.startTagEnd)
        }
        guard let start = firstOffset, props.contains(where: { coreKeys.contains($0.key) }) else { return }
        scan.carriers.append(
            LabelCarrier(
                kind: .xmpProperties, location: "\(site) rdf:Description Annex E properties", offset: baseOffset + start,
                length: max(lastEnd - start, 0), keyed: false, standard: false, namespaceURI: nil, payload: .properties(props)))
    }

    private static func checkNamespace(uri: String?, name: String, location: String, offset: Int, into scan: inout ContainerScan) {
        guard uri != tc260Namespace else { return }
        let bound = uri.map { "is bound to \($0)" } ?? "has no namespace binding"
        scan.findings.append(
            Finding(
                .wrongNamespace, .warning,
                "the XMP property \(name) \(bound); PG-20259A uses \(tc260Namespace)", location: location, offset: offset))
    }

    /// The value of the first property `namespaceURI`/`name` (element or attribute) in a packet.
    static func property(namespaceURI: String, name: String, in packet: [UInt8]) -> String? {
        let doc = XMPDocument(packet)
        for index in doc.elements.indices {
            let element = doc.elements[index]
            if element.local == name, doc.namespaceURI(ofElement: index) == namespaceURI, let text = doc.text(of: index) {
                return text
            }
            for attribute in element.attributes where attribute.local == name {
                if doc.namespaceURI(ofAttribute: attribute, on: index) == namespaceURI { return doc.value(of: attribute) }
            }
        }
        return nil
    }
}
